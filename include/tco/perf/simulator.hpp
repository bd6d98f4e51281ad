#pragma once
// Roofline step-time simulator (design.md "Performance model"). A forward step over D decode
// tokens and P prefill tokens becomes a list of operators per GPU (GEMMs, attention, memory-bound
// elementwise work, collectives); each takes
//     t_op = max(F / (P_peak(dtype) · η_c), B / (BW_peak · η_m))
// with η from the GPU's microbenchmark profile (near the ridge point, where neither term
// dominates, softened by the engine's fitted roofline knee: soft_roofline_s), and the step adds
// the engine's fitted per-step and per-layer overheads. With every η = 1, no knee and no overhead
// it is the pure roofline, the physical upper bound the report shows beside the prediction.

#include <string>
#include <vector>

#include "tco/catalog/types.hpp"
#include "tco/perf/efficiency.hpp"
#include "tco/perf/memory_plan.hpp"

namespace tco::perf {

/// Engine behaviour fitted on measured end-to-end results (data/engine_fit.yaml).
struct EngineTiming {
  double step_overhead_s = 0;     ///< scheduler, sampling, launch gaps per step
  double layer_overhead_s = 0;    ///< launch gaps per layer per step
  double request_overhead_s = 0;  ///< per request: tokenise, admit, first-token return (TTFT)
  /// Per step when serving clients (streaming each token out, detokenising, the RPC front end);
  /// offline benchmarks (static batch, trtllm-bench) do not pay it.
  double online_step_overhead_s = 0;
  double compute_scale = 1;       ///< fraction of microbenchmark GEMM efficiency reached in serving
  /// Prefill attention-kernel efficiency relative to the profile's FlashAttention-2 samples
  /// (engines with their own fused kernels, e.g. TensorRT-LLM's FMHA or FlashAttention-3 on
  /// Hopper, run faster; the product is capped at 100 % of the datasheet peak).
  double attention_scale = 1;
  /// Fraction of the streaming (STREAM-like) bandwidth that decode attention reaches reading a
  /// paged KV cache: scattered blocks, per-block scales and the softmax keep paged-attention
  /// kernels below a contiguous copy (vLLM's PagedAttention paper reports the paged kernel at
  /// 20-26 % higher latency than FasterTransformer's contiguous one: Kwon et al., SOSP 2023,
  /// §7 ablations, 'Kernel microbenchmark').
  double kv_read_scale = 1;
  /// Efficiency of the MoE expert (grouped) GEMMs relative to a dense GEMM of the same size:
  /// grouped kernels pad every expert's token group to the tile and schedule many small
  /// problems (CUTLASS grouped GEMM; MegaBlocks, Gale et al., MLSys 2023, §5 reports padding and
  /// launch costs of batched expert GEMMs).
  double expert_gemm_scale = 1;
  /// Softness of the roofline knee, in [0, 1]: a kernel takes
  ///     t = (t_c^(1/k) + t_m^(1/k))^k
  /// for its compute time t_c and memory time t_m. k = 0 is the hard roofline max(t_c, t_m)
  /// (loads fully hidden under math, or math under loads); k = 1 is their sum (no overlap). Near
  /// the ridge point a kernel keeps neither the tensor cores nor the memory bus busy: its
  /// software pipeline has a few stages and the SMs a few warps to hide each with, so the
  /// measured time exceeds the larger of the two (at t_c = t_m by a factor 2^k); far from the
  /// ridge the smaller one vanishes into it.
  double roofline_knee = 0;
  /// Traffic over PCIe on a GPU whose profile has no all-reduce curve of its own (tensor-parallel
  /// all-reduce, pipeline hand-off, expert all-to-all): Hockney's t = latency + moved bytes /
  /// (bus_efficiency x link), a ring all-reduce moving 2(n-1)/n of its message. The generic curve
  /// was measured on NVLink/NVSwitch; scaled to a PCIe link it stretches NVLink's ~25 us latency
  /// 14-fold, though host-bridged collectives are slow for another reason: the CPU root complex
  /// and host memory set their bandwidth (NCCL maintainers, NVIDIA/nccl issue #1639). Fitted;
  /// bus_efficiency 0 means not fitted (the generic curve answers).
  double pcie_allreduce_latency_s = 0;
  double pcie_allreduce_bus_efficiency = 0;
};

/// One replica: the model on tp x pp GPUs of one kind, served by one engine.
struct Replica {
  const catalog::Model* model = nullptr;
  const catalog::Gpu* gpu = nullptr;
  const KernelProfile* profile = nullptr;
  const catalog::Engine* engine = nullptr;
  const catalog::DtypeInfo* weight_dtype = nullptr;
  const catalog::DtypeInfo* expert_dtype = nullptr;
  const catalog::DtypeInfo* kv_dtype = nullptr;
  const catalog::DtypeInfo* sixteen_bit = nullptr;
  Parallelism parallelism;
  EngineTiming timing;
  bool online = true;  ///< serves clients (pays online_step_overhead_s); false: offline benchmark
};

/// What one forward step contains.
struct StepShape {
  double decode_tokens = 0;   ///< sequences decoding one token each
  double decode_context = 0;  ///< mean tokens already cached per decoding sequence
  double prefill_tokens = 0;  ///< prompt tokens processed this step
  double prefill_context = 0; ///< mean tokens before each prefill token (causal: about P/2)
};

enum class Bound { kCompute, kMemory, kCommunication, kOverhead };
[[nodiscard]] std::string_view bound_name(Bound bound);

struct StepTime {
  double time_s = 0;           ///< predicted wall time of the step (all pp stages)
  double roofline_s = 0;       ///< same step at datasheet peaks, no overheads (lower bound)
  double compute_s = 0;        ///< part of time spent in compute-bound operators
  double memory_s = 0;         ///< part in memory-bound operators
  double communication_s = 0;  ///< collectives and pipeline transfers
  double overhead_s = 0;       ///< engine overheads
  Bound bound = Bound::kMemory;
};

/// Math dtype a GEMM runs in on this GPU for weights stored as `weight_dtype` (native when the
/// chip has it, else the fallback after dequantisation).
[[nodiscard]] catalog::Dtype math_dtype(const catalog::Gpu& gpu,
                                        const catalog::DtypeInfo& weight_dtype);
/// Dense peak FLOP/s of `dtype` on `gpu` (fp16 uses the bf16 rate, as engines accumulate in
/// fp32, unless `fp16_accumulate`: then the catalog's fp16 rate, fp16 accumulation).
[[nodiscard]] double peak_flops(const catalog::Gpu& gpu, catalog::Dtype dtype,
                                bool fp16_accumulate = false);

/// Time of a kernel with compute time `compute_s` and memory time `memory_s` under a roofline
/// knee of softness `knee` in [0, 1] (EngineTiming::roofline_knee):
/// (compute_s^(1/knee) + memory_s^(1/knee))^knee; knee 0 is max(compute_s, memory_s), knee 1
/// their sum. Never below the max, so never faster than the roofline.
[[nodiscard]] double soft_roofline_s(double compute_s, double memory_s, double knee);

/// Time of one forward step of a replica (pure).
[[nodiscard]] StepTime step_time(const Replica& replica, const StepShape& shape);

/// The mean of two kinds of step, `share` of them like `a` and the rest like `b`.
[[nodiscard]] StepTime mean_step(const StepTime& a, double share, const StepTime& b);

}  // namespace tco::perf
