#include "tco/perf/memory_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tco/model/architecture.hpp"
#include "tco/units/units.hpp"

namespace tco::perf {

namespace {

/// Peak activation workspace of one forward pass over the engine's largest step, per GPU.
/// Engines size this by profiling a dummy pass of max_tokens_per_step tokens (vLLM's
/// profile_run); we count the widest live tensors of that pass: the residual stream and norm
/// output (2 x hidden), the wider of the QKV output and the FFN's gate+up+activation
/// intermediates (sharded over tp), in 16-bit, plus fp32 logits for max_batch sampled tokens.
double activation_workspace_bytes(const catalog::Model& model, const catalog::Engine& engine,
                                  int tp) {
  const double tokens = static_cast<double>(engine.max_tokens_per_step);
  const double hidden = static_cast<double>(model.hidden_size);
  const double qkv_width =
      model.mla ? static_cast<double>(model.num_attention_heads) *
                      (model.mla->qk_nope_head_dim + model.mla->qk_rope_head_dim)
                : static_cast<double>(model.num_attention_heads + 2 * model.num_kv_heads) *
                      model.head_dim;
  double ffn_width = static_cast<double>(model.intermediate_size);
  if (model.moe) {
    const auto& moe = *model.moe;
    ffn_width = std::max(ffn_width, static_cast<double>(moe.top_k + moe.shared_experts) *
                                        static_cast<double>(moe.expert_intermediate_size));
  }
  const double ffn_live = (catalog::is_gated(model.activation) ? 3.0 : 2.0) * ffn_width;
  const double widest = std::max(qkv_width, ffn_live) / tp;
  constexpr double kActivationBytes = 2.0;  // bf16/fp16 activations
  constexpr double kLogitBytes = 4.0;       // fp32 logits for sampling
  return tokens * (2.0 * hidden + widest) * kActivationBytes +
         static_cast<double>(engine.max_batch) * static_cast<double>(model.vocab_size) / tp *
             kLogitBytes;
}

}  // namespace

catalog::Dtype expert_dtype_for(const catalog::Model& model, const catalog::Catalog& catalog,
                                catalog::Dtype weight_dtype) {
  if (!model.native_expert_dtype) return weight_dtype;
  const auto& native = catalog.dtype(*model.native_expert_dtype);
  const auto& requested = catalog.dtype(weight_dtype);
  return native.bits_per_value < requested.bits_per_value ? native.id : weight_dtype;
}

MemoryPlan size_memory(const MemoryPlanInput& input) {
  const auto& model = *input.model;
  const auto& gpu = *input.gpu;
  const auto& engine = *input.engine;
  const auto& parallel = input.parallelism;
  MemoryPlan plan;
  plan.capacity_bytes = gpu.memory_bytes;

  const auto counts = model::count_parameters(model);
  // Weights shard evenly over tp x pp (vocab-parallel embeddings, column/row-parallel linears,
  // layers split between stages; experts split over ep within the tp group).
  plan.weights_bytes = model::weight_bytes(counts, *input.weight_dtype, *input.expert_dtype,
                                           *input.sixteen_bit) /
                       parallel.gpus();
  plan.activation_bytes = activation_workspace_bytes(model, engine, parallel.tp);
  plan.runtime_overhead_bytes = engine.runtime_overhead_bytes;

  // KV: layers split over pp; KV heads split over tp, replicated when there are fewer heads than
  // ranks; the MLA latent is shared by all heads, so every tp rank holds all of it.
  const double kv_bits = input.kv_dtype->bits_per_value;
  double head_share = 1.0;
  if (!model.mla) {
    const double heads_per_rank = std::ceil(static_cast<double>(model.num_kv_heads) / parallel.tp);
    head_share = heads_per_rank / model.num_kv_heads;
  }
  const double layer_share = std::ceil(static_cast<double>(model.num_layers) / parallel.pp) /
                             model.num_layers;
  const double share = head_share * layer_share;
  plan.kv_bytes_per_token =
      model::kv_bytes_per_token_per_layer(model, kv_bits) * model.num_layers * share;
  plan.kv_bytes_per_sequence =
      model::kv_bytes_per_sequence(model, kv_bits, input.context_tokens) * share;

  const double non_kv = plan.weights_bytes + plan.activation_bytes + plan.runtime_overhead_bytes;
  if (engine.memory_fraction_of_free) {
    // TensorRT-LLM: the KV pool takes a fraction of the memory free after everything else.
    plan.usable_bytes = plan.capacity_bytes;
    plan.kv_budget_bytes = (plan.capacity_bytes - non_kv) * engine.memory_fraction;
    if (plan.capacity_bytes < non_kv) plan.kv_budget_bytes = plan.capacity_bytes - non_kv;
  } else {
    // vLLM / SGLang: the engine may use a fraction of the whole memory.
    plan.usable_bytes = plan.capacity_bytes * engine.memory_fraction;
    plan.kv_budget_bytes = plan.usable_bytes - non_kv;
  }
  if (plan.kv_budget_bytes > 0 && plan.kv_bytes_per_sequence > 0) {
    plan.max_sequences = static_cast<long long>(plan.kv_budget_bytes / plan.kv_bytes_per_sequence);
    plan.max_kv_tokens = static_cast<long long>(plan.kv_budget_bytes / plan.kv_bytes_per_token);
  }
  plan.fits = plan.max_sequences >= 1;
  return plan;
}

std::string memory_verdict(const MemoryPlan& plan, double context_tokens) {
  const double non_kv = plan.weights_bytes + plan.activation_bytes + plan.runtime_overhead_bytes;
  const std::string usable = units::format_gib(plan.usable_bytes);
  if (plan.weights_bytes > plan.usable_bytes) {
    return fmt::format("weights alone ({}) exceed the usable {}",
                       units::format_gib(plan.weights_bytes), usable);
  }
  if (plan.kv_budget_bytes <= 0) {
    return fmt::format("weights + workspace + overhead ({}) exceed the usable {}",
                       units::format_gib(non_kv), usable);
  }
  if (!plan.fits) {
    // Printed as a double: a context from a measured-results row is not range-checked, and a
    // cast of an absurd length to an integer would be undefined (the fuzzer found one).
    return fmt::format("KV budget {} is below one {:.0f}-token context ({})",
                       units::format_gib(plan.kv_budget_bytes), context_tokens,
                       units::format_gib(plan.kv_bytes_per_sequence));
  }
  return fmt::format("fits: KV budget {} holds {} sequences of {:.0f} tokens",
                     units::format_gib(plan.kv_budget_bytes), plan.max_sequences, context_tokens);
}

MemoryPlan plan_memory(const MemoryPlanInput& input) {
  MemoryPlan plan = size_memory(input);
  plan.verdict = memory_verdict(plan, input.context_tokens);
  return plan;
}

bool drops_sliding_window(const catalog::Model& model, const catalog::Engine& engine) {
  return !engine.applies_sliding_window && model.sliding_window > 0;
}

catalog::Model as_served(const catalog::Model& model, const catalog::Engine& engine) {
  if (!drops_sliding_window(model, engine)) return model;
  catalog::Model served = model;
  served.sliding_window = 0;
  served.sliding_window_layers = 0;
  return served;
}

}  // namespace tco::perf
