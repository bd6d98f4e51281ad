// Demand over the day and the years (tco_methods.md §2.2): named daily profiles, normalised
// custom weights, mean hourly rate with growth, and the Poisson peak the fleet is sized to.
// Every expected value is worked out in the comments so it can be checked with a calculator.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "tco/capacity/demand.hpp"

using tco::capacity::DemandInput;
using tco::capacity::HourlyWeights;
using tco::capacity::hourly_rate;
using tco::capacity::kHoursPerDay;
using tco::capacity::named_profile;
using tco::capacity::normal_quantile;
using tco::capacity::normalise;
using tco::capacity::provisioned_rate;

namespace {

double sum(const HourlyWeights& shares) { return std::accumulate(shares.begin(), shares.end(), 0.0); }

double peak(const HourlyWeights& shares) { return *std::max_element(shares.begin(), shares.end()); }

/// Exact Poisson quantile: the smallest k with P(N <= k) >= p, N ~ Poisson(mean).
int poisson_quantile(double mean, double p) {
  int k = 0;
  double pmf = std::exp(-mean);
  double cdf = pmf;
  while (cdf < p) {
    ++k;
    pmf *= mean / k;
    cdf += pmf;
  }
  return k;
}

}  // namespace

TEST_CASE("demand: flat profile is 1/24 of the day in every hour", "[tco]") {
  const auto flat = named_profile("flat");
  // 1/24 = 0.0416667 in each of the 24 hours; the shares sum to 24/24 = 1; peak/mean = 1.
  for (const double share : flat) CHECK(share == Approx(1.0 / 24.0));
  CHECK(sum(flat) == Approx(1.0));
  CHECK(peak(flat) / (sum(flat) / kHoursPerDay) == Approx(1.0));
}

TEST_CASE("demand: business_hours puts 80 % of the day in 09:00-17:00", "[tco]") {
  const auto business = named_profile("business_hours");
  // Open hours 9..16 (8 hours): 0.8 / 8 = 0.1 each.
  // Other 16 hours:          0.2 / 16 = 0.0125 each.
  for (int hour = 0; hour < kHoursPerDay; ++hour) {
    INFO("hour " << hour);
    const bool open = hour >= 9 && hour < 17;
    CHECK(business[static_cast<std::size_t>(hour)] == Approx(open ? 0.1 : 0.0125));
  }
  CHECK(business[8] == Approx(0.0125));   // 08:00 is still closed
  CHECK(business[9] == Approx(0.1));      // 09:00 opens
  CHECK(business[16] == Approx(0.1));     // 16:00 is the last open hour
  CHECK(business[17] == Approx(0.0125));  // 17:00 closed
  // Sum: 8 x 0.1 + 16 x 0.0125 = 0.8 + 0.2 = 1.
  CHECK(sum(business) == Approx(1.0));
  // Peak/mean: 0.1 / (1/24) = 2.4.
  CHECK(peak(business) / (sum(business) / kHoursPerDay) == Approx(2.4));
}

TEST_CASE("demand: normalise turns 24 weights into shares summing to 1", "[tco]") {
  // Weights 1, 2, ..., 24: sum = 24 x 25 / 2 = 300, so hour h (0-based) gets (h + 1) / 300.
  std::vector<double> weights(kHoursPerDay);
  std::iota(weights.begin(), weights.end(), 1.0);
  const auto shares = normalise(weights);
  CHECK(shares[0] == Approx(1.0 / 300.0));    // 0.0033333
  CHECK(shares[11] == Approx(12.0 / 300.0));  // 0.04
  CHECK(shares[23] == Approx(24.0 / 300.0));  // 0.08
  CHECK(sum(shares) == Approx(1.0));
  // Scaling every weight leaves the shares unchanged: 10, 20, ..., 240 -> same shares.
  for (auto& weight : weights) weight *= 10.0;
  const auto scaled = normalise(weights);
  for (std::size_t hour = 0; hour < shares.size(); ++hour) CHECK(scaled[hour] == Approx(shares[hour]));
  // Not 24 values: rejected.
  CHECK_THROWS_AS(normalise(std::vector<double>(23, 1.0)), std::invalid_argument);
}

