// tco-plan diff BASE PROPOSAL: what changed between two scenarios and how the key results moved.
#include "diff_cmd.hpp"

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/config/scenario_inputs.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/report/diff.hpp"
#include "tco/validate/validate.hpp"

namespace tco::cli {

namespace {

struct DiffOptions {
  std::string base;
  std::string proposal;
  report::DiffFormat format = report::DiffFormat::kTable;
  std::string output;
};

}  // namespace

Command setup_diff(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<DiffOptions>();
  auto* sub = app.add_subcommand(
      "diff", "What changed between two scenarios and how each key result moved");
  sub->add_option("base", options->base, "Base scenario YAML file")->required();
  sub->add_option("proposal", options->proposal, "Proposed scenario YAML file")->required();
  static const std::map<std::string, report::DiffFormat> formats{
      {"table", report::DiffFormat::kTable},
      {"markdown", report::DiffFormat::kMarkdown},
      {"json", report::DiffFormat::kJson}};
  sub->add_option("--format", options->format, "Output format")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->default_str("table");
  sub->add_option("-o,--output", options->output, "Write to FILE (atomically) instead of stdout");
  return {sub, [options, &global] {
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
            plan::PerformanceData performance;
            performance.profiles = perf::load_profiles(global.resolved_profiles_dir());
            performance.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            const auto base = config::load_scenario(options->base, catalog, costs);
            const auto proposal = config::load_scenario(options->proposal, catalog, costs);
            const auto diff = report::diff_scenarios(
                plan::evaluate(base, performance, report_settings()),
                config::read_scenario_inputs(options->base),
                plan::evaluate(proposal, performance, report_settings()),
                config::read_scenario_inputs(options->proposal));
            emit(options->output, report::render_diff(diff, options->format));
            return kExitOk;
          }};
}

}  // namespace tco::cli
