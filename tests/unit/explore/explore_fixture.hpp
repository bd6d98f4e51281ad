#pragma once
// Shared by the explore tests: the shipped catalogs, cost data and performance data, loaded
// once, and a small scenario text with placeholders the tests fill in.

#include <filesystem>
#include <string>

#include "../test_catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/validate/validate.hpp"

inline const tco::catalog::CostCatalog& test_costs() {
  static const auto costs =
      tco::catalog::load_cost_catalog(std::filesystem::path(TCO_PLAN_SOURCE_DATA_DIR) / "data");
  return costs;
}

inline const tco::plan::PerformanceData& test_performance() {
  static const auto performance = [] {
    tco::plan::PerformanceData data;
    const std::filesystem::path root(TCO_PLAN_SOURCE_DATA_DIR);
    data.profiles = tco::perf::load_profiles(root / "profiles");
    data.engine_timing = tco::validate::load_engine_timing(root / "data");
    return data;
  }();
  return performance;
}

/// Replaces every "{key}" in `text`.
inline std::string fill(std::string text, const std::string& key, const std::string& value) {
  const std::string marker = "{" + key + "}";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at)) {
    text.replace(at, marker.size(), value);
    at += value.size();
  }
  return text;
}
