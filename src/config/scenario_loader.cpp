// Scenario files: parse (YAML), validate against the schema, then resolve catalog ids and check
// that the settings are consistent with each other. Every problem is collected and reported at
// once, each with file:line:column and its key path.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "tco/catalog/catalog.hpp"
#include "tco/config/reader.hpp"
#include "tco/config/scenario.hpp"

namespace tco::config {

using catalog::Dtype;

std::string_view option_kind_name(OptionKind kind) {
  switch (kind) {
    case OptionKind::kOnprem: return "onprem";
    case OptionKind::kCloud: return "cloud";
    case OptionKind::kHybrid: return "hybrid";
    case OptionKind::kApi: return "api";
  }
  return "?";
}

const DeploymentOption* Scenario::find_option(std::string_view option_name) const {
  for (const auto& option : options) {
    if (option.name == option_name) return &option;
  }
  return nullptr;
}

namespace {

// Formats engines can hold the KV cache in (vLLM/TRT-LLM/SGLang: 16-bit, fp8, int8; llama.cpp
// also q8_0 and q4_0 cache types).
const std::vector<Dtype> kKvDtypes{Dtype::kFp32, Dtype::kBf16, Dtype::kFp16, Dtype::kFp8,
                                   Dtype::kInt8, Dtype::kQ8_0, Dtype::kQ4_0};

void record_locations(const YAML::Node& node, const std::string& path, const std::string& file,
                      std::map<std::string, SourceLocation>& locations) {
  locations.emplace(path, location_of(file, node.Mark()));
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      const std::string child = path.empty() ? key : path + "." + key;
      locations[child] = location_of(file, entry.first.Mark());
      record_locations(entry.second, child, file, locations);
      locations[child] = location_of(file, entry.first.Mark());
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      record_locations(node[i], fmt::format("{}[{}]", path, i), file, locations);
    }
  }
}

/// "an onprem", "a cloud", "a hybrid", "an api": for messages.
std::string with_article(OptionKind kind) {
  const bool vowel = kind == OptionKind::kOnprem || kind == OptionKind::kApi;
  return fmt::format("{} {}", vowel ? "an" : "a", option_kind_name(kind));
}

/// The weight format an engine serves a checkpoint in when none is asked for (vLLM --dtype auto:
/// the published format; fp32 checkpoints in fp16).
Dtype default_weight_dtype(const catalog::Model& model) {
  return model.native_weight_dtype == Dtype::kFp32 ? Dtype::kFp16 : model.native_weight_dtype;
}

bool looks_like_path(const std::string& text) {
  return text.size() > 5 && text.substr(text.size() - 5) == ".json";
}

class ScenarioBuilder {
 public:
  ScenarioBuilder(const std::string& file, const catalog::Catalog& catalog,
                  const catalog::CostCatalog& costs, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {
    scenario_.file = file;
    scenario_.catalog = catalog;
    scenario_.costs = costs;
  }

  Scenario build(const YAML::Node& root) {
    const NodeReader reader(root, scenario_schema(), "", file_);
    record_locations(root, "", file_, scenario_.locations);
    scenario_.version = static_cast<int>(reader.integer("version"));
    scenario_.name = reader.string("name");
    scenario_.description = reader.string("description");
    scenario_.horizon_years = static_cast<int>(reader.integer("horizon_years"));
    if (reader.has("gpus")) read_gpu_overrides(reader.child("gpus"));
    read_model(reader);
    read_engine(reader);
    read_workload(reader.child("workload"));
    if (reader.has("sites")) read_sites(reader.child("sites"));
    read_constraints(reader);
    read_requirements(reader);
    read_finance(reader);
    read_options(reader.child("options"));
    if (reader.has("uncertainty")) read_uncertainty(reader.child("uncertainty"));
    return std::move(scenario_);
  }

 private:
  void error(const NodeReader& reader, const std::string& key, std::string message) {
    diagnostics_.error(reader.location(key), reader.path_of(key), std::move(message));
  }

  void read_gpu_overrides(const NodeReader& gpus) {
    for (const auto& [id, entry] : gpus.entries()) {
      auto& known = scenario_.catalog.gpus;
      // A named copy: clang before 16 cannot capture a structured binding (the fuzz build).
      const std::string& gpu_id = id;
      auto existing = std::find_if(known.begin(), known.end(),
                                   [&](const catalog::Gpu& gpu) { return gpu.id == gpu_id; });
      if (existing != known.end()) {
        catalog::read_gpu(entry, *existing);
        existing->provenance.origin = fmt::format("{} (override of {})", file_,
                                                  existing->provenance.origin);
        continue;
      }
      std::vector<std::string> missing;
      for (const auto& key : catalog::required_gpu_keys()) {
        if (key != "id" && !entry.has(key)) missing.push_back(key);
      }
      if (!missing.empty()) {
        // Point at the id (the key), not at the first key under it.
        const auto key = scenario_.locations.find(entry.path());
        diagnostics_.error(key != scenario_.locations.end() ? key->second : entry.location(),
                           entry.path(),
                           fmt::format("'{}' is not a catalog GPU{}; a new GPU needs {}", id,
                                       did_you_mean(id, scenario_.catalog.gpu_ids()),
                                       join(missing)));
        rejected_gpus_.insert(id);  // options using it need no second error
        continue;
      }
      catalog::Gpu gpu;
      catalog::read_gpu(entry, gpu);
      gpu.id = id;
      gpu.provenance.origin = file_;
      known.push_back(std::move(gpu));
    }
  }

  static std::string join(const std::vector<std::string>& keys) {
    std::string out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      out += (i == 0 ? "" : i + 1 == keys.size() ? " and " : ", ") + ("'" + keys[i] + "'");
    }
    return out;
  }

