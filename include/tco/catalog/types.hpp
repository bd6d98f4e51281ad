#pragma once
// Plain catalog records: what the data files (and scenario overrides) say about GPUs, models,
// engines and number formats. Units are SI; every record keeps where its figures came from.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tco::catalog {

/// The entry of `entries` whose `id` is `id`, or nullptr.
template <typename Entry>
[[nodiscard]] const Entry* find_by_id(const std::vector<Entry>& entries, std::string_view id) {
  for (const auto& entry : entries) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

/// The ids of `entries`, in order (for "did you mean" suggestions).
template <typename Entry>
[[nodiscard]] std::vector<std::string> ids_of(const std::vector<Entry>& entries) {
  std::vector<std::string> out;
  for (const auto& entry : entries) out.push_back(entry.id);
  return out;
}

/// Where a record's figures come from. Every catalog entry has one.
struct Provenance {
  std::string source;           ///< the original document(s)
  std::string as_of;            ///< ISO date the source was valid / read
  bool estimate = false;        ///< true when some figure is derived or unverified
  std::string estimate_reason;  ///< which figures, and how they were derived
  std::string origin;           ///< "data/gpus.yaml", "scenario.yaml (override)", ...
};

/// Number formats for weights, KV cache and math.
enum class Dtype { kFp32, kBf16, kFp16, kFp8, kInt8, kInt4, kFp4, kMxfp4, kQ4_0, kQ4KM, kQ8_0 };

[[nodiscard]] std::string_view dtype_name(Dtype dtype);
[[nodiscard]] std::optional<Dtype> dtype_from_name(std::string_view name);
[[nodiscard]] const std::vector<std::string>& dtype_names();

/// Storage cost and math mapping of a number format (data/dtypes.yaml).
struct DtypeInfo {
  Dtype id = Dtype::kBf16;
  double bits_per_value = 16;            ///< including scales/zero points
  Dtype compute_dtype = Dtype::kBf16;    ///< tensor-core math when the chip supports it
  Dtype fallback_compute_dtype = Dtype::kBf16;  ///< math after dequantisation otherwise
  Provenance provenance;
};

struct Price {
  double value_usd = 0;
  Provenance provenance;
};

struct Gpu {
  std::string id;
  std::string name;
  std::string vendor;
  double memory_bytes = 0;                 ///< device-visible capacity
  std::string memory_type;
  double memory_bandwidth_bytes_per_s = 0;
  std::map<Dtype, double> peak_flops;      ///< dense peak per math dtype; absent = unsupported
  double tdp_w = 0;
  std::string interconnect;
  double interconnect_bytes_per_s = 0;     ///< per GPU, per direction
  int pcie_gen = 0;
  std::string form_factor;
  bool multi_gpu_nodes = false;            ///< sold in nodes with a GPU-to-GPU fabric
  int launch_year = 0;
  std::optional<Price> purchase_price;
  Provenance provenance;
  std::string notes;
};

enum class Activation { kSwiglu, kGeglu, kGelu, kRelu };
enum class AttentionKind { kMha, kGqa, kMqa, kMla };
enum class NormKind { kRmsNorm, kLayerNorm };
enum class LocalAttentionKind { kSliding, kChunked };

[[nodiscard]] bool is_gated(Activation activation);

struct MoeConfig {
  int num_experts = 0;
  int top_k = 0;
  int shared_experts = 0;
  long long expert_intermediate_size = 0;
  int first_dense_layers = 0;   ///< leading layers with a dense FFN
  int layer_interleave = 1;     ///< every n-th layer (after the dense ones) is MoE
  bool router_bias = false;
};

struct MlaConfig {
  int q_lora_rank = 0;  ///< 0 = queries projected directly
  int kv_lora_rank = 0;
  int qk_nope_head_dim = 0;
  int qk_rope_head_dim = 0;
  int v_head_dim = 0;
};

/// A transformer decoder as published in its config.json.
struct Model {
  std::string id;
  std::string hf_repo;
  std::string architecture;
  int num_layers = 0;
  long long hidden_size = 0;
  int num_attention_heads = 0;
  int num_kv_heads = 0;
  int head_dim = 0;                    ///< 0 for MLA (see mla)
  long long intermediate_size = 0;     ///< dense FFN width; 0 when every layer is MoE
  long long vocab_size = 0;
  bool tie_word_embeddings = false;
  Activation activation = Activation::kSwiglu;
  NormKind norm = NormKind::kRmsNorm;
  AttentionKind attention = AttentionKind::kGqa;
  bool qkv_bias = false;
  bool o_bias = false;
  bool mlp_bias = false;
  bool lm_head_bias = false;
  bool parallel_block = false;
  int norms_per_layer = 2;
  bool attention_sinks = false;
  int sliding_window = 0;              ///< tokens; 0 = none
  int sliding_window_layers = 0;       ///< layers using the window (all when window set)
  LocalAttentionKind sliding_window_kind = LocalAttentionKind::kSliding;
  long long max_context = 0;
  std::optional<MoeConfig> moe;
  std::optional<MlaConfig> mla;
  double published_total_params = 0;
  double published_active_params = 0;
  Dtype native_weight_dtype = Dtype::kBf16;
  std::optional<Dtype> native_expert_dtype;  ///< e.g. MXFP4 experts of gpt-oss
  std::string license;
  std::string license_url;
  bool open_weights = true;
  std::string publisher;
  std::string publisher_country;
  Provenance provenance;
  std::string notes;
};

/// Serving-engine defaults that shape the memory plan and the scheduler (data/engines.yaml).
struct Engine {
  std::string id;
  std::string name;
  double memory_fraction = 0.9;
  bool memory_fraction_of_free = false;  ///< TRT-LLM: fraction of memory left after weights
  double runtime_overhead_bytes = 0;     ///< per GPU: CUDA context, workspaces
  int max_batch = 256;
  long long max_tokens_per_step = 8192;
  bool chunked_prefill = true;
  int kv_block_tokens = 16;
  /// Whether the engine applies a model's sliding attention window by default; when not, every
  /// layer attends (and caches) the whole context.
  bool applies_sliding_window = true;
  /// fp16 GEMMs accumulate in fp16 (cuBLAS CUBLAS_COMPUTE_16F), which GeForce chips run at
  /// twice the fp32-accumulate rate: charged at the catalog's fp16 rate instead of the bf16
  /// (fp32-accumulate) one.
  bool fp16_accumulate = false;
  /// A GEMM with more rows than this in one physical batch (per expert for MoE) dequantises its
  /// quantised weights to an fp16 copy and runs fp16 math (cuBLAS) instead of the quantised
  /// kernels; 0: never.
  long long dequantize_to_fp16_above_tokens = 0;
  /// Tokens the engine runs its graph on at once (llama.cpp n_ubatch): a step of more runs in
  /// several batches, each reading every weight; 0: the whole step is one batch.
  long long physical_batch_tokens = 0;
  /// GPU vendors (catalog `vendor`) the engine runs on; empty: any.
  std::vector<std::string> gpu_vendors;
  Provenance provenance;
  std::string notes;
};

}  // namespace tco::catalog
