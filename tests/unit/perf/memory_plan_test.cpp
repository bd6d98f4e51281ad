// Per-GPU memory plan against hand-computed cases (issue 2, "done when"): Llama-3.1-70B in bf16
// does not fit one 80 GB GPU and does fit two with tp 2 at short context; quantised weights,
// MoE, MLA, KV-head replication and the two ways engines size their memory fraction.
//
// Figures used below (from data/):
//   h100-sxm memory 81559 MiB = 85,520,809,984 B; h200-sxm 143771 MiB = 150,754,820,096 B
//   vllm: memory fraction 0.92 of the total, runtime overhead 3.5 GiB = 3,758,096,384 B,
//         max_batch 1024, max_tokens_per_step 8192
//   trtllm: 0.9 of the memory free after weights, overhead 3.5 GiB, max_batch 2048, 8192 tokens
// Activation workspace = 8192 tokens x (2 x hidden + widest tp-sharded tensor) x 2 B
//                        + max_batch x vocab / tp x 4 B (fp32 logits).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "../test_catalog.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/model/architecture.hpp"
#include "tco/perf/memory_plan.hpp"
#include "tco/units/units.hpp"

using tco::catalog::Dtype;
using tco::perf::MemoryPlan;
using tco::perf::MemoryPlanInput;

namespace {

struct Case {
  const char* model;
  const char* gpu;
  const char* engine = "vllm";
  Dtype weights = Dtype::kBf16;
  Dtype kv = Dtype::kBf16;
  int tp = 1;
  int pp = 1;
  double context = 1000;
};

MemoryPlan plan(const Case& c) {
  const auto& catalog = test_catalog();
  const auto* model = catalog.find_model(c.model);
  const auto* gpu = catalog.find_gpu(c.gpu);
  const auto* engine = catalog.find_engine(c.engine);
  REQUIRE(model != nullptr);
  REQUIRE(gpu != nullptr);
  REQUIRE(engine != nullptr);
  MemoryPlanInput input;
  input.model = model;
  input.gpu = gpu;
  input.engine = engine;
  input.weight_dtype = &catalog.dtype(c.weights);
  input.expert_dtype = &catalog.dtype(tco::perf::expert_dtype_for(*model, catalog, c.weights));
  input.kv_dtype = &catalog.dtype(c.kv);
  input.sixteen_bit = &catalog.dtype(Dtype::kBf16);
  input.parallelism = {c.tp, c.pp, 1};
  input.context_tokens = c.context;
  return tco::perf::plan_memory(input);
}

// Byte figures are checked to 1e-9 relative (Catch's default Approx allows ~1e-5, i.e. ~1 MB).
Approx close_to(double bytes) { return Approx(bytes).epsilon(1e-9); }

constexpr double kH100 = 81559.0 * 1024 * 1024;   // 85,520,809,984 B
constexpr double kH200 = 143771.0 * 1024 * 1024;  // 150,754,820,096 B
constexpr double kOverhead = 3.5 * 1024 * 1024 * 1024;  // 3,758,096,384 B

}  // namespace

