// tco-plan run SCENARIO [--format table|json|csv] [-o FILE]
#include "commands.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
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
  return {sub, [options, &global] {
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
            const auto scenario = config::load_scenario(options->scenario, catalog, costs);
            plan::PerformanceData performance;
            performance.profiles = global.load_profiles();
            performance.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            const auto evaluation = plan::evaluate(scenario, performance);
            emit(options->output, report::render_evaluation(evaluation, options->format, options->layout));
            return kExitOk;
          }};
}

}  // namespace tco::cli
