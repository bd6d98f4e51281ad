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

bool looks_like_path(const std::string& text) {
  return text.size() > 5 && text.substr(text.size() - 5) == ".json";
}

class ScenarioBuilder {
 public:
  ScenarioBuilder(const std::string& file, const catalog::Catalog& catalog,
                  Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {
    scenario_.file = file;
    scenario_.catalog = catalog;
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
    read_options(reader.child("options"));
    return std::move(scenario_);
  }

 private:
  void error(const NodeReader& reader, const std::string& key, std::string message) {
    diagnostics_.error(reader.location(key), reader.path_of(key), std::move(message));
  }

  void read_gpu_overrides(const NodeReader& gpus) {
    for (const auto& [id, entry] : gpus.entries()) {
      auto& known = scenario_.catalog.gpus;
      auto existing = std::find_if(known.begin(), known.end(),
                                   [&](const catalog::Gpu& gpu) { return gpu.id == id; });
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
        diagnostics_.error(entry.location(), entry.path(),
                           fmt::format("'{}' is not a catalog GPU{}; a new GPU needs {}", id,
                                       did_you_mean(id, scenario_.catalog.gpu_ids()),
                                       join(missing)));
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
      if (base) scenario_.model.model = *base;
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
    catalog::read_model(choice, *base);
    if (base->provenance.origin.empty() || choice.node().size() > 0) {
      base->provenance.origin = base->provenance.origin.empty()
                                    ? file_
                                    : base->provenance.origin;
    }
    scenario_.model.model = *base;
    scenario_.model.weight_dtype = *catalog::dtype_from_name(choice.string("weight_dtype"));
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
      error(entry, key, fmt::format("a hybrid option needs '{}' (the name of a {} option)", key,
                                    option_kind_name(expected)));
      return;
    }
    std::vector<std::string> candidates;
    for (const auto& option : scenario_.options) {
      if (option.kind == expected) candidates.push_back(option.name);
    }
    if (std::find(candidates.begin(), candidates.end(), name) == candidates.end()) {
      error(entry, key, fmt::format("'{}' is not a {} option of this scenario{}", name,
                                    option_kind_name(expected), did_you_mean(name, candidates)));
    }
  }

  void check_option(const NodeReader& entry, const DeploymentOption& option,
                    const std::vector<std::string>& sites) {
    const bool needs_gpu = option.kind == OptionKind::kOnprem || option.kind == OptionKind::kCloud;
    if (!needs_gpu) {
      if (option.kind == OptionKind::kApi && option.offer.empty()) {
        error(entry, "offer", "an api option needs 'offer'");
      }
      return;
    }
    if (option.gpu.empty()) {
      error(entry, "gpu", fmt::format("an {} option needs 'gpu'", option_kind_name(option.kind)));
      return;
    }
    const catalog::Gpu* gpu = scenario_.catalog.find_gpu(option.gpu);
    if (gpu == nullptr) {
      error(entry, "gpu", fmt::format("unknown GPU '{}'{}", option.gpu,
                                      did_you_mean(option.gpu, scenario_.catalog.gpu_ids())));
    }
    if (!option.site.empty() &&
        std::find(sites.begin(), sites.end(), option.site) == sites.end()) {
      error(entry, "site", fmt::format("unknown site '{}'{}", option.site,
                                       did_you_mean(option.site, sites)));
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
      error(entry, "tp",
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
};

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file,
                        const catalog::Catalog& catalog) {
  Diagnostics diagnostics;
  diagnostics.add_source(file, text);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    diagnostics.error(location_of(file, error.mark), {}, error.msg);
    throw InputError(diagnostics.format());
  }
  if (!root.IsMap()) {
    diagnostics.error({file, root.IsDefined() && !root.IsNull() ? 1 : 0, 1}, {},
                      "a scenario must be a YAML mapping (see `tco-plan schema`)");
    throw InputError(diagnostics.format());
  }
  validate(root, *scenario_schema(), "", file, diagnostics);
  if (diagnostics.has_errors()) throw InputError(diagnostics.format());
  ScenarioBuilder builder(file, catalog, diagnostics);
  Scenario scenario = builder.build(root);
  if (diagnostics.has_errors()) throw InputError(diagnostics.format());
  return scenario;
}

Scenario load_scenario(const std::filesystem::path& path, const catalog::Catalog& catalog) {
  return parse_scenario(catalog::read_text_file(path), path.string(), catalog);
}

}  // namespace tco::config
