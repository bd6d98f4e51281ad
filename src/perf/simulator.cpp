#include "tco/perf/simulator.hpp"

#include <algorithm>
#include <cmath>

#include "tco/model/architecture.hpp"

namespace tco::perf {

using catalog::Dtype;

std::string_view bound_name(Bound bound) {
  switch (bound) {
    case Bound::kCompute: return "compute";
    case Bound::kMemory: return "memory bandwidth";
    case Bound::kCommunication: return "communication";
    case Bound::kOverhead: return "engine overhead";
  }
  return "?";
}

double peak_flops(const catalog::Gpu& gpu, Dtype dtype, bool fp16_accumulate) {
  // Most engines accumulate fp16 GEMMs in fp32; consumer datasheets quote fp16 with fp16
  // accumulation at twice that rate, so fp16 math is charged at the bf16 rate when known,
  // unless the engine accumulates in fp16 (catalog fp16 = the fp16-accumulate rate).
  if (dtype == Dtype::kFp16 && fp16_accumulate && gpu.peak_flops.count(Dtype::kFp16)) {
    return gpu.peak_flops.at(Dtype::kFp16);
  }
  if (dtype == Dtype::kFp16 && gpu.peak_flops.count(Dtype::kBf16)) {
    return gpu.peak_flops.at(Dtype::kBf16);
  }
  const auto found = gpu.peak_flops.find(dtype);
  if (found != gpu.peak_flops.end()) return found->second;
  const auto bf16 = gpu.peak_flops.find(Dtype::kBf16);
  if (bf16 != gpu.peak_flops.end()) return bf16->second;
  const auto fp16 = gpu.peak_flops.find(Dtype::kFp16);
  return fp16 != gpu.peak_flops.end() ? fp16->second : 0.0;
}

Dtype math_dtype(const catalog::Gpu& gpu, const catalog::DtypeInfo& weight_dtype) {
  if (gpu.peak_flops.count(weight_dtype.compute_dtype)) return weight_dtype.compute_dtype;
  return weight_dtype.fallback_compute_dtype;
}

double soft_roofline_s(double compute_s, double memory_s, double knee) {
  const double larger = std::max(compute_s, memory_s);
  if (!(knee > 0) || !(larger > 0)) return larger;
  // Over the ratio of the smaller time to the larger, so that steep knees do not underflow.
  const double ratio = std::min(compute_s, memory_s) / larger;
  return larger * std::pow(1.0 + std::pow(ratio, 1.0 / std::min(knee, 1.0)), std::min(knee, 1.0));
}

namespace {

constexpr double kActivationBytes = 2.0;  // bf16/fp16 activations between kernels

/// Accumulates operator times twice: with measured efficiencies (prediction) and at datasheet
/// peaks (roofline).
class StepAccumulator {
 public:
  explicit StepAccumulator(const Replica& replica) : replica_(replica) {}

  /// `kernel_scale`: the efficiency of this kernel kind relative to a dense GEMM (expert GEMMs).
  void gemm(double m, double n, double k, double weight_bits, Dtype dtype, double count,
            double kernel_scale = 1.0) {
    if (m <= 0 || n <= 0 || k <= 0 || count <= 0) return;
    const double flops = 2.0 * m * n * k;
    const double bytes = n * k * weight_bits / 8.0 + (m * k + m * n) * kActivationBytes;
    const double efficiency =
        gemm_curve(dtype).at(flops) * replica_.timing.compute_scale * kernel_scale;
    compute_or_memory(flops, bytes, dtype, efficiency, 1.0, count);
  }

