// Speed of the exploration commands (issue 6 targets, on this machine):
//   - >= 100,000 complete plan evaluations per second per core (BM_EvaluatePlan, one thread:
//     memory plan, serving search under the targets, 5-year cost; numbers only);
//   - optimize over the whole catalog in < 2 s (BM_OptimizeCatalog);
//   - 10,000 Monte Carlo samples of a scenario in < 1 s (BM_MonteCarlo10k).
#include <benchmark/benchmark.h>

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/explore/monte_carlo.hpp"
#include "tco/explore/optimize.hpp"
#include "tco/explore/parallel.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/validate/validate.hpp"

namespace {

struct ExploreFixture {
  std::string root = TCO_PLAN_SOURCE_DATA_DIR;
  tco::catalog::Catalog catalog = tco::catalog::load_catalog(root + "/data");
  tco::catalog::CostCatalog costs = tco::catalog::load_cost_catalog(root + "/data");
  tco::plan::PerformanceData performance;
  tco::config::Scenario quickstart;
  tco::config::Scenario uncertain;
  tco::plan::Evaluation uncertain_evaluation;

  ExploreFixture() {
    performance.profiles = tco::perf::load_profiles(root + "/profiles");
    performance.engine_timing = tco::validate::load_engine_timing(root + "/data");
    quickstart = tco::config::load_scenario(root + "/examples/01-quickstart.yaml", catalog, costs);
    uncertain = tco::config::load_scenario(root + "/examples/10-uncertainty.yaml", catalog, costs);
    uncertain_evaluation = tco::plan::evaluate(uncertain, performance);
  }
};

const ExploreFixture& fixture() {
  static const ExploreFixture instance;
  return instance;
}

/// One plan (Llama 3.1 70B fp8 on 2 x H100, vLLM, on-prem) from scratch to its 5-year cost.
void BM_EvaluatePlan(benchmark::State& state) {
  const auto& f = fixture();
  const std::vector<tco::config::DeploymentOption> one{f.quickstart.options.front()};
  tco::plan::EvaluateSettings settings;
  settings.explain = false;
  settings.options = &one;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tco::plan::evaluate(f.quickstart, f.performance, settings));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluatePlan);

/// The same with the assumption and warning texts `run` prints.
void BM_EvaluatePlanExplained(benchmark::State& state) {
  const auto& f = fixture();
  const std::vector<tco::config::DeploymentOption> one{f.quickstart.options.front()};
  tco::plan::EvaluateSettings settings;
  settings.options = &one;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tco::plan::evaluate(f.quickstart, f.performance, settings));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluatePlanExplained);

/// `tco-plan optimize examples/01-quickstart.yaml`: the whole catalog, default space.
void BM_OptimizeCatalog(benchmark::State& state) {
  const auto& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(tco::explore::optimize(f.quickstart, f.performance, {},
                                                    tco::explore::Objective::kNpv, 5, threads));
  }
}
BENCHMARK(BM_OptimizeCatalog)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

/// `tco-plan run examples/10-uncertainty.yaml --samples 10000` (the Monte Carlo part).
void BM_MonteCarlo10k(benchmark::State& state) {
  const auto& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(tco::explore::run_monte_carlo(f.uncertain, f.uncertain_evaluation,
                                                           10000, 1, threads));
  }
}
BENCHMARK(BM_MonteCarlo10k)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
