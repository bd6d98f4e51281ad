#pragma once
// Price catalogs for the cost model: cloud instances (data/clouds.yaml), hosted API offers
// (data/apis.yaml), sites (data/sites.yaml) and on-prem/financial defaults (data/costs.yaml).
// Values are SI (USD, USD/s, USD/J, USD/(W·s), kg/J, W); each keeps its source and date.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tco/catalog/types.hpp"
#include "tco/units/units.hpp"

namespace tco::catalog {

struct CloudInstance {
  std::string id;
  std::string provider;
  std::string gpu;
  int gpus = 0;
  std::string region;
  std::vector<std::string> region_codes;
  std::map<std::string, double> usd_per_s;  ///< by tier: on_demand reserved_1y reserved_3y spot
  Provenance provenance;
};

struct ApiOffer {
  std::string id;
  std::string provider;
  std::string model;
  double input_usd_per_token = 0;
  double output_usd_per_token = 0;
  std::optional<double> cached_input_usd_per_token;
  std::vector<std::string> region_codes;  ///< empty: the source does not say
  Provenance provenance;
};

/// A sourced figure.
struct SourcedValue {
  double value = 0;  ///< SI
  Provenance provenance;
};

struct SiteData {
  std::string id;
  std::string name;
  std::vector<std::string> region_codes;
  std::optional<SourcedValue> electricity_usd_per_j;
  std::optional<SourcedValue> carbon_kg_per_j;
  std::optional<SourcedValue> pue;
  std::optional<SourcedValue> colocation_usd_per_w_s;
};

/// A key of data/costs.yaml (and of an option's `costs:` overrides) with its unit.
struct CostKey {
  std::string key;
  units::Dimension dimension;
  bool plain_number = false;  ///< years, counts, ratios written without a unit
  std::string description;
};

/// Every cost default the model reads, with its unit: the one declaration of these keys.
[[nodiscard]] const std::vector<CostKey>& cost_keys();
[[nodiscard]] const CostKey* find_cost_key(std::string_view key);
/// Parses a value for `key` ("5", "7 %", "50000 USD"); empty optional + error text on failure.
[[nodiscard]] units::ParsedQuantity parse_cost_value(const CostKey& key, const std::string& text);

struct CostCatalog {
  std::vector<CloudInstance> instances;
  std::vector<ApiOffer> offers;
  std::vector<SiteData> sites;
  std::map<std::string, SourcedValue, std::less<>> defaults;  ///< by cost key
  std::optional<SourcedValue> api_decline_per_year;

  [[nodiscard]] const CloudInstance* find_instance(std::string_view id) const;
  [[nodiscard]] const ApiOffer* find_offer(std::string_view id) const;
  [[nodiscard]] const SiteData* find_site(std::string_view id) const;
  [[nodiscard]] std::vector<std::string> instance_ids() const;
  [[nodiscard]] std::vector<std::string> offer_ids() const;
  [[nodiscard]] std::vector<std::string> site_ids() const;
};

/// Loads clouds/apis/sites/costs.yaml under `data_dir` (each optional); throws
/// config::InputError listing every problem.
[[nodiscard]] CostCatalog load_cost_catalog(const std::filesystem::path& data_dir);

}  // namespace tco::catalog
