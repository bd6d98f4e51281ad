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
  int newlines_in_fields = 0;  // of the current record
  int line = 1;                // line being fed to the parser
  int open_record_line = 1;    // line where a record still open at the end of input began
};

void on_field(void* data, std::size_t size, void* pointer) {
  auto* state = static_cast<ParseState*>(pointer);
  std::string text = data == nullptr ? std::string() : std::string(static_cast<char*>(data), size);
  state->newlines_in_fields += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  state->current.push_back(std::move(text));
}

void on_record(int /*terminator*/, void* pointer) {
  auto* state = static_cast<ParseState*>(pointer);
  // The record ends on the line being fed; quoted newlines inside it move its start up.
  state->records.push_back(std::move(state->current));
  state->record_lines.push_back(state->line - state->newlines_in_fields);
  state->current.clear();
  state->newlines_in_fields = 0;
}

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& file) {
  if (Diagnostics diagnostics; !check_utf8(text, file, diagnostics)) {
    diagnostics.add_source(file, std::string(text));
    throw InputError(diagnostics.format());
  }
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    throw InputError(fmt::format("{}: error: cannot initialise the CSV parser\n", file));
  }
  ParseState state;
  std::string failure;
  // Fed one line at a time, so a record ends on the line being fed.
  for (std::size_t position = 0; position < text.size() && failure.empty(); ++state.line) {
    std::size_t end = text.find('\n', position);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::size_t length = end - position;
    // libcsv's ROW_NOT_BEGUN is 0: no record is open before this line.
    if (parser.pstate == 0) state.open_record_line = state.line;
    if (csv_parse(&parser, text.data() + position, length, on_field, on_record, &state) != length) {
      failure = fmt::format("{}:{}: error: malformed CSV ({})\n", file, state.line,
                            csv_strerror(csv_error(&parser)));
    }
    position = end;
  }
  if (failure.empty()) {
    --state.line;  // the last line fed
    if (csv_fini(&parser, on_field, on_record, &state) != 0) {
      failure = fmt::format("{}:{}: error: malformed CSV ({})\n", file, state.open_record_line,
                            csv_strerror(csv_error(&parser)));
    }
  }
  csv_free(&parser);
  if (!failure.empty()) throw InputError(failure);
  if (state.records.empty()) throw InputError(fmt::format("{}: error: empty file\n", file));
  CsvTable table;
  table.header = std::move(state.records.front());
  table.header_line = state.record_lines.front();
  for (std::size_t i = 1; i < state.records.size(); ++i) {
    table.rows.push_back(std::move(state.records[i]));
    table.lines.push_back(state.record_lines[i]);
  }
  return table;
}

}  // namespace tco::config
