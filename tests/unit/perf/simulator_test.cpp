// Step-time simulator and steady-state serving against hand-computed cases (issue 3, "done
// when"): a batch-1 decode step of Llama-3.1-8B on an H100 is weight-bandwidth bound, MoE reads
// only the experts its tokens touch, tensor parallelism adds its all-reduces, the token budget
// caps the running requests, and engines that ignore a sliding window serve full attention.
//
// Figures used below:
//   llama-3.1-8b: 32 layers, hidden 4096, 32 heads / 8 KV heads of 128, FFN 14336 (gated),
//     vocab 128256. Weights read per decode step (the input embedding is a lookup, not read):
//     per layer 4096 x (4096 + 2 x 1024) + 4096 x 4096 + 3 x 4096 x 14336 = 218,103,808
//     parameters; x 32 layers + LM head 128256 x 4096 = 7,504,658,432 parameters = 15.009 GB bf16.
//   h100-sxm: 3.35 TB/s datasheet, streaming utilisation from profiles/h100-sxm.yaml.
#include <catch2/catch.hpp>

#include <filesystem>

#include "test_replica.hpp"
#include "tco/perf/efficiency.hpp"
#include "tco/perf/memory_plan.hpp"
#include "tco/perf/serving.hpp"
#include "tco/perf/simulator.hpp"

using tco::catalog::Dtype;

namespace {

tco::perf::StepShape decode(double batch, double context) {
  tco::perf::StepShape shape;
  shape.decode_tokens = batch;
  shape.decode_context = context;
  return shape;
}

constexpr double kLlama8bWeightBytesRead = 7504658432.0 * 2;

}  // namespace

TEST_CASE("llama-3.1-8b decode at batch 1 on h100-sxm is weight-bandwidth bound",
          "[perf][simulator]") {
  const auto r = replica("llama-3.1-8b", "h100-sxm");
  const auto step = tco::perf::step_time(r, decode(1, 128));
  const double achieved = 3.35e12 * r.profile->memory_utilisation(kLlama8bWeightBytesRead);
  CHECK(step.bound == tco::perf::Bound::kMemory);
  // ~16 GB / achieved bandwidth: about 5 ms. The rest (KV of 128 tokens, activations, norms) is
  // under 1 %.
  CHECK(step.time_s == Approx(kLlama8bWeightBytesRead / achieved).epsilon(0.01));
  CHECK(step.roofline_s == Approx(kLlama8bWeightBytesRead / 3.35e12).epsilon(0.01));
  CHECK(step.communication_s == 0.0);
  CHECK(step.overhead_s == 0.0);
}

TEST_CASE("engine overheads add per step and per layer", "[perf][simulator]") {
  auto r = replica("llama-3.1-8b", "h100-sxm");
  const double bare = tco::perf::step_time(r, decode(1, 128)).time_s;
  r.timing.step_overhead_s = 1e-3;
  r.timing.layer_overhead_s = 10e-6;
  const auto step = tco::perf::step_time(r, decode(1, 128));
  CHECK(step.overhead_s == Approx(1e-3 + 32 * 10e-6));
  CHECK(step.time_s == Approx(bare + 1e-3 + 32 * 10e-6));
}

TEST_CASE("the prediction is never faster than the pure roofline", "[perf][simulator]") {
  for (const char* model : {"llama-3.1-8b", "mixtral-8x7b", "llama-3.1-70b"}) {
    for (int tp : {2, 4, 8}) {
      const auto r = replica(model, "h100-sxm", tp);
      for (double batch : {1.0, 64.0, 1024.0}) {
        INFO(model << " tp " << tp << " batch " << batch);
        auto shape = decode(batch, 2048);
        shape.prefill_tokens = 4096;
        shape.prefill_context = 1024;
        const auto step = tco::perf::step_time(r, shape);
        CHECK(step.time_s >= step.roofline_s);
      }
    }
  }
}

