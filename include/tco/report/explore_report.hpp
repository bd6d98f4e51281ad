#pragma once
// Reporters of `tco-plan optimize`: the top plans with why each wins, and plans as CSV (the
// Pareto front of cost against TTFT and TPOT).

#include <string>
#include <vector>

#include "tco/explore/optimize.hpp"

namespace tco::report {

[[nodiscard]] std::string_view objective_name(explore::Objective objective);

/// Ranked table of the top plans, one "why" line under each, and the search statistics.
[[nodiscard]] std::string render_optimize_table(const explore::OptimizeResult& result,
                                                explore::Objective objective);

/// One row per plan: kind, gpu, instance, pricing, offer, tp, pp, ep, engine, formats, the
/// objective and the costs, TTFT/TPOT and throughput (SI, unit in every column name).
[[nodiscard]] std::string render_plans_csv(const std::vector<explore::Plan>& plans,
                                           explore::Objective objective);

}  // namespace tco::report
