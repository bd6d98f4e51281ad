#pragma once
// Reports as documents: Markdown (pull-request comments, wikis), one self-contained HTML file
// with inline SVG charts, and an XLSX workbook whose cost cells are formulas over its inputs.

#include <string>

#include "tco/plan/evaluate.hpp"

namespace tco::report {

/// GitHub-flavoured Markdown: the table report's sections as pipe tables.
[[nodiscard]] std::string render_markdown(const plan::Evaluation& evaluation);

/// One HTML file, no external resources: the report's tables and four inline SVG charts
/// (cumulative cost per option over the horizon, cost by category, throughput against TTFT and
/// TPOT per option, memory plan per GPU).
[[nodiscard]] std::string render_html(const plan::Evaluation& evaluation);

/// The bytes of an .xlsx workbook: an Inputs sheet (every price the cost model uses per option,
/// with its source), a Costs sheet with one block per costed option whose money cells are
/// formulas over Inputs and the tool's physical quantities, a Summary sheet whose totals are
/// formulas over Costs, and Assumptions. Throws std::runtime_error when libxlsxwriter fails.
[[nodiscard]] std::string render_xlsx(const plan::Evaluation& evaluation);

}  // namespace tco::report