TEST_CASE("demand: hourly_rate applies the profile and compound growth", "[tco]") {
  DemandInput demand;
  demand.requests_per_day = 1'000'000;
  demand.growth_per_year = 0.25;
  demand.hourly_share = named_profile("business_hours");
  // Year 1, 10:00: 1,000,000 x 1.25^0 x 0.1 / 3600 = 27.777778 req/s.
  CHECK(hourly_rate(demand, 1, 10) == Approx(27.777778));
  // Year 3, 10:00: 1,000,000 x 1.25^2 x 0.1 / 3600 = 1,000,000 x 1.5625 x 0.1 / 3600 = 43.402778.
  CHECK(hourly_rate(demand, 3, 10) == Approx(43.402778));
  // Year 3, 03:00 (closed): 1,000,000 x 1.5625 x 0.0125 / 3600 = 5.4253472.
  CHECK(hourly_rate(demand, 3, 3) == Approx(5.4253472));
  // A day's requests come back: flat 86,400 req/day = 1 req/s every hour of year 1.
  demand.requests_per_day = 86'400;
  demand.hourly_share = named_profile("flat");
  for (int hour = 0; hour < kHoursPerDay; ++hour) CHECK(hourly_rate(demand, 1, hour) == Approx(1.0));
}

TEST_CASE("demand: normal_quantile matches the standard-normal table", "[tco]") {
  // Φ⁻¹ from a printed table (values to 7 decimals).
  CHECK(normal_quantile(0.95) == Approx(1.6448536).margin(1e-7));
  CHECK(normal_quantile(0.975) == Approx(1.9599640).margin(1e-7));
  CHECK(normal_quantile(0.5) == Approx(0.0).margin(1e-12));
  // Tail regions of Acklam's approximation (p < 0.02425 and p > 0.97575).
  CHECK(normal_quantile(0.99) == Approx(2.3263479).margin(1e-7));
  CHECK(normal_quantile(0.01) == Approx(-2.3263479).margin(1e-7));
  CHECK(normal_quantile(0.001) == Approx(-3.0902323).margin(1e-7));
  // Symmetry Φ⁻¹(1 - p) = -Φ⁻¹(p).
  CHECK(normal_quantile(0.05) == Approx(-1.6448536).margin(1e-7));
}

TEST_CASE("demand: provisioned_rate is the Poisson p95 of a 60 s window", "[tco]") {
  DemandInput demand;
  demand.hourly_share = named_profile("flat");
  demand.requests_per_day = 3.0 * 86'400;  // 3 req/s every hour
  demand.peak_percentile = 0.95;
  demand.sizing_window_s = 60;
  // λT = 3 x 60 = 180 arrivals in the window.
  // Normal approximation with the continuity term:
  //   180 + 1.6448536 x √180 + 0.5 = 180 + 1.6448536 x 13.416408 + 0.5
  //                                = 180 + 22.068027 + 0.5 = 202.568027 arrivals
  //   / 60 s = 3.3761338 req/s.
  CHECK(provisioned_rate(demand, 1, 0) == Approx(3.3761338));
  // The exact Poisson p95 of 180 arrivals is 202; the approximation is within one arrival.
  CHECK(std::abs(provisioned_rate(demand, 1, 0) * 60 - poisson_quantile(180, 0.95)) < 1.0);
  // Peak/mean 3.3761338 / 3 = 1.125: bursts matter less at high rates...
  CHECK(provisioned_rate(demand, 1, 0) / 3.0 == Approx(1.1253779));
  // ...and more at low rates: 0.05 req/s, λT = 3 arrivals:
  //   3 + 1.6448536 x √3 + 0.5 = 3 + 2.8489701 + 0.5 = 6.3489701 arrivals / 60 = 0.10581617 req/s,
  //   peak/mean = 2.1163 (the exact Poisson p95 of 3 arrivals is 6).
  demand.requests_per_day = 0.05 * 86'400;
  CHECK(provisioned_rate(demand, 1, 0) == Approx(0.10581617));
  CHECK(std::abs(provisioned_rate(demand, 1, 0) * 60 - poisson_quantile(3, 0.95)) < 1.0);
  // No demand: nothing to provision.
  demand.requests_per_day = 0;
  CHECK(provisioned_rate(demand, 1, 0) == 0.0);
}

TEST_CASE("demand: Poisson approximation stays within one arrival of the exact p95", "[tco]") {
  DemandInput demand;
  demand.hourly_share = named_profile("flat");
  demand.peak_percentile = 0.95;
  demand.sizing_window_s = 1;  // the rate is then the arrivals per window
  for (const double mean : {1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 300.0}) {
    INFO("mean arrivals " << mean);
    demand.requests_per_day = mean * 86'400;
    const double approx = provisioned_rate(demand, 1, 0);
    const int exact = poisson_quantile(mean, 0.95);
    CHECK(approx >= mean);
    CHECK(std::abs(approx - exact) < 1.0);
  }
}
