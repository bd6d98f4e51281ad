#pragma once
// Reporters: formatting only. Human output scales units (GiB, ms, k$); machine output keeps SI
// numbers with the unit in the key or column name.

#include <filesystem>
#include <string>

#include "tco/catalog/catalog.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::report {

enum class OutputFormat { kTable, kJson, kCsv };

/// wide: one row per option; long: option, year, metric, unit, value (for pivot tables).
enum class CsvLayout { kWide, kLong };

/// `colour`: ANSI emphasis in the table format (the CLI sets it only for a terminal without
/// NO_COLOR); machine formats ignore it.
[[nodiscard]] std::string render_evaluation(const plan::Evaluation& evaluation,
                                            OutputFormat format,
                                            CsvLayout layout = CsvLayout::kWide,
                                            bool colour = false);

/// The wide CSV of `run --format csv` as cells: a header, then one row per option.
[[nodiscard]] std::vector<std::vector<std::string>> evaluation_csv_rows(
    const plan::Evaluation& evaluation);

/// `tco-plan sweep`: one row per point and option, the varied values first (columns named by
/// their --set path), then the columns of `run --format csv`.
[[nodiscard]] std::string render_sweep_csv(const std::vector<std::string>& varied_paths,
                                           const std::vector<std::vector<std::string>>& points,
                                           const std::vector<plan::Evaluation>& evaluations);

enum class CatalogKind { kGpus, kModels };
[[nodiscard]] std::string render_catalog(const catalog::Catalog& catalog, CatalogKind kind,
                                         OutputFormat format);

/// Aligns rows of cells into columns (first row is the header), two spaces between columns.
/// ANSI SGR sequences (ESC [ ... m) take no width.
[[nodiscard]] std::string align_columns(const std::vector<std::vector<std::string>>& rows);

/// RFC 4180 CSV of rows (first row the header). Text cells starting with = + - @ tab or CR are
/// prefixed with ' so spreadsheets never evaluate them; numeric cells pass unchanged.
[[nodiscard]] std::string to_csv(const std::vector<std::vector<std::string>>& rows);

/// Writes `content` to `path` whole or not at all (temporary file in the same directory, then
/// rename). Throws std::runtime_error naming the path on failure, leaving nothing behind.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace tco::report
