// tco-plan run SCENARIO [--format table|json|csv] [-o FILE]
#include "commands.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/explore/monte_carlo.hpp"
#include "tco/explore/parallel.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace tco::cli {

namespace {

struct RunOptions {
  std::string scenario;
  report::OutputFormat format = report::OutputFormat::kTable;
  std::string output;
  report::CsvLayout layout = report::CsvLayout::kWide;
  long long samples = 0;   ///< Monte Carlo samples (0 = deterministic only)
  std::uint64_t seed = 1;
  int jobs = 0;
};

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
  sub->add_option("--format", options->format, "Output format")
      ->transform(CLI::CheckedTransformer(output_formats(), CLI::ignore_case))
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
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
            const auto scenario = config::load_scenario(options->scenario, catalog, costs);
            plan::PerformanceData performance;
            performance.profiles = perf::load_profiles(global.resolved_profiles_dir());
            performance.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            auto evaluation = plan::evaluate(scenario, performance);
            if (options->samples > 0) {
              evaluation.uncertainty =
                  explore::run_monte_carlo(scenario, evaluation, options->samples, options->seed,
                                           explore::thread_count(options->jobs));
            }
            emit(options->output, report::render_evaluation(evaluation, options->format, options->layout));
            return kExitOk;
          }};
}

}  // namespace tco::cli
