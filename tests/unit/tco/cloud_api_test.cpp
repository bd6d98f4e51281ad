// Cloud (reserved 24x7 vs following the hourly demand, tco_methods.md §2.7), hosted API
// (tokens x price with a yearly decline, §2.8), NPV of end-of-year flows (§2.5) and the
// break-even month (§2.9).
#include <catch2/catch.hpp>

#include <optional>

#include "tco/tco/cost.hpp"
#include "tco_test_helpers.hpp"

using namespace tco::cost;
using tco_test::finance;

namespace {

/// business_hours, 864,000 req/day, 8-GPU replicas of μ = 2 req/s, N+1, p95 of 60 s.
///   Open hours (8):   864,000 x 0.1    / 3600 = 24 req/s; λT = 1,440;
///                     1,440 + 1.6448536 x √1,440 + 0.5 = 1,440 + 62.417807 + 0.5 = 1,502.9178
///                     / 60 = 25.048630 req/s; / 2 = 12.52 -> 13 + 1 = 14 replicas.
///   Closed hours (16): 864,000 x 0.0125 / 3600 = 3 req/s; λT = 180;
///                     180 + 22.068027 + 0.5 = 202.56803 / 60 = 3.3761338 req/s; / 2 = 1.69
///                     -> 2 + 1 = 3 replicas.
Workload business_workload() {
  Workload workload;
  workload.demand.requests_per_day = 864'000;
  workload.demand.hourly_share = tco::capacity::named_profile("business_hours");
  workload.demand.peak_percentile = 0.95;
  workload.demand.sizing_window_s = 60;
  workload.input_tokens = 1'000;
  workload.output_tokens = 250;
  workload.redundancy_replicas = 1;
  return workload;
}

}  // namespace

TEST_CASE("tco: replicas per hour for the business_hours case", "[tco]") {
  const auto workload = business_workload();
  const ReplicaCapacity replica{2.0, 8, 1.0};
  CHECK(replicas_needed(workload, replica, 1, 10) == 14);
  CHECK(replicas_needed(workload, replica, 1, 3) == 3);
  // Headroom 20 %: 25.048630 x 1.2 / 2 = 15.03 -> 16 + 1 = 17.
  auto roomy = workload;
  roomy.headroom = 0.2;
  CHECK(replicas_needed(roomy, replica, 1, 10) == 17);
}

