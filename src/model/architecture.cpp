#include "tco/model/architecture.hpp"

#include <algorithm>

namespace tco::model {

using catalog::AttentionKind;
using catalog::Model;

namespace {

/// One FFN (dense or one expert) of width `width`: gated FFNs have gate, up and down matrices.
double ffn_parameters(const Model& model, double width) {
  const double hidden = static_cast<double>(model.hidden_size);
  const bool gated = catalog::is_gated(model.activation);
  double params = (gated ? 3.0 : 2.0) * hidden * width;
  if (model.mlp_bias) params += (gated ? 2.0 : 1.0) * width + hidden;
  return params;
}

double attention_parameters(const Model& model) {
  const double hidden = static_cast<double>(model.hidden_size);
  const double heads = model.num_attention_heads;
  double params = 0;
  if (model.attention == AttentionKind::kMla && model.mla) {
    const auto& mla = *model.mla;
    const double qk_head = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
    if (mla.q_lora_rank > 0) {
      // q_a (hidden -> rank), q_a_layernorm, q_b (rank -> heads x qk_head)
      params += hidden * mla.q_lora_rank + mla.q_lora_rank + mla.q_lora_rank * heads * qk_head;
    } else {
      params += hidden * heads * qk_head;
    }
    // kv_a (hidden -> latent + rope key), kv_a_layernorm, kv_b (latent -> heads x (nope + v))
    params += hidden * (mla.kv_lora_rank + mla.qk_rope_head_dim) + mla.kv_lora_rank +
              mla.kv_lora_rank * heads * (mla.qk_nope_head_dim + mla.v_head_dim);
    params += heads * mla.v_head_dim * hidden;  // o_proj
  } else {
    const double q_width = heads * model.head_dim;
    const double kv_width = static_cast<double>(model.num_kv_heads) * model.head_dim;
    params += hidden * (q_width + 2 * kv_width) + q_width * hidden;
    if (model.qkv_bias) params += q_width + 2 * kv_width;
  }
  if (model.o_bias) params += hidden;
  if (model.attention_sinks) params += heads;
  return params;
}

}  // namespace

bool is_moe_layer(const Model& model, int index) {
  if (!model.moe) return false;
  const int interleave = std::max(1, model.moe->layer_interleave);
  return index >= model.moe->first_dense_layers && (index + 1) % interleave == 0;
}

int moe_layer_count(const Model& model) {
  if (!model.moe || model.num_layers <= model.moe->first_dense_layers) return 0;
  // Layers index >= first_dense with (index + 1) a multiple of the interleave: the multiples
  // of it in [first_dense + 1, num_layers].
  const int interleave = std::max(1, model.moe->layer_interleave);
  return model.num_layers / interleave - std::max(0, model.moe->first_dense_layers) / interleave;
}

ParameterCounts count_parameters(const Model& model) {
  ParameterCounts counts;
  const double hidden = static_cast<double>(model.hidden_size);
  const double vocab = static_cast<double>(model.vocab_size);
  const double norm_params = model.norm == catalog::NormKind::kLayerNorm ? 2.0 * hidden : hidden;
  counts.embedding = vocab * hidden;
  counts.lm_head = model.tie_word_embeddings ? 0.0 : vocab * hidden;
  if (model.lm_head_bias) counts.lm_head += vocab;
  counts.norms = norm_params;  // final norm
  // Every layer has the same attention and norms, every MoE (dense) layer the same FFN: count
  // the layers and multiply. The counts are integers below 2^53, so the products equal the
  // layer-by-layer sums exactly (this runs once per plan evaluation; the loop was 10 % of it).
  const int moe_layers = moe_layer_count(model);
  const double layers = static_cast<double>(model.num_layers);
  const double dense_layers = static_cast<double>(model.num_layers - moe_layers);
  counts.attention = layers * attention_parameters(model);
  counts.norms += layers * (model.norms_per_layer * norm_params);
  if (moe_layers > 0) {
    const auto& moe = *model.moe;
    const double width = static_cast<double>(moe.expert_intermediate_size);
    const double per_layer_ffn = ffn_parameters(model, width);
    counts.routed_experts = moe_layers * (moe.num_experts * per_layer_ffn);
    counts.shared_experts = moe_layers * (moe.shared_experts * per_layer_ffn);
    counts.router =
        moe_layers * (hidden * moe.num_experts + (moe.router_bias ? moe.num_experts : 0));
    counts.moe_layers = moe_layers;
  }
  if (dense_layers > 0) {
    counts.dense_ffn =
        dense_layers * ffn_parameters(model, static_cast<double>(model.intermediate_size));
  }
  return counts;
}

double ParameterCounts::active(const Model& model) const {
  if (!model.moe || routed_experts == 0) return total();
  const double active_fraction =
      static_cast<double>(model.moe->top_k) / static_cast<double>(model.moe->num_experts);
  return total() - routed_experts * (1.0 - active_fraction);
}

double unquantised_bits(const catalog::DtypeInfo& weight_dtype,
                        const catalog::DtypeInfo& sixteen_bit) {
  const bool gguf = weight_dtype.id == catalog::Dtype::kQ4_0 ||
                    weight_dtype.id == catalog::Dtype::kQ4KM ||
                    weight_dtype.id == catalog::Dtype::kQ8_0;
  const bool full_precision = weight_dtype.bits_per_value >= 16;
  return (gguf || full_precision) ? weight_dtype.bits_per_value : sixteen_bit.bits_per_value;
}

double weight_bytes(const ParameterCounts& counts,
                    const catalog::DtypeInfo& weight_dtype,
                    const catalog::DtypeInfo& expert_dtype,
                    const catalog::DtypeInfo& sixteen_bit) {
  const double other_bits = unquantised_bits(weight_dtype, sixteen_bit);
  const double linear = counts.attention + counts.dense_ffn + counts.shared_experts;
  const double other = counts.embedding + counts.lm_head + counts.norms + counts.router;
  return (linear * weight_dtype.bits_per_value + counts.routed_experts * expert_dtype.bits_per_value +
          other * other_bits) /
         8.0;
}

double kv_bytes_per_token_per_layer(const Model& model, double kv_bits_per_value) {
  double values = 0;
  if (model.attention == AttentionKind::kMla && model.mla) {
    values = model.mla->kv_lora_rank + model.mla->qk_rope_head_dim;
  } else {
    values = 2.0 * model.num_kv_heads * model.head_dim;
  }
  return values * kv_bits_per_value / 8.0;
}

double kv_bytes_per_sequence(const Model& model, double kv_bits_per_value,
                             double context_tokens) {
  const double per_layer = kv_bytes_per_token_per_layer(model, kv_bits_per_value);
  const int windowed = model.sliding_window > 0 ? model.sliding_window_layers : 0;
  const double windowed_tokens =
      std::min(context_tokens, static_cast<double>(std::max(model.sliding_window, 0)));
  return per_layer * ((model.num_layers - windowed) * context_tokens + windowed * windowed_tokens);
}

}  // namespace tco::model