  /// A GEMM of `rows` over weights stored as `stored`, in a step of `step_tokens` tokens. An
  /// engine that runs its graph once per physical batch (llama.cpp's n_ubatch) reads every
  /// weight once per batch, each batch holding its share of the rows. An engine that hands
  /// large GEMMs to cuBLAS (llama.cpp builds up to mid-2024: the timing's data) first writes an
  /// fp16 copy of a quantised matrix whenever a batch gives it more rows than its quantised
  /// kernels take: the packed weights are read and 2 bytes per value written, then a plain fp16
  /// GEMM reads the copy. MoE experts decide on their own rows (ggml_cuda_mul_mat_id runs one
  /// GEMM per expert).
  void weight_gemm(double step_tokens, double rows, double n, double k,
                   const catalog::DtypeInfo& stored, double count, double kernel_scale = 1.0) {
    weight_gemm(step_tokens, rows, n, k, stored.bits_per_value,
                math_dtype(*replica_.gpu, stored), count, kernel_scale);
  }
  void weight_gemm(double step_tokens, double rows, double n, double k, double bits,
                   Dtype packed_math, double count, double kernel_scale = 1.0) {
    const catalog::Engine* engine = replica_.engine;
    const double physical =
        engine != nullptr ? static_cast<double>(engine->physical_batch_tokens) : 0;
    const double batches =
        physical > 0 ? std::max(1.0, std::ceil(step_tokens / physical)) : 1.0;
    const double batch_rows = rows / batches;
    const double dequantise_above =
        engine != nullptr ? static_cast<double>(engine->dequantize_to_fp16_above_tokens) : 0;
    if (dequantise_above > 0 && batch_rows > dequantise_above && bits < 16) {
      memory(n * k * (bits / 8.0 + 2.0), count * batches);
      gemm(batch_rows, n, k, 16, Dtype::kFp16, count * batches, kernel_scale);
      return;
    }
    gemm(batch_rows, n, k, bits, packed_math, count * batches, kernel_scale);
  }

  /// Fused attention over a KV cache. Prefill is FlashAttention-style compute at the engine's
  /// attention-kernel efficiency; decode streams the cache at the engine's paged-read bandwidth.
  void attention(double flops, double bytes, double count, bool decode) {
    const auto& timing = replica_.timing;
    const double efficiency =
        std::min(1.0, replica_.profile->attention_utilisation(flops) * timing.attention_scale);
    compute_or_memory(flops, bytes, Dtype::kBf16, efficiency, decode ? timing.kv_read_scale : 1.0,
                      count);
  }

  void memory(double bytes, double count) {
    if (bytes <= 0 || count <= 0) return;
    const double bandwidth = replica_.gpu->memory_bandwidth_bytes_per_s;
    const double predicted = bytes / (bandwidth * replica_.profile->memory_utilisation(bytes));
    result_.memory_s += predicted * count;
    result_.roofline_s += bytes / bandwidth * count;
  }

  /// Ring all-reduce over `ranks` GPUs: each rank moves 2(n-1)/n of the message (link_traffic).
  void all_reduce(double message_bytes, int ranks, double count) {
    if (ranks <= 1 || message_bytes <= 0) return;
    link_traffic(2.0 * (ranks - 1) / ranks * message_bytes, message_bytes, count);
  }

  /// Point-to-point or all-to-all traffic: the message is what moves (link_traffic).
  void transfer(double bytes, double count) {
    if (bytes <= 0) return;
    link_traffic(bytes, bytes, count);
  }

  StepTime& result() { return result_; }

 private:
  /// `moved` bytes per GPU over the interconnect for a message of `message_bytes`: at the
  /// profile's bus bandwidth for that size or, on a PCIe card without a measured curve, the
  /// engine timing's latency plus the bytes at its fitted bus efficiency (EngineTiming).
  void link_traffic(double moved, double message_bytes, double count) {
    const double link = replica_.gpu->interconnect_bytes_per_s;
    const auto& timing = replica_.timing;
    const bool measured_curve =
        replica_.profile->calibrated && replica_.profile->measured("allreduce");
    if (timing.pcie_allreduce_bus_efficiency > 0 && !measured_curve &&
        replica_.gpu->interconnect.rfind("pcie", 0) == 0) {
      result_.communication_s += (timing.pcie_allreduce_latency_s +
                                  moved / (link * timing.pcie_allreduce_bus_efficiency)) *
                                 count;
    } else {
      result_.communication_s +=
          moved / (link * replica_.profile->allreduce_utilisation(message_bytes)) * count;
    }
    result_.roofline_s += moved / link * count;
  }

