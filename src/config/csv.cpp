#include "tco/config/csv.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <algorithm>

#include "tco/config/diagnostics.hpp"

namespace tco::config {

int CsvTable::column(const std::string& name) const {
  const auto found = std::find(header.begin(), header.end(), name);
  return found == header.end() ? -1 : static_cast<int>(found - header.begin());
}

namespace {

struct ParseState {
  std::vector<std::vector<std::string>> records;
  std::vector<int> record_lines;
  std::vector<std::string> current;
  int line = 1;            // line the parser has reached
  int record_start = 1;    // line the current record began on
};

void on_field(void* data, std::size_t size, void* state_pointer) {
  auto* state = static_cast<ParseState*>(state_pointer);
  const char* text = static_cast<const char*>(data);
  state->current.emplace_back(text == nullptr ? "" : std::string(text, size));
}

void on_record(int /*terminator*/, void* state_pointer) {
  auto* state = static_cast<ParseState*>(state_pointer);
  state->records.push_back(std::move(state->current));
  state->record_lines.push_back(state->record_start);
  state->current.clear();
}

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& file) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0) {
    throw InputError(fmt::format("{}: error: cannot initialise the CSV parser\n", file));
  }
  ParseState state;
  // Feed line by line so each record knows the line it starts on.
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::size_t records_before = state.records.size();
    const std::size_t parsed = csv_parse(&parser, text.data() + position, end - position,
                                         on_field, on_record, &state);
    if (parsed != end - position) {
      const std::string reason = csv_strerror(csv_error(&parser));
      csv_free(&parser);
      throw InputError(fmt::format("{}:{}: error: malformed CSV: {}\n", file, state.line, reason));
    }
    ++state.line;
    if (state.records.size() != records_before || state.current.empty()) {
      state.record_start = state.line;
    }
    position = end;
  }
  if (csv_fini(&parser, on_field, on_record, &state) != 0) {
    const std::string reason = csv_strerror(csv_error(&parser));
    csv_free(&parser);
    throw InputError(fmt::format("{}:{}: error: malformed CSV: {}\n", file, state.record_start,
                                 reason));
  }
  csv_free(&parser);
  CsvTable table;
  if (state.records.empty()) throw InputError(fmt::format("{}: error: empty CSV file\n", file));
  table.header = std::move(state.records.front());
  for (std::size_t i = 1; i < state.records.size(); ++i) {
    auto& record = state.records[i];
    if (record.size() == 1 && record.front().empty()) continue;  // blank line
    if (record.size() != table.header.size()) {
      throw InputError(fmt::format("{}:{}: error: expected {} cells, got {}\n", file,
                                   state.record_lines[i], table.header.size(), record.size()));
    }
    table.rows.push_back(std::move(record));
    table.lines.push_back(state.record_lines[i]);
  }
  return table;
}

}  // namespace tco::config
