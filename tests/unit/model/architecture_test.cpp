// Parameter counts, weight bytes and KV-cache bytes from the architecture, checked against the
// published counts of every catalog model and against hand-computed cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "../test_catalog.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/model/architecture.hpp"

using tco::catalog::Dtype;
using tco::catalog::Model;
namespace model = tco::model;

namespace {

const Model& catalog_model(std::string_view id) {
  const Model* found = test_catalog().find_model(id);
  INFO("model " << id);
  REQUIRE(found != nullptr);
  return *found;
}

double weight_bytes(const Model& m, Dtype weight, Dtype expert) {
  const auto& catalog = test_catalog();
  return model::weight_bytes(model::count_parameters(m), catalog.dtype(weight),
                             catalog.dtype(expert), catalog.dtype(Dtype::kBf16));
}

constexpr double kBf16Bits = 16.0;
constexpr double kFp8Bits = 8.0;

}  // namespace

TEST_CASE("every catalog model: parameters from the architecture within 2 % of the published "
          "count", "[model][catalog]") {
  const auto& models = test_catalog().models;
  REQUIRE(models.size() >= 22);  // every id of design.md
  for (const auto& m : models) {
    const double computed = model::count_parameters(m).total();
    const double error = (computed - m.published_total_params) / m.published_total_params;
    INFO(m.id << ": computed " << computed / 1e9 << "B, published "
              << m.published_total_params / 1e9 << "B, error " << error * 100 << " %");
    REQUIRE(m.published_total_params > 0);
    CHECK(std::abs(error) <= 0.02);
  }
}

TEST_CASE("every MoE catalog model: active parameters within 3 % of the published count",
          "[model][catalog]") {
  // Publishers differ on whether the input embedding (a lookup, no FLOPs) counts as active:
  // Mistral, Qwen, DeepSeek and Meta count it, OpenAI's gpt-oss card does not (Table 1 of
  // arXiv 2508.10925: 3.61B = MLP + attention + unembedding). Accept either convention.
  for (const auto& m : test_catalog().models) {
    if (!m.moe) continue;
    REQUIRE(m.published_active_params > 0);
    const auto counts = model::count_parameters(m);
    const double with_embedding = counts.active(m);
    const double without_embedding = with_embedding - counts.embedding;
    const double published = m.published_active_params;
    const double error = std::min(std::abs(with_embedding / published - 1.0),
                                  std::abs(without_embedding / published - 1.0));
    INFO(m.id << ": computed active " << with_embedding / 1e9 << "B (" << without_embedding / 1e9
              << "B without the embedding), published " << published / 1e9 << "B");
    CHECK(error <= 0.03);
  }
}