TEST_CASE("tensor parallelism adds two all-reduces per layer", "[perf][simulator]") {
  const auto one = tco::perf::step_time(replica("llama-3.1-70b", "h100-sxm", 1), decode(64, 512));
  const auto two = tco::perf::step_time(replica("llama-3.1-70b", "h100-sxm", 2), decode(64, 512));
  CHECK(one.communication_s == 0.0);
  CHECK(two.communication_s > 0.0);
  // Each GPU reads half the weights: the memory part about halves.
  CHECK(two.memory_s == Approx(one.memory_s / 2).epsilon(0.05));
}

TEST_CASE("a PCIe all-reduce without a measured curve is latency plus bytes at the bus rate",
          "[perf][simulator]") {
  // llama-3.1-70b: 80 layers, hidden 8192. A decode step of 64 tokens all-reduces
  // 64 x 8192 x 2 B = 1,048,576 B twice per layer; a ring over 4 GPUs moves 2 x 3/4 of it.
  auto pcie = replica("llama-3.1-70b", "l40s", 4);
  REQUIRE(pcie.gpu->interconnect_bytes_per_s == 32e9);
  REQUIRE_FALSE(pcie.profile->calibrated);
  const double generic = tco::perf::step_time(pcie, decode(64, 512)).communication_s;
  pcie.timing.pcie_allreduce_latency_s = 20e-6;
  pcie.timing.pcie_allreduce_bus_efficiency = 0.5;
  const auto step = tco::perf::step_time(pcie, decode(64, 512));
  const double moved = 2.0 * 3 / 4 * 1048576;
  CHECK(step.communication_s == Approx(160 * (20e-6 + moved / (0.5 * 32e9))));  // 14.64 ms
  // The NVLink-measured generic curve, scaled to the PCIe link, made the same traffic slower.
  CHECK(generic > 2 * step.communication_s);
  // The roofline keeps the bare link: no latency, the full datasheet bandwidth.
  pcie.timing = {};
  const auto bare = tco::perf::step_time(pcie, decode(64, 512));
  CHECK(step.roofline_s == Approx(bare.roofline_s));

  // A GPU whose profile measured its own all-reduce keeps that curve.
  auto nvlink = replica("llama-3.1-70b", "h100-sxm", 4);
  const double measured = tco::perf::step_time(nvlink, decode(64, 512)).communication_s;
  nvlink.timing.pcie_allreduce_latency_s = 20e-6;
  nvlink.timing.pcie_allreduce_bus_efficiency = 0.5;
  CHECK(tco::perf::step_time(nvlink, decode(64, 512)).communication_s == measured);

  // A pipeline hand-off takes the same latency-bandwidth model. Two stages, 64 sequences: two
  // micro-batches of 32; each stage hands 32 x 8192 x 2 B = 524,288 B on, once per stage.
  auto pipeline = replica("llama-3.1-70b", "l40s");
  pipeline.parallelism = {1, 2, 1};
  pipeline.timing.pcie_allreduce_latency_s = 20e-6;
  pipeline.timing.pcie_allreduce_bus_efficiency = 0.5;
  CHECK(tco::perf::step_time(pipeline, decode(64, 512)).communication_s ==
        Approx(2 * (20e-6 + 524288 / (0.5 * 32e9))));  // 105.5 us
}

TEST_CASE("MoE reads only the experts its tokens touch", "[perf][simulator]") {
  // mixtral-8x7b: 8 experts, top-2. One token touches 2; 64 tokens touch
  // 8 x (1 - (6/8)^64) = 8.0 of them. Expert weights dominate, so a batch-1 step reads about a
  // third of what a step that touches every expert reads (non-expert weights read in both).
  const auto r = replica("mixtral-8x7b", "h200-sxm");
  const auto one = tco::perf::step_time(r, decode(1, 128));
  const auto many = tco::perf::step_time(r, decode(64, 128));
  CHECK(one.bound == tco::perf::Bound::kMemory);
  CHECK(one.memory_s / many.memory_s == Approx(0.31).margin(0.05));
}

