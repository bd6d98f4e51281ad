#include "tco/tco/cost.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "tco/units/units.hpp"

namespace tco::cost {

namespace {

constexpr double kDaysPerYear = 365.0;
constexpr double kSecondsPerHour = 3600.0;

/// Replica demand of each hour of a year (24 values).
std::vector<long long> hourly_replicas(const Workload& workload, const ReplicaCapacity& replica,
                                       int year) {
  std::vector<long long> out;
  for (int hour = 0; hour < capacity::kHoursPerDay; ++hour) {
    out.push_back(replicas_needed(workload, replica, year, hour));
  }
  return out;
}

/// The year's largest hourly replica demand. Sizing is non-decreasing in an hour's mean rate
/// when the peak percentile is at least the median (z >= 0 in capacity::provisioned_rate), so
/// the busiest hour decides; below the median every hour is asked.
long long peak_replicas(const Workload& workload, const ReplicaCapacity& replica, int year) {
  if (workload.demand.peak_percentile >= 0.5) {
    const auto& share = workload.demand.hourly_share;
    const auto busiest = std::max_element(share.begin(), share.end()) - share.begin();
    return replicas_needed(workload, replica, year, static_cast<int>(busiest));
  }
  const auto hourly = hourly_replicas(workload, replica, year);
  return *std::max_element(hourly.begin(), hourly.end());
}

void add_tokens(YearFlow& flow, const Workload& workload, int year) {
  const double requests = workload.demand.requests_per_day *
                          std::pow(1.0 + workload.demand.growth_per_year, year - 1) * kDaysPerYear;
  flow.input_tokens = requests * workload.input_tokens;
  flow.output_tokens = requests * workload.output_tokens;
}

/// Totals, NPV (capex at the start of its year, everything else at the end), EAC, levelised
/// cost per token (tokens discounted like money: tco_methods.md §2.5) and the monthly
/// cumulative curve (capex at the year's first month, the rest spread evenly).
void summarise(OptionCost& cost, const Finance& finance) {
  double discounted_tokens = 0;
  double discounted_output_tokens = 0;
  double energy_j = 0;
  double carbon = 0;
  double tokens = 0;
  cost.cumulative_by_month.assign(1, 0.0);
  for (const auto& flow : cost.years) {
    const double start = std::pow(1.0 + finance.discount_rate, flow.year - 1);
    const double end = std::pow(1.0 + finance.discount_rate, flow.year);
    const double running = flow.total() - flow.capex;
    cost.total_usd += flow.total();
    cost.npv_usd += flow.capex / start + running / end;
    discounted_tokens += (flow.input_tokens + flow.output_tokens) / end;
    discounted_output_tokens += flow.output_tokens / end;
    energy_j += flow.facility_energy_j;
    carbon += flow.carbon_kg;
    tokens += flow.input_tokens + flow.output_tokens;
    double cumulative = cost.cumulative_by_month.back() + flow.capex;
    cost.cumulative_by_month.back() = cumulative;
    for (int month = 1; month <= 12; ++month) {
      cumulative += running / 12.0;
      cost.cumulative_by_month.push_back(cumulative);
    }
  }
  cost.eac_usd = cost.npv_usd * capital_recovery_factor(finance.discount_rate,
                                                        static_cast<int>(cost.years.size()));
  if (discounted_tokens > 0) {
    cost.usd_per_million_tokens = cost.npv_usd / (discounted_tokens / 1e6);
    cost.usd_per_million_output_tokens = cost.npv_usd / (discounted_output_tokens / 1e6);
  }
  if (tokens > 0) {
    cost.kwh_per_million_tokens = energy_j / units::kJoulesPerKwh / (tokens / 1e6);
    cost.g_co2_per_million_tokens = carbon * 1e3 / (tokens / 1e6);
  }
}

struct Cohort {
  int bought = 0;
  long long nodes = 0;
  double hardware_per_node = 0;  ///< at the price of the year it was bought
};

/// On-prem flows for a fleet sized each year to `replicas_for_year(year)` replicas, serving at
/// most that capacity (hybrid sends the excess elsewhere).
std::vector<YearFlow> onprem_flows(const Workload& workload, const ReplicaCapacity& replica,
                                   const OnpremInputs& onprem, const Finance& finance,
                                   const std::function<long long(int)>& replicas_for_year) {
  const int per_node = onprem.gpus_per_node;
  const bool spans_nodes = replica.gpus > per_node;
  const long long replicas_per_node = spans_nodes ? 0 : per_node / replica.gpus;
  const long long nodes_per_replica = spans_nodes ? (replica.gpus + per_node - 1) / per_node : 1;
  auto nodes_for = [&](long long replicas) {
    return spans_nodes ? replicas * nodes_per_replica
                       : (replicas + replicas_per_node - 1) / replicas_per_node;
  };
  // Nodes bought in `year` pay that year's GPU price (a yearly decline; other parts constant).
  auto hardware_per_node = [&](int year) {
    const double gpu_price =
        onprem.gpu_price_usd * std::pow(1.0 - onprem.gpu_price_decline, year - 1);
    return (per_node * gpu_price + onprem.server_base_usd + onprem.networking_per_node_usd +
            onprem.storage_per_node_usd) *
           (1.0 + onprem.spares_fraction);
  };
  const double installed_share = 1.0 + onprem.installation_fraction;
  energy::ServerPower server = onprem.server;
  server.gpus = per_node;
  const double max_power = energy::server_max_power_w(server);

  std::vector<Cohort> cohorts;
  std::vector<YearFlow> flows;
  for (int year = 1; year <= finance.horizon_years; ++year) {
    YearFlow flow;
    flow.year = year;
    // Refresh at end of life: resell at the residual value, buy the same nodes new. The resale
    // is received at the end of the cohort's last year of service (R_n / (1+r)^n,
    // tco_methods.md §2.5), so it goes in the previous year's flow; the new capex starts this one.
    const double hardware_now = hardware_per_node(year);
    for (auto& cohort : cohorts) {
      if (year - cohort.bought == onprem.depreciation_years) {
        YearFlow& last_year = flows.empty() ? flow : flows.back();
        last_year.residual += static_cast<double>(cohort.nodes) * cohort.hardware_per_node *
                              onprem.residual_fraction;
        flow.capex += static_cast<double>(cohort.nodes) * hardware_now * installed_share;
        flow.nodes_bought += cohort.nodes;
        cohort.bought = year;
        cohort.hardware_per_node = hardware_now;
      }
    }
    long long installed = 0;
    for (const auto& cohort : cohorts) installed += cohort.nodes;
    const long long needed = nodes_for(replicas_for_year(year));
    if (needed > installed) {
      cohorts.push_back({year, needed - installed, hardware_now});
      flow.capex += static_cast<double>(needed - installed) * hardware_now * installed_share;
      flow.nodes_bought += needed - installed;
      installed = needed;
    }
    const long long replicas =
        spans_nodes ? installed / nodes_per_replica : installed * replicas_per_node;
    flow.nodes = installed;
    flow.gpus = installed * per_node;
    flow.replicas = replicas;
    if (onprem.rack_power_limit_w > 0 && installed > 0) {
      const double nodes_per_rack = std::max(1.0, std::floor(onprem.rack_power_limit_w / max_power));
      flow.racks = static_cast<long long>(std::ceil(static_cast<double>(installed) / nodes_per_rack));
    }
    // Energy: every installed server draws power; activity follows the served load hour by hour.
    double utilisation_sum = 0;
    for (int hour = 0; hour < capacity::kHoursPerDay; ++hour) {
      const double capacity_rps = static_cast<double>(replicas) * replica.requests_per_s;
      const double load = capacity::hourly_rate(workload.demand, year, hour);
      const double utilisation = capacity_rps > 0 ? std::min(1.0, load / capacity_rps) : 0.0;
      utilisation_sum += utilisation;
      flow.it_energy_j += static_cast<double>(installed) *
                          energy::server_power_w(server, utilisation * replica.activity) *
                          kSecondsPerHour * kDaysPerYear;
    }
    flow.utilisation = utilisation_sum / capacity::kHoursPerDay;
    flow.facility_energy_j = flow.it_energy_j * onprem.pue;
    const double escalation = std::pow(1.0 + onprem.electricity_escalation, year - 1);
    // Colocation prices include cooling (PUE): bill metered IT energy only (tco_methods §2.4:
    // never both PUE and colo-included cooling).
    const double billed_energy = onprem.colocation_usd_per_w_s ? flow.it_energy_j
                                                                : flow.facility_energy_j;
    flow.energy = billed_energy * onprem.electricity_usd_per_j * escalation;
    if (onprem.colocation_usd_per_w_s) {
      flow.colocation = static_cast<double>(installed) * max_power * *onprem.colocation_usd_per_w_s *
                        units::kSecondsPerYear;
    }
    flow.carbon_kg = flow.facility_energy_j * onprem.carbon_kg_per_j;
    for (const auto& cohort : cohorts) {
      flow.hardware_value_usd += static_cast<double>(cohort.nodes) * cohort.hardware_per_node;
    }
    flow.maintenance = onprem.maintenance_fraction * flow.hardware_value_usd;
    flow.staff = onprem.staff_fte * onprem.staff_cost_per_fte_usd;
    flow.licences = onprem.license_per_gpu_year_usd * static_cast<double>(flow.gpus);
    add_tokens(flow, workload, year);
    flows.push_back(flow);
  }
  // Salvage at the end of the horizon: straight-line book value down to the residual value.
  if (!flows.empty()) {
    for (const auto& cohort : cohorts) {
      const double age = finance.horizon_years - cohort.bought + 1;
      const double remaining = std::max(0.0, 1.0 - age / onprem.depreciation_years);
      flows.back().residual += static_cast<double>(cohort.nodes) * cohort.hardware_per_node *
                               (onprem.residual_fraction + (1.0 - onprem.residual_fraction) *
                                                               remaining);
    }
  }
  return flows;
}

/// Cloud instance-hours for a replica demand per hour (following demand) or at the peak 24x7.
void add_cloud(YearFlow& flow, const std::vector<long long>& replicas_by_hour,
               const ReplicaCapacity& replica, const CloudInputs& cloud) {
  const long long per_instance = std::max(1, cloud.gpus_per_instance / replica.gpus);
  // A replica wider than one instance spans ceil(replica GPUs / instance GPUs) instances.
  const int instance_gpus = std::max(1, cloud.gpus_per_instance);
  const long long instances_per_replica = (replica.gpus + instance_gpus - 1) / instance_gpus;
  auto instances_for = [&](long long replicas) {
    return (replicas + per_instance - 1) / per_instance * std::max(1LL, instances_per_replica);
  };
  const long long peak = *std::max_element(replicas_by_hour.begin(), replicas_by_hour.end());
  double instance_hours = 0;
  for (const long long replicas : replicas_by_hour) {
    instance_hours += static_cast<double>(cloud.follows_demand ? instances_for(replicas)
                                                               : instances_for(peak)) *
                      kDaysPerYear;
  }
  flow.cloud += instance_hours * kSecondsPerHour * cloud.instance_usd_per_s *
                std::pow(1.0 - cloud.price_decline, flow.year - 1);
  flow.burst_hours += instance_hours;
  flow.gpus = std::max(flow.gpus, instances_for(peak) * cloud.gpus_per_instance);
}

}  // namespace

double capital_recovery_factor(double rate, int years) {
  if (years <= 0) return 0;
  if (rate == 0) return 1.0 / years;
  const double growth = std::pow(1.0 + rate, years);
  return rate * growth / (growth - 1.0);
}

long long replicas_needed(const Workload& workload, const ReplicaCapacity& replica, int year,
                          int hour) {
  const double rate = capacity::provisioned_rate(workload.demand, year, hour);
  if (rate <= 0 || replica.requests_per_s <= 0) return 0;
  return static_cast<long long>(
             std::ceil(rate * (1.0 + workload.headroom) / replica.requests_per_s)) +
         workload.redundancy_replicas;
}

OptionCost onprem_cost(const Workload& workload, const ReplicaCapacity& replica,
                       const OnpremInputs& onprem, const Finance& finance) {
  OptionCost cost;
  cost.years = onprem_flows(workload, replica, onprem, finance,
                            [&](int year) { return peak_replicas(workload, replica, year); });
  summarise(cost, finance);
  return cost;
}

OptionCost cloud_cost(const Workload& workload, const ReplicaCapacity& replica,
                      const CloudInputs& cloud, const Finance& finance) {
  OptionCost cost;
  for (int year = 1; year <= finance.horizon_years; ++year) {
    YearFlow flow;
    flow.year = year;
    const auto hourly = hourly_replicas(workload, replica, year);
    add_cloud(flow, hourly, replica, cloud);
    double utilisation = 0;
    const long long per_instance = std::max(1, cloud.gpus_per_instance / replica.gpus);
    const long long peak = *std::max_element(hourly.begin(), hourly.end());
    for (int hour = 0; hour < capacity::kHoursPerDay; ++hour) {
      const long long replicas =
          cloud.follows_demand ? hourly[static_cast<std::size_t>(hour)] : peak;
      const double capacity_rps =
          static_cast<double>((replicas + per_instance - 1) / per_instance * per_instance) *
          replica.requests_per_s;
      const double load = capacity::hourly_rate(workload.demand, year, hour);
      utilisation += capacity_rps > 0 ? std::min(1.0, load / capacity_rps) : 0.0;
    }
    flow.utilisation = utilisation / capacity::kHoursPerDay;
    flow.replicas = peak;
    add_tokens(flow, workload, year);
    cost.years.push_back(flow);
  }
  summarise(cost, finance);
  return cost;
}

OptionCost api_cost(const Workload& workload, const ApiInputs& api, const Finance& finance) {
  OptionCost cost;
  for (int year = 1; year <= finance.horizon_years; ++year) {
    YearFlow flow;
    flow.year = year;
    add_tokens(flow, workload, year);
    const double price_factor = std::pow(1.0 - api.decline_per_year, year - 1);
    flow.api = (flow.input_tokens * api.input_usd_per_token +
                flow.output_tokens * api.output_usd_per_token) *
               price_factor;
    cost.years.push_back(flow);
  }
  summarise(cost, finance);
  return cost;
}

OptionCost hybrid_cost(const Workload& workload, const ReplicaCapacity& base_replica,
                       const OnpremInputs& onprem, const ReplicaCapacity& burst_replica,
                       const CloudInputs& burst, const Finance& finance,
                       std::optional<double> base_percentile) {
  auto evaluate = [&](double percentile) {
    // Base: the percentile of the year's hourly replica demand (nearest rank over 24 hours).
    auto base_for_year = [&](int year) {
      auto hourly = hourly_replicas(workload, base_replica, year);
      std::sort(hourly.begin(), hourly.end());
      if (percentile <= 0) return 0LL;
      const auto rank = static_cast<std::size_t>(
          std::ceil(percentile * static_cast<double>(hourly.size())) - 1);
      return hourly[std::min(rank, hourly.size() - 1)];
    };
    OptionCost cost;
    cost.years = onprem_flows(workload, base_replica, onprem, finance, base_for_year);
    for (auto& flow : cost.years) {
      // Burst: what the base cannot carry, hour by hour, in burst-option replicas. Demand is
      // counted in base replicas including the N+1 spares, so the spare moves to the cloud in
      // hours the base does not cover.
      std::vector<long long> burst_replicas;
      for (int hour = 0; hour < capacity::kHoursPerDay; ++hour) {
        const long long missing =
            std::max(0LL, replicas_needed(workload, base_replica, flow.year, hour) - flow.replicas);
        const double excess = static_cast<double>(missing) * base_replica.requests_per_s;
        burst_replicas.push_back(
            excess > 0 ? static_cast<long long>(std::ceil(excess / burst_replica.requests_per_s))
                       : 0);
      }
      const long long owned_gpus = flow.gpus;
      CloudInputs per_hour = burst;
      per_hour.follows_demand = true;
      if (*std::max_element(burst_replicas.begin(), burst_replicas.end()) > 0) {
        add_cloud(flow, burst_replicas, burst_replica, per_hour);
      }
      flow.gpus = owned_gpus;
    }
    summarise(cost, finance);
    cost.base_percentile = percentile;
    return cost;
  };
  if (base_percentile) return evaluate(*base_percentile);
  // Cheapest split: the hourly demand takes 24 levels a day, so 25 percentiles cover every
  // distinct base size (0 = all cloud, 1 = all on-prem).
  OptionCost best = evaluate(0.0);
  for (int level = 1; level <= capacity::kHoursPerDay; ++level) {
    OptionCost candidate = evaluate(static_cast<double>(level) / capacity::kHoursPerDay);
    if (candidate.npv_usd < best.npv_usd) best = std::move(candidate);
  }
  return best;
}

std::optional<int> break_even_month(const OptionCost& option, const OptionCost& other) {
  const auto& mine = option.cumulative_by_month;
  const auto& theirs = other.cumulative_by_month;
  const std::size_t months = std::min(mine.size(), theirs.size());
  if (months == 0) return std::nullopt;
  // Walk back from the end: the break-even month is where `option` last moved below `other`.
  if (mine[months - 1] > theirs[months - 1] + 1e-6) return std::nullopt;
  std::size_t month = months - 1;
  while (month > 0 && mine[month - 1] <= theirs[month - 1] + 1e-6) --month;
  return static_cast<int>(month);
}

}  // namespace tco::cost
