// data/clouds.yaml, apis.yaml, sites.yaml and costs.yaml: validated with the same schema
// machinery (file:line:column errors) as every other data file.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>

#include "tco/config/yaml_file.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/reader.hpp"
#include "tco/config/schema.hpp"

namespace tco::catalog {

using config::Field;
using config::NodeReader;
using config::SchemaPtr;
using units::Dimension;

const std::vector<CostKey>& cost_keys() {
  static const std::vector<CostKey> keys{
      {"server_base_per_node", Dimension::kMoney, false,
       "Non-GPU part of a GPU server (CPUs, memory, chassis, NICs), per node."},
      {"networking_per_node", Dimension::kMoney, false, "Scale-out fabric per node."},
      {"storage_per_node", Dimension::kMoney, false, "Storage per node."},
      {"installation_fraction", Dimension::kFraction, false, "Installation, share of hardware."},
      {"spares_fraction", Dimension::kFraction, false, "Spare hardware bought, share."},
      {"maintenance_fraction_per_year", Dimension::kFraction, false,
       "Support and maintenance per year, share of installed hardware."},
      {"depreciation_years", Dimension::kFraction, true, "Service life before refresh (years)."},
      {"residual_fraction", Dimension::kFraction, false, "Resale value at end of life."},
      {"staff_fte", Dimension::kFraction, true, "Operations staff (full-time equivalents)."},
      {"staff_cost_per_fte_year", Dimension::kMoney, false, "Loaded cost per FTE-year."},
      {"gpus_per_fte", Dimension::kFraction, true, "GPUs one FTE operates (sizes staff_fte)."},
      {"software_license_per_gpu_year", Dimension::kMoney, false, "Licences per GPU-year."},
      {"discount_rate", Dimension::kFraction, false, "Cost of capital per year."},
      {"host_power_per_node", Dimension::kWatts, false, "Server power beyond the GPUs."},
      {"gpu_idle_power_fraction", Dimension::kFraction, false, "GPU idle power, share of TDP."},
      {"rack_power_limit", Dimension::kWatts, false, "Power per rack."},
      {"default_pue", Dimension::kFraction, true, "Facility PUE when the site gives none."},
      {"colocation_price", Dimension::kMoneyPerPowerMonth, false,
       "Colocation per provisioned kW (includes cooling)."},
      {"electricity_price", Dimension::kMoneyPerEnergy, false, "Electricity price."},
      {"electricity_escalation", Dimension::kFraction, false, "Electricity price rise per year."},
      {"carbon_intensity", Dimension::kCarbonIntensity, false, "Grid carbon intensity."},
      {"api_price_decline", Dimension::kFraction, false, "API price decline per year."},
      {"price_max_age_days", Dimension::kFraction, true, "Prices older than this are flagged."},
  };
  return keys;
}

const CostKey* find_cost_key(std::string_view key) {
  for (const auto& candidate : cost_keys()) {
    if (candidate.key == key) return &candidate;
  }
  return nullptr;
}

units::ParsedQuantity parse_cost_value(const CostKey& key, const std::string& text) {
  if (key.plain_number) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || value < 0) {
      return {std::nullopt, fmt::format("'{}' is not a non-negative number", text)};
    }
    return {value, {}};
  }
  auto parsed = units::parse_quantity(text, key.dimension);
  if (parsed.value_si && *parsed.value_si < 0) {
    return {std::nullopt, fmt::format("'{}' must not be negative", text)};
  }
  return parsed;
}

