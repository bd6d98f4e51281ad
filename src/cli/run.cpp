// tco-plan run SCENARIO [--format table|json|csv|markdown|html|xlsx] [-o FILE]
#include <unistd.h>

#include <cstdlib>

#include "commands.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/explore/monte_carlo.hpp"
#include "tco/explore/parallel.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/report/documents.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace tco::cli {

namespace {

// The shared formats (table, json, csv) plus the document formats only `run` writes.
enum class RunFormat { kTable, kJson, kCsv, kMarkdown, kHtml, kXlsx };

struct RunOptions {
  std::string scenario;
  RunFormat format = RunFormat::kTable;
  std::string output;
  report::CsvLayout layout = report::CsvLayout::kWide;
  long long samples = 0;   ///< Monte Carlo samples (0 = deterministic only)
  std::uint64_t seed = 1;
  int jobs = 0;
};

// Colour only for a person at a terminal, and never with NO_COLOR set (no-color.org: present
// and not empty).
bool colour_wanted(const std::string& output) {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  return output.empty() && isatty(STDOUT_FILENO) == 1;
}

std::string render(const plan::Evaluation& evaluation, const RunOptions& options) {
  switch (options.format) {
    case RunFormat::kTable:
      return report::render_evaluation(evaluation, report::OutputFormat::kTable, options.layout,
                                       colour_wanted(options.output));
    case RunFormat::kJson:
      return report::render_evaluation(evaluation, report::OutputFormat::kJson);
    case RunFormat::kCsv:
      return report::render_evaluation(evaluation, report::OutputFormat::kCsv, options.layout);
    case RunFormat::kMarkdown: return report::render_markdown(evaluation);
    case RunFormat::kHtml: return report::render_html(evaluation);
    case RunFormat::kXlsx: return report::render_xlsx(evaluation);
  }
  return {};
}

}  // namespace

const std::map<std::string, report::OutputFormat>& output_formats() {
  static const std::map<std::string, report::OutputFormat> formats{
      {"table", report::OutputFormat::kTable},
      {"json", report::OutputFormat::kJson},
      {"csv", report::OutputFormat::kCsv}};
  return formats;
}

Command setup_run(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "Evaluate a scenario and print the report");
  sub->add_option("scenario", options->scenario, "Scenario YAML file")->required();
  const std::map<std::string, RunFormat> formats{{"table", RunFormat::kTable},
                                                 {"json", RunFormat::kJson},
                                                 {"csv", RunFormat::kCsv},
                                                 {"markdown", RunFormat::kMarkdown},
                                                 {"html", RunFormat::kHtml},
                                                 {"xlsx", RunFormat::kXlsx}};
  sub->add_option("--format", options->format, "Output format")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->default_str("table");
  sub->add_option("-o,--output", options->output, "Write to FILE (atomically) instead of stdout");
  const std::map<std::string, report::CsvLayout> layouts{{"wide", report::CsvLayout::kWide},
                                                         {"long", report::CsvLayout::kLong}};
  sub->add_option("--csv-layout", options->layout,
                  "CSV layout: wide (one row per option) or long (option, year, metric, unit, "
                  "value)")
      ->transform(CLI::CheckedTransformer(layouts, CLI::ignore_case))
      ->default_str("wide");
  sub->add_option("--samples", options->samples,
                  "Monte Carlo over the scenario's uncertainty: section: P10/P50/P90 of TCO, NPV "
                  "and $/M tokens, probability of being cheapest, sensitivity ranking")
      ->check(CLI::Range(0LL, 100000000LL));
  sub->add_option("--seed", options->seed, "Seed of the Monte Carlo (same seed, same result)")
      ->default_str("1");
  sub->add_option("-j,--jobs", options->jobs, "Monte Carlo threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  return {sub, [options, &global] {
            if (options->format == RunFormat::kXlsx && options->output.empty() &&
                isatty(STDOUT_FILENO) == 1) {
              throw std::runtime_error("--format xlsx writes a binary workbook: give -o FILE");
            }
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
            const auto scenario = config::load_scenario(options->scenario, catalog, costs);
            plan::PerformanceData performance;
            performance.profiles = global.load_profiles();
            performance.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            auto evaluation = plan::evaluate(scenario, performance, report_settings());
            if (options->samples > 0) {
              evaluation.uncertainty =
                  explore::run_monte_carlo(scenario, evaluation, options->samples, options->seed,
                                           explore::thread_count(options->jobs));
            }
            emit(options->output, render(evaluation, *options));
            return kExitOk;
          }};
}

}  // namespace tco::cli