  std::optional<catalog::Model> model_from_config(const NodeReader& at, const std::string& key,
                                                  const std::string& relative) {
    std::filesystem::path path(relative);
    if (path.is_relative()) path = std::filesystem::path(file_).parent_path() / path;
    if (!std::filesystem::exists(path)) {
      error(at, key, fmt::format("model config '{}' not found", path.string()));
      return std::nullopt;
    }
    const std::size_t errors_before = diagnostics_.errors().size();
    catalog::Model model = catalog::model_from_hf_config(path, diagnostics_);
    if (diagnostics_.errors().size() != errors_before) return std::nullopt;
    scenario_.model.config_path = path.string();
    return model;
  }

  void read_model(const NodeReader& root) {
    const NodeReader choice = root.child("model");
    std::optional<catalog::Model> base;
    if (choice.node().IsScalar()) {
      const std::string text = choice.node().Scalar();
      if (looks_like_path(text)) {
        base = model_from_config(root, "model", text);
      } else if (const auto* found = scenario_.catalog.find_model(text)) {
        base = *found;
      } else {
        error(root, "model", fmt::format("unknown model '{}'{}", text,
                                         did_you_mean(text, scenario_.catalog.model_ids())));
      }
      if (base) {
        scenario_.model.model = *base;
        scenario_.model.weight_dtype = default_weight_dtype(*base);
      }
      return;
    }
    if (choice.has("config")) {
      base = model_from_config(choice, "config", choice.string("config"));
      if (!base) return;
    } else if (choice.has("id")) {
      const std::string id = choice.string("id");
      if (const auto* found = scenario_.catalog.find_model(id)) {
        base = *found;
      } else {
        std::vector<std::string> missing;
        for (const auto& key : catalog::required_model_keys()) {
          if (!choice.has(key)) missing.push_back(key);
        }
        if (!missing.empty()) {
          error(choice, "id", fmt::format("unknown model '{}'{}; a new model needs {}", id,
                                          did_you_mean(id, scenario_.catalog.model_ids()),
                                          join(missing)));
          return;
        }
        base = catalog::Model{};
        base->provenance.origin = file_;
      }
    } else {
      error(root, "model", "needs 'id' (a catalog model) or 'config' (a config.json path)");
      return;
    }
    if (!complete_block(choice, "moe", base->moe.has_value()) ||
        !complete_block(choice, "mla", base->mla.has_value())) {
      return;
    }
    catalog::read_model(choice, *base);
    if (base->provenance.origin.empty()) base->provenance.origin = file_;
    scenario_.model.model = *base;
    scenario_.model.weight_dtype = choice.has("weight_dtype")
                                       ? *catalog::dtype_from_name(choice.string("weight_dtype"))
                                       : default_weight_dtype(*base);
    scenario_.model.kv_dtype = *catalog::dtype_from_name(choice.string("kv_dtype"));
    if (std::find(kKvDtypes.begin(), kKvDtypes.end(), scenario_.model.kv_dtype) ==
        kKvDtypes.end()) {
      error(choice, "kv_dtype",
            fmt::format("'{}' is not a KV-cache format (use fp32, bf16, fp16, fp8, int8, q8_0 "
                        "or q4_0)",
                        choice.string("kv_dtype")));
    }
    check_model(choice);
  }

