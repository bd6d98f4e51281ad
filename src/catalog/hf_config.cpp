// Architecture from a Hugging Face config.json. Key names differ between model families
// (num_hidden_layers / n_layer, num_local_experts / n_routed_experts / num_experts, ...); this
// file maps them onto catalog::Model following the transformers configuration classes.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <yaml-cpp/yaml.h>

#include <set>

#include "tco/config/yaml_file.hpp"
#include "tco/catalog/catalog.hpp"

namespace tco::catalog {

namespace {

// Families whose MLP is a plain (non-gated) two-matrix FFN with LayerNorm.
const std::set<std::string> kPlainMlpTypes{"gptj", "falcon", "gpt2", "gpt_neox", "opt", "bloom"};

// A JSON string ("32") is a quoted scalar, which yaml-cpp tags "!"; a JSON number or literal is
// a plain scalar ("?"). yaml-cpp would convert "32" to 32 silently, so check the tag.
bool is_json_string(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "!"; }

class HfReader {
 public:
  HfReader(const YAML::Node& root, const std::string& file, config::Diagnostics& diagnostics)
      : root_(root), file_(file), diagnostics_(diagnostics) {
    // Multimodal configs (Llama 4) keep the language model under text_config.
    text_ = root["text_config"] && root["text_config"].IsMap() ? root["text_config"] : root;
    prefix_ = root["text_config"] && root["text_config"].IsMap() ? "text_config." : "";
  }

  /// The first of `keys` present (and not null) in the text config, or an undefined node.
  [[nodiscard]] std::pair<std::string, YAML::Node> find(std::initializer_list<const char*> keys)
      const {
    for (const char* key : keys) {
      const YAML::Node node = text_[key];
      if (node && !node.IsNull()) return {key, node};
      const YAML::Node top = root_[key];
      if (top && !top.IsNull()) return {key, top};
    }
    return {"", YAML::Node(YAML::NodeType::Undefined)};
  }

  /// An integer of at least `minimum` (counts of layers, heads and widths are at least 1: a
  /// zero would divide by zero further on). Larger than 2^53, a double is no longer exact.
  std::optional<long long> integer(std::initializer_list<const char*> keys, bool required,
                                   long long minimum = 0,
                                   long long maximum = 9007199254740992LL) {
    const auto [key, node] = find(keys);
    if (!node.IsDefined()) {
      if (required) {
        diagnostics_.error(config::location_of(file_, text_.Mark()), prefix_ + *keys.begin(),
                           fmt::format("missing required key{}", alternatives(keys)));
      }
      return std::nullopt;
    }
    const std::string expected = minimum == 0   ? "a non-negative integer"
                                 : minimum == 1 ? "a positive integer"
                                                : fmt::format("an integer of at least {}", minimum);
    if (is_json_string(node)) {
      diagnostics_.error(config::location_of(file_, node.Mark()), prefix_ + key,
                         fmt::format("expected {}, got the string \"{}\"", expected,
                                     node.Scalar()));
      return std::nullopt;
    }
    std::string beyond;
    try {
      if (node.IsScalar()) {
        const double value = node.as<double>();
        // Range first: casting a value past the maximum (or NaN) to an integer is undefined.
        if (value >= static_cast<double>(minimum) && value <= static_cast<double>(maximum) &&
            value == std::floor(value)) {
          return static_cast<long long>(value);
        }
        if (value > static_cast<double>(maximum)) beyond = fmt::format(" up to {}", maximum);
      }
    } catch (const YAML::Exception&) {
    }
    diagnostics_.error(config::location_of(file_, node.Mark()), prefix_ + key,
                       fmt::format("expected {}{}, got {}", expected, beyond,
                                   config::describe_node(node)));
    return std::nullopt;
  }

  /// A count stored as an int (layers, heads, experts, head widths).
  std::optional<int> count(std::initializer_list<const char*> keys, bool required,
                           int minimum = 1) {
    const auto value = integer(keys, required, minimum, std::numeric_limits<int>::max());
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
  }

  std::optional<bool> boolean(std::initializer_list<const char*> keys) {
    const auto [key, node] = find(keys);
    if (!node.IsDefined()) return std::nullopt;
    if (is_json_string(node)) {
      diagnostics_.error(config::location_of(file_, node.Mark()), prefix_ + key,
                         fmt::format("expected true or false, got the string \"{}\"",
                                     node.Scalar()));
      return std::nullopt;
    }
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
      return node.Scalar() == "true";
    }
    diagnostics_.error(config::location_of(file_, node.Mark()), prefix_ + key,
                       fmt::format("expected true or false, got {}", config::describe_node(node)));
    return std::nullopt;
  }

  std::string string(std::initializer_list<const char*> keys) {
    const auto [key, node] = find(keys);
    if (node.IsScalar()) return node.Scalar();
    if (node.IsSequence() && node.size() > 0 && node[0].IsScalar()) return node[0].Scalar();
    return {};
  }

