#pragma once
// Runs the pure core over a scenario: for each deployment option, the memory plan (and, as the
// simulator grows, performance, capacity, energy and cost). The result is plain data for the
// reporters.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tco/config/scenario.hpp"
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
};

/// Measured kernel efficiencies and fitted engine overheads the simulator uses.
struct PerformanceData {
  std::map<std::string, perf::KernelProfile> profiles;
  std::map<std::string, perf::EngineTiming> engine_timing;
};

[[nodiscard]] Evaluation evaluate(const config::Scenario& scenario,
                                  const PerformanceData& performance);

}  // namespace tco::plan
