// Reader of microbenchmark results files (schema of ../shared/data/microbench.csv), on libcsv.
#include <csv.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "tco/calibrate/calibrate.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/config/diagnostics.hpp"

namespace tco::calibrate {

namespace {

const std::vector<std::string>& required_columns() {
  static const std::vector<std::string> columns{"source",    "source_detail", "gpu",      "kernel",
                                                "dtype",     "shape_or_size", "achieved", "unit",
                                                "spec_peak", "notes"};
  return columns;
}

const std::vector<std::string>& optional_columns() {
  static const std::vector<std::string> columns{"gpu_id", "driver", "clocks"};
  return columns;
}

struct Record {
  std::vector<std::string> fields;
  int line = 0;
};

struct ParseState {
  std::vector<Record> records;
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
  state->records.push_back({std::move(state->current), state->line - state->newlines_in_fields});
  state->current.clear();
  state->newlines_in_fields = 0;
}

std::optional<double> parse_positive(const std::string& text) {
  double value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  const auto [last, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || last != end || !std::isfinite(value) || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

std::vector<MicrobenchRow> parse_microbench_csv(std::string_view text, const std::string& file) {
  std::vector<std::string> errors;
  auto error = [&](int line, const std::string& message) {
    errors.push_back(line > 0 ? fmt::format("{}:{}: error: {}\n", file, line, message)
                              : fmt::format("{}: error: {}\n", file, message));
  };

  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    throw config::InputError(fmt::format("{}: error: cannot initialise the CSV parser\n", file));
  }
  ParseState state;
  bool malformed = false;
  // Fed one line at a time, so a record ends on the line being fed.
  for (std::size_t position = 0; position < text.size() && !malformed; ++state.line) {
    std::size_t end = text.find('\n', position);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::size_t length = end - position;
    // libcsv's ROW_NOT_BEGUN is 0: no record is open before this line.
    if (parser.pstate == 0) state.open_record_line = state.line;
    if (csv_parse(&parser, text.data() + position, length, on_field, on_record, &state) != length) {
      error(state.line, fmt::format("malformed CSV ({})", csv_strerror(csv_error(&parser))));
      malformed = true;
    }
    position = end;
  }
  if (!malformed) {
    --state.line;  // the last line fed
    if (csv_fini(&parser, on_field, on_record, &state) != 0) {
      error(state.open_record_line,
            fmt::format("malformed CSV ({})", csv_strerror(csv_error(&parser))));
      malformed = true;
    }
  }
  csv_free(&parser);
  if (malformed) throw config::InputError(errors.front());
  if (state.records.empty()) throw config::InputError(fmt::format("{}: error: empty file\n", file));

  // Header: every required column once, optional ones at most once, nothing else.
  const Record& header = state.records.front();
  std::map<std::string, std::size_t> column;
  std::vector<std::string> known = required_columns();
  known.insert(known.end(), optional_columns().begin(), optional_columns().end());
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i];
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      error(header.line,
            fmt::format("unknown column '{}'{}", name, config::did_you_mean(name, known)));
    } else if (!column.emplace(name, i).second) {
      error(header.line, fmt::format("duplicate column '{}'", name));
    }
  }
  for (const auto& name : required_columns()) {
    if (column.find(name) == column.end())
      error(header.line, fmt::format("missing column '{}'", name));
  }
  if (!errors.empty()) {
    std::string all;
    for (const auto& line : errors) all += line;
    throw config::InputError(all);
  }

  std::vector<MicrobenchRow> rows;
  for (std::size_t r = 1; r < state.records.size(); ++r) {
    const Record& record = state.records[r];
    if (record.fields.size() != header.fields.size()) {
      error(record.line, fmt::format("expected {} fields as in the header, got {}",
                                     header.fields.size(), record.fields.size()));
      continue;
    }
    auto cell = [&](const std::string& name) -> std::string {
      const auto found = column.find(name);
      return found == column.end() ? std::string() : record.fields[found->second];
    };
    MicrobenchRow row;
    row.file = file;
    row.line = record.line;
    row.source = cell("source");
    row.source_detail = cell("source_detail");
    row.gpu = cell("gpu");
    row.kernel = cell("kernel");
    row.dtype = cell("dtype");
    row.shape_or_size = cell("shape_or_size");
    row.achieved_text = cell("achieved");
    row.unit = cell("unit");
    row.spec_peak = cell("spec_peak");
    row.notes = cell("notes");
    row.gpu_id = cell("gpu_id");
    row.driver = cell("driver");
    row.clocks = cell("clocks");
    bool ok = true;
    for (const char* name : {"source", "kernel", "unit"}) {
      if (cell(name).empty()) {
        error(record.line, fmt::format("{}: empty (required)", name));
        ok = false;
      }
    }
    if (row.gpu.empty() && row.gpu_id.empty()) {
      error(record.line, "gpu: empty (required unless gpu_id is given)");
      ok = false;
    }
    if (const auto value = parse_positive(row.achieved_text)) {
      row.achieved = *value;
    } else {
      error(record.line, fmt::format("achieved: '{}' is not a positive number", row.achieved_text));
      ok = false;
    }
    if (ok) rows.push_back(std::move(row));
  }
  if (!errors.empty()) {
    std::string all;
    for (const auto& line : errors) all += line;
    throw config::InputError(all);
  }
  return rows;
}

std::vector<MicrobenchRow> read_microbench_csv(const std::filesystem::path& path) {
  return parse_microbench_csv(catalog::read_text_file(path), path.string());
}

}  // namespace tco::calibrate