  // Overrides may give single keys of a block (`moe: {top_k: 4}`); a block the base model does
  // not have (moe on a dense model, or on a new model) needs all of its required keys.
  bool complete_block(const NodeReader& choice, const std::string& block, bool base_has_it) {
    if (base_has_it || !choice.has(block) || !choice.node()[block].IsMap()) return true;
    const NodeReader entry = choice.child(block);
    std::vector<std::string> missing;
    for (const auto& field : catalog::model_schema()->field(block)->schema->fields) {
      if (field.required && !entry.has(field.name)) missing.push_back(field.name);
    }
    if (missing.empty()) return true;
    error(choice, block,
          fmt::format("the model has no '{}' block to override; a new one needs {}", block,
                      join(missing)));
    return false;
  }

  // Architecture consistency, for inline and config.json models alike.
  void check_model(const NodeReader& at) {
    const auto& model = scenario_.model.model;
    if (model.num_attention_heads > 0 && model.num_kv_heads > 0 &&
        model.num_attention_heads % model.num_kv_heads != 0) {
      error(at, at.has("num_kv_heads") ? "num_kv_heads" : "",
            fmt::format("num_kv_heads {} must divide num_attention_heads {}", model.num_kv_heads,
                        model.num_attention_heads));
    }
    if (model.moe && model.moe->top_k > model.moe->num_experts) {
      error(at, "moe", fmt::format("moe.top_k {} exceeds moe.num_experts {}", model.moe->top_k,
                                   model.moe->num_experts));
    }
    if (model.attention == catalog::AttentionKind::kMla && !model.mla) {
      error(at, "attention", "attention 'mla' needs an 'mla' block");
    }
    if (model.sliding_window > 0 && model.sliding_window_layers > model.num_layers) {
      error(at, at.has("sliding_window_layers") ? "sliding_window_layers" : "num_layers",
            fmt::format("sliding_window_layers {} exceeds num_layers {}",
                        model.sliding_window_layers, model.num_layers));
    }
    if (!model.moe && model.intermediate_size == 0 && model.num_layers > 0) {
      error(at, "intermediate_size", "a dense model needs intermediate_size > 0");
    }
  }

  void read_engine(const NodeReader& root) {
    const NodeReader choice = root.child("engine");
    const std::string id =
        choice.node().IsScalar() ? choice.node().Scalar() : choice.string("id");
    const auto* found = scenario_.catalog.find_engine(id);
    if (found == nullptr) {
      const std::string key = choice.node().IsScalar() ? "engine" : "engine.id";
      diagnostics_.error(choice.node().IsScalar() ? root.location("engine")
                                                  : choice.location("id"),
                         key,
                         id.empty() ? "needs 'id'"
                                    : fmt::format("unknown engine '{}'{}", id,
                                                  did_you_mean(id, scenario_.catalog.engine_ids())));
      return;
    }
    scenario_.engine = *found;
    if (choice.node().IsMap()) catalog::read_engine(choice, scenario_.engine);
  }