TEST_CASE("llama-3.1-70b: parameter count by hand", "[model]") {
  const auto counts = model::count_parameters(catalog_model("llama-3.1-70b"));
  // 80 layers, hidden 8192, 64 query heads, 8 KV heads of 128, FFN 28672 (SwiGLU), vocab 128256.
  CHECK(counts.embedding == 128256.0 * 8192);  // 1,050,673,152
  CHECK(counts.lm_head == 128256.0 * 8192);    // untied
  // per layer: q 8192x8192 + k,v 2 x 8192x1024 + o 8192x8192 = 150,994,944
  CHECK(counts.attention == 80 * 150'994'944.0);  // 12,079,595,520
  // per layer: gate, up, down 3 x 8192 x 28672 = 704,643,072
  CHECK(counts.dense_ffn == 80 * 704'643'072.0);  // 56,371,445,760
  CHECK(counts.norms == 8192.0 * (2 * 80 + 1));   // 1,318,912
  CHECK(counts.routed_experts == 0);
  CHECK(counts.moe_layers == 0);
  // = 70,553,706,496, the safetensors total of meta-llama/Llama-3.1-70B exactly.
  CHECK(counts.total() == 70'553'706'496.0);
  CHECK(counts.active(catalog_model("llama-3.1-70b")) == counts.total());
}

TEST_CASE("gpt-oss-20b: parameter count by hand (biases, sinks, router bias)", "[model]") {
  const auto& m = catalog_model("gpt-oss-20b");
  const auto counts = model::count_parameters(m);
  // hidden 2880, 64 heads x 64, 8 KV heads, vocab 201088, 24 layers, 32 experts of 2880 (top-4).
  CHECK(counts.embedding == 201088.0 * 2880);  // 579,133,440
  // per layer: qkv 2880 x (4096 + 2 x 512) = 14,745,600; o 4096 x 2880 = 11,796,480;
  // qkv bias 5120; o bias 2880; sinks 64 -> 26,550,144
  CHECK(counts.attention == 24 * 26'550'144.0);
  // one expert: 3 x 2880 x 2880 + biases (2 x 2880 + 2880) = 24,891,840; x 32 x 24 layers
  CHECK(counts.routed_experts == 24 * 32 * 24'891'840.0);  // 19,116,933,120
  CHECK(counts.router == 24 * (2880.0 * 32 + 32));          // 2,212,608
  CHECK(counts.moe_layers == 24);
  // total 20,914,757,184 (published 20.91B)
  CHECK(counts.total() == 20'914'757'184.0);
  // active: all but 28 of 32 experts: 20,914,757,184 - 19,116,933,120 x 28/32 = 4,187,440,704;
  // without the 579,133,440 embedding 3,608,307,264 = the model card's 3.61B.
  CHECK(counts.active(m) == Approx(4'187'440'704.0));
  CHECK(counts.active(m) - counts.embedding == Approx(3'608'307'264.0));
}

TEST_CASE("MoE layer placement: first dense layers and interleave", "[model]") {
  const auto& deepseek = catalog_model("deepseek-v3");  // first_k_dense_replace 3
  CHECK_FALSE(model::is_moe_layer(deepseek, 0));
  CHECK_FALSE(model::is_moe_layer(deepseek, 2));
  CHECK(model::is_moe_layer(deepseek, 3));
  CHECK(model::is_moe_layer(deepseek, 60));
  CHECK(model::count_parameters(deepseek).moe_layers == 58);

  const auto& maverick = catalog_model("llama-4-maverick");  // interleave 2: layers 1, 3, 5, ...
  CHECK_FALSE(model::is_moe_layer(maverick, 0));
  CHECK(model::is_moe_layer(maverick, 1));
  CHECK_FALSE(model::is_moe_layer(maverick, 46));
  CHECK(model::is_moe_layer(maverick, 47));
  CHECK(model::count_parameters(maverick).moe_layers == 24);

  CHECK_FALSE(model::is_moe_layer(catalog_model("llama-3.1-8b"), 0));
  CHECK(model::moe_layer_count(catalog_model("llama-3.1-8b")) == 0);

  // The closed-form count equals the layer-by-layer one, also for a first-dense count that is
  // not a multiple of the interleave (3 dense, then every 2nd: layers 3, 5, ..., 9 of 10).
  tco::catalog::Model odd = maverick;
  odd.num_layers = 10;
  odd.moe->first_dense_layers = 3;
  odd.moe->layer_interleave = 2;
  for (const Model* m : std::vector<const Model*>{&deepseek, &maverick, &odd}) {
    int by_layer = 0;
    for (int layer = 0; layer < m->num_layers; ++layer) by_layer += model::is_moe_layer(*m, layer);
    CHECK(model::moe_layer_count(*m) == by_layer);
  }
  CHECK(model::moe_layer_count(odd) == 4);
}

TEST_CASE("KV bytes per token, hand-computed", "[model]") {
  SECTION("llama-3.1-70b GQA, bf16: 80 layers x 2 (K,V) x 8 heads x 128 x 2 B = 327,680 B") {
    const auto& m = catalog_model("llama-3.1-70b");
    CHECK(model::kv_bytes_per_token_per_layer(m, kBf16Bits) == 2.0 * 8 * 128 * 2);  // 4,096
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 1) == 327'680.0);
    // 1,000 tokens: 327,680,000 B; fp8 halves it.
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 1000) == 327'680'000.0);
    CHECK(model::kv_bytes_per_sequence(m, kFp8Bits, 1000) == 163'840'000.0);
  }
  SECTION("llama-2-7b MHA, fp16: 32 layers x 2 x 32 heads x 128 x 2 B = 524,288 B") {
    const auto& m = catalog_model("llama-2-7b");
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 1) == 524'288.0);
  }
  SECTION("deepseek-v3 MLA: latent 512 + rope key 64 per layer, 61 x 576 x 2 B = 70,272 B") {
    const auto& m = catalog_model("deepseek-v3");
    CHECK(model::kv_bytes_per_token_per_layer(m, kBf16Bits) == 576.0 * 2);
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 1) == 70'272.0);
    // not 61 x 2 x 128 heads x 192 x 2 B as full multi-head KV would be
    CHECK(model::kv_bytes_per_sequence(m, kFp8Bits, 1000) == 35'136'000.0);
  }
  SECTION("gpt-oss-20b: 12 sliding layers keep at most 128 tokens, 12 full layers keep all") {
    const auto& m = catalog_model("gpt-oss-20b");
    // per layer per token: 2 x 8 heads x 64 x 2 B = 2,048 B
    CHECK(model::kv_bytes_per_token_per_layer(m, kBf16Bits) == 2048.0);
    // 100 tokens (< window): all 24 layers x 100 x 2,048 = 4,915,200
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 100) == 4'915'200.0);
    // 1,000 tokens: 12 x 1,000 x 2,048 + 12 x 128 x 2,048 = 24,576,000 + 3,145,728
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 1000) == 27'721'728.0);
  }
  SECTION("mistral-7b: window 4096 on all 32 layers") {
    const auto& m = catalog_model("mistral-7b");
    CHECK(m.sliding_window == 4096);
    CHECK(m.sliding_window_layers == 32);
    // per layer per token: 2 x 8 x 128 x 2 B = 4,096 B
    // 1,000 tokens: 32 x 1,000 x 4,096 = 131,072,000
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 1000) == 131'072'000.0);
    // 32,768 tokens: capped at the window, 32 x 4,096 x 4,096 = 536,870,912 (not 4,294,967,296)
    CHECK(model::kv_bytes_per_sequence(m, kBf16Bits, 32768) == 536'870'912.0);
  }
}

