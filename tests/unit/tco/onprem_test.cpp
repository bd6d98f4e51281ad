// On-prem cash flows (tco_methods.md §2.3-2.5): purchase cohorts, expansion, refresh at end
// of life with resale at the residual value, end-of-horizon salvage at straight-line book
// value, maintenance on installed hardware, licences, staff, energy with PUE in an own
// facility vs colocation on provisioned kW with IT-only energy, carbon, racks, and NPV with
// capex at the start of its year and everything else at the end.
#include <catch2/catch.hpp>

#include "tco/tco/cost.hpp"
#include "tco_test_helpers.hpp"

using namespace tco::cost;
using tco_test::finance;

namespace {

// Node: 8 x $25,000 GPUs + $50,000 base + $10,000 networking + $5,000 storage = $265,000;
//   spares 10 % -> hardware $291,500 per node; installation 10 % -> capex $320,650 per node.
// Replica: 4 GPUs, μ = 1 req/s, so 2 replicas per node. N+1, sizing at the median (z = 0)
// over an hour: replicas = ceil(λ + 0.5/3600) + 1.
// Demand: 2.5 req/s (216,000 req/day) in year 1, +30 % a year:
//   year 1: 2.5             -> 3 + 1 = 4 replicas -> 2 nodes (buy 2)
//   year 2: 2.5 x 1.3 = 3.25   -> 4 + 1 = 5 replicas -> 3 nodes (buy 1: expansion)
//   year 3: 3.25 x 1.3 = 4.225 -> 5 + 1 = 6 replicas -> 3 nodes
//   year 4: 4.225 x 1.3 = 5.4925 -> 6 + 1 = 7 replicas -> 4 nodes (buy 1) and the year-1
//           cohort reaches its 3-year life: refresh 2 nodes.
struct CohortCase {
  Workload workload = [] {
    auto out = tco_test::flat_workload(216'000, 1'000, 250);
    out.demand.growth_per_year = 0.30;
    out.redundancy_replicas = 1;
    return out;
  }();
  ReplicaCapacity replica{1.0, 4, 0.8};
  OnpremInputs onprem = [] {
    auto out = tco_test::bare_onprem();
    out.gpu_price_usd = 25'000;
    out.server_base_usd = 50'000;
    out.networking_per_node_usd = 10'000;
    out.storage_per_node_usd = 5'000;
    out.spares_fraction = 0.10;
    out.installation_fraction = 0.10;
    out.maintenance_fraction = 0.05;
    out.depreciation_years = 3;
    out.residual_fraction = 0.20;
    out.staff_fte = 1.5;
    out.staff_cost_per_fte_usd = 200'000;
    out.license_per_gpu_year_usd = 4'500;
    return out;
  }();
};

}  // namespace

