#pragma once
// Multi-year cash flows of each way of serving a workload: on-prem (purchase cohorts, refresh,
// residual value, maintenance, colocation or own facility, energy, staff, licences), cloud
// (reserved 24x7 or following the hourly demand), hosted API (tokens x price, optional decline)
// and hybrid (on-prem base at a percentile of hourly demand, the rest burst to cloud hour by
// hour). Formulas follow ../shared/data/tco_methods.md §2; each is worked by hand in the tests.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tco/capacity/demand.hpp"
#include "tco/energy/energy.hpp"

namespace tco::cost {

/// What the performance model says one replica sustains at the latency targets.
struct ReplicaCapacity {
  double requests_per_s = 0;  ///< μ at the SLO
  int gpus = 1;               ///< GPUs per replica
  double activity = 1;        ///< GPU activity when the replica runs at μ (power model)
};

struct Finance {
  int horizon_years = 5;
  double discount_rate = 0.08;
};

struct Workload {
  capacity::DemandInput demand;
  double input_tokens = 0;   ///< per request
  double output_tokens = 0;
  int redundancy_replicas = 1;  ///< N+1
  double headroom = 0;          ///< extra capacity fraction
};

struct OnpremInputs {
  double gpu_price_usd = 0;          ///< in year 1
  double gpu_price_decline = 0;      ///< per year, for later purchases (< 0: a rise)
  int gpus_per_node = 8;
  double server_base_usd = 0;        ///< per node, non-GPU parts
  double networking_per_node_usd = 0;
  double storage_per_node_usd = 0;
  double installation_fraction = 0;  ///< of hardware capex
  double spares_fraction = 0;        ///< extra hardware bought as spares
  double maintenance_fraction = 0;   ///< of installed capex per year
  int depreciation_years = 5;
  double residual_fraction = 0;      ///< resale value at end of life
  double staff_fte = 0;
  double staff_cost_per_fte_usd = 0;
  double license_per_gpu_year_usd = 0;
  energy::ServerPower server;
  double pue = 1.5;
  double electricity_usd_per_j = 0;
  double electricity_escalation = 0;  ///< per year
  std::optional<double> colocation_usd_per_w_s;  ///< on provisioned kW; includes cooling
  double carbon_kg_per_j = 0;
  double rack_power_limit_w = 0;      ///< 0 = no rack count
};

struct CloudInputs {
  double instance_usd_per_s = 0;  ///< the chosen tier, per instance
  int gpus_per_instance = 8;
  bool follows_demand = false;    ///< autoscaled per hour (on-demand/spot) vs reserved 24x7
  double price_decline = 0;       ///< per year: year y pays (1 - decline)^(y-1) of the price
};

struct ApiInputs {
  double input_usd_per_token = 0;
  double output_usd_per_token = 0;
  double decline_per_year = 0;
};

/// One year of one option. Money in USD, energy in J, carbon in kg.
struct YearFlow {
  int year = 0;
  double capex = 0;
  double residual = 0;        ///< resale value received (reduces cost)
  double maintenance = 0;
  double energy = 0;
  double colocation = 0;
  double staff = 0;
  double licences = 0;
  double cloud = 0;
  double api = 0;
  double input_tokens = 0;
  double output_tokens = 0;
  double it_energy_j = 0;
  double facility_energy_j = 0;
  double carbon_kg = 0;
  long long gpus = 0;          ///< installed (on-prem) or peak (cloud)
  long long nodes = 0;
  long long racks = 0;
  long long replicas = 0;
  long long nodes_bought = 0;      ///< on-prem: new and refreshed nodes this year
  double hardware_value_usd = 0;   ///< on-prem: installed hardware at its purchase prices
  double utilisation = 0;      ///< served / provisioned replica capacity, time-averaged
  double burst_hours = 0;      ///< hybrid: instance-hours bought from the cloud

  [[nodiscard]] double total() const {
    return capex - residual + maintenance + energy + colocation + staff + licences + cloud + api;
  }
};

struct OptionCost {
  std::vector<YearFlow> years;
  double total_usd = 0;            ///< nominal
  double npv_usd = 0;              ///< discounted at Finance::discount_rate
  double eac_usd = 0;              ///< equivalent annual cost = NPV x CRF(r, n)
  double usd_per_million_tokens = 0;         ///< levelised over input + output tokens
  double usd_per_million_output_tokens = 0;  ///< levelised over output tokens only
  double kwh_per_million_tokens = 0;
  double g_co2_per_million_tokens = 0;
  std::optional<double> base_percentile;     ///< hybrid: the on-prem share chosen
  std::vector<double> cumulative_by_month;   ///< undiscounted, month 0..12n
};

/// Capital recovery factor r(1+r)^n / ((1+r)^n - 1); 1/n when r = 0.
[[nodiscard]] double capital_recovery_factor(double rate, int years);

/// Replicas needed in an hour of a year: ceil(provisioned rate / μ · (1 + headroom)) + N+1.
[[nodiscard]] long long replicas_needed(const Workload& workload, const ReplicaCapacity& replica,
                                        int year, int hour);

[[nodiscard]] OptionCost onprem_cost(const Workload& workload, const ReplicaCapacity& replica,
                                     const OnpremInputs& onprem, const Finance& finance);
[[nodiscard]] OptionCost cloud_cost(const Workload& workload, const ReplicaCapacity& replica,
                                    const CloudInputs& cloud, const Finance& finance);
[[nodiscard]] OptionCost api_cost(const Workload& workload, const ApiInputs& api,
                                  const Finance& finance);
/// Hybrid with the on-prem base sized to `base_percentile` of hourly replica demand (0..1), or
/// the cheapest percentile (NPV) when empty.
[[nodiscard]] OptionCost hybrid_cost(const Workload& workload, const ReplicaCapacity& base_replica,
                                     const OnpremInputs& onprem,
                                     const ReplicaCapacity& burst_replica,
                                     const CloudInputs& burst, const Finance& finance,
                                     std::optional<double> base_percentile);

/// First month from which `option` stays at or below `other` in cumulative undiscounted cost;
/// empty when it never does.
[[nodiscard]] std::optional<int> break_even_month(const OptionCost& option,
                                                  const OptionCost& other);

}  // namespace tco::cost
