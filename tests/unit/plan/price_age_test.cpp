// Stale-price warnings: a price older than finance.price_max_age_days is flagged against the
// "today" the caller gives (the core reads no clock), and not at all without one.
#include <catch2/catch.hpp>

#include <algorithm>

#include "../explore/explore_fixture.hpp"
#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"

namespace {

const char* const kScenario = R"(version: 1
name: price age
model: {id: llama-3.1-8b, weight_dtype: fp8, kv_dtype: fp8}
workload: {requests_per_day: 100000, input_tokens: 1000, output_tokens: 200}
options:
  - {name: onprem, kind: onprem, gpu: a100-sxm-80gb}
finance: {price_max_age_days: 365}
)";

std::vector<std::string> stale_warnings(const tco::plan::EvaluateSettings& settings) {
  const auto scenario =
      tco::config::parse_scenario(kScenario, "age.yaml", test_catalog(), test_costs());
  const auto evaluation = tco::plan::evaluate(scenario, test_performance(), settings);
  std::vector<std::string> out;
  std::copy_if(evaluation.warnings.begin(), evaluation.warnings.end(), std::back_inserter(out),
               [](const std::string& text) { return text.find("days old") != std::string::npos; });
  return out;
}

}  // namespace

TEST_CASE("price age: flagged against the given today, never by the clock", "[plan]") {
  CHECK(tco::plan::parse_iso_date("2025-03-04") == 1741046400);  // date -u -d 2025-03-04 +%s
  CHECK(tco::plan::parse_iso_date("2025-03-04T12:00:00Z") == 1741046400);
  CHECK_FALSE(tco::plan::parse_iso_date("March 2025"));

  tco::plan::EvaluateSettings settings;
  CHECK(stale_warnings(settings).empty());  // no today: no ages

  // The A100 purchase price is dated 2025-03-04 (data/gpus.yaml): 365 days later is within the
  // limit, 366 days later is not.
  settings.today = *tco::plan::parse_iso_date("2026-03-04");
  CHECK(stale_warnings(settings).empty());
  settings.today = *tco::plan::parse_iso_date("2026-03-05");
  CHECK(stale_warnings(settings) ==
        std::vector<std::string>{"the a100-sxm-80gb purchase price is dated 2025-03-04 (366 days "
                                 "old, limit 365): check it is current"});
}
