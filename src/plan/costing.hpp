#pragma once
// Private to plan::evaluate: the cost step.

#include <string>

#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::plan {

/// Why a constraint (air gap, data residency) excludes the option; "" when allowed.
[[nodiscard]] std::string exclusion_reason(const config::Scenario& scenario,
                                           const config::DeploymentOption& option);

/// Costs every option of `evaluation` (whose performance is already computed) and the
/// break-even months between them.
void add_costs(const config::Scenario& scenario, Evaluation& evaluation,
               const EvaluateSettings& settings = {});

}  // namespace tco::plan
