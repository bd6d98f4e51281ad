#pragma once
// A replica of a catalog model on a shipped GPU profile, for the perf tests: kernel efficiencies
// only (no engine overheads, unit scales) unless a test sets them.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "../test_catalog.hpp"
#include "tco/perf/efficiency.hpp"
#include "tco/perf/memory_plan.hpp"
#include "tco/perf/simulator.hpp"

inline const std::map<std::string, tco::perf::KernelProfile>& shipped_profiles() {
  static const auto profiles = tco::perf::load_profiles(
      std::filesystem::path(TCO_PLAN_SOURCE_DATA_DIR) / "profiles");
  return profiles;
}

/// A replica with no engine overheads and unit scales: kernel efficiencies only.
inline tco::perf::Replica replica(const char* model, const char* gpu, int tp = 1,
                                  const char* engine = "vllm",
                                  tco::catalog::Dtype weights = tco::catalog::Dtype::kBf16) {
  const auto& catalog = test_catalog();
  tco::perf::Replica r;
  r.model = catalog.find_model(model);
  r.gpu = catalog.find_gpu(gpu);
  r.engine = catalog.find_engine(engine);
  REQUIRE(r.model != nullptr);
  REQUIRE(r.gpu != nullptr);
  REQUIRE(r.engine != nullptr);
  r.profile = &tco::perf::profile_for(shipped_profiles(), gpu);
  r.weight_dtype = &catalog.dtype(weights);
  r.expert_dtype = &catalog.dtype(tco::perf::expert_dtype_for(*r.model, catalog, weights));
  r.kv_dtype = &catalog.dtype(tco::catalog::Dtype::kBf16);
  r.sixteen_bit = &catalog.dtype(tco::catalog::Dtype::kBf16);
  r.parallelism = {tp, 1, 1};
  return r;
}

