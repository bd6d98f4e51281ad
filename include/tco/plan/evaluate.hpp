#pragma once
// Runs the pure core over a scenario: for each deployment option, the memory plan (and, as the
// simulator grows, performance, capacity, energy and cost). The result is plain data for the
// reporters.

#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tco/config/scenario.hpp"
#include "tco/explore/uncertainty.hpp"
#include "tco/model/architecture.hpp"
#include "tco/perf/efficiency.hpp"
#include "tco/perf/memory_plan.hpp"
#include "tco/perf/serving.hpp"
#include "tco/tco/cost.hpp"

namespace tco::plan {

/// A figure the result depends on, with where it came from (shown under "Assumptions").
struct Assumption {
  std::string name;
  std::string value;
  std::string source;
  std::string as_of;
  bool estimate = false;
};

/// Serving performance of one replica of an option.
struct Performance {
  bool calibrated = false;                     ///< GPU has a measured kernel profile
  long long kv_concurrency = 0;                ///< max resident requests (KV and engine limit)
  std::optional<perf::ServingPoint> at_targets;  ///< best point meeting the SLO
  perf::ServingPoint max_throughput;           ///< all KV slots busy
  std::string limited_by;                      ///< what bounds the point at the targets
};

struct OptionResult {
  config::DeploymentOption option;
  std::optional<catalog::Gpu> gpu;            ///< for GPU-backed options
  std::optional<perf::MemoryPlan> memory;     ///< per GPU of a replica
  std::optional<Performance> performance;     ///< when it fits
  std::optional<cost::OptionCost> cost;       ///< multi-year cash flows, when it can be costed
  // The prices and factors the cost model used (the XLSX report writes them as editable inputs).
  std::optional<cost::OnpremInputs> onprem_inputs;  ///< on-prem, and a hybrid's base
  std::optional<cost::CloudInputs> cloud_inputs;    ///< cloud, and a hybrid's burst
  std::optional<cost::ApiInputs> api_inputs;
  std::string cost_note;                      ///< why there is no cost, or what it assumes
  std::string excluded;                       ///< constraint that excludes it ("" = allowed)
  std::map<std::string, std::optional<int>> break_even_month;  ///< vs each other costed option
  std::string status;                         ///< e.g. "fits", "does not fit", "no GPUs"
};

/// Uncertain inputs of one Monte Carlo sample (`tco-plan run --samples`), applied where the cost
/// model reads them. The defaults leave every result unchanged.
struct CostFactors {
  double gpu_price = 1;          ///< x GPU purchase price
  double cloud_price = 1;        ///< x cloud instance price
  double api_price = 1;          ///< x API token prices
  double electricity_price = 1;  ///< x electricity price
  double requests_per_day = 1;   ///< x year-1 demand
  double throughput = 1;         ///< x requests/s one replica sustains at the targets
  std::optional<double> demand_growth;        ///< replaces workload.growth_per_year
  std::optional<double> api_price_decline;    ///< replaces finance.api_price_decline
  std::optional<double> gpu_price_decline;    ///< replaces finance.gpu_price_decline
  std::optional<double> cloud_price_decline;  ///< replaces finance.cloud_price_decline
  std::optional<double> hardware_life_years;  ///< replaces depreciation_years (on-prem)
};

struct EvaluateSettings {
  /// false: skip the assumption, warning, memory-verdict and limited-by texts (sweeps, the
  /// optimizer and Monte Carlo only read the numbers); every number is the same.
  bool explain = true;
  /// "Now" for the warnings about prices older than finance.price_max_age_days; unset, prices
  /// are not aged. The CLI sets it (the clock, or TCO_PLAN_TODAY so a report is reproducible).
  std::optional<std::time_t> today;
  CostFactors factors;
  /// Options to evaluate instead of scenario.options (the optimizer's candidates).
  const std::vector<config::DeploymentOption>* options = nullptr;
  /// true: skip the search under the latency targets and cost each option at the pure-roofline
  /// throughput of full KV occupancy, an upper bound of what any serving point reaches, so the
  /// cost is a lower bound (the optimizer's branch and bound).
  bool roofline_bound = false;
};

struct Evaluation {
  std::string scenario_name;
  std::string scenario_file;
  catalog::Model model;
  catalog::Dtype weight_dtype = catalog::Dtype::kBf16;
  catalog::Dtype expert_dtype = catalog::Dtype::kBf16;
  catalog::Dtype kv_dtype = catalog::Dtype::kBf16;
  model::ParameterCounts parameters;
  double weight_bytes_total = 0;
  double context_tokens = 0;
  std::string engine_id;
  std::vector<OptionResult> options;
  int horizon_years = 0;
  double discount_rate = 0;
  std::vector<std::string> warnings;
  std::vector<Assumption> assumptions;
  std::optional<explore::Uncertainty> uncertainty;  ///< Monte Carlo ranges (`run --samples`)
};

/// Measured kernel efficiencies and fitted engine overheads the simulator uses.
struct PerformanceData {
  std::map<std::string, perf::KernelProfile> profiles;
  std::map<std::string, perf::EngineTiming> engine_timing;
};

[[nodiscard]] Evaluation evaluate(const config::Scenario& scenario,
                                  const PerformanceData& performance,
                                  const EvaluateSettings& settings = {});

/// The cost step alone over an evaluation whose performance is computed: what changes when only
/// prices, demand or the throughput error vary (Monte Carlo), without re-running the simulator.
[[nodiscard]] Evaluation recost(const config::Scenario& scenario, const Evaluation& evaluated,
                                const EvaluateSettings& settings);

/// Midnight UTC of an ISO date (YYYY-MM-DD, anything after the day ignored); empty when it
/// does not start with one.
[[nodiscard]] std::optional<std::time_t> parse_iso_date(const std::string& text);

}  // namespace tco::plan
