#pragma once
// Demand over the day and the years, and the capacity it needs.

#include <array>
#include <string>
#include <vector>

namespace tco::capacity {

inline constexpr int kHoursPerDay = 24;
using HourlyWeights = std::array<double, kHoursPerDay>;  ///< sums to 1

/// A named daily profile as hourly shares of the day's requests.
///  - flat: 1/24 each hour.
///  - business_hours: 80 % of the day's requests between 09:00 and 17:00 (the 8-hour business
///    day of Pan et al., arXiv 2509.18101), the other 20 % spread over the remaining 16 hours:
///    peak/mean = (0.8/8)/(1/24) = 2.4. A documented convention, not a measurement: give 24
///    weights for your own traffic.
[[nodiscard]] HourlyWeights named_profile(const std::string& name);
/// Normalises 24 non-negative weights to shares summing to 1.
[[nodiscard]] HourlyWeights normalise(const std::vector<double>& weights);

struct DemandInput {
  double requests_per_day = 0;   ///< year 1
  double growth_per_year = 0;    ///< fraction
  HourlyWeights hourly_share{};
  double peak_percentile = 0.95; ///< of arrivals in a sizing window, Poisson
  double sizing_window_s = 60;   ///< burst window the percentile applies to
};

/// Mean arrival rate (requests/s) in hour `hour` of year `year` (1-based).
[[nodiscard]] double hourly_rate(const DemandInput& demand, int year, int hour);

/// Arrival rate to provision for in `hour` of `year`: the Poisson `peak_percentile` of arrivals
/// in a `sizing_window_s` window, divided by the window (NVIDIA DLI TCO notebook: size to the
/// p95 with Poisson.ppf; normal approximation λT + z·√(λT) with a continuity term).
[[nodiscard]] double provisioned_rate(const DemandInput& demand, int year, int hour);

/// Standard-normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
[[nodiscard]] double normal_quantile(double probability);

}  // namespace tco::capacity
