#pragma once
// The human-readable tables of an evaluation (summary, memory plan, performance, cost), as rows
// of cells in human units. Shared by the table, Markdown and HTML reporters so the three show
// the same figures; only the framing differs.

#include <string>
#include <utility>
#include <vector>

#include "tco/plan/evaluate.hpp"

namespace tco::report {

using Rows = std::vector<std::vector<std::string>>;

/// Text for one Markdown table cell: `|` escaped (it would end the cell), newlines as spaces.
[[nodiscard]] std::string markdown_cell(const std::string& text);
/// A GitHub-flavoured pipe table (first row the header).
[[nodiscard]] std::string pipe_table(const Rows& rows);

/// Optional emphasis for terminal output (ANSI SGR codes); no-ops when `colour` is false.
struct Style {
  bool colour = false;
  [[nodiscard]] std::string bold(const std::string& text) const;
  [[nodiscard]] std::string good(const std::string& text) const;  ///< green
  [[nodiscard]] std::string bad(const std::string& text) const;   ///< red
  [[nodiscard]] std::string warn(const std::string& text) const;  ///< yellow
};

/// "Scenario (file)", then model, origin and engine lines as label/value pairs.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> header_lines(
    const plan::Evaluation& evaluation);

/// One row per option: the answer on one screen (fits, GPUs, nodes, tokens/s, TTFT/TPOT,
/// kWh/yr, TCO, NPV, $/M tokens, break-even against the lowest-NPV option, status).
[[nodiscard]] Rows summary_rows(const plan::Evaluation& evaluation, const Style& style = {});
[[nodiscard]] Rows memory_rows(const plan::Evaluation& evaluation, const Style& style = {});
[[nodiscard]] Rows performance_rows(const plan::Evaluation& evaluation, const Style& style = {});
[[nodiscard]] Rows cost_rows(const plan::Evaluation& evaluation);
/// "Cost over N years (discount rate r %)".
[[nodiscard]] std::string cost_title(const plan::Evaluation& evaluation);
/// Per costed option, its break-even months against every other option, as one text.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> break_even_lines(
    const plan::Evaluation& evaluation);
/// "tp2", "tp4 ep4", ...
[[nodiscard]] std::string parallelism_text(const config::DeploymentOption& option);

/// Mean over the horizon of facility kWh, tCO2 and utilisation per year.
struct YearlyMeans {
  double kwh = 0;
  double t_co2 = 0;
  double utilisation = 0;
};
[[nodiscard]] YearlyMeans yearly_means(const cost::OptionCost& cost);

/// The allowed, costed option with the lowest NPV; nullptr when none.
[[nodiscard]] const plan::OptionResult* lowest_npv(const plan::Evaluation& evaluation);

}  // namespace tco::report
