#pragma once
// Monte Carlo over the scenario's `uncertainty:` inputs (`tco-plan run --samples N --seed S`).
// Only the cost step is re-run per sample (plan::recost): prices, demand and hardware life do
// not change the serving performance, and the throughput error scales the replica's requests/s.
// Sample i draws from its own generator, seeded from (seed, i), so the results do not depend on
// the thread count.

#include <cstdint>
#include <random>
#include <vector>

#include "tco/config/scenario.hpp"
#include "tco/explore/uncertainty.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::explore {

/// The value of `input` at cumulative probability p in (0, 1) (normal: clipped at 0).
[[nodiscard]] double quantile(const config::UncertainInput& input, double p);

/// The generator of sample `index`: mt19937_64 seeded by splitmix64 of (seed, index).
[[nodiscard]] std::mt19937_64 sample_generator(std::uint64_t seed, std::uint64_t index);

/// A uniform number in [0, 1) from 53 random bits (the same on every standard library).
[[nodiscard]] double uniform01(std::mt19937_64& generator);

/// Cost-model factors with `values[k]` for `inputs[k]` (multipliers multiply, absolute values
/// replace; see config::uncertain_drivers()).
[[nodiscard]] plan::CostFactors factors_for(const std::vector<config::UncertainInput>& inputs,
                                            const std::vector<double>& values);

/// P10/P50/P90 by linear interpolation between order statistics (sorts `values`).
[[nodiscard]] Percentiles percentiles(std::vector<double> values);

/// Runs `samples` samples over `evaluated` (plan::evaluate of `scenario`). Throws
/// config::InputError when the scenario has no `uncertainty:` section.
[[nodiscard]] Uncertainty run_monte_carlo(const config::Scenario& scenario,
                                          const plan::Evaluation& evaluated, long long samples,
                                          std::uint64_t seed, int threads);

}  // namespace tco::explore
