// Properties every cost option must keep, checked over a small grid of scenarios:
//  - a higher GPU price never lowers the on-prem (or optimal hybrid) cost;
//  - a longer horizon never lowers the total nominal cost;
//  - costs are non-negative and finite.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "tco/tco/cost.hpp"
#include "tco_test_helpers.hpp"

using namespace tco::cost;
using tco_test::finance;

namespace {

struct Scenario {
  std::string name;
  Workload workload;
  ReplicaCapacity replica;
  OnpremInputs onprem;
  CloudInputs cloud;
  ApiInputs api;
};

std::vector<Scenario> scenarios() {
  std::vector<Scenario> out;
  for (const std::string profile : {"flat", "business_hours"}) {
    for (const double growth : {0.0, 0.4}) {
      for (const bool colo : {false, true}) {
        Scenario s;
        s.name = profile + " growth " + std::to_string(growth) + (colo ? " colo" : " own");
        s.workload.demand.requests_per_day = 500'000;
        s.workload.demand.growth_per_year = growth;
        s.workload.demand.hourly_share = tco::capacity::named_profile(profile);
        s.workload.input_tokens = 2'000;
        s.workload.output_tokens = 300;
        s.workload.headroom = 0.1;
        s.replica = ReplicaCapacity{1.5, 4, 0.7};
        s.onprem = tco_test::bare_onprem();
        s.onprem.gpu_price_usd = 30'000;
        s.onprem.server_base_usd = 50'000;
        s.onprem.networking_per_node_usd = 12'000;
        s.onprem.installation_fraction = 0.05;
        s.onprem.spares_fraction = 0.05;
        s.onprem.maintenance_fraction = 0.07;
        s.onprem.depreciation_years = 3;
        s.onprem.residual_fraction = 0.15;
        s.onprem.staff_fte = 0.5;
        s.onprem.staff_cost_per_fte_usd = 180'000;
        s.onprem.license_per_gpu_year_usd = 1'500;
        s.onprem.pue = 1.4;
        s.onprem.electricity_usd_per_j = tco_test::usd_per_j(0.12);
        s.onprem.electricity_escalation = 0.03;
        s.onprem.carbon_kg_per_j = tco_test::kg_per_j(0.35);
        s.onprem.rack_power_limit_w = 20'000;
        if (colo) s.onprem.colocation_usd_per_w_s = tco_test::usd_per_w_s(190.0);
        s.cloud.instance_usd_per_s = tco_test::usd_per_s(30.0);
        s.cloud.gpus_per_instance = 8;
        s.cloud.follows_demand = growth > 0;
        s.api.input_usd_per_token = 0.6e-6;
        s.api.output_usd_per_token = 2.4e-6;
        s.api.decline_per_year = 0.3;
        out.push_back(s);
      }
    }
  }
  return out;
}

void check_sane(const OptionCost& cost) {
  for (const auto& flow : cost.years) {
    INFO("year " << flow.year);
    for (const double part : {flow.capex, flow.residual, flow.maintenance, flow.energy,
                              flow.colocation, flow.staff, flow.licences, flow.cloud, flow.api,
                              flow.it_energy_j, flow.facility_energy_j, flow.carbon_kg,
                              flow.utilisation, flow.burst_hours}) {
      CHECK(std::isfinite(part));
      CHECK(part >= 0.0);
    }
    CHECK(flow.utilisation <= 1.0);
  }
  for (const double total : {cost.total_usd, cost.npv_usd, cost.eac_usd,
                             cost.usd_per_million_tokens, cost.usd_per_million_output_tokens,
                             cost.kwh_per_million_tokens, cost.g_co2_per_million_tokens}) {
    CHECK(std::isfinite(total));
    CHECK(total >= 0.0);
  }
  CHECK(cost.cumulative_by_month.size() == 12 * cost.years.size() + 1);
}

}  // namespace

TEST_CASE("invariants: costs are non-negative and finite", "[tco]") {
  for (const auto& s : scenarios()) {
    INFO(s.name);
    for (const int years : {1, 3, 5, 7}) {
      const auto money = finance(years, 0.08);
      check_sane(onprem_cost(s.workload, s.replica, s.onprem, money));
      check_sane(cloud_cost(s.workload, s.replica, s.cloud, money));
      check_sane(api_cost(s.workload, s.api, money));
      check_sane(hybrid_cost(s.workload, s.replica, s.onprem, s.replica, s.cloud, money, 0.5));
      check_sane(
          hybrid_cost(s.workload, s.replica, s.onprem, s.replica, s.cloud, money, std::nullopt));
    }
  }
}

TEST_CASE("invariants: a higher GPU price never lowers the on-prem cost", "[tco]") {
  for (auto s : scenarios()) {
    INFO(s.name);
    const auto money = finance(5, 0.08);
    double previous_npv = -1;
    double previous_total = -1;
    double previous_hybrid = -1;
    for (const double price : {5'000.0, 15'000.0, 25'000.0, 30'000.0, 40'000.0, 60'000.0}) {
      INFO("GPU price " << price);
      s.onprem.gpu_price_usd = price;
      const auto cost = onprem_cost(s.workload, s.replica, s.onprem, money);
      const auto hybrid =
          hybrid_cost(s.workload, s.replica, s.onprem, s.replica, s.cloud, money, std::nullopt);
      CHECK(cost.npv_usd >= previous_npv);
      CHECK(cost.total_usd >= previous_total);
      CHECK(hybrid.npv_usd >= previous_hybrid - 1e-6);
      previous_npv = cost.npv_usd;
      previous_total = cost.total_usd;
      previous_hybrid = hybrid.npv_usd;
    }
  }
}

TEST_CASE("invariants: a longer horizon never lowers the total nominal cost", "[tco]") {
  for (const auto& s : scenarios()) {
    INFO(s.name);
    double onprem = -1;
    double cloud = -1;
    double api = -1;
    double hybrid = -1;
    double hybrid_optimal = -1;
    for (int years = 1; years <= 8; ++years) {
      INFO("horizon " << years);
      const auto money = finance(years, 0.08);
      const auto o = onprem_cost(s.workload, s.replica, s.onprem, money).total_usd;
      const auto c = cloud_cost(s.workload, s.replica, s.cloud, money).total_usd;
      const auto a = api_cost(s.workload, s.api, money).total_usd;
      const auto h =
          hybrid_cost(s.workload, s.replica, s.onprem, s.replica, s.cloud, money, 0.5).total_usd;
      // With r = 0 the optimum minimises the nominal total itself.
      const auto ho = hybrid_cost(s.workload, s.replica, s.onprem, s.replica, s.cloud,
                                  finance(years, 0.0), std::nullopt)
                          .total_usd;
      CHECK(o >= onprem);
      CHECK(c >= cloud);
      CHECK(a >= api);
      CHECK(h >= hybrid);
      CHECK(ho >= hybrid_optimal - 1e-6);
      onprem = o;
      cloud = c;
      api = a;
      hybrid = h;
      hybrid_optimal = ho;
    }
  }
}
