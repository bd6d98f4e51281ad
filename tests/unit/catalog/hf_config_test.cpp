// Hugging Face config.json: each fixture (a shortened copy of the published file) gives the same
// architecture as the catalog entry with the same id; broken files give exact, located errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "../test_catalog.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/model/architecture.hpp"

using tco::catalog::AttentionKind;
using tco::catalog::Dtype;
using tco::catalog::LocalAttentionKind;
using tco::catalog::Model;
namespace fs = std::filesystem;

namespace {

const fs::path kDataDir = TCO_TEST_DATA_DIR;

Model load_fixture(const std::string& id) {
  tco::config::Diagnostics diagnostics;
  Model model =
      tco::catalog::model_from_hf_config(kDataDir / "hf" / (id + ".config.json"), diagnostics);
  INFO(diagnostics.format());
  REQUIRE_FALSE(diagnostics.has_errors());
  return model;
}

/// Errors of a broken fixture under tests/data/invalid/, with the absolute data directory
/// replaced by `tests/data` (the path the CLI tests use).
std::string errors_of(const std::string& name) {
  tco::config::Diagnostics diagnostics;
  (void)tco::catalog::model_from_hf_config(kDataDir / "invalid" / name, diagnostics);
  std::string text = diagnostics.format();
  const std::string absolute = kDataDir.string() + "/";
  for (auto pos = text.find(absolute); pos != std::string::npos; pos = text.find(absolute)) {
    text.replace(pos, absolute.size(), "tests/data/");
  }
  return text;
}

double kv_per_token(const Model& m) {
  return tco::model::kv_bytes_per_token_per_layer(m, 16) * m.num_layers;
}

}  // namespace

TEST_CASE("every config.json fixture matches its catalog entry", "[catalog][hf]") {
  int fixtures = 0;
  for (const auto& entry : fs::directory_iterator(kDataDir / "hf")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".config.json")) continue;
    ++fixtures;
    const std::string id = name.substr(0, name.size() - std::string(".config.json").size());
    INFO("fixture " << name);
    const Model hf = load_fixture(id);
    const Model* known = test_catalog().find_model(id);
    REQUIRE(known != nullptr);
    CHECK(hf.id == id);
    CHECK(hf.num_layers == known->num_layers);
    CHECK(hf.hidden_size == known->hidden_size);
    CHECK(hf.num_attention_heads == known->num_attention_heads);
    CHECK(hf.num_kv_heads == known->num_kv_heads);
    CHECK(hf.head_dim == known->head_dim);
    CHECK(hf.intermediate_size == known->intermediate_size);
    CHECK(hf.vocab_size == known->vocab_size);
    CHECK(hf.tie_word_embeddings == known->tie_word_embeddings);
    CHECK(hf.activation == known->activation);
    CHECK(hf.attention == known->attention);
    CHECK(hf.qkv_bias == known->qkv_bias);
    CHECK(hf.o_bias == known->o_bias);
    CHECK(hf.mlp_bias == known->mlp_bias);
    CHECK(hf.attention_sinks == known->attention_sinks);
    CHECK(hf.sliding_window == known->sliding_window);
    CHECK(hf.sliding_window_layers == known->sliding_window_layers);
    if (known->sliding_window > 0) CHECK(hf.sliding_window_kind == known->sliding_window_kind);
    CHECK(hf.max_context == known->max_context);
    CHECK(hf.native_weight_dtype == known->native_weight_dtype);
    CHECK(hf.native_expert_dtype == known->native_expert_dtype);
    REQUIRE(hf.moe.has_value() == known->moe.has_value());
    if (known->moe) {
      CHECK(hf.moe->num_experts == known->moe->num_experts);
      CHECK(hf.moe->top_k == known->moe->top_k);
      CHECK(hf.moe->shared_experts == known->moe->shared_experts);
      CHECK(hf.moe->expert_intermediate_size == known->moe->expert_intermediate_size);
      CHECK(hf.moe->first_dense_layers == known->moe->first_dense_layers);
      CHECK(hf.moe->layer_interleave == known->moe->layer_interleave);
      CHECK(hf.moe->router_bias == known->moe->router_bias);
    }
    REQUIRE(hf.mla.has_value() == known->mla.has_value());
    if (known->mla) {
      CHECK(hf.mla->q_lora_rank == known->mla->q_lora_rank);
      CHECK(hf.mla->kv_lora_rank == known->mla->kv_lora_rank);
      CHECK(hf.mla->qk_nope_head_dim == known->mla->qk_nope_head_dim);
      CHECK(hf.mla->qk_rope_head_dim == known->mla->qk_rope_head_dim);
      CHECK(hf.mla->v_head_dim == known->mla->v_head_dim);
    }
    const double hf_params = tco::model::count_parameters(hf).total();
    const double catalog_params = tco::model::count_parameters(*known).total();
    CHECK(hf_params == Approx(catalog_params).epsilon(0.005));
    CHECK(kv_per_token(hf) == kv_per_token(*known));
  }
  CHECK(fixtures == 7);
}