TEST_CASE("tco: cloud autoscaled vs reserved 24x7 instance-hours (business_hours)", "[tco]") {
  const auto workload = business_workload();
  const ReplicaCapacity replica{2.0, 8, 1.0};
  CloudInputs cloud;
  cloud.instance_usd_per_s = tco_test::usd_per_s(40.0);  // $40 per 8-GPU instance-hour
  cloud.gpus_per_instance = 8;

  // Reserved 24x7 at the peak: 14 instances x 24 h x 365 d = 122,640 instance-hours
  //   x $40 = $4,905,600.
  cloud.follows_demand = false;
  const auto reserved = cloud_cost(workload, replica, cloud, finance(1, 0.0));
  CHECK(reserved.years[0].burst_hours == Approx(122'640.0));
  CHECK(reserved.years[0].cloud == Approx(4'905'600.0));
  CHECK(reserved.years[0].gpus == 14 * 8);
  CHECK(reserved.years[0].replicas == 14);
  // Utilisation = mean over hours of load / capacity:
  //   (8 x 24/28 + 16 x 3/28) / 24 = (192 + 48) / 28 / 24 = 240 / 672 = 0.3571429.
  CHECK(reserved.years[0].utilisation == Approx(0.3571429));

  // Following demand: (8 h x 14 + 16 h x 3) x 365 = (112 + 48) x 365 = 58,400 instance-hours
  //   x $40 = $2,336,000.
  cloud.follows_demand = true;
  const auto autoscaled = cloud_cost(workload, replica, cloud, finance(1, 0.0));
  CHECK(autoscaled.years[0].burst_hours == Approx(58'400.0));
  CHECK(autoscaled.years[0].cloud == Approx(2'336'000.0));
  CHECK(autoscaled.years[0].gpus == 14 * 8);  // peak fleet
  // Utilisation: (8 x 24/28 + 16 x 3/6) / 24 = (6.857143 + 8) / 24 = 0.6190476.
  CHECK(autoscaled.years[0].utilisation == Approx(0.6190476));
  // The autoscaled fleet pays 58,400 / 122,640 = 47.6 % of the reserved hours.
  CHECK(autoscaled.total_usd / reserved.total_usd == Approx(58'400.0 / 122'640.0));
}

TEST_CASE("tco: a cloud price decline lowers each later year's bill", "[tco]") {
  // No demand growth, reserved 24x7: the same instance-hours every year, paid at
  // $40 x (1 - 0.2)^(y-1) per hour: year 3 pays 0.64 of year 1.
  const auto workload = business_workload();
  const ReplicaCapacity replica{2.0, 8, 1.0};
  CloudInputs cloud;
  cloud.instance_usd_per_s = tco_test::usd_per_s(40.0);
  cloud.gpus_per_instance = 8;
  cloud.price_decline = 0.2;
  const auto cost = cloud_cost(workload, replica, cloud, finance(3, 0.0));
  REQUIRE(cost.years.size() == 3);
  CHECK(cost.years[0].cloud == Approx(4'905'600.0));  // as without a decline (test above)
  CHECK(cost.years[1].cloud == Approx(4'905'600.0 * 0.8));
  CHECK(cost.years[2].cloud == Approx(4'905'600.0 * 0.64));
  CHECK(cost.years[2].burst_hours == Approx(122'640.0));
}

TEST_CASE("tco: cloud instances hold whole replicas", "[tco]") {
  // Flat 1 req/s, μ = 2 req/s per replica -> 1 replica each hour (ceil(0.5001)).
  const auto workload = tco_test::flat_workload(86'400, 1'000, 250);
  CloudInputs cloud;
  cloud.instance_usd_per_s = tco_test::usd_per_s(10.0);
  cloud.gpus_per_instance = 8;

  // A 2-GPU replica: 4 fit on one 8-GPU instance. Demand of 5 replicas (4.5 req/s at μ = 1):
  //   ceil(5 / 4) = 2 instances x 8,760 h x $10 = $175,200.
  const auto five = tco_test::flat_workload(4.5 * 86'400, 1'000, 250);
  const auto small = cloud_cost(five, ReplicaCapacity{1.0, 2, 1.0}, cloud, finance(1, 0.0));
  CHECK(small.years[0].replicas == 5);
  CHECK(small.years[0].cloud == Approx(175'200.0));
  CHECK(small.years[0].gpus == 16);

  // A 16-GPU replica spans two 8-GPU instances: 1 replica = 2 instances
  //   x 8,760 h x $10 = $175,200, 16 GPUs.
  const auto big = cloud_cost(workload, ReplicaCapacity{2.0, 16, 1.0}, cloud, finance(1, 0.0));
  CHECK(big.years[0].replicas == 1);
  CHECK(big.years[0].gpus == 16);
  CHECK(big.years[0].burst_hours == Approx(2 * 8'760.0));
  CHECK(big.years[0].cloud == Approx(175'200.0));
  // Utilisation of that replica: 1 req/s / 2 req/s = 0.5.
  CHECK(big.years[0].utilisation == Approx(0.5));
}

TEST_CASE("tco: API cost is tokens x price with a yearly decline", "[tco]") {
  // 1,000,000 req/day, 1,000 in + 250 out, $3/M in, $15/M out, price -20 %/yr, r = 10 %.
  const auto workload = tco_test::flat_workload(1'000'000, 1'000, 250);
  ApiInputs api;
  api.input_usd_per_token = 3e-6;
  api.output_usd_per_token = 15e-6;
  api.decline_per_year = 0.20;
  const auto cost = api_cost(workload, api, finance(3, 0.10));
  REQUIRE(cost.years.size() == 3);
  // Year 1: 1e6 x 365 x 1,000 = 3.65e11 in  x $3/M  = $1,095,000
  //         1e6 x 365 x   250 = 9.125e10 out x $15/M = $1,368,750   -> $2,463,750.
  CHECK(cost.years[0].input_tokens == Approx(3.65e11));
  CHECK(cost.years[0].output_tokens == Approx(9.125e10));
  CHECK(cost.years[0].api == Approx(2'463'750.0));
  // Year 2: x 0.8 = $1,971,000; year 3: x 0.8^2 = 0.64 -> $1,576,800.
  CHECK(cost.years[1].api == Approx(1'971'000.0));
  CHECK(cost.years[2].api == Approx(1'576'800.0));
  CHECK(cost.total_usd == Approx(6'011'550.0));
  // NPV, end-of-year payments: 2,463,750/1.1 + 1,971,000/1.21 + 1,576,800/1.331
  //   = 2,239,772.73 + 1,628,925.62 + 1,184,673.18 = 5,053,371.53.
  CHECK(cost.npv_usd == Approx(5'053'371.53).margin(0.01));
  // Blended year-1 price: (1,000 x 3 + 250 x 15) / 1,250 = $5.40 per M tokens.
  CHECK(cost.years[0].api / ((cost.years[0].input_tokens + cost.years[0].output_tokens) / 1e6) ==
        Approx(5.40));
  // Levelised (tokens discounted too): 456,250 M tokens a year x (1/1.1 + 1/1.21 + 1/1.331)
  //   = 456,250 x 2.4868520 = 1,134,626.22 M; 5,053,371.53 / 1,134,626.22 = $4.4537764.
  CHECK(cost.usd_per_million_tokens == Approx(4.4537764));
  // Output only: 91,250 M x 2.4868520 = 226,925.24 M; 5,053,371.53 / 226,925.24 = $22.268882.
  CHECK(cost.usd_per_million_output_tokens == Approx(22.268882));
  // EAC = NPV x CRF(10 %, 3) = 5,053,371.53 x 0.4021148 = 2,032,035.3.
  CHECK(cost.eac_usd == Approx(5'053'371.53 * 0.40211480).epsilon(1e-7));
  // No capex: the monthly curve starts at 0 and grows by 2,463,750 / 12 = 205,312.50 a month.
  CHECK(cost.cumulative_by_month.size() == 37);
  CHECK(cost.cumulative_by_month[0] == 0.0);
  CHECK(cost.cumulative_by_month[1] == Approx(205'312.50));
  CHECK(cost.cumulative_by_month[12] == Approx(2'463'750.0));
  CHECK(cost.cumulative_by_month[36] == Approx(6'011'550.0));
}

TEST_CASE("tco: break-even month of on-prem against an API", "[tco]") {
  // One 8-GPU node at 8 x $25,000 + $40,000 = $240,000 bought in month 0; 1 FTE at $72,000/yr
  // (= $6,000 a month), no energy bill, 3-year life = horizon, residual 0.
  // Workload 100,000 req/day (1.157 req/s, one replica of μ = 2), 1,000 in + 200 out.
  // API at $3/M in and $10/M out: 1,000 x 3e-6 + 200 x 10e-6 = $0.005 per request
  //   x 100,000 x 365 = $182,500 a year = $15,208.33 a month.
  // On-prem <= API from month m with 240,000 + 6,000 m <= 15,208.33 m
  //   -> m >= 240,000 / 9,208.33 = 26.06 -> month 27.
  //   Month 26: 240,000 + 156,000 = 396,000 > 26 x 15,208.33 = 395,416.67.
  //   Month 27: 240,000 + 162,000 = 402,000 <= 27 x 15,208.33 = 410,625.00.
  const auto workload = tco_test::flat_workload(100'000, 1'000, 200);
  auto onprem_inputs = tco_test::bare_onprem();
  onprem_inputs.gpu_price_usd = 25'000;
  onprem_inputs.server_base_usd = 40'000;
  onprem_inputs.staff_fte = 1;
  onprem_inputs.staff_cost_per_fte_usd = 72'000;
  const auto onprem = onprem_cost(workload, ReplicaCapacity{2.0, 8, 1.0}, onprem_inputs,
                                  finance(3, 0.0));
  ApiInputs api_inputs;
  api_inputs.input_usd_per_token = 3e-6;
  api_inputs.output_usd_per_token = 10e-6;
  const auto api = api_cost(workload, api_inputs, finance(3, 0.0));

  REQUIRE(onprem.cumulative_by_month.size() == 37);
  CHECK(onprem.cumulative_by_month[0] == Approx(240'000.0));
  CHECK(onprem.cumulative_by_month[26] == Approx(396'000.0));
  CHECK(api.cumulative_by_month[26] == Approx(395'416.67).margin(0.01));
  CHECK(onprem.cumulative_by_month[27] == Approx(402'000.0));
  CHECK(api.cumulative_by_month[27] == Approx(410'625.0));
  CHECK(break_even_month(onprem, api) == std::optional<int>(27));

  // Never: the API ends above on-prem (36 x 15,208.33 = 547,500 > 240,000 + 216,000 = 456,000),
  // so the API never stays at or below on-prem.
  CHECK(onprem.total_usd == Approx(456'000.0));
  CHECK(api.total_usd == Approx(547'500.0));
  CHECK_FALSE(break_even_month(api, onprem).has_value());

  // Always: an API at half the prices is at or below the full-price API from month 0.
  auto cheaper_inputs = api_inputs;
  cheaper_inputs.input_usd_per_token /= 2;
  cheaper_inputs.output_usd_per_token /= 2;
  const auto cheaper = api_cost(workload, cheaper_inputs, finance(3, 0.0));
  CHECK(break_even_month(cheaper, api) == std::optional<int>(0));
  // An option equals itself from month 0.
  CHECK(break_even_month(onprem, onprem) == std::optional<int>(0));
}
