// Hybrid: an on-prem base sized to a percentile of hourly replica demand, the rest burst to a
// cloud option hour by hour (tco_methods.md §2.10). `optimal` is checked against the
// newsvendor critical fractile K* = F⁻¹(1 - c_own / p_b) and against brute force.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "tco/tco/cost.hpp"
#include "tco_test_helpers.hpp"

using namespace tco::cost;
using tco_test::finance;

namespace {

// Demand built so that hour h needs exactly k(h) = (7h mod 24) + 1 replicas: every level
// 1..24 occurs once (7 is coprime with 24), in shuffled order. With μ = 1 req/s, the mean rate
// in that hour is k - 0.5 req/s; sizing at the median over an hour adds 0.5/3600, so
// replicas = ceil(k - 0.5 + 0.00014) = k. No N+1, no headroom.
//   Daily requests: 3600 x Σ(k - 0.5) = 3600 x (300 - 12) = 1,036,800.
// The empirical CDF of hourly demand is F(d) = d / 24 for d = 1..24.
//
// Owned: 1-GPU nodes, one 1-GPU replica each, price P, life 1 year = horizon, residual 0, no
// other cost: c_own = P / 8,760 per replica-hour.
// Burst: 1-GPU cloud instances at p_b = $1 per replica-hour, billed per hour of use.
//
// With base K, a day costs 24 K c_own + Σ_{k > K} (k - K) p_b. Adding the K-th replica costs
// 24 c_own and saves p_b for each hour with demand >= K, i.e. (25 - K) hours; it pays while
// 25 - K > 24 c_own / p_b. Equivalently K* = F⁻¹(1 - c_own / p_b) = ceil(24 (1 - c_own / p_b)).
struct HybridCase {
  Workload workload;
  ReplicaCapacity replica{1.0, 1, 1.0};
  OnpremInputs onprem = tco_test::bare_onprem();
  CloudInputs burst;