TEST_CASE("config.json quirks, spelled out", "[catalog][hf]") {
  SECTION("llama-3.1-8b: no head_dim key, derived as 4096 / 32 = 128") {
    const Model m = load_fixture("llama-3.1-8b");
    CHECK(m.head_dim == 128);
    CHECK(m.attention == AttentionKind::kGqa);
    CHECK_FALSE(m.moe.has_value());
    CHECK(m.intermediate_size == 14336);
    CHECK(m.sliding_window == 0);
  }
  SECTION("mistral-7b: a 4096 window on every layer") {
    const Model m = load_fixture("mistral-7b");
    CHECK(m.sliding_window == 4096);
    CHECK(m.sliding_window_layers == 32);
    CHECK(m.sliding_window_kind == LocalAttentionKind::kSliding);
  }
  SECTION("mixtral-8x7b: intermediate_size is the width of each of 8 experts; window null") {
    const Model m = load_fixture("mixtral-8x7b");
    REQUIRE(m.moe);
    CHECK(m.moe->num_experts == 8);
    CHECK(m.moe->top_k == 2);
    CHECK(m.moe->expert_intermediate_size == 14336);
    CHECK(m.intermediate_size == 0);
    CHECK(m.sliding_window == 0);
  }
  SECTION("deepseek-v3: MLA, 3 dense layers of 18432, 256 + 1 experts of 2048, fp8") {
    const Model m = load_fixture("deepseek-v3");
    CHECK(m.attention == AttentionKind::kMla);
    REQUIRE(m.mla);
    CHECK(m.mla->kv_lora_rank == 512);
    CHECK(m.mla->qk_rope_head_dim == 64);
    CHECK(m.head_dim == 0);
    REQUIRE(m.moe);
    CHECK(m.moe->first_dense_layers == 3);
    CHECK(m.intermediate_size == 18432);
    CHECK(m.moe->expert_intermediate_size == 2048);
    CHECK(m.moe->shared_experts == 1);
    CHECK(m.native_weight_dtype == Dtype::kFp8);
    // KV per token: 61 x (512 + 64) x 2 B = 70,272 B, not the nominal 128 KV heads.
    CHECK(kv_per_token(m) == 70'272.0);
  }
  SECTION("gpt-oss-20b: layer_types give 12 sliding layers of 128; MXFP4 experts") {
    const Model m = load_fixture("gpt-oss-20b");
    CHECK(m.sliding_window == 128);
    CHECK(m.sliding_window_layers == 12);
    CHECK(m.head_dim == 64);  // explicit, though 64 x 64 != 2880
    CHECK(m.attention_sinks);
    CHECK(m.qkv_bias);
    CHECK(m.o_bias);
    REQUIRE(m.moe);
    CHECK(m.moe->top_k == 4);
    CHECK(m.moe->router_bias);
    CHECK(m.native_weight_dtype == Dtype::kBf16);
    CHECK(m.native_expert_dtype == Dtype::kMxfp4);
  }
  SECTION("qwen3-30b-a3b: every layer MoE, the unused intermediate_size 6144 is ignored") {
    const Model m = load_fixture("qwen3-30b-a3b");
    REQUIRE(m.moe);
    CHECK(m.moe->num_experts == 128);
    CHECK(m.moe->top_k == 8);
    CHECK(m.moe->expert_intermediate_size == 768);
    CHECK(m.intermediate_size == 0);
    CHECK(m.head_dim == 128);  // explicit, though 2048 / 32 = 64
    CHECK(m.sliding_window == 0);  // use_sliding_window false
  }
  SECTION("llama-4-maverick: text_config, interleaved MoE, chunked attention on 36 layers") {
    const Model m = load_fixture("llama-4-maverick");
    CHECK(m.num_layers == 48);
    REQUIRE(m.moe);
    CHECK(m.moe->layer_interleave == 2);
    CHECK(m.intermediate_size == 16384);
    CHECK(m.moe->expert_intermediate_size == 8192);
    CHECK(m.moe->shared_experts == 1);
    CHECK(m.sliding_window == 8192);
    CHECK(m.sliding_window_kind == LocalAttentionKind::kChunked);
    CHECK(m.sliding_window_layers == 36);  // every 4th layer is global (NoPE)
    CHECK_FALSE(m.tie_word_embeddings);
  }
}

TEST_CASE("broken config.json files give exact, located errors", "[catalog][hf][errors]") {
  CHECK(errors_of("hf-missing-layers.config.json") ==
        "tests/data/invalid/hf-missing-layers.config.json:1:1: error: num_hidden_layers: missing "
        "required key (also accepted: 'n_layer', 'num_layers')\n"
        "    1 | {\n"
        "      | ^\n");
  CHECK(errors_of("hf-string-for-integer.config.json") ==
        "tests/data/invalid/hf-string-for-integer.config.json:9:26: error: num_attention_heads: "
        "expected a positive integer, got the string \"32\"\n"
        "    9 |   \"num_attention_heads\": \"32\",\n"
        "      |                          ^\n"
        "tests/data/invalid/hf-string-for-integer.config.json:12:26: error: tie_word_embeddings: "
        "expected true or false, got the string \"false\"\n"
        "   12 |   \"tie_word_embeddings\": \"false\",\n"
        "      |                          ^\n");
  // A zero count would divide by zero (KV heads per rank); a count past int would wrap.
  CHECK(errors_of("hf-zero-count.config.json") ==
        "tests/data/invalid/hf-zero-count.config.json:10:24: error: num_hidden_layers: expected a "
        "positive integer up to 2147483647, got '4294967296'\n"
        "   10 |   \"num_hidden_layers\": 4294967296,\n"
        "      |                        ^\n"
        "tests/data/invalid/hf-zero-count.config.json:11:26: error: num_key_value_heads: expected "
        "a positive integer, got '0'\n"
        "   11 |   \"num_key_value_heads\": 0,\n"
        "      |                          ^\n");
  CHECK(errors_of("hf-syntax-error.config.json") ==
        "tests/data/invalid/hf-syntax-error.config.json:7:28: error: end of map flow not found\n"
        "    7 |   \"max_position_embeddings\": 131072,\n"
        "      |                            ^\n");
  CHECK(errors_of("no-such.config.json") ==
        "tests/data/invalid/no-such.config.json: error: cannot read "
        "'tests/data/invalid/no-such.config.json'\n");
}
