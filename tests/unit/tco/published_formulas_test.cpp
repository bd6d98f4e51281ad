// The finance building blocks (capital recovery factor, tco_methods.md §2.3) and the two
// published formulas issue 4 names, reproduced through the full cost functions:
//   InferenceX:  cost per M tokens = $/GPU-h ÷ (tokens/s/GPU × 3600 / 1e6)
//   NVIDIA blog: yearly on-prem    = server price / depreciation years + licences + hosting
#include <catch2/catch.hpp>

#include "tco/tco/cost.hpp"
#include "tco_test_helpers.hpp"

using namespace tco::cost;
using tco_test::finance;

TEST_CASE("tco: capital recovery factor", "[tco]") {
  // r = 8 %, n = 5: 1.08^5 = 1.4693281
  //   CRF = 0.08 x 1.4693281 / (1.4693281 - 1) = 0.11754625 / 0.4693281 = 0.2504565.
  CHECK(capital_recovery_factor(0.08, 5) == Approx(0.2504565).margin(1e-7));
  // r = 8 %, n = 4: 1.08^4 = 1.3604890; CRF = 0.10883912 / 0.3604890 = 0.3019208.
  CHECK(capital_recovery_factor(0.08, 4) == Approx(0.3019208).margin(1e-7));
  // r = 0: straight line, 1/n.
  CHECK(capital_recovery_factor(0.0, 5) == Approx(0.2));
  CHECK(capital_recovery_factor(0.0, 4) == Approx(0.25));
  // n = 1: the whole amount plus one year of interest, 1 + r.
  CHECK(capital_recovery_factor(0.08, 1) == Approx(1.08));
  // CRF is the inverse of the annuity factor Σ 1/(1+r)^t:
  //   1/1.08 + 1/1.08^2 + ... + 1/1.08^5 = 3.9927100; 1 / 3.9927100 = 0.2504565.
  CHECK(1.0 / capital_recovery_factor(0.08, 5) == Approx(3.9927100).margin(1e-6));
  CHECK(capital_recovery_factor(0.08, 0) == 0.0);
}