  explicit HybridCase(double own_to_burst_ratio) {
    std::vector<double> weights(24);
    for (int hour = 0; hour < 24; ++hour) {
      const int level = (7 * hour) % 24 + 1;
      weights[static_cast<std::size_t>(hour)] = level - 0.5;
    }
    workload = tco_test::flat_workload(1'036'800, 1'000, 250);
    workload.demand.hourly_share = tco::capacity::normalise(weights);
    onprem.gpus_per_node = 1;
    onprem.gpu_price_usd = own_to_burst_ratio * 8'760;  // c_own = ratio x $1 per hour
    onprem.depreciation_years = 1;
    burst.instance_usd_per_s = tco_test::usd_per_s(1.0);
    burst.gpus_per_instance = 1;
  }

  [[nodiscard]] OptionCost run(std::optional<double> percentile) const {
    return hybrid_cost(workload, replica, onprem, replica, burst, finance(1, 0.0), percentile);
  }
};

/// Hand formula: a year with base K at c_own/p_b = ratio, in dollars (p_b = $1/h).
double hand_cost(double ratio, int base) {
  double burst_hours = 0;
  for (int k = base + 1; k <= 24; ++k) burst_hours += k - base;  // = (24 - K)(25 - K) / 2
  return 365.0 * (24.0 * ratio * base + burst_hours);
}

}  // namespace

TEST_CASE("hybrid: the demand case needs 1..24 replicas, one level per hour", "[tco]") {
  const HybridCase h(0.23);
  std::vector<int> seen(25, 0);
  for (int hour = 0; hour < 24; ++hour) {
    const auto replicas = replicas_needed(h.workload, h.replica, 1, hour);
    CHECK(replicas == (7 * hour) % 24 + 1);
    ++seen[static_cast<std::size_t>(replicas)];
  }
  for (int level = 1; level <= 24; ++level) CHECK(seen[static_cast<std::size_t>(level)] == 1);
}

TEST_CASE("hybrid: fixed base percentile", "[tco]") {
  // c_own / p_b = 0.23: P = 0.23 x 8,760 = $2,014.80 per node.
  const HybridCase h(0.23);
  // Median (p = 0.5): nearest rank ceil(0.5 x 24) = 12th smallest of 1..24 -> base 12.
  //   On-prem 12 x 2,014.80 = 24,177.60.
  //   Burst: Σ_{k=13..24} (k - 12) = 1 + ... + 12 = 78 replica-hours a day x 365 = 28,470 h
  //   x $1 = $28,470.  Total 24,177.60 + 28,470 = 52,647.60.
  const auto median = h.run(0.5);
  REQUIRE(median.years.size() == 1);
  CHECK(median.years[0].replicas == 12);
  CHECK(median.years[0].gpus == 12);
  CHECK(median.years[0].capex == Approx(24'177.60));
  CHECK(median.years[0].burst_hours == Approx(28'470.0));
  CHECK(median.years[0].cloud == Approx(28'470.0));
  CHECK(median.npv_usd == Approx(52'647.60));
  CHECK(median.npv_usd == Approx(hand_cost(0.23, 12)));
  CHECK(median.base_percentile == Approx(0.5));
  // p = 0: all burst, Σ k = 300 replica-hours a day x 365 = 109,500 -> $109,500.
  const auto none = h.run(0.0);
  CHECK(none.years[0].capex == 0.0);
  CHECK(none.years[0].replicas == 0);
  CHECK(none.npv_usd == Approx(109'500.0));
  // p = 1: the base covers the peak (24 replicas), no burst: 24 x 2,014.80 = 48,355.20, and it
  // equals the pure on-prem option.
  const auto all = h.run(1.0);
  CHECK(all.years[0].replicas == 24);
  CHECK(all.years[0].burst_hours == 0.0);
  CHECK(all.npv_usd == Approx(48'355.20));
  CHECK(all.npv_usd == Approx(onprem_cost(h.workload, h.replica, h.onprem, finance(1, 0.0)).npv_usd));
}

TEST_CASE("hybrid: optimal base percentile is the newsvendor critical fractile", "[tco]") {
  // ratio c_own/p_b -> K* = F⁻¹(1 - ratio) = ceil(24 (1 - ratio)):
  //   0.23 (burst 4.3x): 1 - 0.23 = 0.77, 24 x 0.77 = 18.48 -> K* = 19
  //     check: 25 - 19 = 6 > 24 x 0.23 = 5.52 (the 19th pays); 25 - 20 = 5 < 5.52 (the 20th
  //     does not). Year: 365 x (5.52 x 19 + 5 x 6 / 2) = 365 x (104.88 + 15) = $43,756.20.
  //   0.40 (burst 2.5x, the tco_methods example, "own up to the 60th percentile"):
  //     24 x 0.6 = 14.4 -> K* = 15
  //   0.10: 24 x 0.9 = 21.6 -> K* = 22
  //   1.20 (U < 1, cloud cheaper than owning): K* = 0, all burst.
  struct Expect {
    double ratio;
    int base;
  };
  for (const auto& [ratio, base] : {Expect{0.23, 19}, Expect{0.40, 15}, Expect{0.10, 22},
                                    Expect{1.20, 0}}) {
    INFO("c_own / p_b = " << ratio);
    const HybridCase h(ratio);
    const int newsvendor = std::max(0, static_cast<int>(std::ceil(24.0 * (1.0 - ratio))));
    CHECK(newsvendor == base);
    const auto best = h.run(std::nullopt);
    REQUIRE(best.base_percentile.has_value());
    CHECK(best.years[0].replicas == base);
    CHECK(*best.base_percentile == Approx(base / 24.0));
    CHECK(best.npv_usd == Approx(hand_cost(ratio, base)));
    // Brute force over the 25 levels: the optimum is never beaten.
    for (int level = 0; level <= 24; ++level) {
      INFO("level " << level);
      const auto fixed = h.run(level / 24.0);
      CHECK(fixed.npv_usd == Approx(hand_cost(ratio, level)));
      CHECK(best.npv_usd <= fixed.npv_usd + 1e-6);
    }
  }
  CHECK(hand_cost(0.23, 19) == Approx(43'756.20));
}

TEST_CASE("hybrid: optimal is never worse than the pure options", "[tco]") {
  // N+1 and Poisson p95 sizing on the business_hours profile, with 8-GPU nodes.
  Workload workload;
  workload.demand.requests_per_day = 864'000;
  workload.demand.hourly_share = tco::capacity::named_profile("business_hours");
  workload.input_tokens = 1'000;
  workload.output_tokens = 250;
  const ReplicaCapacity replica{2.0, 8, 0.8};
  auto onprem = tco_test::bare_onprem();
  onprem.gpu_price_usd = 30'000;
  onprem.server_base_usd = 60'000;
  onprem.depreciation_years = 4;
  onprem.electricity_usd_per_j = tco_test::usd_per_j(0.12);
  onprem.pue = 1.3;
  CloudInputs burst;
  burst.instance_usd_per_s = tco_test::usd_per_s(40.0);
  burst.gpus_per_instance = 8;
  const auto money = finance(4, 0.08);
  const auto best = hybrid_cost(workload, replica, onprem, replica, burst, money, std::nullopt);
  const auto all_onprem = onprem_cost(workload, replica, onprem, money);
  CHECK(best.npv_usd <= all_onprem.npv_usd + 1e-6);
  for (int level = 0; level <= 24; ++level) {
    const auto fixed =
        hybrid_cost(workload, replica, onprem, replica, burst, money, level / 24.0);
    CHECK(best.npv_usd <= fixed.npv_usd + 1e-6);
  }
}
