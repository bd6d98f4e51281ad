// Markdown for pull-request comments and wikis: the same sections and figures as the table
// format (shared rows, evaluation_tables.hpp), as GitHub-flavoured pipe tables.
#include <fmt/format.h>

#include "evaluation_tables.hpp"
#include "uncertainty_report.hpp"
#include "tco/report/documents.hpp"

namespace tco::report {

std::string render_markdown(const plan::Evaluation& evaluation) {
  std::string out =
      fmt::format("# {}\n\n`{}`\n\n", markdown_cell(evaluation.scenario_name),
                  evaluation.scenario_file);
  for (const auto& [label, text] : header_lines(evaluation)) {
    out += fmt::format("- **{}**: {}\n", label, text);
  }
  out += "\n## Summary\n\n" + pipe_table(summary_rows(evaluation));
  out += "\n## Memory plan per GPU\n\n" + pipe_table(memory_rows(evaluation));
  const auto performance = performance_rows(evaluation);
  if (performance.size() > 1) {
    out += "\n## Performance per replica at the latency targets\n\n" + pipe_table(performance);
  }
  out += fmt::format("\n## {}\n\n", cost_title(evaluation)) + pipe_table(cost_rows(evaluation));
  const auto break_even = break_even_lines(evaluation);
  if (!break_even.empty()) {
    out += "\n### Break-even (cumulative cost at or below the other option)\n\n";
    for (const auto& [name, text] : break_even) out += fmt::format("- **{}**: {}\n", name, text);
  }
  if (evaluation.uncertainty) {
    const auto& uncertainty = *evaluation.uncertainty;
    out += "\n## " + markdown_cell(uncertainty_title(uncertainty)) + "\n\n" +
           pipe_table(uncertainty_rows(uncertainty));
    for (const auto& option : uncertainty.options) {
      out += fmt::format("\n### Sensitivity of NPV: {}\n\n", markdown_cell(option.option)) +
             pipe_table(tornado_rows(option));
    }
  }
  std::string details;
  for (const auto& result : evaluation.options) {
    if (result.memory) {
      details += fmt::format("- **{}**: {}\n", result.option.name, result.memory->verdict);
    }
  }
  if (!details.empty()) out += "\n## Details\n\n" + details;
  if (!evaluation.warnings.empty()) {
    out += "\n## Warnings\n\n";
    for (const auto& warning : evaluation.warnings) out += fmt::format("- {}\n", warning);
  }
  Rows assumptions{{"assumption", "value", "source", "as of"}};
  for (const auto& assumption : evaluation.assumptions) {
    assumptions.push_back({assumption.name,
                           assumption.value + (assumption.estimate ? " (estimate)" : ""),
                           assumption.source.empty() ? "-" : assumption.source,
                           assumption.as_of.empty() ? "-" : assumption.as_of});
  }
  out += "\n## Assumptions\n\n" + pipe_table(assumptions);
  return out;
}

}  // namespace tco::report