TEST_CASE("tco: cost per M tokens = $/GPU-h / (tokens/s/GPU x 3600 / 1e6)", "[tco]") {
  // A cloud fleet reserved 24x7 for one year, flat demand, no discounting.
  //   Instance: 8 GPUs at $2.50/GPU-h = $20/h.
  //   Demand: 864,000 req/day = 10 req/s, 2,400 in + 800 out = 3,200 tokens per request
  //           -> 10 x 3,200 = 32,000 tokens/s.
  //   Replica = one 8-GPU instance sustaining μ = 2.7 req/s; p95 of a 60 s window:
  //     λT = 600; 600 + 1.6448536 x √600 + 0.5 = 600 + 40.290521 + 0.5 = 640.79052 arrivals
  //     / 60 = 10.679842 req/s; / 2.7 = 3.955 -> 4 replicas = 4 instances = 32 GPUs.
  //   Delivered tokens/s per GPU = 32,000 / 32 = 1,000.
  // Published formula: $2.50 / (1,000 x 3600 / 1e6) = 2.50 / 3.6 = $0.6944444 per M tokens.
  // Cost function:     4 instances x 8,760 h x $20 = $700,800 a year;
  //                    tokens = 864,000 x 365 x 3,200 = 1.009152e12 = 1,009,152 M;
  //                    700,800 / 1,009,152 = $0.6944444 per M tokens.
  Workload workload;
  workload.demand.requests_per_day = 864'000;
  workload.demand.hourly_share = tco::capacity::named_profile("flat");
  workload.demand.peak_percentile = 0.95;
  workload.demand.sizing_window_s = 60;
  workload.input_tokens = 2'400;
  workload.output_tokens = 800;
  workload.redundancy_replicas = 0;
  ReplicaCapacity replica{2.7, 8, 1.0};
  CloudInputs cloud;
  cloud.instance_usd_per_s = tco_test::usd_per_s(20.0);
  cloud.gpus_per_instance = 8;
  cloud.follows_demand = false;

  const auto cost = cloud_cost(workload, replica, cloud, finance(1, 0.0));
  REQUIRE(cost.years.size() == 1);
  CHECK(cost.years[0].gpus == 32);
  CHECK(cost.years[0].cloud == Approx(700'800.0));
  CHECK(cost.years[0].input_tokens + cost.years[0].output_tokens == Approx(1.009152e12));

  const double usd_per_gpu_hour = 20.0 / 8;                                     // 2.50
  const double tokens_per_s_per_gpu = 864'000.0 / 86'400 * 3'200 / 32;          // 1,000
  const double published = usd_per_gpu_hour / (tokens_per_s_per_gpu * 3600 / 1e6);
  CHECK(published == Approx(0.6944444));
  CHECK(cost.usd_per_million_tokens == Approx(published));
  // Output-only levelised cost: 700,800 / (864,000 x 365 x 800 / 1e6 = 252,288) = $2.7777778.
  CHECK(cost.usd_per_million_output_tokens == Approx(2.7777778));
}

namespace {

/// NVIDIA DLI notebook inputs: a DGX at $320k (8 x $30,000 GPUs + $80,000 base), 4 years,
/// NVAIE $4,500/GPU/yr, hosting as colocation $200/kW-month on the 10.2 kW nameplate
/// (8 x 700 W + 4,600 W host). No energy bill, no staff, no residual. One node serves it all.
struct DgxCase {
  Workload workload = tco_test::flat_workload(86'400, 1'000, 250);  // 1 req/s
  ReplicaCapacity replica{10.0, 8, 1.0};  // ceil(1.0001 / 10) = 1 replica = 1 node
  OnpremInputs onprem = [] {
    auto out = tco_test::bare_onprem();
    out.gpu_price_usd = 30'000;
    out.server_base_usd = 80'000;
    out.depreciation_years = 4;
    out.license_per_gpu_year_usd = 4'500;
    out.server.host_w = 4'600;
    out.colocation_usd_per_w_s = tco_test::usd_per_w_s(200.0);
    return out;
  }();
};

}  // namespace

TEST_CASE("tco: yearly on-prem = server price / depreciation years + licences + hosting",
          "[tco]") {
  DgxCase dgx;
  // Published formula: 320,000 / 4 + 8 x 4,500 + 200 x 10.2 kW x 12
  //                  = 80,000   + 36,000    + 24,480           = $140,480 a year.
  const double published = 320'000.0 / 4 + 8 * 4'500.0 + 200.0 * 10.2 * 12;
  CHECK(published == Approx(140'480.0));

  const auto cost = onprem_cost(dgx.workload, dgx.replica, dgx.onprem, finance(4, 0.0));
  REQUIRE(cost.years.size() == 4);
  // Year 1: capex 320,000 + licences 36,000 + colocation 24,480 = 380,480.
  CHECK(cost.years[0].capex == Approx(320'000.0));
  CHECK(cost.years[0].licences == Approx(36'000.0));
  CHECK(cost.years[0].colocation == Approx(24'480.0));
  CHECK(cost.years[0].energy == 0.0);
  CHECK(cost.years[0].total() == Approx(380'480.0));
  // Years 2-4: 36,000 + 24,480 = 60,480; no refresh (bought year 1, life 4 -> year 5).
  for (int year = 1; year < 4; ++year) CHECK(cost.years[static_cast<std::size_t>(year)].total() == Approx(60'480.0));
  // Salvage at the end of year 4: fully depreciated, residual 0.
  CHECK(cost.years[3].residual == 0.0);
  // r = 0: EAC = NPV x 1/4 = (380,480 + 3 x 60,480) / 4 = 561,920 / 4 = 140,480.
  CHECK(cost.total_usd == Approx(561'920.0));
  CHECK(cost.eac_usd == Approx(published));
}

TEST_CASE("tco: on-prem EAC with a cost of capital is the annuity A_r of tco_methods §2.3",
          "[tco]") {
  DgxCase dgx;
  // r = 8 %, n = 4, CRF = 0.3019208. Capex at t = 0, opex 60,480 at the end of each year:
  //   EAC = 320,000 x 0.3019208 + 60,480 = 96,614.66 + 60,480 = 157,094.66.
  const auto cost = onprem_cost(dgx.workload, dgx.replica, dgx.onprem, finance(4, 0.08));
  CHECK(cost.eac_usd == Approx(157'094.66).margin(0.01));
  // Residual 10 % at the end of life (= end of the horizon): the sinking-fund credit
  //   A_r = P x CRF - R x r / ((1+r)^n - 1) = 96,614.66 - 32,000 x 0.08 / 0.3604890
  //       = 96,614.66 - 32,000 x 0.2219208 = 96,614.66 - 7,101.47 = 89,513.19
  //   EAC = 89,513.19 + 60,480 = 149,993.19.
  dgx.onprem.residual_fraction = 0.10;
  const auto with_residual = onprem_cost(dgx.workload, dgx.replica, dgx.onprem, finance(4, 0.08));
  CHECK(with_residual.years[3].residual == Approx(32'000.0));
  CHECK(with_residual.eac_usd == Approx(149'993.19).margin(0.01));
  // NPV = 320,000 + 60,480 x 3.3121268 - 32,000 / 1.3604890 = 320,000 + 200,317.43 - 23,520.96
  //     = 496,796.48.
  CHECK(with_residual.npv_usd == Approx(496'796.48).margin(0.01));
}
