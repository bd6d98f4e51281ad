// Valid scenarios under tests/data/scenarios: catalog overrides (GPU price and memory, a new
// GPU, inline architecture keys, a config.json model) and every section read into SI values.
#include <catch2/catch.hpp>

#include <filesystem>

#include "../test_catalog.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/config/scenario.hpp"
#include "tco/model/architecture.hpp"
#include "tco/perf/memory_plan.hpp"

using tco::catalog::Dtype;
using tco::config::OptionKind;
using tco::config::Scenario;
namespace fs = std::filesystem;

namespace {

const fs::path kScenarios = fs::path(TCO_TEST_DATA_DIR) / "scenarios";

Scenario load(const std::string& name) {
  try {
    return tco::config::load_scenario(kScenarios / name, test_catalog());
  } catch (const tco::config::InputError& error) {
    FAIL(name << " was rejected:\n" << error.what());
  }
  return {};
}

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

/// Memory plan of one option, from the scenario's own (overridden) catalog.
tco::perf::MemoryPlan memory_plan(const Scenario& scenario, std::size_t option) {
  const auto& catalog = scenario.catalog;
  const auto& choice = scenario.model;
  const auto& chosen = scenario.options.at(option);
  tco::perf::MemoryPlanInput input;
  input.model = &choice.model;
  input.gpu = catalog.find_gpu(chosen.gpu);
  REQUIRE(input.gpu != nullptr);
  input.engine = &scenario.engine;
  input.weight_dtype = &catalog.dtype(choice.weight_dtype);
  input.expert_dtype =
      &catalog.dtype(tco::perf::expert_dtype_for(choice.model, catalog, choice.weight_dtype));
  input.kv_dtype = &catalog.dtype(choice.kv_dtype);
  input.sixteen_bit = &catalog.dtype(Dtype::kBf16);
  input.parallelism = {chosen.tp, chosen.pp, chosen.ep};
  input.context_tokens =
      static_cast<double>(scenario.workload.input_tokens + scenario.workload.output_tokens);
  return tco::perf::plan_memory(input);
}

}  // namespace

TEST_CASE("every scenario under tests/data/scenarios loads", "[config]") {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    INFO(entry.path().filename().string());
    const Scenario scenario = load(entry.path().filename().string());
    CHECK_FALSE(scenario.options.empty());
    for (std::size_t i = 0; i < scenario.options.size(); ++i) {
      if (scenario.options[i].gpu.empty()) continue;
      CHECK(memory_plan(scenario, i).weights_bytes > 0);
    }
  }
  CHECK(count >= 8);
}

TEST_CASE("a GPU override changes that GPU only, in the scenario's copy of the catalog",
          "[config]") {
  const Scenario scenario = load("gpu-override.yaml");
  const auto* h100 = scenario.catalog.find_gpu("h100-sxm");
  REQUIRE(h100 != nullptr);
  CHECK(h100->memory_bytes == 94 * kGiB);
  REQUIRE(h100->purchase_price);
  CHECK(h100->purchase_price->value_usd == 25000.0);
  CHECK(h100->purchase_price->provenance.source == "quote from our reseller");
  CHECK(h100->purchase_price->provenance.as_of == "2026-10-01");
  // Keys not overridden keep the catalog's values.
  CHECK(h100->memory_bandwidth_bytes_per_s == Approx(3.35e12));
  CHECK(h100->tdp_w == 700.0);
  CHECK(h100->provenance.origin.find("gpu-override.yaml (override of ") != std::string::npos);
  // The shared catalog is untouched, and so is the other GPU.
  CHECK(test_catalog().find_gpu("h100-sxm")->memory_bytes == 81559.0 * 1024 * 1024);
  CHECK(scenario.catalog.find_gpu("h200-sxm")->memory_bytes == 143771.0 * 1024 * 1024);
  // The memory plan uses the overridden capacity.
  CHECK(memory_plan(scenario, 0).capacity_bytes == 94 * kGiB);
}

TEST_CASE("a brand-new GPU defined in the scenario", "[config]") {
  const Scenario scenario = load("new-gpu.yaml");
  const auto* gpu = scenario.catalog.find_gpu("acme-x1");
  REQUIRE(gpu != nullptr);
  CHECK(gpu->name == "ACME X1 96GB");
  CHECK(gpu->memory_bytes == 96 * kGiB);
  CHECK(gpu->memory_bandwidth_bytes_per_s == 4e12);
  CHECK(gpu->peak_flops.at(Dtype::kBf16) == 1000e12);
  CHECK(gpu->peak_flops.at(Dtype::kFp8) == 2000e12);
  CHECK(gpu->peak_flops.count(Dtype::kFp4) == 0);
  CHECK(gpu->tdp_w == 800.0);
  CHECK(gpu->interconnect_bytes_per_s == 450e9);
  CHECK(gpu->purchase_price->value_usd == 30000.0);
  CHECK(gpu->provenance.source == "ACME X1 datasheet rev 0.9");
  CHECK(gpu->provenance.origin == (kScenarios / "new-gpu.yaml").string());
  CHECK(test_catalog().find_gpu("acme-x1") == nullptr);
  // llama-3.1-70b fp8 (72,656,371,712 B) fits 96 GiB (103,079,215,104 B) x 0.92.
  CHECK(memory_plan(scenario, 0).fits);
}

