#pragma once
// `tco-plan optimize`: search GPUs x tensor/pipeline/expert parallelism x weight and KV formats
// x engine x deployment kind (on-prem, every cloud instance and tier of the GPU, hosted APIs of
// the model) for the cheapest plans that fit, meet the latency targets and pass the scenario's
// constraints and requirements.
//
// Branch and bound: every candidate first gets its memory plan (cheap; most candidates stop
// here) and a cost lower bound: the full cost model run at the replica throughput of the pure
// roofline at full KV occupancy, which no serving point at the targets exceeds (the simulator
// never beats the roofline; more throughput never costs more). Candidates are then evaluated
// in order of that bound, and the search stops once the bound of the next one exceeds the N-th
// best feasible plan found. Hybrids (on-prem base + cloud burst at the optimal base percentile)
// are then built, per engine and format pair, from the two cheapest feasible on-prem plans and
// the two cheapest feasible demand-following cloud plans found: exact for the pure kinds, a
// heuristic for hybrids.

#include <optional>
#include <string>
#include <vector>

#include "tco/catalog/catalog.hpp"
#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::explore {

enum class Objective { kTco, kNpv, kCostPerMillionTokens };

/// The objective's value of a costed option (USD, or USD per million tokens).
[[nodiscard]] double objective_value(const cost::OptionCost& cost, Objective objective);

struct SearchSpace {
  std::vector<std::string> gpus;  ///< empty: every catalog GPU
  std::vector<int> tp{1, 2, 4, 8};
  std::vector<int> pp{1, 2, 4};
  /// Expert parallelism: every divisor of tp that divides the experts (MoE models only).
  std::vector<catalog::Dtype> weight_dtypes{catalog::Dtype::kBf16, catalog::Dtype::kFp8,
                                            catalog::Dtype::kInt4};
  std::vector<catalog::Dtype> kv_dtypes{catalog::Dtype::kBf16, catalog::Dtype::kFp8};
  std::vector<std::string> engines{"vllm", "trtllm", "sglang"};
  /// kHybrid: on-prem base + cloud burst pairs of the best plans found (see optimize()).
  std::vector<config::OptionKind> kinds{config::OptionKind::kOnprem, config::OptionKind::kCloud,
                                        config::OptionKind::kApi, config::OptionKind::kHybrid};
  bool prune = true;  ///< false: evaluate every candidate that fits (a complete Pareto front)
};

/// One evaluated plan.
struct Plan {
  std::string engine;
  catalog::Dtype weight_dtype = catalog::Dtype::kBf16;
  catalog::Dtype kv_dtype = catalog::Dtype::kBf16;
  plan::OptionResult result;  ///< option, memory, performance and cost
  double objective = 0;
  double lower_bound = 0;
  bool feasible = false;
  std::string infeasible_because;  ///< first reason when not feasible
  std::string why;                 ///< top plans: what bounds it and what its cost is made of
};

struct OptimizeResult {
  std::vector<Plan> top;         ///< best first
  std::vector<Plan> pareto;      ///< feasible plans not dominated in (cost, TTFT, TPOT)
  long long candidates = 0;      ///< combinations generated
  long long not_fitting = 0;     ///< stopped at the memory plan
  long long not_costed = 0;      ///< excluded by the constraints, or no price
  long long pruned = 0;          ///< stopped by the cost bound
  long long evaluated = 0;       ///< fully evaluated
  long long feasible = 0;
};

/// Searches `space` for `scenario` (its model, workload, sites, constraints and requirements;
/// its options only lend the on-prem site, costs and gpus_per_node). Deterministic for any
/// thread count. Throws config::InputError when an engine or GPU of `space` is unknown.
[[nodiscard]] OptimizeResult optimize(const config::Scenario& scenario,
                                      const plan::PerformanceData& performance,
                                      const SearchSpace& space, Objective objective, int top_n,
                                      int threads);

}  // namespace tco::explore