namespace {



std::vector<Field> provenance_fields() {
  return {{"source", config::string_value("Original document."), true},
          {"as_of", config::string_value("ISO date."), true},
          {"estimate", config::boolean_value("Derived or unverified.")},
          {"estimate_reason", config::string_value("Why.")},
          {"notes", config::string_value("Remarks.")}};
}

std::vector<Field> with(std::vector<Field> fields, std::vector<Field> more) {
  for (auto& field : more) fields.push_back(std::move(field));
  return fields;
}

SchemaPtr codes() { return config::list_of(config::string_value("ISO 3166 code or EU.")); }

SchemaPtr instance_schema() {
  static const SchemaPtr schema = config::object_value(with(
      {{"id", config::string_value("provider/instance."), true},
       {"provider", config::string_value("Provider."), true},
       {"gpu", config::string_value("GPU id."), true},
       {"gpus", config::integer_value("GPUs per instance.", 1, 72), true},
       {"region", config::string_value("Priced region."), true},
       {"region_codes", codes()},
       {"on_demand", config::quantity_value(Dimension::kMoneyPerHour, "On-demand.", 0.0)},
       {"reserved_1y", config::quantity_value(Dimension::kMoneyPerHour, "1-year.", 0.0)},
       {"reserved_3y", config::quantity_value(Dimension::kMoneyPerHour, "3-year.", 0.0)},
       {"spot", config::quantity_value(Dimension::kMoneyPerHour, "Spot.", 0.0)}},
      provenance_fields()));
  return schema;
}

SchemaPtr offer_schema() {
  static const SchemaPtr schema = config::object_value(with(
      {{"id", config::string_value("provider/model."), true},
       {"provider", config::string_value("Provider."), true},
       {"model", config::string_value("Model."), true},
       {"input", config::quantity_value(Dimension::kMoneyPerMillionTokens, "Input.", 0.0), true},
       {"output", config::quantity_value(Dimension::kMoneyPerMillionTokens, "Output.", 0.0), true},
       {"cached_input",
        config::quantity_value(Dimension::kMoneyPerMillionTokens, "Cached input.", 0.0)},
       {"region_codes", codes()}},
      provenance_fields()));
  return schema;
}

SchemaPtr site_schema() {
  static const SchemaPtr schema = [] {
    std::vector<Field> fields{{"id", config::string_value("Site id."), true},
                              {"name", config::string_value("Name."), true},
                              {"region_codes", codes(), true}};
    auto sourced = [&](const std::string& key, SchemaPtr value) {
      fields.push_back({key, std::move(value)});
      fields.push_back({key + "_source", config::string_value("Source of " + key + ".")});
      fields.push_back({key + "_as_of", config::string_value("Date of " + key + ".")});
    };
    sourced("electricity", config::quantity_value(Dimension::kMoneyPerEnergy, "Price.", 0.0));
    sourced("carbon", config::quantity_value(Dimension::kCarbonIntensity, "Intensity.", 0.0));
    sourced("pue", config::number_value("PUE.", 1.0, 3.0));
    sourced("colocation",
            config::quantity_value(Dimension::kMoneyPerPowerMonth, "Colocation.", 0.0));
    return config::object_value(with(fields, provenance_fields()));
  }();
  return schema;
}

SchemaPtr default_schema() {
  static const SchemaPtr schema = config::object_value(with(
      {{"key", config::string_value("Cost key."), true},
       {"value", config::string_value("Value with its unit."), true}},
      provenance_fields()));
  return schema;
}

Provenance provenance_of(const NodeReader& reader, const std::string& origin) {
  Provenance provenance;
  read_provenance(reader, provenance);
  provenance.origin = origin;
  return provenance;
}

/// Parses a file against {version, <list_key>: [entry]}; calls convert per entry.
template <typename Convert>
void load_list(const std::filesystem::path& path, const std::string& list_key,
               const SchemaPtr& entry, std::vector<Field> extra_top,
               config::Diagnostics& diagnostics, Convert convert) {
  if (!std::filesystem::exists(path)) return;
  const std::string file = path.string();
  const auto loaded = config::load_yaml_file(path, diagnostics);
  if (!loaded) return;
  const YAML::Node& root = *loaded;
  std::vector<Field> top{{"version", config::integer_value("Version.", 1, 1), true},
                         {list_key, config::list_of(entry), true}};
  for (auto& field : extra_top) top.push_back(std::move(field));
  const auto schema = config::object_value(top);
  const std::size_t before = diagnostics.errors().size();
  config::validate(root, *schema, "", file, diagnostics);
  if (diagnostics.errors().size() != before) return;
  const NodeReader reader(root, schema, "", file);
  const NodeReader list = reader.child(list_key);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const NodeReader item = list.element(i);
    const std::string id = item.has("id") ? item.string("id") : item.string("key");
    if (!seen.insert(id).second) {
      diagnostics.error(item.location(), item.path(), fmt::format("duplicate '{}'", id));
      continue;
    }
    convert(item, reader);
  }
}

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(item.Scalar());
  }
  return out;
}

}  // namespace

const CloudInstance* CostCatalog::find_instance(std::string_view id) const {
  return find_by_id(instances, id);
}
const ApiOffer* CostCatalog::find_offer(std::string_view id) const { return find_by_id(offers, id); }
const SiteData* CostCatalog::find_site(std::string_view id) const { return find_by_id(sites, id); }
std::vector<std::string> CostCatalog::instance_ids() const { return ids_of(instances); }
std::vector<std::string> CostCatalog::offer_ids() const { return ids_of(offers); }
std::vector<std::string> CostCatalog::site_ids() const { return ids_of(sites); }

