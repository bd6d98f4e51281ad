#pragma once
// What a model's architecture implies, independent of hardware: parameter counts by kind, bytes
// of weights for a number format, and KV-cache bytes per token.

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/types.hpp"

namespace tco::model {

/// Parameters by where they live; the split decides what is quantised and what is sharded.
struct ParameterCounts {
  double embedding = 0;     ///< input embedding
  double lm_head = 0;       ///< output projection (0 when tied)
  double attention = 0;     ///< all layers' q/k/v/o (or MLA) projections, biases, sinks
  double dense_ffn = 0;     ///< dense FFN layers
  double routed_experts = 0;  ///< all routed experts of all MoE layers
  double shared_experts = 0;
  double router = 0;
  double norms = 0;
  int moe_layers = 0;

  [[nodiscard]] double total() const {
    return embedding + lm_head + attention + dense_ffn + routed_experts + shared_experts + router +
           norms;
  }
  /// Parameters used per token: everything but the routed experts not selected (top-k of E).
  [[nodiscard]] double active(const catalog::Model& model) const;
};

[[nodiscard]] ParameterCounts count_parameters(const catalog::Model& model);

/// True when layer `index` (0-based) has a MoE FFN.
[[nodiscard]] bool is_moe_layer(const catalog::Model& model, int index);

/// The number of layers with a MoE FFN (those is_moe_layer() counts, in closed form).
[[nodiscard]] int moe_layer_count(const catalog::Model& model);

/// Bytes of all weights when linear layers are stored as `weight_dtype`. Embeddings, LM head,
/// norms and router stay at 16 bits (engines do not quantise them for fp8/int8/int4/fp4), except
/// for GGUF formats whose published bits per weight already average over every tensor. MoE
/// experts use `expert_dtype` when the checkpoint ships them in a different format (gpt-oss).
[[nodiscard]] double weight_bytes(const ParameterCounts& counts,
                                  const catalog::DtypeInfo& weight_dtype,
                                  const catalog::DtypeInfo& expert_dtype,
                                  const catalog::DtypeInfo& sixteen_bit);

/// Bits per value of the tensors a quantised checkpoint keeps unquantised (embeddings, LM head,
/// norms, router): 16, except GGUF and >= 16-bit formats, which apply to every tensor.
[[nodiscard]] double unquantised_bits(const catalog::DtypeInfo& weight_dtype,
                                      const catalog::DtypeInfo& sixteen_bit);

/// KV-cache bytes one token adds in one full-attention layer (all KV heads, K and V; MLA: the
/// compressed latent plus the shared RoPE key).
[[nodiscard]] double kv_bytes_per_token_per_layer(const catalog::Model& model,
                                                  double kv_bits_per_value);

/// KV-cache bytes of one sequence of `context_tokens` over all layers; windowed layers keep at
/// most `sliding_window` tokens.
[[nodiscard]] double kv_bytes_per_sequence(const catalog::Model& model, double kv_bits_per_value,
                                           double context_tokens);

}  // namespace tco::model
