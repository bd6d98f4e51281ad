#pragma once
// Monte Carlo results of `tco-plan run --samples N`: plain data for the reporters. The sampling
// lives in tco/explore/monte_carlo.hpp; this header has no dependencies so plan::Evaluation can
// carry it.

#include <cstdint>
#include <string>
#include <vector>

namespace tco::explore {

/// P10/P50/P90 of one metric over the samples (linear interpolation between order statistics).
struct Percentiles {
  double p10 = 0;
  double p50 = 0;
  double p90 = 0;
};

/// One driver's swing: the option's NPV with the driver at its P10 and at its P90 value, every
/// other input at its deterministic value.
struct TornadoBar {
  std::string driver;
  double value_low = 0;   ///< the driver's P10 (multiplier or absolute, as in the scenario)
  double value_high = 0;  ///< its P90
  double npv_at_low_usd = 0;
  double npv_at_high_usd = 0;
  [[nodiscard]] double swing_usd() const {
    return npv_at_high_usd > npv_at_low_usd ? npv_at_high_usd - npv_at_low_usd
                                            : npv_at_low_usd - npv_at_high_usd;
  }
};

struct OptionUncertainty {
  std::string option;
  long long samples_costed = 0;     ///< samples in which the option could be costed
  Percentiles total_usd;            ///< nominal TCO
  Percentiles npv_usd;
  Percentiles usd_per_million_tokens;
  double probability_cheapest = 0;  ///< share of samples with the lowest NPV of the allowed options
  std::vector<TornadoBar> tornado;  ///< largest swing first
};

struct Uncertainty {
  long long samples = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> drivers;       ///< the scenario's uncertain inputs
  std::vector<OptionUncertainty> options;  ///< costed, allowed options, in scenario order
};

}  // namespace tco::explore