TEST_CASE("weight bytes: fp8 quantises the linear layers, embeddings and LM head stay 16-bit",
          "[model]") {
  const auto& m = catalog_model("llama-3.1-70b");
  // bf16: 2 B x 70,553,706,496 = 141,107,412,992 B (131.4 GiB)
  CHECK(weight_bytes(m, Dtype::kBf16, Dtype::kBf16) == 141'107'412'992.0);
  // fp8: linear layers (attention 12,079,595,520 + FFN 56,371,445,760 = 68,451,041,280) x 1 B
  //    + embedding, LM head and norms (2,102,665,216) x 2 B = 72,656,371,712 B
  CHECK(weight_bytes(m, Dtype::kFp8, Dtype::kFp8) == 72'656'371'712.0);
  // int4 (AWQ, 4.15625 bits incl. scales): 68,451,041,280 x 4.15625 / 8 + 4,205,330,432
  CHECK(weight_bytes(m, Dtype::kInt4, Dtype::kInt4) ==
        Approx(68'451'041'280.0 * 4.15625 / 8 + 4'205'330'432.0));
  // GGUF bits per weight already average over every tensor: q8_0 = 8.5 bits on everything.
  CHECK(weight_bytes(m, Dtype::kQ8_0, Dtype::kQ8_0) == Approx(70'553'706'496.0 * 8.5 / 8));
  // fp32 keeps everything at 32 bits.
  CHECK(weight_bytes(m, Dtype::kFp32, Dtype::kFp32) == 4.0 * 70'553'706'496.0);
}

TEST_CASE("weight bytes: gpt-oss MXFP4 experts", "[model]") {
  const auto& m = catalog_model("gpt-oss-20b");
  REQUIRE(m.native_expert_dtype == Dtype::kMxfp4);
  // attention 637,203,456 x 2 B = 1,274,406,912
  // experts 19,116,933,120 x 4.25 / 8 = 10,155,870,720
  // embedding + LM head + norms + router 1,160,620,608 x 2 B = 2,321,241,216
  // total 13,751,518,848 B (12.8 GiB; the published checkpoint is ~13.8 GB)
  CHECK(weight_bytes(m, Dtype::kBf16, Dtype::kMxfp4) == 13'751'518'848.0);
  // Everything in bf16 instead: 2 x 20,914,757,184
  CHECK(weight_bytes(m, Dtype::kBf16, Dtype::kBf16) == 41'829'514'368.0);
}