  /// A step asks for one or two math dtypes many times: resolve each curve once.
  const UtilisationCurve& gemm_curve(Dtype dtype) {
    if (gemm_curve_ == nullptr || dtype != gemm_curve_dtype_) {
      gemm_curve_ = &replica_.profile->gemm_curve(dtype);
      gemm_curve_dtype_ = dtype;
    }
    return *gemm_curve_;
  }

  /// The same for the datasheet peak (a map lookup or two per kernel otherwise).
  double peak_of(Dtype dtype) {
    if (peak_ < 0 || dtype != peak_dtype_) {
      peak_ = peak_flops(*replica_.gpu, dtype,
                         replica_.engine != nullptr && replica_.engine->fp16_accumulate);
      peak_dtype_ = dtype;
    }
    return peak_;
  }

  /// `bandwidth_scale` < 1 for kernels that cannot stream memory like a contiguous copy.
  void compute_or_memory(double flops, double bytes, Dtype dtype, double compute_efficiency,
                         double bandwidth_scale, double count) {
    const auto& gpu = *replica_.gpu;
    const auto& profile = *replica_.profile;
    const double peak = peak_of(dtype);
    const double bandwidth = gpu.memory_bandwidth_bytes_per_s;
    const double compute = flops / (peak * compute_efficiency);
    const double memory =
        bytes / (bandwidth * profile.memory_utilisation(bytes) * bandwidth_scale);
    const double time = soft_roofline_s(compute, memory, replica_.timing.roofline_knee);
    if (compute >= memory) {
      result_.compute_s += time * count;
    } else {
      result_.memory_s += time * count;
    }
    result_.roofline_s += std::max(flops / peak, bytes / bandwidth) * count;
  }