  [[nodiscard]] const YAML::Node& text() const { return text_; }

 private:
  static std::string alternatives(std::initializer_list<const char*> keys) {
    if (keys.size() < 2) return "";
    std::string out = " (also accepted:";
    for (auto it = keys.begin() + 1; it != keys.end(); ++it) {
      out += fmt::format("{} '{}'", it == keys.begin() + 1 ? "" : ",", *it);
    }
    return out + ")";
  }

  YAML::Node root_;
  YAML::Node text_;
  std::string prefix_;
  std::string file_;
  config::Diagnostics& diagnostics_;
};

Dtype dtype_of_torch(const std::string& torch_dtype) {
  if (torch_dtype == "float32") return Dtype::kFp32;
  if (torch_dtype == "float16") return Dtype::kFp16;
  return Dtype::kBf16;
}

std::string id_from_path(const std::filesystem::path& path) {
  std::string stem = path.stem().string();  // "config" or "llama-3.1-8b.config"
  if (stem == "config") return path.parent_path().filename().string();
  const std::string suffix = ".config";
  if (stem.size() > suffix.size() && stem.ends_with(suffix)) stem.resize(stem.size() - suffix.size());
  return stem;
}

}  // namespace

Model model_from_hf_config(const std::filesystem::path& path, config::Diagnostics& diagnostics) {
  const std::string file = path.string();
  Model model;
  const auto loaded = config::load_yaml_file(path, diagnostics);
  if (!loaded) return model;
  const YAML::Node root = *loaded;
  if (!root.IsMap()) {
    diagnostics.error({file, 1, 1}, {}, "a config.json must be a JSON object");
    return model;
  }
  const std::size_t errors_before = diagnostics.errors().size();
  HfReader hf(root, file, diagnostics);
  const std::string model_type = hf.string({"model_type"});
  const std::string root_type = root["model_type"] ? root["model_type"].Scalar() : model_type;
  model.id = id_from_path(path);
  model.architecture = hf.string({"architectures"});
  model.num_layers = hf.count({"num_hidden_layers", "n_layer", "num_layers"}, true).value_or(0);
  model.hidden_size = hf.integer({"hidden_size", "n_embd", "d_model"}, true, 1).value_or(0);
  model.num_attention_heads = hf.count({"num_attention_heads", "n_head"}, true).value_or(0);
  model.num_kv_heads =
      hf.count({"num_key_value_heads", "num_kv_heads", "n_head_kv"}, false)
          .value_or(hf.boolean({"multi_query"}).value_or(false) ? 1 : model.num_attention_heads);
  model.vocab_size = hf.integer({"vocab_size"}, true, 1).value_or(0);
  model.max_context =
      hf.integer({"max_position_embeddings", "n_positions", "max_seq_len"}, true, 1).value_or(0);
  const bool plain_mlp = kPlainMlpTypes.count(model_type) > 0 || kPlainMlpTypes.count(root_type);
  model.activation = plain_mlp ? Activation::kGelu : Activation::kSwiglu;
  if (hf.string({"hidden_act", "activation_function"}) == "relu") {
    model.activation = plain_mlp ? Activation::kRelu : Activation::kSwiglu;
  }
  model.norm = plain_mlp ? NormKind::kLayerNorm : NormKind::kRmsNorm;
  // transformers' FalconConfig ties the LM head by default; Llama-family configs do not.
  model.tie_word_embeddings =
      hf.boolean({"tie_word_embeddings"}).value_or(model_type == "falcon");
  if (model_type == "gptj") {
    model.parallel_block = true;
    model.norms_per_layer = 1;
    model.mlp_bias = true;
    model.lm_head_bias = true;
  } else if (model_type == "falcon") {
    model.parallel_block = hf.boolean({"parallel_attn"}).value_or(true);
    model.norms_per_layer = hf.boolean({"new_decoder_architecture"}).value_or(false) ? 2 : 1;
    model.mlp_bias = hf.boolean({"bias"}).value_or(false);
  }
  const bool attention_bias = hf.boolean({"attention_bias", "bias"}).value_or(false);
  model.qkv_bias = attention_bias || model_type == "qwen2";  // Qwen2 always has q/k/v biases
  model.o_bias = attention_bias && model_type != "falcon";
  model.attention_sinks = model_type == "gpt_oss";

  // Mixture of experts.
  const auto experts =
      hf.count({"num_local_experts", "n_routed_experts", "num_experts"}, false, 0);
  if (experts && *experts > 1) {
    MoeConfig moe;
    moe.num_experts = *experts;
    moe.top_k =
        hf.count({"num_experts_per_tok", "experts_per_token", "moe_top_k"}, true).value_or(1);
    moe.shared_experts =
        hf.count({"n_shared_experts", "num_shared_experts"}, false, 0)
            .value_or(model_type == "llama4_text" || root_type == "llama4" ? 1 : 0);
    moe.expert_intermediate_size =
        hf.integer({"moe_intermediate_size", "intermediate_size"}, true, 1).value_or(0);
    moe.first_dense_layers = hf.count({"first_k_dense_replace"}, false, 0).value_or(0);
    moe.layer_interleave =
        hf.count({"interleave_moe_layer_step", "decoder_sparse_step"}, false).value_or(1);
    moe.router_bias = model_type == "gpt_oss";
    if (model_type == "gpt_oss") model.mlp_bias = true;
    model.moe = moe;
    // Dense layers (DeepSeek first_k_dense_replace, Llama 4 interleaved) have their own width.
    model.intermediate_size = hf.integer({"intermediate_size_mlp"}, false)
                                  .value_or(moe.first_dense_layers > 0 || moe.layer_interleave > 1
                                                ? hf.integer({"intermediate_size"}, false)
                                                      .value_or(0)
                                                : 0);
  } else {
    model.intermediate_size =
        hf.integer({"intermediate_size", "n_inner", "ffn_hidden_size"}, false)
            .value_or(4 * model.hidden_size);  // GPT-J / Falcon: null means 4 x hidden
  }

  // Multi-head latent attention (DeepSeek V2/V3).
  if (const auto kv_lora = hf.count({"kv_lora_rank"}, false)) {
    MlaConfig mla;
    mla.kv_lora_rank = *kv_lora;
    mla.q_lora_rank = hf.count({"q_lora_rank"}, false, 0).value_or(0);
    mla.qk_nope_head_dim = hf.count({"qk_nope_head_dim"}, true).value_or(0);
    mla.qk_rope_head_dim = hf.count({"qk_rope_head_dim"}, true).value_or(0);
    mla.v_head_dim = hf.count({"v_head_dim"}, true).value_or(0);
    model.mla = mla;
    model.attention = AttentionKind::kMla;
  } else {
    // Derived, it must fit an int too; 0 (reported below) when it cannot be derived.
    const long long derived =
        model.num_attention_heads > 0 ? model.hidden_size / model.num_attention_heads : 0;
    model.head_dim = hf.count({"head_dim"}, false).value_or(
        derived <= std::numeric_limits<int>::max() ? static_cast<int>(derived) : 0);
    model.attention = model.num_kv_heads == 1                           ? AttentionKind::kMqa
                      : model.num_kv_heads == model.num_attention_heads ? AttentionKind::kMha
                                                                        : AttentionKind::kGqa;
  }

  // Local attention: sliding windows (Mistral, gpt-oss layer_types) or chunks (Llama 4).
  const bool sliding_disabled = hf.boolean({"use_sliding_window"}).value_or(true) == false;
  // A window of 0 means none.
  if (const auto chunk = hf.count({"attention_chunk_size"}, false, 0); chunk && *chunk > 0) {
    model.sliding_window = *chunk;
    model.sliding_window_kind = LocalAttentionKind::kChunked;
    // Llama 4 iRoPE: every 4th layer is global (NoPE), the others are chunked.
    model.sliding_window_layers = model.num_layers - model.num_layers / 4;
  } else if (const auto window = hf.count({"sliding_window"}, false, 0);
             window && *window > 0 && !sliding_disabled) {
    model.sliding_window = *window;
    model.sliding_window_layers = model.num_layers;
    const YAML::Node layer_types = hf.text()["layer_types"];
    if (layer_types && layer_types.IsSequence()) {
      int sliding = 0;
      for (const auto& type : layer_types) sliding += type.Scalar() == "sliding_attention";
      model.sliding_window_layers = sliding;
    }
  }

  model.native_weight_dtype = dtype_of_torch(hf.string({"torch_dtype", "dtype"}));
  if (const YAML::Node quant = root["quantization_config"]; quant && quant.IsMap()) {
    const std::string method = quant["quant_method"] ? quant["quant_method"].Scalar() : "";
    if (method == "fp8") model.native_weight_dtype = Dtype::kFp8;
    if (method == "mxfp4") model.native_expert_dtype = Dtype::kMxfp4;
  }
  model.provenance.source = fmt::format("Hugging Face config.json at {}", file);
  model.provenance.origin = file;
  model.open_weights = true;
  // Only when the keys it derives from were read without error (no cascade of messages).
  if (model.head_dim == 0 && !model.mla && model.num_layers > 0 &&
      diagnostics.errors().size() == errors_before) {
    diagnostics.error(config::location_of(file, root.Mark()), "head_dim",
                      "cannot derive head_dim (set head_dim or num_attention_heads)");
  }
  return model;
}

}  // namespace tco::catalog
