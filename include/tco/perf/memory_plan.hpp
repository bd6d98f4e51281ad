#pragma once
// Memory plan of one GPU of a replica: weights + KV cache + activation workspace + runtime
// overhead against the memory the engine may use. Decides whether a model fits and how many
// sequences of the workload's context can be resident at once.

#include <string>

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/types.hpp"

namespace tco::perf {

struct Parallelism {
  int tp = 1;  ///< tensor parallel
  int pp = 1;  ///< pipeline parallel
  int ep = 1;  ///< expert parallel (within the tensor-parallel group)
  [[nodiscard]] int gpus() const { return tp * pp; }
};

struct MemoryPlanInput {
  const catalog::Model* model = nullptr;
  const catalog::Gpu* gpu = nullptr;
  const catalog::Engine* engine = nullptr;
  const catalog::DtypeInfo* weight_dtype = nullptr;
  const catalog::DtypeInfo* expert_dtype = nullptr;  ///< may equal weight_dtype
  const catalog::DtypeInfo* kv_dtype = nullptr;
  const catalog::DtypeInfo* sixteen_bit = nullptr;   ///< for unquantised tensors
  Parallelism parallelism;
  double context_tokens = 0;  ///< input + output of one request
};

struct MemoryPlan {
  double capacity_bytes = 0;            ///< device-visible memory of one GPU
  double usable_bytes = 0;              ///< what the engine may allocate
  double weights_bytes = 0;             ///< this GPU's shard
  double activation_bytes = 0;          ///< forward-pass workspace (estimate)
  double runtime_overhead_bytes = 0;    ///< CUDA context, library workspaces
  double kv_budget_bytes = 0;           ///< left for the KV cache (may be negative)
  double kv_bytes_per_token = 0;        ///< this GPU's share, every layer (windows ignored)
  double kv_bytes_per_sequence = 0;     ///< this GPU's share at the workload's context
  long long max_sequences = 0;          ///< resident sequences at that context (KV-limited)
  long long max_kv_tokens = 0;          ///< kv_budget_bytes / kv_bytes_per_token
  bool fits = false;                    ///< weights + one full context fit
  std::string verdict;                  ///< one line: why it fits or not
};

/// Per-GPU memory plan (pure; all inputs non-null), with its verdict.
[[nodiscard]] MemoryPlan plan_memory(const MemoryPlanInput& input);

/// The same numbers without the verdict text (the serving searches ask for the plan many times
/// per evaluation; formatting it was a tenth of the evaluation time).
[[nodiscard]] MemoryPlan size_memory(const MemoryPlanInput& input);

/// One line: why `plan` fits or not, for a request of `context_tokens`.
[[nodiscard]] std::string memory_verdict(const MemoryPlan& plan, double context_tokens);

/// The architecture as `engine` serves it by default: without its sliding attention window when
/// the engine does not apply one (TensorRT-LLM needs max_attention_window_size for that).
[[nodiscard]] catalog::Model as_served(const catalog::Model& model, const catalog::Engine& engine);

/// True when as_served() differs from the model (the engine ignores its sliding window).
[[nodiscard]] bool drops_sliding_window(const catalog::Model& model,
                                        const catalog::Engine& engine);

/// The dtype MoE experts are stored in: the checkpoint's own expert format (gpt-oss MXFP4) when
/// it is smaller than the requested weight format, else the requested format.
[[nodiscard]] catalog::Dtype expert_dtype_for(const catalog::Model& model,
                                              const catalog::Catalog& catalog,
                                              catalog::Dtype weight_dtype);

}  // namespace tco::perf
