#pragma once
// A scenario file, typed and validated, with catalog ids resolved and units in SI.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/config/schema.hpp"

namespace tco::config {

inline constexpr int kScenarioVersion = 1;

struct ModelChoice {
  catalog::Model model;         ///< catalog entry with inline overrides applied
  catalog::Dtype weight_dtype = catalog::Dtype::kBf16;
  catalog::Dtype kv_dtype = catalog::Dtype::kBf16;
  std::string config_path;      ///< Hugging Face config.json it was read from, if any
};

struct LatencyTargets {
  std::optional<double> ttft_s;  ///< time to first token at the percentile
  std::optional<double> tpot_s;  ///< time per output token at the percentile
  double percentile = 0.95;
};

struct Workload {
  double requests_per_day = 0;
  long long input_tokens = 0;   ///< mean prompt length
  long long output_tokens = 0;  ///< mean generated length
  std::string daily_profile = "flat";     ///< flat | business_hours | custom
  std::vector<double> hourly_weights;     ///< 24 values when custom
  double growth_per_year = 0;             ///< fraction, 0.3 = +30 %/yr
  LatencyTargets slo;
  double peak_percentile = 0.95;          ///< Poisson percentile of arrivals capacity is sized to
  int redundancy = 1;                     ///< spare replicas (N+1 = 1)
  double headroom = 0;                    ///< extra capacity fraction
};

/// Financial settings; unset values come from data/costs.yaml.
struct Finance {
  std::optional<double> discount_rate;
  std::optional<double> electricity_escalation;
  std::optional<double> api_price_decline;
  std::optional<double> gpu_price_decline;    ///< for purchases after year 1 (< 0: a rise)
  std::optional<double> cloud_price_decline;  ///< of cloud instance prices, per year
  std::optional<double> price_max_age_days;
};

enum class OptionKind { kOnprem, kCloud, kHybrid, kApi };
[[nodiscard]] std::string_view option_kind_name(OptionKind kind);

struct DeploymentOption {
  std::string name;
  OptionKind kind = OptionKind::kOnprem;
  std::string gpu;              ///< catalog id (onprem, cloud)
  int gpus_per_node = 8;
  int tp = 1;
  int pp = 1;
  int ep = 1;
  bool multi_node = false;      ///< replicas may span nodes over a scale-out network
  std::string site;             ///< key of `sites` (onprem)
  std::string instance;         ///< cloud instance id (cloud)
  std::string pricing;          ///< cloud pricing tier
  std::string base;             ///< hybrid: name of the on-prem option
  std::string burst;            ///< hybrid: name of the cloud option
  std::string base_percentile;  ///< hybrid: "optimal" or a percentile
  std::string offer;            ///< api: provider/model offer id
  std::string fleet;            ///< cloud: reserved | autoscaled ("" = by pricing tier)
  std::map<std::string, double, std::less<>> costs;  ///< overrides of data/costs.yaml keys, SI
  std::string path;             ///< key path in the file, e.g. "options[0]"

  [[nodiscard]] int gpus_per_replica() const { return tp * pp; }
};

struct Site {
  std::string name;
  std::string region;
  std::optional<double> pue;
  std::optional<double> electricity_usd_per_j;
  std::optional<double> colocation_usd_per_w_s;
  std::optional<double> carbon_kg_per_j;
};

struct Constraints {
  bool air_gapped = false;
  std::vector<std::string> data_residency;
  std::optional<long long> max_gpus;
};

struct Requirements {
  std::optional<bool> fits;
  std::optional<bool> latency_targets_met;
  std::optional<double> max_cost_per_million_tokens_usd;
  std::optional<double> max_tco_usd;
  std::optional<long long> max_gpus;
  std::optional<double> max_power_per_rack_w;
  std::optional<bool> air_gapped;
};

/// An uncertain input of `uncertainty:` (Monte Carlo, `tco-plan run --samples`). Multiplier
/// drivers scale the deterministic value (1 = as written); absolute drivers replace it.
struct UncertainInput {
  std::string driver;                ///< key under `uncertainty:`, e.g. "gpu_price"
  std::string distribution = "uniform";  ///< uniform | triangular | normal
  double low = 1, mode = 1, high = 1;    ///< uniform/triangular bounds (and mode)
  double mean = 1, sd = 0;               ///< normal; clipped at 0 (no negative prices)
};

struct Scenario {
  std::string file;
  int version = kScenarioVersion;
  std::string name;
  std::string description;
  int horizon_years = 5;
  ModelChoice model;
  catalog::Engine engine;
  Workload workload;
  std::vector<DeploymentOption> options;
  std::map<std::string, Site> sites;
  Constraints constraints;
  Requirements requirements;
  Finance finance;
  std::vector<UncertainInput> uncertainty;           ///< `uncertainty:`, in file order
  catalog::CostCatalog costs;                        ///< clouds, APIs, sites, cost defaults
  catalog::Catalog catalog;                          ///< with the scenario's overrides applied
  std::map<std::string, SourceLocation> locations;   ///< key path -> where it is written

  [[nodiscard]] const DeploymentOption* find_option(std::string_view name) const;
};

/// The scenario file format (version 1) as a schema: validation, defaults and `tco-plan schema`.
[[nodiscard]] SchemaPtr scenario_schema();

/// Reads, validates and resolves a scenario against `catalog`. Throws InputError with every
/// problem found (file:line:column, key path, source line and caret).
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& path,
                                     const catalog::Catalog& catalog,
                                     const catalog::CostCatalog& costs = {});
/// Same, from a YAML tree already parsed from `text` (which supplies the source lines shown in
/// messages); `tco-plan sweep` edits the tree with --set before validation.
[[nodiscard]] Scenario parse_scenario_tree(const YAML::Node& root, const std::string& text,
                                           const std::string& file,
                                           const catalog::Catalog& catalog,
                                           const catalog::CostCatalog& costs = {});
/// The `uncertainty:` drivers: name, whether it multiplies (true) or replaces the value, and
/// what it applies to (for the schema and the README).
struct UncertainDriver {
  std::string name;
  bool multiplier = true;
  std::string description;
};
[[nodiscard]] const std::vector<UncertainDriver>& uncertain_drivers();
/// Same, from text already in memory (`file` names it in messages).
[[nodiscard]] Scenario parse_scenario(const std::string& text, const std::string& file,
                                      const catalog::Catalog& catalog,
                                      const catalog::CostCatalog& costs = {});

}  // namespace tco::config