TEST_CASE("a slower paged-KV read slows long-context decode, not short", "[perf][simulator]") {
  auto r = replica("llama-3.1-8b", "h100-sxm");
  const double short_context = tco::perf::step_time(r, decode(1, 16)).time_s;
  const double long_context = tco::perf::step_time(r, decode(256, 8192)).time_s;
  r.timing.kv_read_scale = 0.5;
  CHECK(tco::perf::step_time(r, decode(1, 16)).time_s == Approx(short_context).epsilon(1e-3));
  CHECK(tco::perf::step_time(r, decode(256, 8192)).time_s > 1.5 * long_context);
}

TEST_CASE("a soft roofline knee costs most at the ridge point, nothing far from it",
          "[perf][simulator]") {
  // knee 1/2: the Euclidean norm of the two times; 3 ms and 4 ms take 5 ms.
  CHECK(tco::perf::soft_roofline_s(3e-3, 4e-3, 0.5) == Approx(5e-3));
  // At the ridge (equal times) the knee costs 2^knee: 2x for no overlap, 1.26x for knee 1/3.
  CHECK(tco::perf::soft_roofline_s(1.0, 1.0, 1.0) == Approx(2.0));
  CHECK(tco::perf::soft_roofline_s(1.0, 1.0, 1.0 / 3) == Approx(1.259921));
  // Far from the ridge the smaller time vanishes: 1 % of the larger adds (0.01^3)/3 at knee 1/3.
  CHECK(tco::perf::soft_roofline_s(1.0, 0.01, 1.0 / 3) == Approx(1.0 + 1e-6 / 3).epsilon(1e-9));
  // knee 0 is the hard roofline; a steep knee does not underflow.
  CHECK(tco::perf::soft_roofline_s(2e-6, 7e-6, 0.0) == 7e-6);
  CHECK(tco::perf::soft_roofline_s(2e-6, 7e-6, 0.01) == Approx(7e-6));

  // In a step: a batch-1 decode is far from the ridge (weights stream, ~1 FLOP per byte), so a
  // knee of 1/2 leaves it within a per mille; a 4096-token prefill is compute bound far past
  // the ridge too. Neither gets faster, and the roofline beside them does not move.
  auto r = replica("llama-3.1-8b", "h100-sxm");
  tco::perf::StepShape prefill;
  prefill.prefill_tokens = 4096;
  prefill.prefill_context = 2048;
  const auto hard_decode = tco::perf::step_time(r, decode(1, 512));
  const auto hard_prefill = tco::perf::step_time(r, prefill);
  r.timing.roofline_knee = 0.5;
  const auto soft_decode = tco::perf::step_time(r, decode(1, 512));
  const auto soft_prefill = tco::perf::step_time(r, prefill);
  CHECK(soft_decode.time_s >= hard_decode.time_s);
  CHECK(soft_decode.time_s == Approx(hard_decode.time_s).epsilon(1e-3));
  CHECK(soft_prefill.time_s >= hard_prefill.time_s);
  CHECK(soft_prefill.time_s == Approx(hard_prefill.time_s).epsilon(0.02));
  CHECK(soft_decode.roofline_s == hard_decode.roofline_s);
  // A 256-token step of the same model sits near the H100's bf16 ridge (~295 FLOP per byte of
  // weights at 2 bytes each: ~150 tokens), where the knee shows.
  tco::perf::StepShape ridge;
  ridge.prefill_tokens = 256;
  ridge.prefill_context = 128;
  r.timing.roofline_knee = 0;
  const double hard_ridge = tco::perf::step_time(r, ridge).time_s;
  r.timing.roofline_knee = 0.5;
  CHECK(tco::perf::step_time(r, ridge).time_s > 1.15 * hard_ridge);
}