CostCatalog load_cost_catalog(const std::filesystem::path& data_dir) {
  CostCatalog catalog;
  config::Diagnostics diagnostics;
  const std::string clouds = (data_dir / "clouds.yaml").string();
  load_list(data_dir / "clouds.yaml", "instances", instance_schema(), {}, diagnostics,
            [&](const NodeReader& item, const NodeReader&) {
              CloudInstance instance;
              instance.id = item.string("id");
              instance.provider = item.string("provider");
              instance.gpu = item.string("gpu");
              instance.gpus = static_cast<int>(item.integer("gpus"));
              instance.region = item.string("region");
              instance.region_codes = strings(item.value("region_codes"));
              for (const char* tier : {"on_demand", "reserved_1y", "reserved_3y", "spot"}) {
                if (item.has(tier)) instance.usd_per_s[tier] = item.quantity(tier);
              }
              instance.provenance = provenance_of(item, clouds);
              catalog.instances.push_back(std::move(instance));
            });
  const std::string apis = (data_dir / "apis.yaml").string();
  const auto trend = config::object_value(
      with({{"decline_per_year",
             config::quantity_value(Dimension::kFraction, "Decline.", 0.0, 1.0), true}},
           provenance_fields()));
  load_list(data_dir / "apis.yaml", "offers", offer_schema(), {{"price_trend", trend}},
            diagnostics, [&](const NodeReader& item, const NodeReader& root) {
              ApiOffer offer;
              offer.id = item.string("id");
              offer.provider = item.string("provider");
              offer.model = item.string("model");
              offer.input_usd_per_token = item.quantity("input") / 1e6;
              offer.output_usd_per_token = item.quantity("output") / 1e6;
              if (item.has("cached_input")) {
                offer.cached_input_usd_per_token = item.quantity("cached_input") / 1e6;
              }
              offer.region_codes = strings(item.value("region_codes"));
              offer.provenance = provenance_of(item, apis);
              catalog.offers.push_back(std::move(offer));
              if (root.has("price_trend") && !catalog.api_decline_per_year) {
                const NodeReader price_trend = root.child("price_trend");
                catalog.api_decline_per_year =
                    SourcedValue{price_trend.quantity("decline_per_year"),
                                 provenance_of(price_trend, apis)};
              }
            });
  const std::string sites = (data_dir / "sites.yaml").string();
  load_list(data_dir / "sites.yaml", "sites", site_schema(), {}, diagnostics,
            [&](const NodeReader& item, const NodeReader&) {
              SiteData site;
              site.id = item.string("id");
              site.name = item.string("name");
              site.region_codes = strings(item.value("region_codes"));
              auto sourced = [&](const std::string& key, bool quantity) {
                if (!item.has(key)) return std::optional<SourcedValue>{};
                SourcedValue value;
                value.value = quantity ? item.quantity(key) : item.number(key);
                value.provenance.source =
                    item.has(key + "_source") ? item.string(key + "_source") : item.string("source");
                value.provenance.as_of =
                    item.has(key + "_as_of") ? item.string(key + "_as_of") : item.string("as_of");
                value.provenance.estimate = item.boolean("estimate");
                value.provenance.estimate_reason = item.string("estimate_reason");
                value.provenance.origin = sites;
                return std::optional<SourcedValue>{value};
              };
              site.electricity_usd_per_j = sourced("electricity", true);
              site.carbon_kg_per_j = sourced("carbon", true);
              site.pue = sourced("pue", false);
              site.colocation_usd_per_w_s = sourced("colocation", true);
              catalog.sites.push_back(std::move(site));
            });
  const std::string costs = (data_dir / "costs.yaml").string();
  load_list(data_dir / "costs.yaml", "defaults", default_schema(), {}, diagnostics,
            [&](const NodeReader& item, const NodeReader&) {
              const std::string key = item.string("key");
              const CostKey* declared = find_cost_key(key);
              if (declared == nullptr) {
                std::vector<std::string> known;
                for (const auto& candidate : cost_keys()) known.push_back(candidate.key);
                diagnostics.error(item.location("key"), item.path_of("key"),
                                  fmt::format("unknown cost key '{}'{}", key,
                                              config::did_you_mean(key, known)));
                return;
              }
              const auto parsed = parse_cost_value(*declared, item.string("value"));
              if (!parsed.value_si) {
                diagnostics.error(item.location("value"), item.path_of("value"), parsed.error);
                return;
              }
              catalog.defaults[key] = SourcedValue{*parsed.value_si, provenance_of(item, costs)};
            });
  if (diagnostics.has_errors()) throw config::InputError(diagnostics.format());
  return catalog;
}

}  // namespace tco::catalog