TEST_CASE("inline architecture override of a catalog model", "[config]") {
  const Scenario scenario = load("inline-model-override.yaml");
  const auto& m = scenario.model.model;
  CHECK(m.id == "llama-3.1-8b");
  CHECK(m.num_layers == 16);
  CHECK(m.max_context == 8192);
  CHECK(m.hidden_size == 4096);  // not overridden
  // Half the layers: half the attention and FFN parameters; the embeddings are unchanged.
  const auto full = tco::model::count_parameters(*test_catalog().find_model("llama-3.1-8b"));
  const auto pruned = tco::model::count_parameters(m);
  CHECK(pruned.attention == full.attention / 2);
  CHECK(pruned.dense_ffn == full.dense_ffn / 2);
  CHECK(pruned.embedding == full.embedding);
  // KV per token halves: 16 x 2 x 8 x 128 x 2 B = 65,536 B
  CHECK(tco::model::kv_bytes_per_sequence(m, 16, 1) == 65'536.0);
  // weight_dtype not given: the checkpoint's own format (bf16)
  CHECK(scenario.model.weight_dtype == Dtype::kBf16);
  // engine override on top of the catalog's vllm entry
  CHECK(scenario.engine.id == "vllm");
  CHECK(scenario.engine.memory_fraction == Approx(0.85));
  CHECK(scenario.engine.max_batch == test_catalog().find_engine("vllm")->max_batch);
  // The catalog's own model is untouched.
  CHECK(test_catalog().find_model("llama-3.1-8b")->num_layers == 32);
}

TEST_CASE("one key of the moe block overridden", "[config]") {
  const Scenario scenario = load("moe-override.yaml");
  REQUIRE(scenario.model.model.moe);
  CHECK(scenario.model.model.moe->top_k == 1);
  CHECK(scenario.model.model.moe->num_experts == 8);
  CHECK(scenario.model.model.moe->expert_intermediate_size == 14336);
  CHECK(scenario.options[0].ep == 2);
}

TEST_CASE("the engine's GEMM-path keys can be overridden", "[config]") {
  const Scenario scenario = load("llamacpp-current-build.yaml");
  CHECK(scenario.engine.id == "llamacpp");
  CHECK(scenario.engine.dequantize_to_fp16_above_tokens == 0);
  CHECK(scenario.engine.physical_batch_tokens == 256);
  CHECK(scenario.engine.fp16_accumulate);  // kept from the catalog entry
  const auto& catalog_entry = *test_catalog().find_engine("llamacpp");
  CHECK(catalog_entry.dequantize_to_fp16_above_tokens == 32);
  CHECK(catalog_entry.physical_batch_tokens == 512);
}

TEST_CASE("a model from a Hugging Face config.json", "[config][hf]") {
  const Scenario scenario = load("hf-config-model.yaml");
  const auto& m = scenario.model.model;
  CHECK(m.id == "llama-3.1-8b");
  CHECK(scenario.model.config_path == (kScenarios / "../hf/llama-3.1-8b.config.json").string());
  CHECK(scenario.model.weight_dtype == Dtype::kFp8);
  CHECK(scenario.model.kv_dtype == Dtype::kFp8);
  CHECK(tco::model::count_parameters(m).total() ==
        tco::model::count_parameters(*test_catalog().find_model("llama-3.1-8b")).total());

  // Given as a bare path; the fp8 checkpoint of DeepSeek-V3 is served in fp8 by default.
  const Scenario deepseek = load("hf-config-path.yaml");
  CHECK(deepseek.model.model.id == "deepseek-v3");
  CHECK(deepseek.model.model.mla.has_value());
  CHECK(deepseek.model.weight_dtype == Dtype::kFp8);
  CHECK(deepseek.model.kv_dtype == Dtype::kBf16);
  CHECK(memory_plan(deepseek, 0).fits);
}

TEST_CASE("a new model defined inline", "[config]") {
  const Scenario scenario = load("new-model.yaml");
  const auto& m = scenario.model.model;
  CHECK(m.id == "tiny-3b");
  CHECK(m.head_dim == 128);  // 3072 / 24
  CHECK(m.tie_word_embeddings);
  // tied embedding 128,256 x 3072 = 394,002,432
  // + 28 layers x (3072 x (3072 + 2 x 1024) + 3072 x 3072 + 3 x 3072 x 8192) = 28 x 100,663,296
  // + norms 3072 x (2 x 28 + 1) = 175,104  -> 3,212,749,824
  CHECK(tco::model::count_parameters(m).total() == 3'212'749'824.0);
}

TEST_CASE("every section lands in the scenario, in SI units", "[config]") {
  const Scenario s = load("full.yaml");
  CHECK(s.version == 1);
  CHECK(s.name == "every section");
  CHECK(s.horizon_years == 4);
  CHECK(s.engine.id == "trtllm");
  CHECK(s.engine.memory_fraction_of_free);
  CHECK(s.workload.requests_per_day == 250000);
  CHECK(s.workload.input_tokens == 2000);
  CHECK(s.workload.output_tokens == 400);
  CHECK(s.workload.daily_profile == "business_hours");
  CHECK(s.workload.growth_per_year == Approx(0.25));
  CHECK(*s.workload.slo.ttft_s == Approx(1.5));
  CHECK(*s.workload.slo.tpot_s == Approx(0.050));
  CHECK(s.workload.slo.percentile == Approx(0.99));

  const auto& fra = s.sites.at("fra");
  CHECK(fra.region == "DE");
  CHECK(*fra.pue == Approx(1.3));
  CHECK(*fra.electricity_usd_per_j == Approx(0.21 / 3.6e6));
  // 190 USD / (1000 W x 2,629,800 s per month)
  CHECK(*fra.colocation_usd_per_w_s == Approx(190.0 / (1000.0 * 2'629'800.0)));
  CHECK(*fra.carbon_kg_per_j == Approx(0.380 / 3.6e6));

  REQUIRE(s.options.size() == 5);
  CHECK(s.options[0].kind == OptionKind::kOnprem);
  CHECK(s.options[0].site == "fra");
  CHECK(s.options[0].gpus_per_replica() == 2);
  CHECK(s.options[1].kind == OptionKind::kCloud);
  CHECK(s.options[1].instance == "aws/p5.48xlarge");
  CHECK(s.options[1].pricing == "reserved_1y");
  CHECK(s.options[2].kind == OptionKind::kHybrid);
  CHECK(s.options[2].base == "own");
  CHECK(s.options[2].burst == "rent");
  CHECK(s.options[2].base_percentile == "80 %");
  CHECK(s.options[3].kind == OptionKind::kApi);
  CHECK(s.options[3].offer == "deepinfra/llama-3.1-70b");
  CHECK(s.options[4].multi_node);
  CHECK(s.options[4].gpus_per_replica() == 16);
  CHECK(s.options[4].path == "options[4]");
  CHECK(s.find_option("mix") == &s.options[2]);
  CHECK(s.find_option("nope") == nullptr);

  CHECK_FALSE(s.constraints.air_gapped);
  CHECK(s.constraints.data_residency == std::vector<std::string>{"DE", "FR"});
  CHECK(*s.constraints.max_gpus == 64);
  CHECK(*s.requirements.fits);
  CHECK(*s.requirements.latency_targets_met);
  CHECK(*s.requirements.max_cost_per_million_tokens_usd == Approx(0.6));
  CHECK(*s.requirements.max_tco_usd == Approx(1.5e6));
  CHECK(*s.requirements.max_gpus == 32);
  CHECK(*s.requirements.max_power_per_rack_w == 40e3);
  CHECK_FALSE(*s.requirements.air_gapped);

  // Where each key is written, for later messages.
  CHECK(s.locations.at("workload.slo.tpot").line == 14);
  CHECK(s.locations.at("options[1]").line == 24);
}

TEST_CASE("numbers in every YAML spelling that passed validation are read", "[config]") {
  const Scenario s = load("number-spellings.yaml");
  CHECK(s.workload.requests_per_day == 250000.0);
  CHECK(s.workload.input_tokens == 30000);
  CHECK(s.workload.output_tokens == 100);
  CHECK(s.options[0].tp == 2);
  CHECK(s.options[0].gpus_per_node == 8);
  // num_layers 16 on mistral-7b: the window stays on every layer, so KV stays positive and is
  // capped: 16 layers x 4096 tokens x 2 x 8 x 128 x 2 B = 268,435,456 B for 30,100 tokens.
  CHECK(s.model.model.sliding_window_layers == 16);
  CHECK(tco::model::kv_bytes_per_sequence(s.model.model, 16, 30100) == 268'435'456.0);
  CHECK(memory_plan(s, 0).kv_bytes_per_sequence == 268'435'456.0 / 2);
}

TEST_CASE("defaults come from the schema", "[config]") {
  const Scenario s = load("custom-profile.yaml");
  CHECK(s.horizon_years == 5);
  CHECK(s.engine.id == "vllm");
  CHECK(s.workload.growth_per_year == 0.0);
  CHECK(s.workload.slo.percentile == Approx(0.95));
  CHECK_FALSE(s.workload.slo.ttft_s);
  CHECK(s.workload.daily_profile == "custom");
  REQUIRE(s.workload.hourly_weights.size() == 24);
  CHECK(s.workload.hourly_weights[8] == 3.0);
  CHECK(s.options[0].tp == 1);
  CHECK(s.options[0].pp == 1);
  CHECK(s.options[0].ep == 1);
  CHECK(s.options[0].gpus_per_node == 8);
  CHECK_FALSE(s.options[0].multi_node);
  CHECK(s.model.kv_dtype == Dtype::kBf16);
}
