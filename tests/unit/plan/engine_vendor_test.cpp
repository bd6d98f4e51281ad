// An engine runs only on the GPU vendors it supports (data/engines.yaml gpu_vendors): an option
// whose GPU it cannot drive is excluded with the reason, and optimize never proposes the pair.
#include <catch2/catch.hpp>

#include <algorithm>

#include "../explore/explore_fixture.hpp"
#include "tco/config/scenario.hpp"
#include "tco/explore/optimize.hpp"
#include "tco/plan/evaluate.hpp"

namespace {

const char* const kScenario = R"(version: 1
name: engine vendor
model: {id: llama-3.1-8b, weight_dtype: fp8, kv_dtype: fp8}
engine: trtllm
workload: {requests_per_day: 100000, input_tokens: 1000, output_tokens: 200}
options:
  - {name: nvidia, kind: onprem, gpu: h100-sxm}
  - {name: amd, kind: onprem, gpu: mi300x}
  - {name: cloud, kind: cloud, instance: aws/p5en.48xlarge, pricing: on_demand}
  - {name: hybrid-amd, kind: hybrid, base: amd, burst: cloud}
  - {name: hybrid-nvidia, kind: hybrid, base: nvidia, burst: cloud}
)";

}  // namespace

TEST_CASE("engines: an option on a GPU vendor the engine does not support is excluded",
          "[plan]") {
  const auto& engines = test_catalog().engines;
  const auto trtllm = std::find_if(engines.begin(), engines.end(),
                                   [](const auto& engine) { return engine.id == "trtllm"; });
  REQUIRE(trtllm != engines.end());
  CHECK(trtllm->gpu_vendors == std::vector<std::string>{"NVIDIA"});

  const auto scenario =
      tco::config::parse_scenario(kScenario, "vendor.yaml", test_catalog(), test_costs());
  const auto evaluation = tco::plan::evaluate(scenario, test_performance(), {});
  REQUIRE(evaluation.options.size() == 5);
  const std::string amd =
      "engine: TensorRT-LLM does not run on AMD GPUs (mi300x); it runs on NVIDIA";
  CHECK(evaluation.options[0].excluded.empty());
  CHECK(evaluation.options[1].excluded == amd);
  CHECK(evaluation.options[2].excluded.empty());
  CHECK(evaluation.options[3].excluded == amd);  // a hybrid on an AMD base
  CHECK(evaluation.options[4].excluded.empty());
}

TEST_CASE("optimize: no engine is proposed on a GPU vendor it does not support", "[plan]") {
  const auto scenario =
      tco::config::parse_scenario(kScenario, "vendor.yaml", test_catalog(), test_costs());
  tco::explore::SearchSpace space;
  space.gpus = {"h100-sxm", "mi300x"};
  space.tp = {1};
  space.pp = {1};
  space.kinds = {tco::config::OptionKind::kOnprem};
  space.prune = false;
  const auto result = tco::explore::optimize(scenario, test_performance(), space,
                                             tco::explore::Objective::kTco, 1000, 1);
  bool amd_seen = false;
  for (const auto& plan : result.top) {
    INFO(plan.engine << " on " << plan.result.option.gpu);
    if (plan.result.option.gpu == "mi300x") {
      amd_seen = true;
      CHECK(plan.engine != "trtllm");
    }
  }
  CHECK(amd_seen);  // vLLM and SGLang do run on it
}

TEST_CASE("costs: the NVIDIA AI Enterprise licence default applies to NVIDIA GPUs only", "[plan]") {
  const char* const text = R"(version: 1
name: licence by vendor
model: {id: llama-3.1-8b, weight_dtype: fp8, kv_dtype: fp8}
engine: vllm
workload: {requests_per_day: 100000, input_tokens: 1000, output_tokens: 200}
options:
  - {name: nvidia, kind: onprem, gpu: h100-sxm}
  - {name: amd, kind: onprem, gpu: mi300x}
  - {name: amd-paid, kind: onprem, gpu: mi300x, costs: {software_license_per_gpu_year: 1000 USD}}
)";
  const auto scenario =
      tco::config::parse_scenario(text, "licence.yaml", test_catalog(), test_costs());
  tco::plan::EvaluateSettings settings;
  settings.explain = true;
  const auto evaluation = tco::plan::evaluate(scenario, test_performance(), settings);
  REQUIRE(evaluation.options.size() == 3);
  for (const auto& result : evaluation.options) REQUIRE(result.onprem_inputs);
  CHECK(evaluation.options[0].onprem_inputs->license_per_gpu_year_usd == 4500.0);  // costs.yaml
  CHECK(evaluation.options[1].onprem_inputs->license_per_gpu_year_usd == 0.0);
  CHECK(evaluation.options[2].onprem_inputs->license_per_gpu_year_usd == 1000.0);
  REQUIRE(evaluation.options[1].cost);
  for (const auto& year : evaluation.options[1].cost->years) CHECK(year.licences == 0.0);
  const auto assumed = std::find_if(
      evaluation.assumptions.begin(), evaluation.assumptions.end(),
      [](const auto& entry) { return entry.name == "amd: software_license_per_gpu_year"; });
  REQUIRE(assumed != evaluation.assumptions.end());
  CHECK(assumed->value == "0 USD");
}
