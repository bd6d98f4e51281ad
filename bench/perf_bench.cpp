// Speed of the performance model (issue 3 target: <= 20 us per full evaluation on one core).
#include <benchmark/benchmark.h>

#include "tco/catalog/catalog.hpp"
#include "tco/perf/benchmark_replay.hpp"
#include "tco/perf/serving.hpp"
#include "tco/perf/simulator.hpp"

namespace {

struct Fixture {
  tco::catalog::Catalog catalog =
      tco::catalog::load_catalog(std::string(TCO_PLAN_SOURCE_DATA_DIR) + "/data");
  std::map<std::string, tco::perf::KernelProfile> profiles =
      tco::perf::load_profiles(std::string(TCO_PLAN_SOURCE_DATA_DIR) + "/profiles");
  tco::perf::Replica replica;

  Fixture() {
    replica.model = catalog.find_model("llama-3.1-70b");
    replica.gpu = catalog.find_gpu("h100-sxm");
    replica.profile = &tco::perf::profile_for(profiles, "h100-sxm");
    replica.engine = catalog.find_engine("vllm");
    replica.weight_dtype = &catalog.dtype(tco::catalog::Dtype::kFp8);
    replica.expert_dtype = replica.weight_dtype;
    replica.kv_dtype = &catalog.dtype(tco::catalog::Dtype::kFp8);
    replica.sixteen_bit = &catalog.dtype(tco::catalog::Dtype::kBf16);
    replica.parallelism = {4, 1, 1};
  }
};

const Fixture& fixture() {
  static const Fixture instance;
  return instance;
}

/// One step of Llama 3.1 70B fp8 on 4 x H100: 64 decode sequences at 2k context plus a
/// 1k-token prefill chunk.
void BM_StepTime70B(benchmark::State& state) {
  const auto& replica = fixture().replica;
  tco::perf::StepShape shape{64, 2048, 1024, 512};
  for (auto _ : state) benchmark::DoNotOptimize(tco::perf::step_time(replica, shape));
}
BENCHMARK(BM_StepTime70B);

/// One full serving evaluation at a given concurrency (the unit `run` repeats).
void BM_ServeConcurrency70B(benchmark::State& state) {
  const auto& replica = fixture().replica;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tco::perf::serve_concurrency(replica, {1500, 300}, 64));
  }
}
BENCHMARK(BM_ServeConcurrency70B);

/// The concurrency search under TTFT/TPOT targets.
void BM_BestUnderTargets70B(benchmark::State& state) {
  const auto& replica = fixture().replica;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        tco::perf::best_under_targets(replica, {1500, 300}, {2.0, 0.06}));
  }
}
BENCHMARK(BM_BestUnderTargets70B);

/// Replay of a finite online benchmark (validate): 500 requests at 16 req/s, and all at once.
void BM_ReplayBenchmark500(benchmark::State& state) {
  const auto& replica = fixture().replica;
  const tco::perf::BenchmarkRun run{500, static_cast<double>(state.range(0))};
  for (auto _ : state) {
    benchmark::DoNotOptimize(tco::perf::replay_benchmark(replica, {467, 256}, run));
  }
}
BENCHMARK(BM_ReplayBenchmark500)->Arg(16)->Arg(0)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
