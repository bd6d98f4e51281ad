// Turns a scenario's options into cost-model inputs (defaults from data/, overrides from the
// scenario, each recorded as an assumption), applies the sovereignty constraints, and runs the
// cost model. Part of plan::evaluate.
#include <fmt/format.h>

#include <algorithm>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "costing.hpp"
#include "tco/units/units.hpp"

namespace tco::plan {

std::optional<std::time_t> parse_iso_date(const std::string& text) {
  std::tm date{};
  if (text.size() < 10 ||
      std::sscanf(text.c_str(), "%d-%d-%d", &date.tm_year, &date.tm_mon, &date.tm_mday) != 3) {
    return std::nullopt;
  }
  date.tm_year -= 1900;
  date.tm_mon -= 1;
  return timegm(&date);
}

namespace {

using config::DeploymentOption;
using config::OptionKind;

class Resolver {
 public:
  Resolver(const config::Scenario& scenario, Evaluation& evaluation,
           const EvaluateSettings& settings)
      : scenario_(scenario),
        evaluation_(evaluation),
        explain_(settings.explain),
        today_(settings.today) {}

  [[nodiscard]] bool explain() const { return explain_; }

  /// A cost value: the option's override, else data/costs.yaml, else `fallback` (and a warning
  /// that no sourced default exists).
  double value(const DeploymentOption& option, std::string_view key, double fallback,
               bool warn_if_missing = true) {
    auto shown = [&](double value_si) {
      const catalog::CostKey* declared = catalog::find_cost_key(key);
      return declared->plain_number ? fmt::format("{:g}", value_si)
                                    : units::format_quantity(value_si, declared->dimension);
    };
    if (const auto found = option.costs.find(key); found != option.costs.end()) {
      if (!explain_) return found->second;
      assume(fmt::format("{}: {}", option.name, key), shown(found->second),
             catalog::Provenance{fmt::format("{} ({}.costs.{})", scenario_.file, option.path, key),
                                 "", false, "", scenario_.file});
      return found->second;
    }
    if (const auto found = scenario_.costs.defaults.find(key);
        found != scenario_.costs.defaults.end()) {
      if (!explain_) return found->second.value;
      assume(std::string(key), shown(found->second.value), found->second.provenance);
      return found->second.value;
    }
    if (warn_if_missing && explain_) {
      warn(fmt::format("no sourced default for '{}': {} assumed; set {}.costs.{} in the scenario",
                       key, fallback, option.path, key));
    }
    return fallback;
  }

  void assume(const std::string& name, const std::string& value,
              const catalog::Provenance& provenance) {
    if (!explain_ || !seen_.insert(name).second) return;
    evaluation_.assumptions.push_back(
        {name, value, provenance.source, provenance.as_of, provenance.estimate});
  }

  /// A yearly rate the scenario's finance: section sets.
  void assume_finance(std::string_view key, double per_year) {
    if (!explain_) return;
    assume(std::string(key),
           units::format_quantity(per_year, units::Dimension::kFraction) + " per year",
           catalog::Provenance{fmt::format("{} (finance.{})", scenario_.file, key), "", false, "",
                               scenario_.file});
  }

  void warn(const std::string& text) {
    if (explain_ && warned_.insert(text).second) evaluation_.warnings.push_back(text);
  }

  void check_age(const std::string& what, const std::string& as_of) {
    if (!explain_ || !today_) return;
    const double limit = scenario_.finance.price_max_age_days.value_or(
        scenario_.costs.defaults.count("price_max_age_days")
            ? scenario_.costs.defaults.at("price_max_age_days").value
            : 365.0);
    const auto then = parse_iso_date(as_of);
    if (!then) return;
    if (const double age = std::difftime(*today_, *then) / 86400.0; age > limit) {
      warn(fmt::format("{} is dated {} ({:.0f} days old, limit {:.0f}): check it is current", what,
                       as_of, age, limit));
    }
  }