  void read_workload(const NodeReader& workload) {
    auto& out = scenario_.workload;
    out.requests_per_day = workload.number("requests_per_day");
    out.input_tokens = workload.integer("input_tokens");
    out.output_tokens = workload.integer("output_tokens");
    out.growth_per_year = workload.quantity("growth_per_year");
    const YAML::Node profile = workload.value("daily_profile");
    if (profile.IsSequence()) {
      out.daily_profile = "custom";
      double sum = 0;
      for (const auto& weight : profile) {
        out.hourly_weights.push_back(weight.as<double>());
        sum += out.hourly_weights.back();
      }
      if (sum <= 0) error(workload, "daily_profile", "hourly weights must not all be zero");
    } else {
      out.daily_profile = profile.Scalar();
    }
    if (workload.has("slo")) {
      const NodeReader slo = workload.child("slo");
      if (slo.has("ttft")) out.slo.ttft_s = slo.quantity("ttft");
      if (slo.has("tpot")) out.slo.tpot_s = slo.quantity("tpot");
      out.slo.percentile = slo.quantity("percentile");
    }
    out.peak_percentile = workload.quantity("peak_percentile");
    out.redundancy = static_cast<int>(workload.integer("redundancy"));
    out.headroom = workload.quantity("headroom");
    const auto& model = scenario_.model.model;
    const long long context = out.input_tokens + out.output_tokens;
    if (model.max_context > 0 && context > model.max_context) {
      error(workload, "input_tokens",
            fmt::format("input_tokens + output_tokens = {} exceeds the context of {} ({} tokens)",
                        context, model.id.empty() ? "the model" : model.id, model.max_context));
    }
  }

  void read_sites(const NodeReader& sites) {
    for (const auto& [name, entry] : sites.entries()) {
      Site site;
      site.name = name;
      site.region = entry.string("region");
      if (entry.has("pue")) site.pue = entry.number("pue");
      if (entry.has("electricity")) site.electricity_usd_per_j = entry.quantity("electricity");
      if (entry.has("colocation")) site.colocation_usd_per_w_s = entry.quantity("colocation");
      if (entry.has("carbon")) site.carbon_kg_per_j = entry.quantity("carbon");
      scenario_.sites[name] = site;
    }
  }

  void read_constraints(const NodeReader& root) {
    if (!root.has("constraints")) return;
    const NodeReader constraints = root.child("constraints");
    scenario_.constraints.air_gapped = constraints.boolean("air_gapped");
    for (const auto& region : constraints.value("data_residency")) {
      scenario_.constraints.data_residency.push_back(region.Scalar());
    }
    if (constraints.has("max_gpus")) scenario_.constraints.max_gpus = constraints.integer("max_gpus");
  }

  void read_finance(const NodeReader& root) {
    if (!root.has("finance")) return;
    const NodeReader finance = root.child("finance");
    auto& out = scenario_.finance;
    if (finance.has("discount_rate")) out.discount_rate = finance.quantity("discount_rate");
    if (finance.has("electricity_escalation")) {
      out.electricity_escalation = finance.quantity("electricity_escalation");
    }
    if (finance.has("api_price_decline")) {
      out.api_price_decline = finance.quantity("api_price_decline");
    }
    if (finance.has("gpu_price_decline")) {
      out.gpu_price_decline = finance.quantity("gpu_price_decline");
    }
    if (finance.has("cloud_price_decline")) {
      out.cloud_price_decline = finance.quantity("cloud_price_decline");
    }
    if (finance.has("price_max_age_days")) {
      out.price_max_age_days = static_cast<double>(finance.integer("price_max_age_days"));
    }
  }

  // Each driver: {low, high} (uniform), {distribution: triangular, low, mode, high} or
  // {distribution: normal, mean, sd}; the schema checks keys and types, this checks the order.
  void read_uncertainty(const NodeReader& uncertainty) {
    for (const auto& item : uncertainty.node()) {
      const std::string name = item.first.Scalar();
      const NodeReader entry = uncertainty.child(name);
      UncertainInput input;
      input.driver = name;
      input.distribution = entry.string("distribution");
      const bool normal = input.distribution == "normal";
      const std::vector<std::string> needed =
          normal ? std::vector<std::string>{"mean", "sd"}
          : input.distribution == "triangular" ? std::vector<std::string>{"low", "mode", "high"}
                                               : std::vector<std::string>{"low", "high"};
      std::vector<std::string> missing;
      for (const auto& key : needed) {
        if (!entry.has(key)) missing.push_back(key);
      }
      if (!missing.empty()) {
        diagnostics_.error(entry.location(), entry.path(),
                           fmt::format("a {} distribution needs {}", input.distribution,
                                       join(missing)));
        continue;
      }
      if (normal) {
        input.mean = entry.number("mean");
        input.sd = entry.number("sd");
        input.low = input.mode = input.high = input.mean;
      } else {
        input.low = entry.number("low");
        input.high = entry.number("high");
        input.mode = entry.has("mode") ? entry.number("mode") : (input.low + input.high) / 2;
        if (!(input.low <= input.mode && input.mode <= input.high)) {
          diagnostics_.error(entry.location(), entry.path(),
                             fmt::format("needs low <= {}high (got low {}, {}high {})",
                                         entry.has("mode") ? "mode <= " : "", input.low,
                                         entry.has("mode") ? fmt::format("mode {}, ", input.mode)
                                                           : "",
                                         input.high));
          continue;
        }
      }
      scenario_.uncertainty.push_back(input);
    }
  }