TEST_CASE("the token budget caps the running requests; the others queue", "[perf][serving]") {
  // vllm: 8192 tokens per step. Prompt 2048, output 128: R = 8192 x 128 / 2176 = 481.9 running.
  const auto r = replica("llama-3.1-8b", "h100-sxm");
  const tco::perf::Traffic traffic{2048, 128};
  const double running = 8192.0 * 128 / 2176;
  const auto at_cap = tco::perf::serve_concurrency(r, traffic, running);
  const auto beyond = tco::perf::serve_concurrency(r, traffic, 1000);
  // Same steps, so the same TPOT and throughput; the 518 extra clients only wait.
  CHECK(beyond.tpot_s == Approx(at_cap.tpot_s));
  CHECK(beyond.output_tokens_per_s == Approx(at_cap.output_tokens_per_s));
  CHECK(beyond.ttft_s - at_cap.ttft_s == Approx((1000 - running) / at_cap.requests_per_s));
  // TPOT is the time of one step with R decode and R x I/O prompt tokens.
  tco::perf::StepShape shape = decode(running, 2048 + 64);
  shape.prefill_tokens = running * 2048 / 128;
  shape.prefill_context = 1024;
  CHECK(at_cap.tpot_s == Approx(tco::perf::step_time(r, shape).time_s));
  // Little's law over the closed loop: clients = throughput x end-to-end latency.
  CHECK(beyond.requests_per_s * beyond.e2e_latency_s == Approx(1000).epsilon(0.02));
}

TEST_CASE("TTFT is timed on the step that carries the prompt, not the mean step",
          "[perf][serving]") {
  // One client, prompt 2048, output 128: the mean step decodes R = 1 token and admits
  // R x I/O = 16 prompt tokens (the prompt amortised over its 128 steps); the prompt's own step
  // decodes 1 and prefills its 2048 tokens plus that mean share. TTFT = half a mean step of
  // waiting + the prompt's step + the per-request overhead.
  auto r = replica("llama-3.1-8b", "h100-sxm");
  r.timing.request_overhead_s = 0.004;
  const auto point = tco::perf::serve_concurrency(r, {2048, 128}, 1);
  tco::perf::StepShape mean = decode(1, 2048 + 64);
  mean.prefill_tokens = 16;
  mean.prefill_context = 1024;
  tco::perf::StepShape own = mean;
  own.prefill_tokens = 2048 + 16;
  const double mean_s = tco::perf::step_time(r, mean).time_s;
  const double own_s = tco::perf::step_time(r, own).time_s;
  CHECK(point.tpot_s == Approx(mean_s));
  CHECK(point.ttft_s == Approx(0.5 * mean_s + own_s + 0.004));
  // The prompt's step is compute bound (2 x 7.5e9 x 2064 = 31 TFLOP against a ~15 GB weight
  // read): it takes many mean steps, which 1.5 mean steps (the mean-step estimate) misses.
  CHECK(own_s > 5 * mean_s);
}

TEST_CASE("engines that ignore sliding windows serve full attention", "[perf][memory]") {
  const auto& catalog = test_catalog();
  const auto& mistral = *catalog.find_model("mistral-7b");
  REQUIRE(mistral.sliding_window == 4096);
  const auto trtllm = tco::perf::as_served(mistral, *catalog.find_engine("trtllm"));
  const auto vllm = tco::perf::as_served(mistral, *catalog.find_engine("vllm"));
  CHECK(trtllm.sliding_window == 0);
  CHECK(trtllm.sliding_window_layers == 0);
  CHECK(vllm.sliding_window == 4096);
  // Full attention over 16k tokens reads four times the KV of a 4k window.
  auto r = replica("mistral-7b", "h100-sxm");
  const double windowed = tco::perf::step_time(r, decode(64, 16384)).memory_s;
  r.model = &trtllm;
  CHECK(tco::perf::step_time(r, decode(64, 16384)).memory_s > windowed);
}