TEST_CASE("onprem: cohorts, expansion, refresh and salvage", "[tco]") {
  CohortCase c;
  const auto cost = onprem_cost(c.workload, c.replica, c.onprem, finance(4, 0.08));
  REQUIRE(cost.years.size() == 4);
  const auto& y = cost.years;

  CHECK(y[0].nodes == 2);
  CHECK(y[1].nodes == 3);
  CHECK(y[2].nodes == 3);
  CHECK(y[3].nodes == 4);
  CHECK(y[0].gpus == 16);
  CHECK(y[3].gpus == 32);
  CHECK(y[0].replicas == 4);  // 2 nodes x 2
  CHECK(y[1].replicas == 6);  // 3 nodes x 2 (one more than needed: whole nodes)

  // Capex: year 1 2 x 320,650 = 641,300; year 2 1 x 320,650; year 3 none;
  //        year 4 refresh 2 + expansion 1 = 3 x 320,650 = 961,950.
  CHECK(y[0].capex == Approx(641'300.0));
  CHECK(y[1].capex == Approx(320'650.0));
  CHECK(y[2].capex == 0.0);
  CHECK(y[3].capex == Approx(961'950.0));

  // Residual. The year-1 cohort serves years 1-3 and is resold at the end of year 3 (the end
  // of its life, R_n / (1+r)^n of tco_methods §2.5), just before its replacement is bought at
  // the start of year 4:
  //   year 3: 2 x 291,500 x 0.20 = 116,600
  // Salvage at the end of year 4, book = hardware x (0.2 + 0.8 x (1 - age/3)):
  //   refreshed cohort (2 nodes, age 1): 2 x 291,500 x (0.2 + 0.8 x 2/3) = 2 x 213,766.67
  //                                      = 427,533.33
  //   year-2 cohort    (1 node,  age 3): 291,500 x 0.2                    =  58,300.00
  //   year-4 expansion (1 node,  age 1): 291,500 x 0.7333333               = 213,766.67
  //   year 4: 427,533.33 + 58,300 + 213,766.67 = 699,600.
  CHECK(y[0].residual == 0.0);
  CHECK(y[1].residual == 0.0);
  CHECK(y[2].residual == Approx(116'600.0));
  CHECK(y[3].residual == Approx(699'600.0));

  // Maintenance 5 % of installed hardware (291,500 per node):
  //   2 nodes -> 29,150; 3 nodes -> 43,725; 4 nodes -> 58,300.
  CHECK(y[0].maintenance == Approx(29'150.0));
  CHECK(y[1].maintenance == Approx(43'725.0));
  CHECK(y[2].maintenance == Approx(43'725.0));
  CHECK(y[3].maintenance == Approx(58'300.0));
  // Licences $4,500 x installed GPUs: 16 -> 72,000; 24 -> 108,000; 32 -> 144,000.
  CHECK(y[0].licences == Approx(72'000.0));
  CHECK(y[1].licences == Approx(108'000.0));
  CHECK(y[3].licences == Approx(144'000.0));
  // Staff 1.5 x 200,000 = 300,000 every year.
  for (const auto& flow : y) CHECK(flow.staff == Approx(300'000.0));

  // Year totals: y1 641,300 + 29,150 + 72,000 + 300,000             = 1,042,450
  //              y2 320,650 + 43,725 + 108,000 + 300,000            =   772,375
  //              y3 -116,600 + 43,725 + 108,000 + 300,000           =   335,125
  //              y4 961,950 - 699,600 + 58,300 + 144,000 + 300,000   =   764,650
  CHECK(y[0].total() == Approx(1'042'450.0));
  CHECK(y[1].total() == Approx(772'375.0));
  CHECK(y[2].total() == Approx(335'125.0));
  CHECK(y[3].total() == Approx(764'650.0));
  CHECK(cost.total_usd == Approx(2'914'600.0));

  // NPV at 8 %, capex at the start of its year (/1.08^(t-1)), the rest at the end (/1.08^t):
  //   y1 641,300 / 1        +   401,150 / 1.08      = 641,300.00 + 371,435.19
  //   y2 320,650 / 1.08     +   451,725 / 1.1664    = 296,898.15 + 387,281.38
  //   y3                        335,125 / 1.259712  =              266,033.03
  //   y4 961,950 / 1.259712 + (-197,300) / 1.360489 = 763,626.92 - 145,021.39
  //   NPV = 2,581,553.28
  CHECK(cost.npv_usd == Approx(2'581'553.28).margin(0.01));
  // EAC = NPV x CRF(8 %, 4) = 2,581,553.28 x 0.3019208 = 779,424.64.
  CHECK(cost.eac_usd == Approx(779'424.64).margin(0.01));

  // Monthly curve: year-1 capex at month 0, then 401,150 / 12 = 33,429.17 a month; the
  // year-2 capex lands on month 12.
  CHECK(cost.cumulative_by_month[0] == Approx(641'300.0));
  CHECK(cost.cumulative_by_month[1] == Approx(641'300.0 + 33'429.17).margin(0.01));
  CHECK(cost.cumulative_by_month[12] == Approx(1'042'450.0 + 320'650.0));
  CHECK(cost.cumulative_by_month.back() == Approx(2'914'600.0));
}

TEST_CASE("onprem: salvage when the horizon ends before the end of life", "[tco]") {
  CohortCase c;
  c.workload.demand.growth_per_year = 0;
  // 2 nodes bought in year 1, life 3, horizon 2: age 2 at the end of year 2,
  //   book = 291,500 x (0.2 + 0.8 x (1 - 2/3)) = 291,500 x 0.4666667 = 136,033.33 per node
  //   x 2 = 272,066.67.
  const auto two = onprem_cost(c.workload, c.replica, c.onprem, finance(2, 0.0));
  CHECK(two.years[1].residual == Approx(272'066.67).margin(0.01));
  CHECK(two.years[1].capex == 0.0);
  // Horizon 1: age 1, book 0.7333333 x 291,500 x 2 = 427,533.33.
  const auto one = onprem_cost(c.workload, c.replica, c.onprem, finance(1, 0.0));
  CHECK(one.years[0].residual == Approx(427'533.33).margin(0.01));
  // Residual 0 and life 1 = horizon: fully written off, nothing back.
  c.onprem.residual_fraction = 0;
  c.onprem.depreciation_years = 1;
  const auto written_off = onprem_cost(c.workload, c.replica, c.onprem, finance(1, 0.0));
  CHECK(written_off.years[0].residual == 0.0);
  // Life 1, horizon 2: the fleet is refreshed in year 2 (capex again 2 x 320,650 = 641,300)
  // and salvaged at 0 after its one-year life.
  const auto refreshed = onprem_cost(c.workload, c.replica, c.onprem, finance(2, 0.0));
  CHECK(refreshed.years[1].capex == Approx(641'300.0));
  CHECK(refreshed.years[1].residual == 0.0);
}

TEST_CASE("onprem: NPV timing of purchase, resale at end of life and refresh", "[tco]") {
  // One node of 8 x $25,000 = $200,000 (no other cost), life 2 years, residual 25 %, horizon
  // 3 years, r = 10 %. Flat 1 req/s on one 8-GPU replica of μ = 10 req/s.
  //   t = 0 (start of year 1): buy            +200,000 / 1       = 200,000.00
  //   t = 2 (end of year 2):   resell at 25 %  -50,000 / 1.21    = -41,322.31
  //   t = 2 (start of year 3): buy again      +200,000 / 1.21    = 165,289.26
  //   t = 3 (end of year 3):   salvage, age 1 of 2: 200,000 x (0.25 + 0.75 x 1/2) = 125,000
  //                                           -125,000 / 1.331   = -93,914.35
  //   NPV = 230,052.60; nominal total 200,000 - 50,000 + 200,000 - 125,000 = 225,000.
  const auto workload = tco_test::flat_workload(86'400, 1'000, 250);
  auto onprem = tco_test::bare_onprem();
  onprem.gpu_price_usd = 25'000;
  onprem.depreciation_years = 2;
  onprem.residual_fraction = 0.25;
  const auto cost = onprem_cost(workload, ReplicaCapacity{10.0, 8, 1.0}, onprem, finance(3, 0.10));
  REQUIRE(cost.years.size() == 3);
  CHECK(cost.years[0].capex == Approx(200'000.0));
  CHECK(cost.years[1].residual == Approx(50'000.0));
  CHECK(cost.years[2].capex == Approx(200'000.0));
  CHECK(cost.years[2].residual == Approx(125'000.0));
  CHECK(cost.total_usd == Approx(225'000.0));
  CHECK(cost.npv_usd == Approx(230'052.60).margin(0.01));
}

namespace {

// One year, flat 2.5 req/s, 4 replicas on 2 nodes (as in CohortCase, no growth, no money
// except energy and hosting). Each hour: utilisation 2.5 / (4 x 1) = 0.625, GPU activity
// 0.625 x 0.8 = 0.5, node power 8 x 700 x (0.3 + 0.7 x 0.5) + 1,400 = 3,640 + 1,400 = 5,040 W.
// IT energy: 2 x 5.040 kW x 8,760 h = 88,300.8 kWh.
// Nameplate: 8 x 700 + 1,400 = 7,000 W per node; 2 nodes provisioned = 14 kW.
struct EnergyCase {
  CohortCase base;
  OnpremInputs onprem = [] {
    auto out = tco_test::bare_onprem();
    out.gpu_price_usd = 25'000;
    out.depreciation_years = 3;
    out.electricity_usd_per_j = tco_test::usd_per_j(0.10);
    out.carbon_kg_per_j = tco_test::kg_per_j(0.4);
    out.pue = 1.4;
    return out;
  }();
  Workload workload = [] {
    CohortCase c;
    c.workload.demand.growth_per_year = 0;
    return c.workload;
  }();
  ReplicaCapacity replica = base.replica;
};

}  // namespace

TEST_CASE("onprem: own facility pays energy x PUE, carbon on facility energy", "[tco]") {
  EnergyCase e;
  const auto cost = onprem_cost(e.workload, e.replica, e.onprem, finance(1, 0.0));
  const auto& y = cost.years[0];
  CHECK(y.utilisation == Approx(0.625));
  CHECK(y.it_energy_j / 3.6e6 == Approx(88'300.8));
  // Facility: 88,300.8 x 1.4 = 123,621.12 kWh x $0.10 = $12,362.11.
  CHECK(y.facility_energy_j / 3.6e6 == Approx(123'621.12));
  CHECK(y.energy == Approx(12'362.112));
  CHECK(y.colocation == 0.0);
  // Carbon: 123,621.12 kWh x 0.4 kg/kWh = 49,448.448 kg.
  CHECK(y.carbon_kg == Approx(49'448.448));
  // Per M tokens: 216,000 x 365 x 1,250 = 9.855e10 tokens = 98,550 M;
  //   123,621.12 / 98,550 = 1.2544001 kWh/M; 49,448,448 g / 98,550 = 501.76000 g/M.
  CHECK(cost.kwh_per_million_tokens == Approx(1.2544001));
  CHECK(cost.g_co2_per_million_tokens == Approx(501.76));
  // Escalation 5 %/yr: year 2 pays 12,362.112 x 1.05 = 12,980.218.
  e.onprem.electricity_escalation = 0.05;
  const auto two = onprem_cost(e.workload, e.replica, e.onprem, finance(2, 0.0));
  CHECK(two.years[0].energy == Approx(12'362.112));
  CHECK(two.years[1].energy == Approx(12'980.218));
}

TEST_CASE("onprem: colocation bills provisioned kW and IT-only energy", "[tco]") {
  EnergyCase e;
  // Colocation $150/kW-month on the 14 kW nameplate: 150 x 14 x 12 = $25,200 a year.
  // Cooling is in the colo price: energy billed on IT energy only,
  //   88,300.8 kWh x $0.10 = $8,830.08 (not 12,362.11).
  e.onprem.colocation_usd_per_w_s = tco_test::usd_per_w_s(150.0);
  const auto cost = onprem_cost(e.workload, e.replica, e.onprem, finance(1, 0.0));
  const auto& y = cost.years[0];
  CHECK(y.colocation == Approx(25'200.0));
  CHECK(y.energy == Approx(8'830.08));
  // The site still draws facility power: carbon stays 123,621.12 x 0.4 = 49,448.448 kg.
  CHECK(y.carbon_kg == Approx(49'448.448));
  // Colocation follows the nameplate, not the activity: an idle replica (activity 0) pays the
  // same $25,200 while its energy drops to 2 x 3,080 W x 8,760 h = 53,961.6 kWh -> $5,396.16.
  auto idle = e.replica;
  idle.activity = 0;
  const auto idle_cost = onprem_cost(e.workload, idle, e.onprem, finance(1, 0.0));
  CHECK(idle_cost.years[0].colocation == Approx(25'200.0));
  CHECK(idle_cost.years[0].energy == Approx(5'396.16));
}

TEST_CASE("onprem: racks from the rack power limit", "[tco]") {
  EnergyCase e;
  // 7,000 W nameplate per node.
  // No limit: no rack count.
  CHECK(onprem_cost(e.workload, e.replica, e.onprem, finance(1, 0.0)).years[0].racks == 0);
  // 15 kW: floor(15,000 / 7,000) = 2 nodes per rack; 2 nodes -> 1 rack.
  e.onprem.rack_power_limit_w = 15'000;
  CHECK(onprem_cost(e.workload, e.replica, e.onprem, finance(1, 0.0)).years[0].racks == 1);
  // 10 kW: 1 node per rack -> 2 racks.
  e.onprem.rack_power_limit_w = 10'000;
  CHECK(onprem_cost(e.workload, e.replica, e.onprem, finance(1, 0.0)).years[0].racks == 2);
  // Growth to 4 nodes (CohortCase year 4) at 15 kW: ceil(4 / 2) = 2 racks.
  CohortCase c;
  c.onprem.rack_power_limit_w = 15'000;
  const auto grown = onprem_cost(c.workload, c.replica, c.onprem, finance(4, 0.0));
  CHECK(grown.years[1].racks == 2);  // 3 nodes -> ceil(3 / 2) = 2
  CHECK(grown.years[3].racks == 2);  // 4 nodes -> 2
}

TEST_CASE("onprem: a replica spanning nodes buys whole nodes per replica", "[tco]") {
  // 16-GPU replicas on 8-GPU nodes: 2 nodes per replica. Flat 2.5 req/s at μ = 1, N+1:
  //   3 + 1 = 4 replicas -> 8 nodes, 64 GPUs; capex 8 x 8 x $25,000 = $1,600,000.
  EnergyCase e;
  const ReplicaCapacity wide{1.0, 16, 0.8};
  const auto cost = onprem_cost(e.workload, wide, e.onprem, finance(1, 0.0));
  CHECK(cost.years[0].replicas == 4);
  CHECK(cost.years[0].nodes == 8);
  CHECK(cost.years[0].gpus == 64);
  CHECK(cost.years[0].capex == Approx(1'600'000.0));
}

TEST_CASE("onprem: the fleet is sized for the year's busiest hour", "[tco]") {
  // The fleet holds the largest hourly replica demand (demand grows, so it never shrinks), for
  // any profile and sizing percentile (above the median the busiest hour decides; below it every
  // hour is asked).
  std::vector<double> uneven(24, 1.0);
  uneven[3] = 5.0;
  uneven[14] = 4.9;
  uneven[20] = 0.1;
  for (const auto& shares : {tco::capacity::named_profile("business_hours"),
                             tco::capacity::named_profile("flat"),
                             tco::capacity::normalise(uneven)}) {
    for (const double percentile : {0.05, 0.3, 0.5, 0.9, 0.999}) {
      Workload workload = tco_test::flat_workload(3'000'000, 1'000, 250);
      workload.demand.hourly_share = shares;
      workload.demand.peak_percentile = percentile;
      workload.demand.growth_per_year = 0.4;
      workload.demand.sizing_window_s = 60;
      workload.redundancy_replicas = 1;
      const ReplicaCapacity replica{7.0, 2, 0.8};
      const auto cost = onprem_cost(workload, replica, tco_test::bare_onprem(), finance(3, 0.0));
      for (const auto& flow : cost.years) {
        long long busiest = 0;
        for (int hour = 0; hour < 24; ++hour) {
          busiest = std::max(busiest, replicas_needed(workload, replica, flow.year, hour));
        }
        CAPTURE(percentile, flow.year, busiest);
        CHECK(flow.nodes == (busiest + 3) / 4);  // 4 two-GPU replicas per 8-GPU node
      }
    }
  }
}

TEST_CASE("onprem: a GPU price decline cheapens later purchases, not the installed fleet",
          "[tco]") {
  // The cohort case with the GPU price falling 10 % a year ($25,000, $22,500, ..., $18,225 in
  // year 4). Hardware per node bought in year y: (8 x GPU price + $65,000) x 1.1 spares:
  //   year 1: 291,500; year 2: (180,000 + 65,000) x 1.1 = 269,500;
  //   year 4: (145,800 + 65,000) x 1.1 = 231,880.
  CohortCase c;
  c.onprem.gpu_price_decline = 0.10;
  const auto cost = onprem_cost(c.workload, c.replica, c.onprem, finance(4, 0.08));
  const auto& y = cost.years;
  REQUIRE(y.size() == 4);
  // Capex (x 1.1 installation): 2 x 320,650; 1 x 296,450; none; 3 x 255,068 = 765,204.
  CHECK(y[0].capex == Approx(641'300.0));
  CHECK(y[1].capex == Approx(296'450.0));
  CHECK(y[2].capex == 0.0);
  CHECK(y[3].capex == Approx(765'204.0));
  CHECK(y[3].nodes_bought == 3);  // refresh 2 + expansion 1
  // Resale at each cohort's own price: year 3, 2 x 291,500 x 0.2 = 116,600; salvage in year 4:
  // 3 x 231,880 x 0.733333 + 269,500 x 0.2 = 510,136 + 53,900 = 564,036.
  CHECK(y[2].residual == Approx(116'600.0));
  CHECK(y[3].residual == Approx(564'036.0));
  // Maintenance 5 % of the installed hardware at its purchase prices:
  //   y2 (583,000 + 269,500) x 0.05 = 42,625; y4 (463,760 + 269,500 + 231,880) x 0.05 = 48,257.
  CHECK(y[1].maintenance == Approx(42'625.0));
  CHECK(y[3].hardware_value_usd == Approx(965'140.0));
  CHECK(y[3].maintenance == Approx(48'257.0));
}