  void read_costs(const NodeReader& entry, DeploymentOption& option) {
    if (!entry.has("costs")) return;
    std::vector<std::string> known;
    for (const auto& key : catalog::cost_keys()) known.push_back(key.key);
    for (const auto& [key, value] : entry.child("costs").entries()) {
      const catalog::CostKey* declared = catalog::find_cost_key(key);
      if (declared == nullptr) {
        diagnostics_.error(scenario_.locations[value.path()], value.path(),
                           fmt::format("unknown cost key '{}'{}", key, did_you_mean(key, known)));
        continue;
      }
      const auto parsed = catalog::parse_cost_value(*declared, value.node().Scalar());
      if (!parsed.value_si) {
        diagnostics_.error(location_of(file_, value.node().Mark()), value.path(), parsed.error);
        continue;
      }
      option.costs[key] = *parsed.value_si;
    }
  }

  void read_requirements(const NodeReader& root) {
    if (!root.has("requirements")) return;
    const NodeReader requirements = root.child("requirements");
    auto& out = scenario_.requirements;
    if (requirements.has("fits")) out.fits = requirements.boolean("fits");
    if (requirements.has("latency_targets_met")) {
      out.latency_targets_met = requirements.boolean("latency_targets_met");
      if (!scenario_.workload.slo.ttft_s && !scenario_.workload.slo.tpot_s) {
        error(requirements, "latency_targets_met", "needs workload.slo.ttft or workload.slo.tpot");
      }
    }
    if (requirements.has("max_cost_per_million_tokens")) {
      out.max_cost_per_million_tokens_usd = requirements.quantity("max_cost_per_million_tokens");
    }
    if (requirements.has("max_tco")) out.max_tco_usd = requirements.quantity("max_tco");
    if (requirements.has("max_gpus")) out.max_gpus = requirements.integer("max_gpus");
    if (requirements.has("max_power_per_rack")) {
      out.max_power_per_rack_w = requirements.quantity("max_power_per_rack");
    }
    if (requirements.has("air_gapped")) out.air_gapped = requirements.boolean("air_gapped");
  }

  void read_options(const NodeReader& options) {
    std::set<std::string> names;
    std::vector<std::string> sites;
    for (const auto& [name, site] : scenario_.sites) sites.push_back(name);
    for (std::size_t i = 0; i < options.size(); ++i) {
      const NodeReader entry = options.element(i);
      DeploymentOption option;
      option.path = entry.path();
      option.name = entry.string("name");
      const std::string kind = entry.string("kind");
      option.kind = kind == "onprem"  ? OptionKind::kOnprem
                    : kind == "cloud" ? OptionKind::kCloud
                    : kind == "hybrid" ? OptionKind::kHybrid
                                       : OptionKind::kApi;
      option.gpu = entry.string("gpu");
      option.gpus_per_node = static_cast<int>(entry.integer("gpus_per_node"));
      option.tp = static_cast<int>(entry.integer("tp"));
      option.pp = static_cast<int>(entry.integer("pp"));
      option.ep = static_cast<int>(entry.integer("ep"));
      option.multi_node = entry.boolean("multi_node");
      option.site = entry.string("site");
      option.instance = entry.string("instance");
      option.pricing = entry.string("pricing");
      option.base = entry.string("base");
      option.burst = entry.string("burst");
      option.base_percentile = entry.string("base_percentile");
      option.offer = entry.string("offer");
      option.fleet = entry.string("fleet");
      read_costs(entry, option);
      if (option.kind == OptionKind::kCloud && option.gpu.empty()) {
        if (const auto* instance = scenario_.costs.find_instance(option.instance)) {
          option.gpu = instance->gpu;
        }
      }
      if (!names.insert(option.name).second) {
        error(entry, "name", fmt::format("duplicate option name '{}'", option.name));
      }
      check_option(entry, option, sites);
      scenario_.options.push_back(std::move(option));
    }
    for (std::size_t i = 0; i < scenario_.options.size(); ++i) {
      const auto& option = scenario_.options[i];
      if (option.kind != OptionKind::kHybrid) continue;
      const NodeReader entry = options.element(i);
      check_reference(entry, "base", option.base, OptionKind::kOnprem);
      check_reference(entry, "burst", option.burst, OptionKind::kCloud);
    }
  }

