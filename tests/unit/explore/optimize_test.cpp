// tco-plan optimize: the branch-and-bound winner and ranking against brute force over a small
// space, each candidate written out as a scenario file and evaluated and checked on its own.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fmt/format.h>

#include "explore_fixture.hpp"
#include "tco/config/scenario.hpp"
#include "tco/explore/optimize.hpp"
#include "tco/report/check.hpp"

namespace {

// {option} is the one option of a brute-force run; the constraint and requirement make some
// candidates infeasible for reasons other than fit and latency.
const std::string kTemplate = R"(version: 1
name: Optimizer test
model: {id: llama-3.1-8b, weight_dtype: {weight}, kv_dtype: {kv}}
engine: {engine}
workload:
  requests_per_day: 400000
  input_tokens: 1500
  output_tokens: 300
  slo: {ttft: 1 s, tpot: 40 ms}
constraints: {max_gpus: 12}
requirements: {max_cost_per_million_tokens: 5 USD/Mtok}
options:
  - {option}
)";

struct Expected {
  std::string name;
  double npv = 0;
};

}  // namespace

TEST_CASE("optimize: the winner and the top plans equal brute force on a small space",
          "[optimize]") {
  const std::vector<std::string> gpus{"h100-sxm", "l40s", "a100-sxm-80gb"};
  const std::vector<int> tps{1, 2};
  const std::vector<std::string> engines{"vllm", "trtllm"};
  const std::vector<std::string> formats{"bf16", "fp8"};

  std::vector<Expected> brute;
  auto try_one = [&](const std::string& option, const std::string& engine,
                     const std::string& weight, const std::string& kv, const std::string& name) {
    auto text = fill(fill(fill(fill(kTemplate, "option", option), "engine", engine), "weight",
                          weight),
                     "kv", kv);
    const auto scenario =
        tco::config::parse_scenario(text, "candidate.yaml", test_catalog(), test_costs());
    const auto evaluation = tco::plan::evaluate(scenario, test_performance());
    const auto& result = evaluation.options.front();
    if (!result.cost || !result.excluded.empty()) return;
    if (result.option.kind != tco::config::OptionKind::kApi &&
        (!result.performance || !result.performance->at_targets)) {
      return;
    }
    long long peak = 0;
    for (const auto& year : result.cost->years) peak = std::max(peak, year.gpus);
    if (peak > 12) return;
    if (!tco::report::check_requirements(evaluation, scenario).passed()) return;
    brute.push_back({name, result.cost->npv_usd});
  };
  for (const auto& gpu : gpus) {
    for (const int tp : tps) {
      for (const auto& engine : engines) {
        for (const auto& weight : formats) {
          for (const auto& kv : formats) {
            try_one(fmt::format("{{name: x, kind: onprem, gpu: {}, tp: {}}}", gpu, tp), engine,
                    weight, kv,
                    fmt::format("onprem-{}-tp{}-{}-{}-kv{}", gpu, tp, engine, weight, kv));
          }
        }
      }
    }
  }
  for (const auto& offer : test_costs().offers) {
    if (offer.model != "llama-3.1-8b") continue;
    try_one(fmt::format("{{name: x, kind: api, offer: {}}}", offer.id), "vllm", "bf16", "bf16",
            "api-" + offer.id);
  }
  REQUIRE(brute.size() >= 5);
  std::stable_sort(brute.begin(), brute.end(),
                   [](const Expected& a, const Expected& b) { return a.npv < b.npv; });

  const auto scenario = tco::config::parse_scenario(
      fill(fill(fill(fill(kTemplate, "option", "{name: base, kind: onprem, gpu: h100-sxm}"),
                     "engine", "vllm"),
                "weight", "bf16"),
           "kv", "bf16"),
      "optimize.yaml", test_catalog(), test_costs());
  tco::explore::SearchSpace space;
  space.gpus = gpus;
  space.tp = tps;
  space.pp = {1};
  space.engines = engines;
  space.weight_dtypes = {tco::catalog::Dtype::kBf16, tco::catalog::Dtype::kFp8};
  space.kv_dtypes = space.weight_dtypes;
  space.kinds = {tco::config::OptionKind::kOnprem, tco::config::OptionKind::kApi};
  for (const bool prune : {true, false}) {
    space.prune = prune;
    for (const int threads : {1, 3}) {
      const auto result = tco::explore::optimize(scenario, test_performance(), space,
                                                 tco::explore::Objective::kNpv, 3, threads);
      INFO("prune " << prune << ", threads " << threads);
      REQUIRE(result.top.size() == 3);
      for (std::size_t k = 0; k < 3; ++k) {
        CHECK(result.top[k].objective == Approx(brute[k].npv).epsilon(1e-12));
        CHECK(result.top[k].lower_bound <= result.top[k].objective * (1 + 1e-12));
        CHECK_FALSE(result.top[k].why.empty());
      }
      CHECK(result.top[0].result.option.name.find(brute[0].name.substr(0, 6)) == 0);
      if (prune) CHECK(result.pruned > 0);  // the bound does work on this space
      if (!prune) CHECK(result.feasible == static_cast<long long>(brute.size()));
      // The Pareto front: no member is dominated by a feasible plan in cost, TTFT and TPOT.
      CHECK_FALSE(result.pareto.empty());
    }
  }
}

