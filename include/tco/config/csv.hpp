#pragma once
// CSV input (RFC 4180, via libcsv): rows of text cells with the line each record starts on, so
// row-level errors can name file:line.

#include <string>
#include <vector>

namespace tco::config {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  ///< 1-based line where each row starts

  /// Index of a header column, or -1.
  [[nodiscard]] int column(const std::string& name) const;
};

/// Parses CSV text; throws InputError("file:line: error: ...") on malformed input (unbalanced
/// quotes, a row with a different number of cells than the header).
[[nodiscard]] CsvTable parse_csv(const std::string& text, const std::string& file);

}  // namespace tco::config