  void check_reference(const NodeReader& entry, const std::string& key, const std::string& name,
                       OptionKind expected) {
    if (name.empty()) {
      error(entry, key, fmt::format("a hybrid option needs '{}' (the name of {} option)", key,
                                    with_article(expected)));
      return;
    }
    std::vector<std::string> candidates;
    for (const auto& option : scenario_.options) {
      if (option.kind == expected) candidates.push_back(option.name);
    }
    if (std::find(candidates.begin(), candidates.end(), name) == candidates.end()) {
      error(entry, key, fmt::format("'{}' is not {} option of this scenario{}", name,
                                    with_article(expected), did_you_mean(name, candidates)));
    }
  }

  void check_option(const NodeReader& entry, const DeploymentOption& option,
                    const std::vector<std::string>& sites) {
    const bool needs_gpu = option.kind == OptionKind::kOnprem || option.kind == OptionKind::kCloud;
    const bool priced = !scenario_.costs.offers.empty() || !scenario_.costs.instances.empty();
    if (!needs_gpu) {
      if (option.kind == OptionKind::kApi && option.offer.empty()) {
        error(entry, "offer", "an api option needs 'offer'");
      } else if (option.kind == OptionKind::kApi && priced &&
                 scenario_.costs.find_offer(option.offer) == nullptr) {
        error(entry, "offer", fmt::format("unknown API offer '{}'{}", option.offer,
                                          did_you_mean(option.offer,
                                                       scenario_.costs.offer_ids())));
      }
      return;
    }
    if (option.kind == OptionKind::kCloud && priced) {
      if (option.instance.empty()) {
        error(entry, "instance", "a cloud option needs 'instance'");
        return;
      }
      const auto* instance = scenario_.costs.find_instance(option.instance);
      if (instance == nullptr) {
        error(entry, "instance", fmt::format("unknown cloud instance '{}'{}", option.instance,
                                             did_you_mean(option.instance,
                                                          scenario_.costs.instance_ids())));
        return;
      }
      if (!option.pricing.empty() && instance->usd_per_s.count(option.pricing) == 0) {
        std::vector<std::string> tiers;
        for (const auto& [tier, price] : instance->usd_per_s) tiers.push_back(tier);
        error(entry, "pricing",
              fmt::format("{} has no '{}' price (it has: {})", option.instance, option.pricing,
                          fmt::format("{}", fmt::join(tiers, ", "))));
      }
      if (option.gpus_per_replica() > instance->gpus) {
        error(entry, "tp", fmt::format("tp x pp = {} GPUs exceeds the {} GPUs of {}",
                                       option.gpus_per_replica(), instance->gpus,
                                       option.instance));
      }
    }
    if (option.gpu.empty()) {
      error(entry, "gpu", fmt::format("{} option needs 'gpu'", with_article(option.kind)));
      return;
    }
    const catalog::Gpu* gpu = scenario_.catalog.find_gpu(option.gpu);
    if (gpu == nullptr && rejected_gpus_.count(option.gpu) == 0) {
      error(entry, "gpu", fmt::format("unknown GPU '{}'{}", option.gpu,
                                      did_you_mean(option.gpu, scenario_.catalog.gpu_ids())));
    }
    if (!option.site.empty() &&
        std::find(sites.begin(), sites.end(), option.site) == sites.end() &&
        scenario_.costs.find_site(option.site) == nullptr) {
      std::vector<std::string> known = sites;
      for (const auto& id : scenario_.costs.site_ids()) known.push_back(id);
      error(entry, "site", fmt::format("unknown site '{}'{}", option.site,
                                       did_you_mean(option.site, known)));
    }
    const auto& model = scenario_.model.model;
    if (model.num_attention_heads > 0 && model.num_attention_heads % option.tp != 0) {
      error(entry, "tp", fmt::format("tp {} does not divide the {} attention heads of {}",
                                     option.tp, model.num_attention_heads, model.id));
    }
    if (model.num_layers > 0 && option.pp > model.num_layers) {
      error(entry, "pp", fmt::format("pp {} exceeds the {} layers of {}", option.pp,
                                     model.num_layers, model.id));
    }
    if (option.gpus_per_replica() > option.gpus_per_node && !option.multi_node) {
      // Point at the degree that is written (pp alone, or tp).
      error(entry, entry.has("tp") || !entry.has("pp") ? "tp" : "pp",
            fmt::format("tp x pp = {} GPUs exceeds the {} GPUs of a node; set multi_node: true "
                        "to span nodes over the scale-out network",
                        option.gpus_per_replica(), option.gpus_per_node));
    }
    if (option.ep > 1) {
      if (!model.moe) {
        error(entry, "ep", fmt::format("ep {} needs a mixture-of-experts model; {} is dense",
                                       option.ep, model.id));
      } else if (option.tp % option.ep != 0 || model.moe->num_experts % option.ep != 0) {
        error(entry, "ep", fmt::format("ep {} must divide tp ({}) and the {} experts", option.ep,
                                       option.tp, model.moe->num_experts));
      }
    }
  }

