// tco-plan sweep: --set parsing, tree edits, and every sweep row equal to a single run of the
// scenario written out with that point's values.
#include <catch2/catch.hpp>

#include "explore_fixture.hpp"
#include "tco/config/scenario.hpp"
#include "tco/explore/sweep.hpp"
#include "tco/report/report.hpp"

using tco::explore::SetAxis;

namespace {

// {tp} and {rpd} are the swept values.
const std::string kTemplate = R"(version: 1
name: Sweep test
model: {id: llama-3.1-8b, weight_dtype: fp8, kv_dtype: fp8}
workload:
  requests_per_day: {rpd}
  input_tokens: 1000
  output_tokens: 200
  slo: {ttft: 2 s, tpot: 50 ms}
options:
  - {name: h100, kind: onprem, gpu: h100-sxm, tp: {tp}}
  - {name: l40s, kind: onprem, gpu: l40s, tp: 1}
)";

}  // namespace

TEST_CASE("sweep: --set lists and ranges", "[sweep]") {
  const SetAxis list = tco::explore::parse_set("options[0].gpu=h100-sxm, h200-sxm,l40s");
  CHECK(list.path == "options[0].gpu");
  CHECK(list.values == std::vector<std::string>{"h100-sxm", "h200-sxm", "l40s"});
  CHECK(tco::explore::parse_set("workload.requests_per_day=1e5:3e5:1e5").values ==
        std::vector<std::string>{"100000", "200000", "300000"});
  // Default step 1; stop included despite rounding (0.1 x 3 != 0.3 exactly).
  CHECK(tco::explore::parse_set("x=1:3").values == std::vector<std::string>{"1", "2", "3"});
  CHECK(tco::explore::parse_set("x=0:0.3:0.1").values.size() == 4);
  // A value with a colon that is not numeric stays a single list value.
  CHECK(tco::explore::parse_set("x=a:b").values == std::vector<std::string>{"a:b"});
  CHECK_THROWS_WITH(tco::explore::parse_set("no-equals"),
                    Catch::Contains("expected PATH=VALUES"));
  CHECK_THROWS_WITH(tco::explore::parse_set("x=5:1"),
                    Catch::Contains("--set x=5:1: a range needs start <= stop"));
}

TEST_CASE("sweep: apply_set edits keys, list elements by index and by name", "[sweep]") {
  YAML::Node root = YAML::Load(fill(fill(kTemplate, "tp", "1"), "rpd", "1000"));
  tco::explore::apply_set(root, "options[1].tp", "2");
  tco::explore::apply_set(root, "options[h100].gpu", "h200-sxm");
  tco::explore::apply_set(root, "finance.discount_rate", "5 %");  // a new mapping
  CHECK(root["options"][1]["tp"].as<int>() == 2);
  CHECK(root["options"][0]["gpu"].as<std::string>() == "h200-sxm");
  CHECK(root["options"][0]["name"].as<std::string>() == "h100");  // the walk did not overwrite
  CHECK(root["finance"]["discount_rate"].as<std::string>() == "5 %");
  CHECK_THROWS_WITH(tco::explore::apply_set(root, "options[7].tp", "2"),
                    Catch::Contains("--set options[7].tp=2: 'options' has 2 elements, no [7]"));
  CHECK_THROWS_WITH(tco::explore::apply_set(root, "options[h10].tp", "2"),
                    Catch::Contains("no element named 'h10' (did you mean 'h100'?)"));
  CHECK_THROWS_WITH(tco::explore::apply_set(root, "name.x", "2"),
                    Catch::Contains("'name' is a single value"));
}

TEST_CASE("sweep: each row equals a single run of that point, whatever the thread count",
          "[sweep]") {
  const std::vector<SetAxis> axes{tco::explore::parse_set("options[0].tp=1,2"),
                                  tco::explore::parse_set("workload.requests_per_day=2e5:6e5:2e5")};
  const auto points = tco::explore::cartesian_product(axes);
  REQUIRE(points.size() == 6);
  CHECK(points[1] == std::vector<std::string>{"1", "400000"});  // last axis varies fastest
  const std::string base = fill(fill(kTemplate, "tp", "1"), "rpd", "1000");
  const tco::explore::SweepInput input{base, "sweep.yaml", &test_catalog(), &test_costs(),
                                       &test_performance()};
  const auto one_thread = tco::explore::run_sweep(input, axes, points, 1);
  const auto four_threads = tco::explore::run_sweep(input, axes, points, 4);
  REQUIRE(one_thread.size() == points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto text = fill(fill(kTemplate, "tp", points[i][0]), "rpd", points[i][1]);
    const auto scenario =
        tco::config::parse_scenario(text, "single.yaml", test_catalog(), test_costs());
    const auto single = tco::plan::evaluate(scenario, test_performance());
    const auto expected = tco::report::evaluation_csv_rows(single);
    INFO("point " << i);
    CHECK(tco::report::evaluation_csv_rows(one_thread[i]) == expected);
    CHECK(tco::report::evaluation_csv_rows(four_threads[i]) == expected);
    REQUIRE(single.options[0].cost);  // the comparison covers costs, not only empty cells
  }
  // More demand costs more: the sweep varies what it says it varies.
  CHECK(one_thread[2].options[0].cost->npv_usd > one_thread[0].options[0].cost->npv_usd);
  const auto csv = tco::report::render_sweep_csv({axes[0].path, axes[1].path}, points, one_thread);
  CHECK(csv.rfind("point,options[0].tp,workload.requests_per_day,option,kind,", 0) == 0);
  CHECK(csv.find("\n2,1,400000,h100,onprem,h100-sxm,1,") != std::string::npos);
}

TEST_CASE("sweep: an invalid point names its --set values and the loader's error", "[sweep]") {
  const std::vector<SetAxis> axes{tco::explore::parse_set("options[0].tp=1,3")};
  const std::string base = fill(fill(kTemplate, "tp", "1"), "rpd", "1000");
  const tco::explore::SweepInput input{base, "sweep.yaml", &test_catalog(), &test_costs(),
                                       &test_performance()};
  CHECK_THROWS_WITH(
      tco::explore::run_sweep(input, axes, tco::explore::cartesian_product(axes), 2),
      Catch::Contains("sweep point 2 (--set options[0].tp=3)") &&
          Catch::Contains("options[0].tp: tp 3 does not divide the 32 attention heads"));
}