 private:
  const config::Scenario& scenario_;
  Evaluation& evaluation_;
  bool explain_ = true;
  std::optional<std::time_t> today_;
  std::set<std::string> seen_;
  std::set<std::string> warned_;
};

bool allowed_region(const std::vector<std::string>& allowed, const std::vector<std::string>& codes) {
  for (const auto& code : codes) {
    if (std::find(allowed.begin(), allowed.end(), code) != allowed.end()) return true;
  }
  return false;
}

}  // namespace

std::string exclusion_reason(const config::Scenario& scenario, const DeploymentOption& option) {
  // The engine must run on the option's GPUs (a hybrid: its base's and its burst's).
  std::vector<std::string> gpu_ids{option.gpu};
  for (const auto& other : scenario.options) {
    if (option.kind == OptionKind::kHybrid &&
        (other.name == option.base || other.name == option.burst)) {
      gpu_ids.push_back(other.gpu);
    }
  }
  const auto& vendors = scenario.engine.gpu_vendors;
  for (const auto& gpu_id : gpu_ids) {
    if (const auto* gpu = scenario.catalog.find_gpu(gpu_id);
        gpu != nullptr && !vendors.empty() &&
        std::find(vendors.begin(), vendors.end(), gpu->vendor) == vendors.end()) {
      return fmt::format("engine: {} does not run on {} GPUs ({}); it runs on {}",
                         scenario.engine.name.empty() ? scenario.engine.id : scenario.engine.name,
                         gpu->vendor, gpu->id, fmt::join(vendors, ", "));
    }
  }
  const auto& constraints = scenario.constraints;
  const bool leaves_premises = option.kind == OptionKind::kCloud || option.kind == OptionKind::kApi ||
                               option.kind == OptionKind::kHybrid;
  if (constraints.air_gapped && leaves_premises) {
    return fmt::format("air-gapped: {} options send data off the premises",
                       config::option_kind_name(option.kind));
  }
  const auto& allowed = constraints.data_residency;
  if (allowed.empty()) return {};
  if (option.kind == OptionKind::kCloud) {
    const auto* instance = scenario.costs.find_instance(option.instance);
    if (instance != nullptr && !allowed_region(allowed, instance->region_codes)) {
      return fmt::format("data residency: {} runs in {} ({}), outside {}", option.instance,
                         instance->region,
                         instance->region_codes.empty() ? "region not stated"
                                                        : fmt::format("{}", fmt::join(
                                                              instance->region_codes, ", ")),
                         fmt::join(allowed, ", "));
    }
  }
  if (option.kind == OptionKind::kApi) {
    const auto* offer = scenario.costs.find_offer(option.offer);
    if (offer != nullptr && !allowed_region(allowed, offer->region_codes)) {
      return fmt::format("data residency: {} {}", option.offer,
                         offer->region_codes.empty()
                             ? "does not state where it processes data"
                             : fmt::format("processes data in {}",
                                           fmt::join(offer->region_codes, ", ")));
    }
  }
  if (option.kind == OptionKind::kOnprem && !option.site.empty()) {
    std::vector<std::string> codes;
    if (const auto site = scenario.sites.find(option.site); site != scenario.sites.end()) {
      if (!site->second.region.empty()) codes.push_back(site->second.region);
    } else if (const auto* data = scenario.costs.find_site(option.site)) {
      codes = data->region_codes;
    }
    if (!codes.empty() && !allowed_region(allowed, codes)) {
      return fmt::format("data residency: site {} is in {}, outside {}", option.site,
                         fmt::join(codes, ", "), fmt::join(allowed, ", "));
    }
  }
  return {};
}

void add_costs(const config::Scenario& scenario, Evaluation& evaluation,
               const EvaluateSettings& settings) {
  const CostFactors& factors = settings.factors;
  Resolver resolver(scenario, evaluation, settings);
  const auto& workload = scenario.workload;
  cost::Finance finance;
  finance.horizon_years = scenario.horizon_years;
  finance.discount_rate = scenario.finance.discount_rate.value_or(
      scenario.costs.defaults.count("discount_rate")
          ? scenario.costs.defaults.at("discount_rate").value
          : 0.0);
  if (!scenario.finance.discount_rate && !scenario.costs.defaults.count("discount_rate")) {
    resolver.warn("no discount rate: NPV equals the nominal total");
  } else if (!scenario.finance.discount_rate && resolver.explain()) {
    resolver.assume("discount_rate",
                    units::format_quantity(finance.discount_rate, units::Dimension::kFraction),
                    scenario.costs.defaults.at("discount_rate").provenance);
  }
  evaluation.horizon_years = finance.horizon_years;
  evaluation.discount_rate = finance.discount_rate;

  cost::Workload demand;
  demand.demand.requests_per_day = workload.requests_per_day * factors.requests_per_day;
  demand.demand.growth_per_year = factors.demand_growth.value_or(workload.growth_per_year);
  demand.demand.hourly_share = workload.daily_profile == "custom"
                                   ? capacity::normalise(workload.hourly_weights)
                                   : capacity::named_profile(workload.daily_profile);
  demand.demand.peak_percentile = workload.peak_percentile;
  demand.input_tokens = static_cast<double>(workload.input_tokens);
  demand.output_tokens = static_cast<double>(workload.output_tokens);
  demand.redundancy_replicas = workload.redundancy;
  demand.headroom = workload.headroom;
  if (settings.explain && workload.daily_profile == "business_hours") {
    evaluation.assumptions.push_back(
        {"daily profile business_hours",
         "80 % of requests 09:00-17:00, 20 % over the other 16 hours (peak/mean 2.4)",
         "convention after Pan et al., arXiv 2509.18101 (8-hour business day); give 24 weights "
         "for your own traffic",
         "", true});
  }

  std::string note;  // why the option being costed has no cost
  auto replica_of = [&](const OptionResult& result) -> std::optional<cost::ReplicaCapacity> {
    if (!result.performance || !result.performance->at_targets) return std::nullopt;
    return cost::ReplicaCapacity{result.performance->at_targets->requests_per_s *
                                     factors.throughput,
                                 result.option.gpus_per_replica(), 1.0};
  };

  auto onprem_inputs = [&](const OptionResult& result) -> std::optional<cost::OnpremInputs> {
    const auto& option = result.option;
    const auto& gpu = *result.gpu;
    if (!gpu.purchase_price) {
      note = fmt::format("no purchase price for {}: set gpus.{}.purchase_price", gpu.id,
                                 gpu.id);
      return std::nullopt;
    }
    if (resolver.explain()) {
      resolver.check_age(fmt::format("the {} purchase price", gpu.id),
                         gpu.purchase_price->provenance.as_of);
      resolver.assume(fmt::format("{} purchase price", gpu.id),
                      units::format_quantity(gpu.purchase_price->value_usd,
                                             units::Dimension::kMoney),
                      gpu.purchase_price->provenance);
    }
    cost::OnpremInputs in;
    in.gpu_price_usd = gpu.purchase_price->value_usd * factors.gpu_price;
    in.gpu_price_decline =
        factors.gpu_price_decline.value_or(scenario.finance.gpu_price_decline.value_or(0.0));
    if (scenario.finance.gpu_price_decline) {
      resolver.assume_finance("gpu_price_decline", *scenario.finance.gpu_price_decline);
    }
    in.gpus_per_node = option.gpus_per_node;
    in.server_base_usd = resolver.value(option, "server_base_per_node", 0);
    in.networking_per_node_usd = resolver.value(option, "networking_per_node", 0);
    in.storage_per_node_usd = resolver.value(option, "storage_per_node", 0);
    in.installation_fraction = resolver.value(option, "installation_fraction", 0);
    in.spares_fraction = resolver.value(option, "spares_fraction", 0, false);
    in.maintenance_fraction = resolver.value(option, "maintenance_fraction_per_year", 0);
    in.depreciation_years = std::max(
        1, static_cast<int>(std::lround(factors.hardware_life_years.value_or(
               resolver.value(option, "depreciation_years", 5)))));
    in.residual_fraction = resolver.value(option, "residual_fraction", 0);
    in.staff_cost_per_fte_usd = resolver.value(option, "staff_cost_per_fte_year", 0);
    // The shipped licence default is NVIDIA AI Enterprise (data/costs.yaml), sold for NVIDIA GPUs
    // only: another vendor's GPU pays none unless the option sets one.
    if (gpu.vendor == "NVIDIA" || option.costs.count("software_license_per_gpu_year") > 0) {
      in.license_per_gpu_year_usd = resolver.value(option, "software_license_per_gpu_year", 0);
    } else {
      in.license_per_gpu_year_usd = 0;
      resolver.assume(fmt::format("{}: software_license_per_gpu_year", option.name), "0 USD",
                      catalog::Provenance{
                          fmt::format("the default licence (NVIDIA AI Enterprise) is for NVIDIA "
                                      "GPUs; {} is {}: none assumed (set {}.costs."
                                      "software_license_per_gpu_year for a paid stack)",
                                      gpu.id, gpu.vendor, option.path),
                          "", false, "", ""});
    }
    in.server.gpu_tdp_w = gpu.tdp_w;
    in.server.gpu_idle_fraction = resolver.value(option, "gpu_idle_power_fraction", 0.3);
    in.server.host_w = resolver.value(option, "host_power_per_node", 0);
    in.rack_power_limit_w = resolver.value(option, "rack_power_limit", 0);
    in.electricity_escalation = scenario.finance.electricity_escalation.value_or(
        resolver.value(option, "electricity_escalation", 0, false));
    in.staff_fte = resolver.value(option, "staff_fte", 0);
    // Site: the scenario's site, else a data/sites.yaml site, else the defaults.
    const config::Site* site = nullptr;
    const catalog::SiteData* data_site = nullptr;
    if (const auto found = scenario.sites.find(option.site); found != scenario.sites.end()) {
      site = &found->second;
    }
    data_site = scenario.costs.find_site(option.site);
    auto site_value = [&](std::optional<double> scenario_value,
                          const std::optional<catalog::SourcedValue>& data_value,
                          std::string_view name, std::string_view default_key,
                          double fallback) {
      auto shown = [&](double value_si) {
        const catalog::CostKey* declared = catalog::find_cost_key(default_key);
        return declared->plain_number ? fmt::format("{:g}", value_si)
                                      : units::format_quantity(value_si, declared->dimension);
      };
      if (scenario_value) {
        if (!resolver.explain()) return *scenario_value;
        resolver.assume(fmt::format("site {} {}", option.site, name), shown(*scenario_value),
                        {fmt::format("{} (sites.{})", scenario.file, option.site), "", false, "",
                         scenario.file});
        return *scenario_value;
      }
      if (data_value) {
        if (!resolver.explain()) return data_value->value;
        resolver.assume(fmt::format("site {} {}", option.site, name), shown(data_value->value),
                        data_value->provenance);
        return data_value->value;
      }
      return resolver.value(option, default_key, fallback);
    };
    in.pue = site_value(site ? site->pue : std::nullopt,
                        data_site ? data_site->pue : std::nullopt, "pue", "default_pue", 1.5);
    in.electricity_usd_per_j =
        site_value(site ? site->electricity_usd_per_j : std::nullopt,
                   data_site ? data_site->electricity_usd_per_j : std::nullopt, "electricity",
                   "electricity_price", 0) *
        factors.electricity_price;
    in.carbon_kg_per_j = site_value(site ? site->carbon_kg_per_j : std::nullopt,
                                    data_site ? data_site->carbon_kg_per_j : std::nullopt,
                                    "carbon", "carbon_intensity", 0);
    const bool colocated = (site && site->colocation_usd_per_w_s) ||
                           (data_site && data_site->colocation_usd_per_w_s) ||
                           option.costs.count("colocation_price");
    if (colocated) {
      in.colocation_usd_per_w_s =
          site_value(site ? site->colocation_usd_per_w_s : std::nullopt,
                     data_site ? data_site->colocation_usd_per_w_s : std::nullopt, "colocation",
                     "colocation_price", 0);
    }
    return in;
  };

  auto cloud_inputs = [&](const OptionResult& result) -> std::optional<cost::CloudInputs> {
    const auto& option = result.option;
    const auto* instance = scenario.costs.find_instance(option.instance);
    if (instance == nullptr) {
      note = "no priced cloud instance (set 'instance')";
      return std::nullopt;
    }
    const std::string tier = option.pricing.empty() ? "on_demand" : option.pricing;
    const auto price = instance->usd_per_s.find(tier);
    if (price == instance->usd_per_s.end()) {
      note = fmt::format("{} has no {} price", instance->id, tier);
      return std::nullopt;
    }
    if (resolver.explain()) {
      resolver.check_age(fmt::format("the {} {} price", instance->id, tier),
                         instance->provenance.as_of);
      resolver.assume(fmt::format("{} {} per instance", instance->id, tier),
                      units::format_quantity(price->second, units::Dimension::kMoneyPerHour),
                      instance->provenance);
    }
    cost::CloudInputs in;
    in.instance_usd_per_s = price->second * factors.cloud_price;
    in.price_decline =
        factors.cloud_price_decline.value_or(scenario.finance.cloud_price_decline.value_or(0.0));
    if (scenario.finance.cloud_price_decline) {
      resolver.assume_finance("cloud_price_decline", *scenario.finance.cloud_price_decline);
    }
    in.gpus_per_instance = instance->gpus;
    in.follows_demand = option.fleet.empty()
                            ? (tier == "on_demand" || tier == "spot")
                            : option.fleet == "autoscaled";
    return in;
  };

  for (auto& result : evaluation.options) {
    const auto& option = result.option;
    result.excluded = exclusion_reason(scenario, option);
    note.clear();
    if (option.kind == OptionKind::kApi) {
      const auto* offer = scenario.costs.find_offer(option.offer);
      if (offer == nullptr) {
        result.cost_note = "no priced API offer";
        continue;
      }
      if (resolver.explain() && offer->model != scenario.model.model.id) {
        resolver.warn(fmt::format("option {}: offer {} serves {}, not {}", option.name, offer->id,
                                  offer->model, scenario.model.model.id));
      }
      if (resolver.explain()) {
        resolver.check_age(fmt::format("the {} price", offer->id), offer->provenance.as_of);
        resolver.assume(fmt::format("{} price", offer->id),
                        fmt::format("{:.4g} USD/Mtok input, {:.4g} USD/Mtok output",
                                    offer->input_usd_per_token * 1e6,
                                    offer->output_usd_per_token * 1e6),
                        offer->provenance);
      }
      cost::ApiInputs in;
      in.input_usd_per_token = offer->input_usd_per_token * factors.api_price;
      in.output_usd_per_token = offer->output_usd_per_token * factors.api_price;
      in.decline_per_year = factors.api_price_decline.value_or(
          scenario.finance.api_price_decline.value_or(0.0));
      result.cost = cost::api_cost(demand, in, finance);
      result.api_inputs = in;
      continue;
    }
    if (option.kind == OptionKind::kHybrid) {
      const OptionResult* base = nullptr;
      const OptionResult* burst = nullptr;
      for (const auto& other : evaluation.options) {
        if (other.option.name == option.base) base = &other;
        if (other.option.name == option.burst) burst = &other;
      }
      const auto base_replica = base ? replica_of(*base) : std::nullopt;
      const auto burst_replica = burst ? replica_of(*burst) : std::nullopt;
      const auto base_in = base && base_replica ? onprem_inputs(*base) : std::nullopt;
      const auto burst_in = burst && burst_replica ? cloud_inputs(*burst) : std::nullopt;
      if (!base_in || !burst_in) {
        result.cost_note = note.empty()
                               ? "base or burst option cannot serve within the targets"
                               : note;
        continue;
      }
      std::optional<double> percentile;
      if (!option.base_percentile.empty() && option.base_percentile != "optimal") {
        const auto parsed =
            units::parse_quantity(option.base_percentile, units::Dimension::kFraction);
        percentile = parsed.value_si.value_or(1.0);
      }
      result.cost = cost::hybrid_cost(demand, *base_replica, *base_in, *burst_replica, *burst_in,
                                      finance, percentile);
      result.onprem_inputs = base_in;
      result.cloud_inputs = burst_in;
      continue;
    }
    const auto replica = replica_of(result);
    if (!replica) {
      result.cost_note = result.memory && !result.memory->fits
                             ? "does not fit"
                             : "cannot meet the latency targets";
      continue;
    }
    if (option.kind == OptionKind::kOnprem) {
      if (const auto in = onprem_inputs(result)) {
        result.cost = cost::onprem_cost(demand, *replica, *in, finance);
        result.onprem_inputs = in;
      } else {
        result.cost_note = note;
      }
    } else if (const auto in = cloud_inputs(result)) {
      result.cost = cost::cloud_cost(demand, *replica, *in, finance);
      result.cloud_inputs = in;
    } else {
      result.cost_note = note;
    }
  }
  for (auto& result : evaluation.options) {
    if (!result.cost || !result.excluded.empty()) continue;
    for (const auto& other : evaluation.options) {
      if (&other == &result || !other.cost || !other.excluded.empty()) continue;
      result.break_even_month[other.option.name] = cost::break_even_month(*result.cost, *other.cost);
    }
  }
}

}  // namespace tco::plan