  std::string file_;
  Diagnostics& diagnostics_;
  Scenario scenario_;
  std::set<std::string> rejected_gpus_;  ///< new GPUs under `gpus:` that were incomplete
};

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file,
                        const catalog::Catalog& catalog, const catalog::CostCatalog& costs) {
  Diagnostics diagnostics;
  diagnostics.add_source(file, text);
  if (!check_yaml_text(text, file, diagnostics)) throw InputError(diagnostics.format());
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    diagnostics.error(location_of(file, error.mark), {}, error.msg);
    throw InputError(diagnostics.format());
  }
  return parse_scenario_tree(root, text, file, catalog, costs);
}

Scenario parse_scenario_tree(const YAML::Node& root, const std::string& text,
                             const std::string& file, const catalog::Catalog& catalog,
                             const catalog::CostCatalog& costs) {
  Diagnostics diagnostics;
  diagnostics.add_source(file, text);
  if (!root.IsMap()) {
    diagnostics.error({file, root.IsDefined() && !root.IsNull() ? 1 : 0, 1}, {},
                      "a scenario must be a YAML mapping (see `tco-plan schema`)");
    throw InputError(diagnostics.format());
  }
  validate(root, *scenario_schema(), "", file, diagnostics);
  if (diagnostics.has_errors()) throw InputError(diagnostics.format());
  ScenarioBuilder builder(file, catalog, costs, diagnostics);
  Scenario scenario = builder.build(root);
  if (diagnostics.has_errors()) throw InputError(diagnostics.format());
  return scenario;
}

Scenario load_scenario(const std::filesystem::path& path, const catalog::Catalog& catalog,
                       const catalog::CostCatalog& costs) {
  // Same "file: error: message" form as every other problem with the file.
  std::error_code ignored;
  const char* why = !std::filesystem::exists(path, ignored)        ? "no such file"
                    : std::filesystem::is_directory(path, ignored) ? "it is a directory"
                                                                    : nullptr;
  std::string text;
  if (why == nullptr) {
    try {
      text = catalog::read_text_file(path);
    } catch (const catalog::FileTooLarge&) {
      static_assert(kMaxInputFileBytes == std::size_t{16} << 20, "the message names the limit");
      why = "larger than 16 MiB, the most an input file may be";
    } catch (const InputError&) {
      why = "not readable";
    }
  }
  if (why != nullptr) {
    Diagnostics diagnostics;
    diagnostics.error({path.string(), 0, 0}, {},
                      fmt::format("cannot read the scenario file ({})", why));
    throw InputError(diagnostics.format());
  }
  return parse_scenario(text, path.string(), catalog, costs);
}

}  // namespace tco::config
