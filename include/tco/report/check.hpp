#pragma once
// `tco-plan check`: a scenario's `requirements:` evaluated against its evaluation, one result per
// requirement x deployment option, and the renderers for people (text), GitHub workflow
// annotations and JUnit XML.
//
// Rules (also in README "CI gate: tco-plan check"):
//  - Every requirement is evaluated for every option the constraints allow; options excluded by
//    `constraints:` (air gap, data residency) are reported as skipped.
//  - A scenario passes when at least one allowed option passes every requirement: a scenario
//    compares alternatives, and a proposal is acceptable when one of them is. With no allowed
//    option it fails. A requirement that cannot be evaluated for an option (no cost, no
//    performance, hosted-API latency) fails for that option, saying why.
//  - `fits: false`, `latency_targets_met: false` and `air_gapped: false` require nothing and
//    produce no lines.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tco/config/diagnostics.hpp"
#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::report {

enum class CheckStatus { kPass, kFail, kSkip };

/// One requirement for one option.
struct RequirementCheck {
  std::string requirement;  ///< key under `requirements:`, e.g. "max_tco"
  std::string option;       ///< deployment option name
  CheckStatus status = CheckStatus::kFail;
  std::string actual;            ///< the option's value, human units ("$2.24M", "10.2 kW")
  std::string limit;             ///< what is required ("<= $2.50M", "fits")
  std::string detail;            ///< how the value was obtained, or why it fails / is skipped
  config::SourceLocation where;  ///< the requirement's key in the scenario file
};

/// The check of one scenario file.
struct ScenarioCheck {
  std::string name;                          ///< scenario name (empty when it could not be read)
  std::string file;                          ///< as given on the command line
  std::vector<RequirementCheck> results;     ///< requirement-major, options in file order
  std::vector<std::string> allowed_options;  ///< not excluded by the constraints
  std::vector<std::pair<std::string, std::string>> excluded;  ///< option, reason
  std::vector<std::string> passing_options;  ///< allowed options passing every requirement
  std::string input_error;                   ///< the file is invalid: the formatted errors
  config::SourceLocation where;              ///< `requirements:` key, else the file

  [[nodiscard]] bool invalid() const { return !input_error.empty(); }
  [[nodiscard]] bool passed() const { return !invalid() && !passing_options.empty(); }
};

/// Evaluates `scenario.requirements` against `evaluation` (of the same scenario). Pure.
///
///  fits                         GPU options: the memory plan fits (hybrid: base and burst);
///                               hosted APIs pass (no GPUs to fit).
///  latency_targets_met          a serving point meets the SLO (hybrid: base and burst);
///                               hosted APIs fail: their latency is not modelled.
///  max_cost_per_million_tokens  levelised USD per million input + output tokens.
///  max_tco                      nominal (undiscounted) total over the horizon, USD.
///  max_gpus                     peak GPUs over the horizon (hybrid: on-prem GPUs only; API 0).
///  max_power_per_rack           on-prem (hybrid: its base) nameplate power of the fullest rack:
///                               nodes packed as the cost model packs them,
///                               max(1, floor(rack_power_limit / node power)), node power =
///                               gpus_per_node x GPU TDP + host_power_per_node (option costs,
///                               else data/costs.yaml); cloud and API pass (not our racks).
///  air_gapped                   the option is on-prem.
[[nodiscard]] ScenarioCheck check_requirements(const plan::Evaluation& evaluation,
                                               const config::Scenario& scenario);

/// A scenario file that could not be read or is invalid (`errors`: InputError's text).
[[nodiscard]] ScenarioCheck invalid_scenario_check(const std::string& file,
                                                   const std::string& errors);

enum class CheckFormat { kText, kGithub };

/// Per scenario: a table (requirement, option, actual, limit, result) and the verdict; then a
/// summary line over all scenarios.
[[nodiscard]] std::string render_check_text(const std::vector<ScenarioCheck>& checks);

/// The text report followed by GitHub workflow commands: `::error` at the requirement's line for
/// each failure of a failing scenario, `::warning` for failures of an option in a scenario that
/// passes through another option, `::notice` for each scenario that passes.
[[nodiscard]] std::string render_check_github(const std::vector<ScenarioCheck>& checks);

[[nodiscard]] std::string render_check(const std::vector<ScenarioCheck>& checks,
                                       CheckFormat format);

/// JUnit XML: one <testsuite> per scenario, one <testcase> per requirement x option (<failure>
/// or <skipped>) and a "verdict" test case that fails with the scenario; an invalid file is a
/// suite with one <error>.
[[nodiscard]] std::string render_check_junit(const std::vector<ScenarioCheck>& checks);

/// Escapes text for XML character data and attribute values (& < > " ' and control
/// characters, which XML 1.0 cannot carry, become '?'; tab, LF and CR are kept as references).
[[nodiscard]] std::string xml_escape(std::string_view text);

}  // namespace tco::report