  const Replica& replica_;
  StepTime result_;
  const UtilisationCurve* gemm_curve_ = nullptr;
  Dtype gemm_curve_dtype_ = Dtype::kBf16;
  double peak_ = -1;
  Dtype peak_dtype_ = Dtype::kBf16;
};

/// Layers of each kind, so heterogeneous stacks (DeepSeek dense-then-MoE, Llama 4 interleaved,
/// gpt-oss alternating windows) are charged layer by layer without a per-layer loop per step.
struct LayerMix {
  double moe = 0;
  double dense = 0;
  double windowed = 0;
  double full = 0;
};

LayerMix layer_mix(const catalog::Model& model) {
  LayerMix mix;
  mix.moe = model::moe_layer_count(model);
  mix.dense = model.num_layers - mix.moe;
  mix.windowed = model.sliding_window > 0 ? model.sliding_window_layers : 0;
  mix.full = model.num_layers - mix.windowed;
  return mix;
}

/// One pipeline stage over `tokens` (decode + prefill) of one micro-batch; counts are for the
/// stage's share (1/pp) of the layers.
void add_stage(const Replica& replica, const StepShape& shape, double stage_share,
               StepAccumulator& step) {
  const auto& model = *replica.model;
  const int tp = replica.parallelism.tp;
  const int ep = replica.parallelism.ep;
  const double decode = shape.decode_tokens;
  const double prefill = shape.prefill_tokens;
  const double tokens = decode + prefill;
  if (tokens <= 0) return;
  const double hidden = static_cast<double>(model.hidden_size);
  const double heads = static_cast<double>(model.num_attention_heads) / tp;
  const LayerMix mix = layer_mix(model);
  const double layers = model.num_layers * stage_share;
  const catalog::DtypeInfo& weights = *replica.weight_dtype;

  // Attention projections.
  auto project = [&](double n, double k) {
    step.weight_gemm(tokens, tokens, n, k, weights, layers);
  };
  if (model.mla) {
    const auto& mla = *model.mla;
    const double qk_head = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
    if (mla.q_lora_rank > 0) {
      project(mla.q_lora_rank, hidden);
      project(heads * qk_head, mla.q_lora_rank);
    } else {
      project(heads * qk_head, hidden);
    }
    project(mla.kv_lora_rank + mla.qk_rope_head_dim, hidden);
    project(heads * (mla.qk_nope_head_dim + mla.v_head_dim), mla.kv_lora_rank);
    project(hidden, heads * mla.v_head_dim);
  } else {
    const double kv_heads = std::ceil(static_cast<double>(model.num_kv_heads) / tp);
    project((heads + 2 * kv_heads) * model.head_dim, hidden);
    project(hidden, heads * model.head_dim);
  }

  // Attention itself: decode reads each sequence's KV; prefill is FlashAttention-style compute
  // over the causal triangle (mean attended length given by the caller). Windowed layers see at
  // most `sliding_window` tokens.
  const double kv_head_share =
      model.mla ? 1.0
                : std::ceil(static_cast<double>(model.num_kv_heads) / tp) / model.num_kv_heads;
  const double kv_token_bytes =
      model::kv_bytes_per_token_per_layer(model, replica.kv_dtype->bits_per_value) *
      kv_head_share;
  const double score_width =
      model.mla ? 2.0 * model.mla->kv_lora_rank + model.mla->qk_rope_head_dim
                : 2.0 * model.head_dim;  // q.k and p.v per head
  auto attention_layers = [&](double count, double window) {
    if (count <= 0) return;
    const double decode_context = std::min(shape.decode_context, window);
    const double prefill_context = std::min(shape.prefill_context, window);
    if (decode > 0) {
      step.attention(2.0 * heads * score_width * decode * decode_context,
                     decode * decode_context * kv_token_bytes, count, /*decode=*/true);
    }
    if (prefill > 0) {
      step.attention(2.0 * heads * score_width * prefill * prefill_context,
                     (prefill + prefill_context) * kv_token_bytes +
                         2.0 * prefill * heads * model.head_dim * kActivationBytes,
                     count, /*decode=*/false);
    }
  };
  const double window = model.sliding_window > 0 ? model.sliding_window : 1e300;
  attention_layers(mix.windowed * stage_share, window);
  attention_layers(mix.full * stage_share, 1e300);

  // Feed-forward: dense layers, then MoE layers.
  const bool gated = catalog::is_gated(model.activation);
  auto dense_ffn = [&](double width, double count) {
    if (width <= 0 || count <= 0) return;
    step.weight_gemm(tokens, tokens, (gated ? 2.0 : 1.0) * width / tp, hidden, weights,
                     count);
    step.weight_gemm(tokens, tokens, hidden, width / tp, weights, count);
  };
  dense_ffn(static_cast<double>(model.intermediate_size), mix.dense * stage_share);
  if (model.moe && mix.moe > 0) {
    const auto& moe = *model.moe;
    const double count = mix.moe * stage_share;
    const double experts = moe.num_experts;
    const double width = static_cast<double>(moe.expert_intermediate_size);
    step.gemm(tokens, experts, hidden, 16, Dtype::kBf16, count);  // router
    // Expected distinct experts touched by `tokens` tokens routed top-k of E (uniform routing):
    // E * (1 - (1 - k/E)^tokens). Their weights are read once per step.
    const double touched = experts * (1.0 - std::pow(1.0 - moe.top_k / experts, tokens));
    const double routed = tokens * moe.top_k;
    // Grouped GEMM: each GPU holds experts/ep experts, each split tp/ep ways; every touched
    // expert runs gate+up and down on its share of the routed tokens.
    const double expert_ranks = std::max(1.0, static_cast<double>(tp) / ep);
    step.weight_gemm(tokens, routed / std::max(touched, 1.0),
                     (gated ? 3.0 : 2.0) * width / expert_ranks, hidden, *replica.expert_dtype,
                     touched / ep * count, replica.timing.expert_gemm_scale);
    if (moe.shared_experts > 0) dense_ffn(moe.shared_experts * width, count);
    if (ep > 1) {
      // All-to-all dispatch and combine of routed tokens' hidden states.
      step.transfer(2.0 * routed * hidden * kActivationBytes * (ep - 1) / ep / tp, count);
    }
  }

  // Norms, residual adds and the FFN activation: memory-bound elementwise passes.
  const double ffn_local =
      std::max(static_cast<double>(model.intermediate_size),
               model.moe ? static_cast<double>(model.moe->expert_intermediate_size) *
                               model.moe->top_k
                         : 0.0) /
      tp;
  step.memory(tokens * (8.0 * hidden + 3.0 * ffn_local) * kActivationBytes, layers);

  // Tensor parallelism: two all-reduces of the hidden states per layer (after attention and
  // after the FFN).
  step.all_reduce(tokens * hidden * kActivationBytes, tp, 2.0 * layers);
}

Bound dominant_bound(const StepTime& step) {
  const double largest =
      std::max({step.compute_s, step.memory_s, step.communication_s, step.overhead_s});
  return largest == step.compute_s         ? Bound::kCompute
         : largest == step.memory_s        ? Bound::kMemory
         : largest == step.communication_s ? Bound::kCommunication
                                           : Bound::kOverhead;
}

}  // namespace

StepTime step_time(const Replica& replica, const StepShape& shape) {
  const auto& model = *replica.model;
  const int pp = replica.parallelism.pp;
  // Pipeline parallelism: up to pp micro-batches in flight; each sequence passes every stage, so
  // a step (every sequence advancing one token) takes pp stage times of one micro-batch.
  const double sequences = shape.decode_tokens + (shape.prefill_tokens > 0 ? 1 : 0);
  const double micro_batches = std::clamp(std::floor(sequences), 1.0, static_cast<double>(pp));
  StepShape micro = shape;
  micro.decode_tokens /= micro_batches;
  micro.prefill_tokens /= micro_batches;
  StepAccumulator stage(replica);
  add_stage(replica, micro, 1.0 / pp, stage);
  // LM head on the last stage, for the tokens that are sampled (decoding sequences, plus the
  // last prompt token of a request whose prefill completes).
  const double sampled = micro.decode_tokens + (micro.prefill_tokens > 0 ? 1 : 0);
  const double lm_bits =
      model::unquantised_bits(*replica.weight_dtype, *replica.sixteen_bit);
  stage.weight_gemm(micro.decode_tokens + micro.prefill_tokens, sampled,
                    static_cast<double>(model.vocab_size) / replica.parallelism.tp,
                    static_cast<double>(model.hidden_size), lm_bits,
                    math_dtype(*replica.gpu, *replica.sixteen_bit), 1.0);
  if (pp > 1) {
    // Activations handed to the next stage.
    stage.transfer((micro.decode_tokens + micro.prefill_tokens) *
                       static_cast<double>(model.hidden_size) * kActivationBytes,
                   1.0);
  }
  StepTime result = stage.result();
  const double stages = pp;
  result.compute_s *= stages;
  result.memory_s *= stages;
  result.communication_s *= stages;
  result.roofline_s *= stages;
  result.overhead_s = replica.timing.step_overhead_s +
                      replica.timing.layer_overhead_s * model.num_layers +
                      (replica.online ? replica.timing.online_step_overhead_s : 0.0);
  result.time_s = result.compute_s + result.memory_s + result.communication_s + result.overhead_s;
  result.bound = dominant_bound(result);
  return result;
}

StepTime mean_step(const StepTime& a, double share, const StepTime& b) {
  const double rest = 1.0 - share;
  StepTime mean;
  mean.time_s = share * a.time_s + rest * b.time_s;
  mean.roofline_s = share * a.roofline_s + rest * b.roofline_s;
  mean.compute_s = share * a.compute_s + rest * b.compute_s;
  mean.memory_s = share * a.memory_s + rest * b.memory_s;
  mean.communication_s = share * a.communication_s + rest * b.communication_s;
  mean.overhead_s = share * a.overhead_s + rest * b.overhead_s;
  mean.bound = dominant_bound(mean);
  return mean;
}

}  // namespace tco::perf
