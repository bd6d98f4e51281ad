#pragma once
// Private to the evaluation reporters: the Monte Carlo section in table, JSON and CSV form.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tco/explore/uncertainty.hpp"

namespace tco::report {

/// "Uncertainty: N Monte Carlo samples (seed S) over drivers".
[[nodiscard]] std::string uncertainty_title(const explore::Uncertainty& uncertainty);
/// Header + one row per option: TCO, NPV and $/M tokens P10/P50/P90, probability cheapest.
[[nodiscard]] std::vector<std::vector<std::string>> uncertainty_rows(
    const explore::Uncertainty& uncertainty);
/// Header + one row per driver the option depends on (largest NPV swing first).
[[nodiscard]] std::vector<std::vector<std::string>> tornado_rows(
    const explore::OptionUncertainty& option);
/// "Uncertainty" table (P10/P50/P90, probability cheapest) and the tornado of NPV per option.
[[nodiscard]] std::string uncertainty_table(const explore::Uncertainty& uncertainty);
[[nodiscard]] nlohmann::ordered_json uncertainty_json(const explore::Uncertainty& uncertainty);
/// Wide CSV: extra columns (header row 0, then one row per option named in column 0).
void append_uncertainty_columns(std::vector<std::vector<std::string>>& rows,
                                const explore::Uncertainty& uncertainty);
/// Long CSV: option, 0, metric, unit, value rows.
void append_uncertainty_rows(std::vector<std::vector<std::string>>& rows,
                             const explore::Uncertainty& uncertainty);

}  // namespace tco::report
