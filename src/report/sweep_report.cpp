// `tco-plan sweep` CSV: the varied values beside the columns of `run --format csv`.
#include "tco/report/report.hpp"

namespace tco::report {

std::string render_sweep_csv(const std::vector<std::string>& varied_paths,
                             const std::vector<std::vector<std::string>>& points,
                             const std::vector<plan::Evaluation>& evaluations) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"point"};
  header.insert(header.end(), varied_paths.begin(), varied_paths.end());
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    const auto cells = evaluation_csv_rows(evaluations[i]);
    if (rows.empty()) {
      header.insert(header.end(), cells.front().begin(), cells.front().end());
      rows.push_back(header);
    }
    for (std::size_t r = 1; r < cells.size(); ++r) {
      std::vector<std::string> row{std::to_string(i + 1)};
      row.insert(row.end(), points[i].begin(), points[i].end());
      row.insert(row.end(), cells[r].begin(), cells[r].end());
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) rows.push_back(header);
  return to_csv(rows);
}

}  // namespace tco::report