TEST_CASE("optimize: the bound never exceeds the evaluated cost", "[optimize]") {
  const auto scenario = tco::config::parse_scenario(
      fill(fill(fill(fill(kTemplate, "option", "{name: base, kind: onprem, gpu: h100-sxm}"),
                     "engine", "vllm"),
                "weight", "bf16"),
           "kv", "bf16"),
      "optimize.yaml", test_catalog(), test_costs());
  tco::explore::SearchSpace space;
  space.gpus = {"h100-sxm", "h200-sxm", "l40s", "a100-sxm-80gb", "rtx-4090"};
  space.prune = false;
  const auto result = tco::explore::optimize(scenario, test_performance(), space,
                                             tco::explore::Objective::kTco, 1000, 2);
  REQUIRE(result.feasible > 20);
  for (const auto& plan : result.top) {
    INFO(plan.result.option.name);
    CHECK(plan.lower_bound <= plan.objective * (1 + 1e-12));
  }
  CHECK_THROWS_WITH(
      [&] {
        auto bad = space;
        bad.gpus = {"h100-sxn"};
        return tco::explore::optimize(scenario, test_performance(), bad,
                                      tco::explore::Objective::kTco, 1, 1);
      }(),
      Catch::Contains("--gpus: unknown GPU 'h100-sxn' (did you mean 'h100-sxm'?)"));
}

TEST_CASE("optimize: a hybrid of the best on-prem and cloud plans, costed as a scenario would",
          "[optimize]") {
  // examples/09 with one cloud price (on-demand H200 instances): a business-hours load, cloud
  // prices falling 10 % a year. There the hybrid (one on-prem node, bursting) has the lowest NPV,
  // then all on-prem, then all cloud; the optimizer over that one GPU, shape and engine must
  // find the same three plans at the same costs as the example's own options.
  auto costs = test_costs();
  std::vector<tco::catalog::CloudInstance> kept;
  for (auto instance : costs.instances) {
    if (instance.id != "aws/p5en.48xlarge") continue;
    const double on_demand = instance.usd_per_s.at("on_demand");
    instance.usd_per_s = {{"on_demand", on_demand}};
    kept.push_back(instance);
  }
  REQUIRE(kept.size() == 1);
  costs.instances = kept;
  const auto scenario = tco::config::load_scenario(
      std::filesystem::path(TCO_PLAN_SOURCE_DATA_DIR) / "examples/09-hybrid-burst.yaml",
      test_catalog(), costs);
  const auto evaluation = tco::plan::evaluate(scenario, test_performance());
  auto npv_of = [&](const std::string& name) {
    for (const auto& result : evaluation.options) {
      if (result.option.name == name) return result.cost->npv_usd;
    }
    FAIL("no option " << name);
    return 0.0;
  };
  tco::explore::SearchSpace space;
  space.gpus = {"h200-sxm"};
  space.tp = {1};
  space.pp = {1};
  space.engines = {"vllm"};
  space.weight_dtypes = {tco::catalog::Dtype::kFp8};
  space.kv_dtypes = {tco::catalog::Dtype::kFp8};
  space.kinds = {tco::config::OptionKind::kOnprem, tco::config::OptionKind::kCloud,
                 tco::config::OptionKind::kHybrid};
  for (const int threads : {1, 2}) {
    const auto result = tco::explore::optimize(scenario, test_performance(), space,
                                               tco::explore::Objective::kNpv, 3, threads);
    REQUIRE(result.top.size() == 3);
    CHECK(result.candidates == 3);  // on-prem, cloud, and their hybrid
    CHECK(result.top[0].result.option.kind == tco::config::OptionKind::kHybrid);
    CHECK(result.top[0].objective == Approx(npv_of("hybrid-optimal")).epsilon(1e-12));
    CHECK(result.top[0].why.find("on-prem base onprem-h200-sxm-tp1-vllm-fp8-kvfp8") == 0);
    CHECK(result.top[1].result.option.kind == tco::config::OptionKind::kOnprem);
    CHECK(result.top[1].objective == Approx(npv_of("onprem-h200")).epsilon(1e-12));
    CHECK(result.top[2].objective == Approx(npv_of("cloud-h200-od")).epsilon(1e-12));
  }
  // Air-gapped: no hybrid (nor cloud) plan.
  auto sealed = scenario;
  sealed.constraints.air_gapped = true;
  const auto result = tco::explore::optimize(sealed, test_performance(), space,
                                             tco::explore::Objective::kNpv, 3, 1);
  REQUIRE(result.top.size() == 1);
  CHECK(result.top[0].result.option.kind == tco::config::OptionKind::kOnprem);
}