TEST_CASE("llama-3.1-70b bf16 does not fit one h100-sxm", "[perf][memory]") {
  const auto p = plan({.model = "llama-3.1-70b", .gpu = "h100-sxm"});
  CHECK(p.capacity_bytes == kH100);
  CHECK(p.usable_bytes == close_to(0.92 * kH100));  // 78,679,145,185 B = 73.3 GiB
  // 2 B x 70,553,706,496 parameters = 141,107,412,992 B = 131.4 GiB
  CHECK(p.weights_bytes == 141'107'412'992.0);
  CHECK_FALSE(p.fits);
  CHECK(p.max_sequences == 0);
  CHECK(p.kv_budget_bytes < 0);
  CHECK(p.verdict == "weights alone (131.4 GiB) exceed the usable 73.3 GiB");
}

TEST_CASE("llama-3.1-70b bf16 fits two h100-sxm with tp 2 at 1k tokens", "[perf][memory]") {
  const auto p = plan({.model = "llama-3.1-70b", .gpu = "h100-sxm", .tp = 2});
  // weights: 141,107,412,992 / 2 = 70,553,706,496 B (65.7 GiB)
  CHECK(p.weights_bytes == 70'553'706'496.0);
  // activation: widest = max(qkv (64 + 2 x 8) x 128 = 10,240, FFN 3 x 28,672 = 86,016) / 2
  //   = 43,008; 8192 x (2 x 8192 + 43,008) x 2 B = 973,078,528
  //   + logits 1024 x 128,256 / 2 x 4 B = 262,668,288  -> 1,235,746,816 B
  CHECK(p.activation_bytes == 1'235'746'816.0);
  CHECK(p.runtime_overhead_bytes == kOverhead);
  // KV budget: 0.92 x 85,520,809,984 - (70,553,706,496 + 1,235,746,816 + 3,758,096,384)
  //   = 78,679,145,185.28 - 75,547,549,696 = 3,131,595,489.28 B (2.9 GiB)
  CHECK(p.kv_budget_bytes == close_to(3'131'595'489.28));
  // KV per token and GPU: 8 KV heads over tp 2 -> 4 per GPU: 80 x 2 x 4 x 128 x 2 B = 163,840 B
  CHECK(p.kv_bytes_per_token == 163'840.0);
  CHECK(p.kv_bytes_per_sequence == 163'840'000.0);
  // 3,131,595,489 / 163,840,000 = 19.1 -> 19 sequences; / 163,840 = 19,113 tokens
  CHECK(p.max_sequences == 19);
  CHECK(p.max_kv_tokens == 19'113);
  CHECK(p.fits);
  CHECK(p.verdict == "fits: KV budget 2.9 GiB holds 19 sequences of 1000 tokens");
}

TEST_CASE("llama-3.1-70b bf16 on two h100-sxm does not fit a 32k context", "[perf][memory]") {
  // One 32,768-token sequence needs 32,768 x 163,840 B = 5,368,709,120 B (5.0 GiB) > 2.9 GiB.
  const auto p = plan({.model = "llama-3.1-70b", .gpu = "h100-sxm", .tp = 2, .context = 32768});
  CHECK(p.kv_bytes_per_sequence == 5'368'709'120.0);
  CHECK_FALSE(p.fits);
  CHECK(p.verdict == "KV budget 2.9 GiB is below one 32768-token context (5.0 GiB)");
}

TEST_CASE("llama-3.1-70b fp8 fits one h200-sxm", "[perf][memory]") {
  const auto p =
      plan({.model = "llama-3.1-70b", .gpu = "h200-sxm", .weights = Dtype::kFp8, .kv = Dtype::kFp8});
  // fp8: linear layers 68,451,041,280 x 1 B + embedding/LM head/norms 2,102,665,216 x 2 B
  CHECK(p.weights_bytes == 72'656'371'712.0);
  // activation at tp 1: 8192 x (16,384 + 86,016) x 2 + 1024 x 128,256 x 4 = 2,203,058,176
  CHECK(p.activation_bytes == 2'203'058'176.0);
  // budget: 0.92 x 150,754,820,096 - (72,656,371,712 + 2,203,058,176 + 3,758,096,384)
  //   = 138,694,434,488.32 - 78,617,526,272 = 60,076,908,216.32 B
  CHECK(p.kv_budget_bytes == close_to(60'076'908'216.32));
  // fp8 KV: 80 x 2 x 8 x 128 x 1 B = 163,840 B per token; 1000 tokens -> 366 sequences
  CHECK(p.kv_bytes_per_token == 163'840.0);
  CHECK(p.max_sequences == 366);
  CHECK(p.fits);
}

TEST_CASE("pipeline parallel splits weights and KV layers", "[perf][memory]") {
  const auto tp2 = plan({.model = "llama-3.1-70b", .gpu = "h100-sxm", .tp = 2});
  const auto pp2 = plan({.model = "llama-3.1-70b", .gpu = "h100-sxm", .pp = 2});
  // Same 2 GPUs: weights per GPU are the same half, KV per token is halved either way
  // (tp 2: half the heads of every layer; pp 2: every head of half the layers).
  CHECK(pp2.weights_bytes == tp2.weights_bytes);
  CHECK(pp2.kv_bytes_per_token == 163'840.0);
  // ...but pp does not shard the activations: 8192 x (16,384 + 86,016) x 2 + 1024 x 128,256 x 4
  CHECK(pp2.activation_bytes == 2'203'058'176.0);
}

TEST_CASE("MoE: mixtral-8x7b bf16 on two h100-sxm", "[perf][memory]") {
  const auto p = plan({.model = "mixtral-8x7b", .gpu = "h100-sxm", .tp = 2});
  // parameters: embedding + LM head 2 x 32,000 x 4096 = 262,144,000
  //   attention 32 x (4096 x 6144 + 4096 x 4096) = 1,342,177,280
  //   experts 32 layers x 8 x 3 x 4096 x 14,336 = 45,097,156,608
  //   router 32 x 4096 x 8 = 1,048,576; norms 4096 x 65 = 266,240
  //   total 46,702,792,704 -> bf16 93,405,585,408 B, / 2 GPUs = 46,702,792,704 B (43.5 GiB)
  CHECK(p.weights_bytes == 46'702'792'704.0);
  // activation: FFN of top-2 experts 3 x 2 x 14,336 = 86,016 / 2 = 43,008;
  //   8192 x (8192 + 43,008) x 2 = 838,860,800 + logits 1024 x 16,000 x 4 = 65,536,000
  CHECK(p.activation_bytes == 904'396'800.0);
  // KV: 32 layers x 2 x 4 heads x 128 x 2 B = 65,536 B per token and GPU
  CHECK(p.kv_bytes_per_token == 65'536.0);
  CHECK(p.fits);
  // ...and not on one: 93,405,585,408 B > 0.92 x 85,520,809,984 B
  CHECK_FALSE(plan({.model = "mixtral-8x7b", .gpu = "h100-sxm"}).fits);
}

TEST_CASE("MoE: qwen3-30b-a3b, and KV heads replicated when tp > num_kv_heads",
          "[perf][memory]") {
  // 4 KV heads; 48 layers x 2 x 4 x 128 x 2 B = 98,304 B per token on one GPU
  const auto tp1 = plan({.model = "qwen3-30b-a3b", .gpu = "h100-sxm"});
  CHECK(tp1.kv_bytes_per_token == 98'304.0);
  // bf16 weights: 2 x 30,532,122,624 parameters on one 80 GB GPU
  CHECK(tp1.weights_bytes ==
        2.0 * tco::model::count_parameters(*test_catalog().find_model("qwen3-30b-a3b")).total());
  CHECK(tp1.fits);
  // tp 4: one head per GPU -> 48 x 2 x 1 x 128 x 2 B = 24,576 B
  CHECK(plan({.model = "qwen3-30b-a3b", .gpu = "h100-sxm", .tp = 4}).kv_bytes_per_token ==
        24'576.0);
  // tp 8: still one (replicated) head per GPU, not half a head: 24,576 B, not 12,288 B
  CHECK(plan({.model = "qwen3-30b-a3b", .gpu = "h100-sxm", .tp = 8}).kv_bytes_per_token ==
        24'576.0);
  // llama-3.1-70b has 8 KV heads: tp 16 keeps one per GPU, 80 x 2 x 1 x 128 x 2 B = 40,960 B
  CHECK(plan({.model = "llama-3.1-70b", .gpu = "h100-sxm", .tp = 16}).kv_bytes_per_token ==
        40'960.0);
}

TEST_CASE("MLA: deepseek-v3 fp8 on 8 x h200-sxm with tp 8", "[perf][memory]") {
  const auto p = plan({.model = "deepseek-v3",
                       .gpu = "h200-sxm",
                       .weights = Dtype::kFp8,
                       .kv = Dtype::kFp8,
                       .tp = 8});
  // parameters: attention 61 x 187,107,328 = 11,413,547,008; dense FFN 3 x 3 x 7168 x 18,432
  //   = 1,189,085,184; routed experts 58 x 256 x 3 x 7168 x 2048 = 653,908,770,816; shared
  //   58 x 44,040,192 = 2,554,331,136; embedding + LM head 2 x 129,280 x 7168 = 1,853,358,080;
  //   router 58 x 7168 x 256 = 106,430,464; norms 7168 x 123 = 881,664 (total 671,026,404,352)
  // fp8: (11,413,547,008 + 1,189,085,184 + 2,554,331,136 + 653,908,770,816) x 1 B
  //    + (1,853,358,080 + 106,430,464 + 881,664) x 2 B = 672,987,074,560 B; / 8 GPUs:
  CHECK(p.weights_bytes == 84'123'384'320.0);  // 78.3 GiB
  // The compressed latent (512) and RoPE key (64) are shared by all heads, so every tp rank
  // holds all of it: 61 x 576 x 1 B = 35,136 B per token per GPU (not / 8).
  CHECK(p.kv_bytes_per_token == 35'136.0);
  CHECK(p.kv_bytes_per_sequence == 35'136'000.0);
  // activation: widest = max(qkv 128 x 192 = 24,576, FFN 3 x 18,432 = 55,296) / 8 = 6,912;
  //   8192 x (14,336 + 6,912) x 2 = 348,127,232 + logits 1024 x 16,160 x 4 = 66,191,360
  CHECK(p.activation_bytes == 414'318'592.0);
  // budget 0.92 x 150,754,820,096 - (84,123,384,320 + 414,318,592 + 3,758,096,384)
  //   = 138,694,434,488.32 - 88,295,799,296 = 50,398,635,192.32 B
  CHECK(p.kv_budget_bytes == close_to(50'398'635'192.32));
  CHECK(p.max_sequences == 1434);  // 50,398,635,192 / 35,136,000 = 1434.4
  CHECK(p.fits);
  // In bf16 the same model does not fit: 2 x 671e9 B / 8 = 156 GiB per GPU.
  CHECK_FALSE(plan({.model = "deepseek-v3", .gpu = "h200-sxm", .tp = 8}).fits);
}

TEST_CASE("gpt-oss-20b keeps its MXFP4 experts even when bf16 is asked for", "[perf][memory]") {
  CHECK(tco::perf::expert_dtype_for(*test_catalog().find_model("gpt-oss-20b"), test_catalog(),
                                    Dtype::kBf16) == Dtype::kMxfp4);
  // A smaller requested format wins over the checkpoint's.
  CHECK(tco::perf::expert_dtype_for(*test_catalog().find_model("gpt-oss-20b"), test_catalog(),
                                    Dtype::kInt4) == Dtype::kInt4);
  // Models without a separate expert format use the requested one.
  CHECK(tco::perf::expert_dtype_for(*test_catalog().find_model("mixtral-8x7b"), test_catalog(),
                                    Dtype::kFp8) == Dtype::kFp8);
  const auto p = plan({.model = "gpt-oss-20b", .gpu = "h100-sxm"});
  CHECK(p.weights_bytes == 13'751'518'848.0);  // see architecture_test.cpp
  CHECK(p.fits);
}

TEST_CASE("trtllm takes its fraction of the memory free after weights, vllm of the total",
          "[perf][memory]") {
  const Case fp8_h200{.model = "llama-3.1-70b",
                      .gpu = "h200-sxm",
                      .weights = Dtype::kFp8,
                      .kv = Dtype::kFp8};
  Case trt = fp8_h200;
  trt.engine = "trtllm";
  const auto p = plan(trt);
  // trtllm: activation 8192 x 102,400 x 2 + 2048 x 128,256 x 4 = 2,728,394,752
  CHECK(p.activation_bytes == 2'728'394'752.0);
  // non-KV 72,656,371,712 + 2,728,394,752 + 3,758,096,384 = 79,142,862,848
  // budget 0.9 x (150,754,820,096 - 79,142,862,848) = 0.9 x 71,611,957,248 = 64,450,761,523.2
  CHECK(p.usable_bytes == kH200);
  CHECK(p.kv_budget_bytes == close_to(64'450'761'523.2));
  CHECK(p.fits);

  // Same engine figures, only the meaning of the fraction differs: the budgets differ by
  // (1 - f) x non-KV... written out: f x (C - N) versus f x C - N.
  auto engine = *test_catalog().find_engine("vllm");
  engine.memory_fraction = 0.9;
  auto engine_free = engine;
  engine_free.memory_fraction_of_free = true;
  const auto& catalog = test_catalog();
  MemoryPlanInput input;
  input.model = catalog.find_model("llama-3.1-70b");
  input.gpu = catalog.find_gpu("h200-sxm");
  input.weight_dtype = &catalog.dtype(Dtype::kFp8);
  input.expert_dtype = &catalog.dtype(Dtype::kFp8);
  input.kv_dtype = &catalog.dtype(Dtype::kFp8);
  input.sixteen_bit = &catalog.dtype(Dtype::kBf16);
  input.context_tokens = 1000;
  input.engine = &engine;
  const auto of_total = tco::perf::plan_memory(input);
  input.engine = &engine_free;
  const auto of_free = tco::perf::plan_memory(input);
  const double non_kv = 72'656'371'712.0 + 2'203'058'176.0 + kOverhead;  // 78,617,526,272
  CHECK(of_total.kv_budget_bytes == close_to(57'061'811'814.4));  // 0.9 x C - N
  CHECK(of_free.kv_budget_bytes == close_to(64'923'564'441.6));   // 0.9 x (C - N)
  CHECK(of_free.kv_budget_bytes - of_total.kv_budget_bytes == close_to(0.1 * non_kv));
}

TEST_CASE("trtllm: weights larger than the GPU leave a negative budget, not a positive one",
          "[perf][memory]") {
  Case c{.model = "llama-3.1-70b", .gpu = "h100-sxm", .engine = "trtllm"};
  const auto p = plan(c);
  // 0.9 x (C - N) would be negative too, but smaller in magnitude; the plan reports C - N.
  const double non_kv = p.weights_bytes + p.activation_bytes + p.runtime_overhead_bytes;
  CHECK(p.kv_budget_bytes == close_to(kH100 - non_kv));
  CHECK_FALSE(p.fits);
  CHECK(p.verdict == "weights alone (131.4 GiB) exceed the usable 79.6 GiB");
}

TEST_CASE("memory plan invariants over the catalog", "[perf][memory]") {
  // Every model on 8 x h200-sxm in fp8: outputs finite, more GPUs never hold fewer sequences.
  for (const auto& m : test_catalog().models) {
    INFO(m.id);
    long long previous = -1;
    for (const int tp : {1, 2, 4, 8}) {
      if (m.num_attention_heads % tp != 0) continue;
      const auto p = plan({.model = m.id.c_str(),
                           .gpu = "h200-sxm",
                           .weights = Dtype::kFp8,
                           .kv = Dtype::kFp8,
                           .tp = tp,
                           .context = 4096});
      CHECK(std::isfinite(p.kv_budget_bytes));
      CHECK(p.weights_bytes > 0);
      CHECK(p.kv_bytes_per_sequence > 0);
      CHECK(p.max_sequences >= previous);
      CHECK(p.fits == (p.max_sequences >= 1));
      previous = p.max_sequences;
    }
  }
}