TEST_CASE("the expert-GEMM scale slows MoE expert GEMMs only", "[perf][simulator]") {
  // mixtral-8x7b: of its ~12.9B active parameters per token, the two touched experts hold
  // ~11.3B (2 x 32 layers x 3 x 4096 x 14336), so a compute-bound prefill spends ~85 % of its
  // GEMM FLOPs in experts; halving their efficiency nearly doubles the step (1 + 0.85 = 1.85,
  // less the attention and overhead share).
  tco::perf::StepShape prefill;
  prefill.prefill_tokens = 8192;
  prefill.prefill_context = 4096;
  auto moe = replica("mixtral-8x7b", "h200-sxm");
  const double moe_full = tco::perf::step_time(moe, prefill).time_s;
  moe.timing.expert_gemm_scale = 0.5;
  const double moe_half = tco::perf::step_time(moe, prefill).time_s;
  CHECK(moe_half / moe_full > 1.5);
  CHECK(moe_half / moe_full < 1.85);

  auto dense = replica("llama-3.1-8b", "h200-sxm");
  const double dense_full = tco::perf::step_time(dense, prefill).time_s;
  dense.timing.expert_gemm_scale = 0.5;
  CHECK(tco::perf::step_time(dense, prefill).time_s == dense_full);
}

TEST_CASE("the search under the targets finds the largest concurrency that meets them",
          "[perf][serving]") {
  // Against a scan of every concurrency from 1 to the KV limit, for dense, tensor-parallel and
  // MoE replicas and targets from tight to loose (TTFT only, TPOT only, both).
  struct Case {
    tco::perf::Replica replica;
    tco::perf::Traffic traffic;
  };
  const std::vector<Case> cases{
      {replica("llama-3.1-8b", "h100-sxm"), {1500, 300}},
      {replica("llama-3.1-70b", "h100-sxm", 4, "vllm", Dtype::kFp8), {2048, 128}},
      {replica("mixtral-8x7b", "h100-sxm", 2), {512, 512}},
  };
  const std::vector<tco::perf::LatencyTargetsSi> targets{
      {0.3, 0.015}, {1.0, 0.03}, {2.0, 0.06}, {std::nullopt, 0.025}, {0.5, std::nullopt},
      {60.0, 1.0}};
  for (const auto& c : cases) {
    const long long limit = tco::perf::max_concurrency(c.replica, c.traffic);
    REQUIRE(limit > 1);
    for (const auto& target : targets) {
      long long best = 0;
      for (long long concurrency = 1; concurrency <= limit; ++concurrency) {
        const auto point =
            tco::perf::serve_concurrency(c.replica, c.traffic, static_cast<double>(concurrency));
        if ((!target.ttft_s || point.ttft_s <= *target.ttft_s) &&
            (!target.tpot_s || point.tpot_s <= *target.tpot_s)) {
          best = concurrency;
        }
      }
      const auto found = tco::perf::best_under_targets(c.replica, c.traffic, target);
      CAPTURE(c.replica.model->id, target.ttft_s.value_or(-1), target.tpot_s.value_or(-1), limit);
      if (best == 0) {
        CHECK_FALSE(found);
      } else {
        REQUIRE(found);
        CHECK(static_cast<long long>(found->concurrency) == best);
      }
    }
  }
}

TEST_CASE("engines that accumulate fp16 in fp16 get the consumer chips' doubled fp16 rate",
          "[perf][simulator]") {
  // RTX 4090, Ada whitepaper appendix A: FP16 tensor with FP16 accumulate 330.3 TFLOPS, with
  // FP32 accumulate (and BF16) 165.2; on an H100 both accumulations run at the same rate.
  const auto& catalog = test_catalog();
  const auto& rtx4090 = *catalog.find_gpu("rtx-4090");
  const auto& h100 = *catalog.find_gpu("h100-sxm");
  CHECK(tco::perf::peak_flops(rtx4090, Dtype::kFp16) == Approx(165.2e12));
  CHECK(tco::perf::peak_flops(rtx4090, Dtype::kFp16, true) == Approx(330.3e12));
  CHECK(tco::perf::peak_flops(h100, Dtype::kFp16, true) ==
        Approx(tco::perf::peak_flops(h100, Dtype::kFp16)));
  CHECK(tco::perf::peak_flops(rtx4090, Dtype::kBf16, true) == Approx(165.2e12));
  // llama.cpp says so in its catalog entry (cublasGemmEx with CUBLAS_COMPUTE_16F).
  CHECK(catalog.find_engine("llamacpp")->fp16_accumulate);
  CHECK_FALSE(catalog.find_engine("vllm")->fp16_accumulate);
}

