#pragma once
// CSV input (RFC 4180, via libcsv): records of text cells with the line each starts on, so
// row-level errors can name file:line. Callers check the cells; this only parses.

#include <string>
#include <string_view>
#include <vector>

namespace tco::config {

struct CsvTable {
  std::vector<std::string> header;
  int header_line = 1;
  std::vector<std::vector<std::string>> rows;  ///< may differ in length from the header
  std::vector<int> lines;                      ///< 1-based line where each row starts

  /// Index of a header column, or -1.
  [[nodiscard]] int column(const std::string& name) const;
};

/// Parses CSV text; throws InputError "file:line: error: malformed CSV (...)" on malformed
/// input and "file: error: empty file" when there is no header.
[[nodiscard]] CsvTable parse_csv(std::string_view text, const std::string& file);

}  // namespace tco::config
