// Reader of microbenchmark results files (schema of ../shared/data/microbench.csv), on libcsv.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "tco/calibrate/calibrate.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/config/csv.hpp"
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

/// Fails with every collected error, in order.
void throw_if_any(const std::vector<std::string>& errors) {
  if (errors.empty()) return;
  std::string all;
  for (const auto& line : errors) all += line;
  throw config::InputError(all);
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

  const config::CsvTable table = config::parse_csv(text, file);
  // Header: every required column once, optional ones at most once, nothing else.
  std::map<std::string, std::size_t> column;
  std::vector<std::string> known = required_columns();
  known.insert(known.end(), optional_columns().begin(), optional_columns().end());
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      error(table.header_line,
            fmt::format("unknown column '{}'{}", name, config::did_you_mean(name, known)));
    } else if (!column.emplace(name, i).second) {
      error(table.header_line, fmt::format("duplicate column '{}'", name));
    }
  }
  for (const auto& name : required_columns()) {
    if (column.find(name) == column.end())
      error(table.header_line, fmt::format("missing column '{}'", name));
  }
  throw_if_any(errors);

  std::vector<MicrobenchRow> rows;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& fields = table.rows[r];
    const int line = table.lines[r];
    if (fields.size() != table.header.size()) {
      error(line, fmt::format("expected {} fields as in the header, got {}",
                                     table.header.size(), fields.size()));
      continue;
    }
    auto cell = [&](const std::string& name) -> std::string {
      const auto found = column.find(name);
      return found == column.end() ? std::string() : fields[found->second];
    };
    MicrobenchRow row;
    row.file = file;
    row.line = line;
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
        error(line, fmt::format("{}: empty (required)", name));
        ok = false;
      }
    }
    if (row.gpu.empty() && row.gpu_id.empty()) {
      error(line, "gpu: empty (required unless gpu_id is given)");
      ok = false;
    }
    if (const auto value = parse_positive(row.achieved_text)) {
      row.achieved = *value;
    } else {
      error(line, fmt::format("achieved: '{}' is not a positive number", row.achieved_text));
      ok = false;
    }
    if (ok) rows.push_back(std::move(row));
  }
  throw_if_any(errors);
  return rows;
}

std::vector<MicrobenchRow> read_microbench_csv(const std::filesystem::path& path) {
  return parse_microbench_csv(catalog::read_text_file(path), path.string());
}

}  // namespace tco::calibrate