TEST_CASE("llama.cpp prefill dequantises GGUF weights to fp16; decode keeps the packed kernels",
          "[perf][simulator]") {
  // llama.cpp (builds up to mid-2024) hands GEMMs of more than 32 tokens to cuBLAS: each q4_0
  // weight matrix is first expanded into an fp16 copy (read 4.5 bits, write 16 per value), then
  // multiplied like fp16 weights. So a 512-token prefill (one physical batch) of q4_0 weights
  // takes the fp16 step plus that pass, less the LM head's cheaper read (the one sampled
  // token's LM head is a 1-row GEMM, dequantised in neither: read at 4.5 vs 16 bits):
  //   linear weights 218,103,808 x 32 = 6,979,321,856 values x (4.5 / 8 + 2) B = 17.8845 GB
  //   LM head 128,256 x 4,096 = 525,336,576 values x (2 - 4.5 / 8) B        =  0.7552 GB less
  // at the 4090's 1.008 TB/s x its measured streaming utilisation (one point, held).
  tco::perf::StepShape prefill;
  prefill.prefill_tokens = 512;
  prefill.prefill_context = 256;
  const auto packed = replica("llama-3.1-8b", "rtx-4090", 1, "llamacpp", Dtype::kQ4_0);
  const auto fp16 = replica("llama-3.1-8b", "rtx-4090", 1, "llamacpp", Dtype::kFp16);
  REQUIRE(packed.engine->dequantize_to_fp16_above_tokens == 32);
  const double extra_bytes = 6979321856.0 * (4.5 / 8 + 2) - 525336576.0 * (2 - 4.5 / 8);
  const double bandwidth = 1.008e12 * packed.profile->memory_utilisation(1e9);
  CHECK(tco::perf::step_time(packed, prefill).time_s -
            tco::perf::step_time(fp16, prefill).time_s ==
        Approx(extra_bytes / bandwidth).epsilon(1e-6));

  // 32 tokens or fewer (decode) stay on the quantised kernels: the same step as an engine that
  // never dequantises.
  auto never = *packed.engine;
  never.dequantize_to_fp16_above_tokens = 0;
  auto packed_never = packed;
  packed_never.engine = &never;
  for (double batch : {1.0, 32.0}) {
    CHECK(tco::perf::step_time(packed, decode(batch, 512)).time_s ==
          tco::perf::step_time(packed_never, decode(batch, 512)).time_s);
  }
  CHECK(tco::perf::step_time(packed, prefill).time_s !=
        tco::perf::step_time(packed_never, prefill).time_s);
}

TEST_CASE("MoE experts dequantise on their own rows, not the step's", "[perf][simulator]") {
  // mixtral-8x7b top-2 of 8: 120 tokens give each expert 120 x 2 / 8 = 30 rows, still the
  // packed kernels (llama.cpp runs one GEMM per expert); 136 tokens give 34 rows, over the
  // threshold of 32, and every expert's q4_0 weights are expanded to fp16:
  //   8 experts x 32 layers x 3 x 4096 x 14336 values x (4.5 / 8 + 2) B = 115.6 GB.
  // The attention projections (more than 32 rows each) dequantise at all three sizes.
  const auto r = replica("mixtral-8x7b", "rtx-4090", 1, "llamacpp", Dtype::kQ4_0);
  auto prefill = [&](double tokens) {
    tco::perf::StepShape shape;
    shape.prefill_tokens = tokens;
    shape.prefill_context = tokens / 2;
    return tco::perf::step_time(r, shape).time_s;
  };
  const double expert_pass_s = 8.0 * 32 * 3 * 4096 * 14336 * (4.5 / 8 + 2) /
                               (1.008e12 * r.profile->memory_utilisation(1e9));
  CHECK(prefill(136) - prefill(120) > expert_pass_s);
  CHECK(prefill(120) - prefill(96) < 0.1 * expert_pass_s);
}

