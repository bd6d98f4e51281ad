// Schemas and readers of catalog entries (data/gpus.yaml, models.yaml, engines.yaml,
// dtypes.yaml). Scenario files reuse them for inline overrides and new entries.
#include <fmt/format.h>

#include "tco/catalog/catalog.hpp"

namespace tco::catalog {

using config::Field;
using config::NodeReader;
using config::SchemaPtr;
using units::Dimension;

namespace {

std::vector<Field> provenance_fields() {
  return {
      {"source", config::string_value("The original document(s) the figures come from."), true},
      {"as_of", config::string_value("ISO date the source was valid or read (YYYY-MM-DD)."), true},
      {"estimate", config::boolean_value("True when some figure is derived or unverified.")},
      {"estimate_reason",
       config::string_value("Which figures are estimates, and how they were derived.")},
      {"notes", config::string_value("Free-text remarks.")},
  };
}

std::vector<Field> with_provenance(std::vector<Field> fields) {
  for (auto& field : provenance_fields()) fields.push_back(std::move(field));
  return fields;
}

SchemaPtr dtype_enum(std::string description) {
  return config::enum_value(dtype_names(), std::move(description));
}

SchemaPtr price_schema() {
  return config::object_value(
      with_provenance({{"value", config::quantity_value(Dimension::kMoney, "Price.", 0.0), true}}),
      "A purchase price with its source.");
}

template <typename Enum>
Enum enum_from(const std::string& text, std::initializer_list<std::pair<std::string_view, Enum>>
                                            table) {
  for (const auto& [name, value] : table) {
    if (name == text) return value;
  }
  return table.begin()->second;  // unreachable after validation
}

}  // namespace

SchemaPtr gpu_schema() {
  static const SchemaPtr schema = [] {
    using config::quantity_value;
    auto peak_fields = std::vector<Field>{};
    for (const auto& name : dtype_names()) {
      peak_fields.push_back(
          {name, config::positive(quantity_value(
                     Dimension::kFlopsPerSecond,
                     fmt::format("Dense peak {} math throughput (no sparsity).", name)))});
    }
    return config::object_value(
        with_provenance({
            {"id", config::string_value("Catalog id, e.g. 'h100-sxm'."), true},
            {"name", config::string_value("Marketing name."), true},
            {"vendor", config::enum_value({"NVIDIA", "AMD", "Intel"}, "Vendor."), true},
            {"memory",
             config::positive(quantity_value(Dimension::kBytes, "Device-visible memory capacity.")),
             true},
            {"memory_type", config::string_value("HBM3, GDDR6X, ...")},
            {"memory_bandwidth",
             config::positive(quantity_value(Dimension::kBytesPerSecond, "Peak memory bandwidth.")),
             true},
            {"peak_flops",
             config::object_value(peak_fields, "Dense peak throughput per math dtype; a missing "
                                               "dtype means no native support."),
             true},
            {"tdp", config::positive(quantity_value(Dimension::kWatts, "Board power limit (TDP).")),
             true},
            {"interconnect", config::string_value("GPU-to-GPU link, e.g. nvlink4, pcie4.")},
            {"interconnect_bandwidth",
             config::positive(quantity_value(Dimension::kBytesPerSecond,
                                             "GPU-to-GPU bandwidth per GPU per direction.")),
             true},
            {"pcie_gen", config::integer_value("PCIe generation of the host link.", 1, 7)},
            {"form_factor", config::string_value("sxm, pcie, oam, superchip, ...")},
            {"multi_gpu_nodes",
             config::with_default(
                 config::boolean_value("Sold in nodes whose GPUs share a fast fabric (NVLink, "
                                       "Infinity Fabric); false for PCIe-only cards."),
                 "false")},
            {"launch_year", config::integer_value("Year of launch.", 2010, 2040)},
            {"purchase_price", price_schema()},
        }),
        "A GPU.");
  }();
  return schema;
}

SchemaPtr model_schema() {
  static const SchemaPtr schema = [] {
    using config::boolean_value;
    using config::integer_value;
    auto count = [](std::string description) {
      return integer_value(std::move(description), 1, {});
    };
    auto moe = config::object_value(
        {
            {"num_experts", integer_value("Routed experts per MoE layer.", 2, {}), true},
            {"top_k", integer_value("Experts each token is routed to.", 1, {}), true},
            {"shared_experts", config::with_default(integer_value("Always-active experts.", 0, {}),
                                                    "0")},
            {"expert_intermediate_size", count("FFN width of one expert."), true},
            {"first_dense_layers",
             config::with_default(integer_value("Leading layers with a dense FFN.", 0, {}), "0")},
            {"layer_interleave",
             config::with_default(integer_value("Every n-th layer is MoE.", 1, {}), "1")},
            {"router_bias", config::with_default(boolean_value("Router has a bias."), "false")},
        },
        "Mixture-of-experts layout.");
    auto mla = config::object_value(
        {
            {"q_lora_rank", config::with_default(integer_value("Query LoRA rank (0 = none).", 0,
                                                               {}), "0")},
            {"kv_lora_rank", count("Compressed KV latent width (cached)."), true},
            {"qk_nope_head_dim", count("Per-head query/key width without RoPE."), true},
            {"qk_rope_head_dim", count("Shared RoPE key width (cached)."), true},
            {"v_head_dim", count("Per-head value width."), true},
        },
        "Multi-head latent attention (DeepSeek).");
    return config::object_value(
        with_provenance({
            {"id", config::string_value("Catalog id, e.g. 'llama-3.1-70b'."), true},
            {"hf_repo", config::string_value("Hugging Face repository.")},
            {"architecture", config::string_value("config.json 'architectures' entry.")},
            {"num_layers", count("Decoder layers."), true},
            {"hidden_size", count("Model width."), true},
            {"num_attention_heads", count("Query heads."), true},
            {"num_kv_heads", count("Key/value heads (GQA/MQA)."), true},
            {"head_dim", count("Per-head width (default hidden_size / heads).")},
            {"intermediate_size", integer_value("Dense FFN width (0 when all layers are MoE).", 0,
                                                {})},
            {"vocab_size", count("Vocabulary size."), true},
            {"tie_word_embeddings", config::with_default(
                                        boolean_value("LM head shares the embedding matrix."),
                                        "false")},
            {"activation", config::with_default(config::enum_value({"swiglu", "geglu", "gelu",
                                                                    "relu"},
                                                                   "FFN activation; swiglu and "
                                                                   "geglu are gated (3 matrices)."),
                                                "swiglu")},
            {"norm", config::with_default(config::enum_value({"rmsnorm", "layernorm"}, "Norm."),
                                          "rmsnorm")},
            {"attention", config::with_default(config::enum_value({"mha", "gqa", "mqa", "mla"},
                                                                  "Attention kind."),
                                               "gqa")},
            {"qkv_bias", config::with_default(boolean_value("q/k/v projections have biases."),
                                              "false")},
            {"o_bias", config::with_default(boolean_value("Output projection has a bias."),
                                            "false")},
            {"mlp_bias", config::with_default(boolean_value("FFN linears have biases."), "false")},
            {"lm_head_bias", config::with_default(boolean_value("LM head has a bias."), "false")},
            {"parallel_block", config::with_default(
                                   boolean_value("Attention and FFN run in parallel."), "false")},
            {"norms_per_layer",
             config::with_default(integer_value("Norm modules per layer.", 0, 8), "2")},
            {"attention_sinks", config::with_default(
                                    boolean_value("Learned per-head attention sink logits."),
                                    "false")},
            {"sliding_window", integer_value("Local attention window in tokens.", 1, {})},
            {"sliding_window_layers",
             integer_value("Layers that use the window (default: all).", 0, {})},
            {"sliding_window_kind",
             config::with_default(config::enum_value({"sliding", "chunked"},
                                                     "Sliding window or block-local chunks."),
                                  "sliding")},
            {"max_context", count("Maximum context (max_position_embeddings)."), true},
            {"moe", moe},
            {"mla", mla},
            {"published_total_params",
             config::number_value("Published total parameter count.", 0, {}), true},
            {"published_active_params",
             config::number_value("Published active parameters per token (MoE).", 0, {})},
            {"native_weight_dtype", config::with_default(dtype_enum("Released weight dtype."),
                                                         "bf16")},
            {"native_expert_dtype", dtype_enum("Released dtype of MoE expert weights, if "
                                               "different.")},
            {"license", config::string_value("Licence name.")},
            {"license_url", config::string_value("Licence text URL.")},
            {"open_weights", config::with_default(boolean_value("Weights are downloadable."),
                                                  "true")},
            {"publisher", config::string_value("Publisher.")},
            {"publisher_country", config::string_value("ISO 3166 country of the publisher.")},
        }),
        "A transformer decoder model.");
  }();
  return schema;
}

SchemaPtr engine_schema() {
  static const SchemaPtr schema = [] {
    using config::integer_value;
    return config::object_value(
        with_provenance({
            {"id", config::string_value("Engine id."), true},
            {"name", config::string_value("Display name.")},
            {"engine_version", config::string_value("Engine version the defaults come from.")},
            {"memory_fraction",
             config::quantity_value(Dimension::kFraction,
                                    "Fraction of GPU memory the engine may use.", 0.01, 1.0),
             true},
            {"memory_fraction_applies_to",
             config::with_default(config::enum_value({"total", "free_after_weights"},
                                                     "What the fraction is taken of."),
                                  "total")},
            {"runtime_overhead",
             config::quantity_value(Dimension::kBytes,
                                    "Per-GPU memory outside weights, KV and activations (CUDA "
                                    "context, library workspaces).",
                                    0.0),
             true},
            {"max_batch", integer_value("Maximum concurrent sequences.", 1, {}), true},
            {"max_tokens_per_step", integer_value("Maximum tokens in one forward pass.", 1, {}),
             true},
            {"chunked_prefill", config::with_default(config::boolean_value("Chunked prefill."),
                                                     "true")},
            {"kv_block_tokens", config::with_default(integer_value("Paged-KV block size.", 1, {}),
                                                     "16")},
            {"applies_sliding_window",
             config::with_default(
                 config::boolean_value("Whether the engine applies the model's sliding attention "
                                       "window by default (else full attention on every layer)."),
                 "true")},
            {"fp16_accumulate",
             config::with_default(
                 config::boolean_value("fp16 GEMMs accumulate in fp16 (charged at the catalog's "
                                       "fp16 rate, not the fp32-accumulate bf16 rate)."),
                 "false")},
            {"dequantize_to_fp16_above_tokens",
             config::with_default(
                 integer_value("A GEMM with more rows than this in one physical batch (per "
                               "expert for MoE) dequantises quantised weights to fp16 and runs "
                               "fp16 math (0: never).",
                               0, {}),
                 "0")},
            {"physical_batch_tokens",
             config::with_default(
                 integer_value("Tokens the engine runs its graph on at once (llama.cpp "
                               "n_ubatch); a longer step runs in several batches (0: one).",
                               0, {}),
                 "0")},
            {"gpu_vendors",
             config::list_of(config::string_value("GPU vendor, as in the GPU catalog's vendor."),
                             "Vendors whose GPUs the engine runs on (default: any).")},
        }),
        "Serving-engine defaults.");
  }();
  return schema;
}

SchemaPtr dtype_schema() {
  static const SchemaPtr schema = config::object_value(
      with_provenance({
          {"id", dtype_enum("Number format."), true},
          {"bits_per_value",
           config::number_value("Effective bits per value including scales.", 1, 64), true},
          {"compute_dtype", dtype_enum("Native math dtype."), true},
          {"fallback_compute_dtype", dtype_enum("Math dtype without native support."), true},
          {"group_size", config::integer_value("Values per scale (0 = per channel).", 0, {})},
      }),
      "A number format.");
  return schema;
}

void read_provenance(const NodeReader& reader, Provenance& provenance) {
  if (reader.has("source")) provenance.source = reader.string("source");
  if (reader.has("as_of")) provenance.as_of = reader.string("as_of");
  if (reader.has("estimate")) provenance.estimate = reader.boolean("estimate");
  if (reader.has("estimate_reason")) provenance.estimate_reason = reader.string("estimate_reason");
}

void read_gpu(const NodeReader& reader, Gpu& gpu) {
  if (reader.has("id")) gpu.id = reader.string("id");
  if (reader.has("name")) gpu.name = reader.string("name");
  if (reader.has("vendor")) gpu.vendor = reader.string("vendor");
  if (reader.has("memory")) gpu.memory_bytes = reader.quantity("memory");
  if (reader.has("memory_type")) gpu.memory_type = reader.string("memory_type");
  if (reader.has("memory_bandwidth")) {
    gpu.memory_bandwidth_bytes_per_s = reader.quantity("memory_bandwidth");
  }
  if (reader.has("peak_flops")) {
    const NodeReader peaks = reader.child("peak_flops");
    for (const auto& name : dtype_names()) {
      if (peaks.has(name)) gpu.peak_flops[*dtype_from_name(name)] = peaks.quantity(name);
    }
  }
  if (reader.has("tdp")) gpu.tdp_w = reader.quantity("tdp");
  if (reader.has("interconnect")) gpu.interconnect = reader.string("interconnect");
  if (reader.has("interconnect_bandwidth")) {
    gpu.interconnect_bytes_per_s = reader.quantity("interconnect_bandwidth");
  }
  if (reader.has("pcie_gen")) gpu.pcie_gen = static_cast<int>(reader.integer("pcie_gen"));
  if (reader.has("form_factor")) gpu.form_factor = reader.string("form_factor");
  if (reader.has("multi_gpu_nodes")) gpu.multi_gpu_nodes = reader.boolean("multi_gpu_nodes");
  if (reader.has("launch_year")) gpu.launch_year = static_cast<int>(reader.integer("launch_year"));
  if (reader.has("purchase_price")) {
    const NodeReader price = reader.child("purchase_price");
    Price parsed;
    parsed.value_usd = price.quantity("value");
    read_provenance(price, parsed.provenance);
    gpu.purchase_price = parsed;
  }
  if (reader.has("notes")) gpu.notes = reader.string("notes");
  read_provenance(reader, gpu.provenance);
}

void read_model(const NodeReader& reader, Model& model) {
  auto set_int = [&](const char* key, auto& target) {
    if (reader.has(key)) target = static_cast<std::remove_reference_t<decltype(target)>>(
                             reader.integer(key));
  };
  auto set_bool = [&](const char* key, bool& target) {
    if (reader.has(key)) target = reader.boolean(key);
  };
  auto set_string = [&](const char* key, std::string& target) {
    if (reader.has(key)) target = reader.string(key);
  };
  set_string("id", model.id);
  set_string("hf_repo", model.hf_repo);
  set_string("architecture", model.architecture);
  // An override of num_layers keeps a window that was on every layer on every layer.
  const bool window_on_every_layer =
      model.sliding_window > 0 && model.sliding_window_layers == model.num_layers;
  set_int("num_layers", model.num_layers);
  if (window_on_every_layer && !reader.has("sliding_window_layers")) {
    model.sliding_window_layers = model.num_layers;
  }
  set_int("hidden_size", model.hidden_size);
  set_int("num_attention_heads", model.num_attention_heads);
  set_int("num_kv_heads", model.num_kv_heads);
  set_int("head_dim", model.head_dim);
  set_int("intermediate_size", model.intermediate_size);
  set_int("vocab_size", model.vocab_size);
  set_bool("tie_word_embeddings", model.tie_word_embeddings);
  if (reader.has("activation")) {
    model.activation = enum_from<Activation>(reader.string("activation"),
                                             {{"swiglu", Activation::kSwiglu},
                                              {"geglu", Activation::kGeglu},
                                              {"gelu", Activation::kGelu},
                                              {"relu", Activation::kRelu}});
  }
  if (reader.has("norm")) {
    model.norm = enum_from<NormKind>(reader.string("norm"), {{"rmsnorm", NormKind::kRmsNorm},
                                                             {"layernorm", NormKind::kLayerNorm}});
  }
  if (reader.has("attention")) {
    model.attention = enum_from<AttentionKind>(reader.string("attention"),
                                               {{"mha", AttentionKind::kMha},
                                                {"gqa", AttentionKind::kGqa},
                                                {"mqa", AttentionKind::kMqa},
                                                {"mla", AttentionKind::kMla}});
  }
  set_bool("qkv_bias", model.qkv_bias);
  set_bool("o_bias", model.o_bias);
  set_bool("mlp_bias", model.mlp_bias);
  set_bool("lm_head_bias", model.lm_head_bias);
  set_bool("parallel_block", model.parallel_block);
  set_int("norms_per_layer", model.norms_per_layer);
  set_bool("attention_sinks", model.attention_sinks);
  set_int("sliding_window", model.sliding_window);
  set_int("sliding_window_layers", model.sliding_window_layers);
  if (reader.has("sliding_window_kind")) {
    model.sliding_window_kind = reader.string("sliding_window_kind") == "chunked"
                                    ? LocalAttentionKind::kChunked
                                    : LocalAttentionKind::kSliding;
  }
  set_int("max_context", model.max_context);
  if (reader.has("moe")) {
    const NodeReader moe = reader.child("moe");
    MoeConfig config = model.moe.value_or(MoeConfig{});
    auto set_moe = [&](const char* key, auto& target) {
      if (moe.has(key) || !model.moe) {
        target = static_cast<std::remove_reference_t<decltype(target)>>(moe.integer(key));
      }
    };
    set_moe("num_experts", config.num_experts);
    set_moe("top_k", config.top_k);
    set_moe("shared_experts", config.shared_experts);
    set_moe("expert_intermediate_size", config.expert_intermediate_size);
    set_moe("first_dense_layers", config.first_dense_layers);
    set_moe("layer_interleave", config.layer_interleave);
    if (moe.has("router_bias") || !model.moe) config.router_bias = moe.boolean("router_bias");
    model.moe = config;
  }
  if (reader.has("mla")) {
    const NodeReader mla = reader.child("mla");
    MlaConfig config = model.mla.value_or(MlaConfig{});
    auto set_mla = [&](const char* key, int& target) {
      if (mla.has(key) || !model.mla) target = static_cast<int>(mla.integer(key));
    };
    set_mla("q_lora_rank", config.q_lora_rank);
    set_mla("kv_lora_rank", config.kv_lora_rank);
    set_mla("qk_nope_head_dim", config.qk_nope_head_dim);
    set_mla("qk_rope_head_dim", config.qk_rope_head_dim);
    set_mla("v_head_dim", config.v_head_dim);
    model.mla = config;
  }
  if (reader.has("published_total_params")) {
    model.published_total_params = reader.number("published_total_params");
  }
  if (reader.has("published_active_params")) {
    model.published_active_params = reader.number("published_active_params");
  }
  if (reader.has("native_weight_dtype")) {
    model.native_weight_dtype = *dtype_from_name(reader.string("native_weight_dtype"));
  }
  if (reader.has("native_expert_dtype")) {
    model.native_expert_dtype = dtype_from_name(reader.string("native_expert_dtype"));
  }
  set_string("license", model.license);
  set_string("license_url", model.license_url);
  set_bool("open_weights", model.open_weights);
  set_string("publisher", model.publisher);
  set_string("publisher_country", model.publisher_country);
  set_string("notes", model.notes);
  read_provenance(reader, model.provenance);
  // Derived defaults (as transformers does): head_dim = hidden / heads; window on all layers.
  if (model.head_dim == 0 && model.attention != AttentionKind::kMla &&
      model.num_attention_heads > 0) {
    model.head_dim = static_cast<int>(model.hidden_size / model.num_attention_heads);
  }
  if (model.sliding_window > 0 && model.sliding_window_layers == 0) {
    model.sliding_window_layers = model.num_layers;
  }
}

void read_engine(const NodeReader& reader, Engine& engine) {
  if (reader.has("id")) engine.id = reader.string("id");
  if (reader.has("name")) engine.name = reader.string("name");
  if (reader.has("memory_fraction")) engine.memory_fraction = reader.quantity("memory_fraction");
  if (reader.has("memory_fraction_applies_to")) {
    engine.memory_fraction_of_free =
        reader.string("memory_fraction_applies_to") == "free_after_weights";
  }
  if (reader.has("runtime_overhead")) {
    engine.runtime_overhead_bytes = reader.quantity("runtime_overhead");
  }
  if (reader.has("max_batch")) engine.max_batch = static_cast<int>(reader.integer("max_batch"));
  if (reader.has("max_tokens_per_step")) {
    engine.max_tokens_per_step = reader.integer("max_tokens_per_step");
  }
  if (reader.has("chunked_prefill")) engine.chunked_prefill = reader.boolean("chunked_prefill");
  if (reader.has("kv_block_tokens")) {
    engine.kv_block_tokens = static_cast<int>(reader.integer("kv_block_tokens"));
  }
  if (reader.has("applies_sliding_window")) {
    engine.applies_sliding_window = reader.boolean("applies_sliding_window");
  }
  if (reader.has("fp16_accumulate")) engine.fp16_accumulate = reader.boolean("fp16_accumulate");
  if (reader.has("dequantize_to_fp16_above_tokens")) {
    engine.dequantize_to_fp16_above_tokens = reader.integer("dequantize_to_fp16_above_tokens");
  }
  if (reader.has("physical_batch_tokens")) {
    engine.physical_batch_tokens = reader.integer("physical_batch_tokens");
  }
  if (reader.has("gpu_vendors")) {
    engine.gpu_vendors.clear();
    for (const auto& vendor : reader.value("gpu_vendors")) {
      engine.gpu_vendors.push_back(vendor.Scalar());
    }
  }
  if (reader.has("notes")) engine.notes = reader.string("notes");
  read_provenance(reader, engine.provenance);
}

const std::vector<std::string>& required_gpu_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& field : gpu_schema()->fields) {
      if (field.required) out.push_back(field.name);
    }
    return out;
  }();
  return keys;
}

const std::vector<std::string>& required_model_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& field : model_schema()->fields) {
      if (field.required) out.push_back(field.name);
    }
    return out;
  }();
  return keys;
}

}  // namespace tco::catalog
