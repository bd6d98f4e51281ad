#pragma once
// `tco-plan sweep`: vary scenario values given as `--set PATH=VALUES` (a list `a,b,c` or an
// inclusive range `start:stop:step`), take the cartesian product of several, and evaluate every
// point. Values are written into the parsed YAML tree before validation, so every key of the
// scenario can be varied and each point is checked by the same loader as a file.

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::explore {

/// One --set: the key path (`workload.requests_per_day`, `options[0].tp`,
/// `options[onprem-h100].gpu` selects a list element by its name) and the values it takes.
struct SetAxis {
  std::string path;
  std::vector<std::string> values;
};

/// Parses `PATH=VALUES`. A range has 2 or 3 numeric parts (`start:stop[:step]`, step 1 by
/// default, stop included within 1e-9 of a step); anything else is a comma-separated list.
/// Throws config::InputError naming the argument.
[[nodiscard]] SetAxis parse_set(const std::string& argument);

/// Writes `value` at `path` in `root`, creating missing mapping keys. Throws config::InputError
/// naming the path and value when the path does not lead to a value (no such list element, a
/// scalar in the way).
void apply_set(YAML::Node& root, const std::string& path, const std::string& value);

/// Every combination of the axes' values, the first axis varying slowest.
[[nodiscard]] std::vector<std::vector<std::string>> cartesian_product(
    const std::vector<SetAxis>& axes);

struct SweepInput {
  std::string text;  ///< the scenario file's text
  std::string file;  ///< its name in messages
  const catalog::Catalog* catalog = nullptr;
  const catalog::CostCatalog* costs = nullptr;
  const plan::PerformanceData* performance = nullptr;
};

/// Evaluates every point (`points[i][a]` is the value of `axes[a]`) on `threads` threads;
/// result i belongs to point i whatever the thread count. `progress(done)` is called as points
/// finish. Throws config::InputError listing every invalid point with its --set values.
[[nodiscard]] std::vector<plan::Evaluation> run_sweep(
    const SweepInput& input, const std::vector<SetAxis>& axes,
    const std::vector<std::vector<std::string>>& points, int threads,
    const std::function<void(std::size_t)>& progress = {});

}  // namespace tco::explore