TEST_CASE("llama.cpp runs a long step in 512-token physical batches", "[perf][simulator]") {
  // A 2048-token q4_0 prefill is four graph runs of 512 tokens (n_ubatch), each expanding every
  // linear weight to fp16 again: three passes more than one 2048-token batch would pay
  // (6,979,321,856 values x 2.5625 B each), and at most three more reads of the fp16 copies.
  const auto r = replica("llama-3.1-8b", "rtx-4090", 1, "llamacpp", Dtype::kQ4_0);
  auto one_batch = *r.engine;
  one_batch.physical_batch_tokens = 0;
  auto r_one = r;
  r_one.engine = &one_batch;
  tco::perf::StepShape prefill;
  prefill.prefill_tokens = 2048;
  prefill.prefill_context = 1024;
  const double bandwidth = 1.008e12 * r.profile->memory_utilisation(1e9);
  const double pass_s = 6979321856.0 * (4.5 / 8 + 2) / bandwidth;
  const double extra =
      tco::perf::step_time(r, prefill).time_s - tco::perf::step_time(r_one, prefill).time_s;
  CHECK(extra > 3 * pass_s);
  CHECK(extra < 3 * pass_s + 3 * 6979321856.0 * 2 / bandwidth);
}

TEST_CASE("fp16 accumulation halves a compute-bound fp16 GEMM's time on a GeForce card",
          "[perf][simulator]") {
  // 2048 prompt tokens with no context before them (no attention FLOPs): the step's compute is
  // its GEMMs (four 512-row batches), compute-bound at 165 TFLOP/s and, all but a GEMM near
  // the ridge, at 330.
  const auto r = replica("llama-3.1-8b", "rtx-4090", 1, "llamacpp", Dtype::kFp16);
  auto fp32_accumulate = *r.engine;
  fp32_accumulate.fp16_accumulate = false;
  auto r32 = r;
  r32.engine = &fp32_accumulate;
  tco::perf::StepShape prefill;
  prefill.prefill_tokens = 2048;
  const auto fast = tco::perf::step_time(r, prefill);
  const auto slow = tco::perf::step_time(r32, prefill);
  REQUIRE(slow.bound == tco::perf::Bound::kCompute);
  CHECK(fast.compute_s == Approx(slow.compute_s / 2).epsilon(1e-3));
}

TEST_CASE("llama.cpp's mean step averages the prompt steps and the decode-only steps",
          "[perf][serving]") {
  // 4 slots, 1600-token prompts, 200 outputs: a prompt fits one step (2048 - 4 tokens free),
  // so 4 / 200 of the steps carry a prompt (four 512-token batches, each dequantising the q4_0
  // weights) and the rest decode 4 tokens on the packed kernels. One mean step of 4 + 32
  // tokens would dequantise in every step and cut throughput about fourfold.
  const auto r = replica("llama-3.1-8b", "rtx-4090", 1, "llamacpp", Dtype::kQ4_0);
  tco::perf::Traffic traffic;
  traffic.input_tokens = 1600;
  traffic.output_tokens = 200;
  const auto point = tco::perf::serve_concurrency(r, traffic, 4);
  auto with_prompt = decode(4, 1700);
  with_prompt.prefill_tokens = 1600;
  with_prompt.prefill_context = 800;
  const double expected = 0.02 * tco::perf::step_time(r, with_prompt).time_s +
                          0.98 * tco::perf::step_time(r, decode(4, 1700)).time_s;
  CHECK(point.tpot_s == Approx(expected).epsilon(1e-9));
  // No cliff where the mean step crosses 32 tokens (4 + 4 x 1400 / 200 = 32).
  traffic.input_tokens = 1400;
  const auto shorter = tco::perf::serve_concurrency(r, traffic, 4);
  CHECK(point.output_tokens_per_s > 0.9 * shorter.output_tokens_per_s);
}
