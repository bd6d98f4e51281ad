// tco-plan check SCENARIO... [--junit FILE] [--format text|github]
// Evaluates each scenario's `requirements:`; exit 0 when every scenario passes, 1 when one
// fails, 2 when one is invalid (its errors on stderr, the others still checked).
#include "check_cmd.hpp"

#include <iostream>

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/report/check.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace tco::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> scenarios;
  report::CheckFormat format = report::CheckFormat::kText;
  std::string junit;
};

int exit_code(const std::vector<report::ScenarioCheck>& checks) {
  int code = kExitOk;
  for (const auto& check : checks) {
    if (check.invalid()) return kExitInvalidInput;
    if (!check.passed()) code = kExitRequirementFailed;
  }
  return code;
}

}  // namespace

Command setup_check(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<CheckOptions>();
  auto* sub = app.add_subcommand(
      "check",
      "Check scenarios' requirements for CI: exit 0 when each scenario has an option meeting "
      "every requirement, 1 when one has none, 2 on invalid input");
  sub->add_option("scenarios", options->scenarios, "Scenario YAML files")->required();
  sub->add_option("--junit", options->junit, "Also write JUnit XML to FILE (atomically)");
  static const std::map<std::string, report::CheckFormat> formats{
      {"text", report::CheckFormat::kText}, {"github", report::CheckFormat::kGithub}};
  sub->add_option("--format", options->format,
                  "Output format: text, or github (text plus workflow annotations)")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->default_str("text");
  return {sub, [options, &global] {
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
            plan::PerformanceData performance;
            performance.profiles = global.load_profiles();
            performance.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            std::vector<report::ScenarioCheck> checks;
            for (const auto& file : options->scenarios) {
              try {
                const auto scenario = config::load_scenario(file, catalog, costs);
                checks.push_back(
                    report::check_requirements(
                        plan::evaluate(scenario, performance, report_settings()), scenario));
              } catch (const config::InputError& error) {
                std::cerr << error.what();
                checks.push_back(report::invalid_scenario_check(file, error.what()));
              }
            }
            if (!options->junit.empty()) {
              report::write_file_atomically(options->junit, report::render_check_junit(checks));
            }
            std::cout << report::render_check(checks, options->format) << std::flush;
            return exit_code(checks);
          }};
}

}  // namespace tco::cli
