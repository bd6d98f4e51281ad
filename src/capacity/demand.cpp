#include "tco/capacity/demand.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace tco::capacity {

HourlyWeights named_profile(const std::string& name) {
  HourlyWeights shares{};
  if (name == "business_hours") {
    constexpr int kOpen = 9;
    constexpr int kClose = 17;
    constexpr double kBusinessShare = 0.8;
    for (int hour = 0; hour < kHoursPerDay; ++hour) {
      const bool open = hour >= kOpen && hour < kClose;
      shares[static_cast<std::size_t>(hour)] =
          open ? kBusinessShare / (kClose - kOpen)
               : (1.0 - kBusinessShare) / (kHoursPerDay - (kClose - kOpen));
    }
    return shares;
  }
  shares.fill(1.0 / kHoursPerDay);
  return shares;
}

HourlyWeights normalise(const std::vector<double>& weights) {
  if (weights.size() != kHoursPerDay) throw std::invalid_argument("need 24 hourly weights");
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  HourlyWeights shares{};
  for (std::size_t hour = 0; hour < shares.size(); ++hour) shares[hour] = weights[hour] / sum;
  return shares;
}

namespace {

// The cost model asks for every hour of a year in turn: remember the last growth factor and
// quantile (same arguments, same bits) instead of recomputing pow() and log() per hour, which
// was a quarter of a plan evaluation.
double growth_factor(double growth_per_year, int year) {
  thread_local double last_growth = std::numeric_limits<double>::quiet_NaN();
  thread_local int last_year = 0;
  thread_local double last_factor = 1;
  if (growth_per_year != last_growth || year != last_year) {
    last_growth = growth_per_year;
    last_year = year;
    last_factor = std::pow(1.0 + growth_per_year, year - 1);
  }
  return last_factor;
}

double quantile_of(double probability) {
  thread_local double last_probability = std::numeric_limits<double>::quiet_NaN();
  thread_local double last_z = 0;
  if (probability != last_probability) {
    last_probability = probability;
    last_z = normal_quantile(probability);
  }
  return last_z;
}

}  // namespace

double hourly_rate(const DemandInput& demand, int year, int hour) {
  const double daily = demand.requests_per_day * growth_factor(demand.growth_per_year, year);
  return daily * demand.hourly_share[static_cast<std::size_t>(hour)] / 3600.0;
}

double provisioned_rate(const DemandInput& demand, int year, int hour) {
  const double mean_arrivals = hourly_rate(demand, year, hour) * demand.sizing_window_s;
  if (mean_arrivals <= 0) return 0;
  const double z = quantile_of(demand.peak_percentile);
  const double arrivals = mean_arrivals + z * std::sqrt(mean_arrivals) + 0.5;
  return std::max(arrivals, mean_arrivals) / demand.sizing_window_s;
}

double normal_quantile(double probability) {
  // P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
  // function" (2003): rational approximations in three regions.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  const double p = std::clamp(probability, 1e-12, 1.0 - 1e-12);
  constexpr double kLow = 0.02425;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace tco::capacity
