// tco-plan diff on hand-built evaluations: input keys changed, added and removed; results per
// option with absolute and relative change; the lowest-NPV headline; exact table rows.
#include "tco/report/diff.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "report_fixture.hpp"

using tco::report::ResultChange;

namespace {

const ResultChange& result(const tco::report::ScenarioDiff& diff, const std::string& option,
                           const std::string& metric) {
  for (const auto& row : diff.results) {
    if (row.option == option && row.metric == metric) return row;
  }
  FAIL("no result " << option << " " << metric);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("diff: inputs and results between two evaluations", "[report][diff]") {
  const auto base = tco::test::report_evaluation();
  auto proposal = base;
  proposal.scenario_file = "proposal.yaml";
  auto& onprem = proposal.options[0];
  onprem.cost->total_usd = 600e3;  // 800 k$ -> 600 k$: -200 k$, -25 %
  onprem.cost->npv_usd = 500e3;    // now below the API's 550 k$
  onprem.performance->at_targets->ttft_s = 0.5;
  proposal.options.pop_back();  // the excluded cloud option is gone
  const tco::config::FlatInputs base_inputs{
      {"name", "A"}, {"options[onprem|h100].gpu", "h100-sxm"}, {"workload.slo.ttft", "2 s"}};
  const tco::config::FlatInputs proposal_inputs{
      {"name", "A"}, {"options[onprem|h100].gpu", "h200-sxm"}, {"horizon_years", "4"}};
  const auto diff = tco::report::diff_scenarios(base, base_inputs, proposal, proposal_inputs);

  REQUIRE(diff.inputs.size() == 3);
  CHECK(diff.inputs[0].key == "options[onprem|h100].gpu");
  CHECK(*diff.inputs[0].base == "h100-sxm");
  CHECK(*diff.inputs[0].proposal == "h200-sxm");
  CHECK(diff.inputs[1].key == "workload.slo.ttft");  // removed
  CHECK(!diff.inputs[1].proposal);
  CHECK(diff.inputs[2].key == "horizon_years");  // added
  CHECK(!diff.inputs[2].base);

  const auto& tco = result(diff, "onprem|h100", "TCO");
  CHECK(tco.unit == "USD");
  CHECK(*tco.change() == Approx(-200e3));
  CHECK(*tco.change_fraction() == Approx(-0.25));
  CHECK(*result(diff, "onprem|h100", "TTFT").change_fraction() == Approx(1.0));
  CHECK(*result(diff, "onprem|h100", "peak GPUs").change() == 0);
  CHECK(diff.base_lowest_npv == "api");
  CHECK(diff.proposal_lowest_npv == "onprem|h100");
  const auto& headline = result(diff, "lowest NPV", "NPV");
  CHECK(*headline.base == 550e3);
  CHECK(*headline.proposal == 500e3);
  // An option that is not there has no change.
  CHECK(!ResultChange{"x", "TCO", "USD", 1.0, std::nullopt}.change());
  CHECK(!ResultChange{"x", "TCO", "USD", 0.0, 1.0}.change_fraction());

  const auto table = tco::report::render_diff(diff, tco::report::DiffFormat::kTable);
  CHECK(table.find("lowest NPV: api (base) -> onprem|h100 (proposal)\n") != std::string::npos);
  CHECK(table.find("onprem|h100  TCO                          $800.0k     $600.0k     -$200.0k   "
                   "-25.0 %\n") != std::string::npos);
  CHECK(table.find("workload.slo.ttft         2 s       (absent)\n") != std::string::npos);
  const auto markdown = tco::report::render_diff(diff, tco::report::DiffFormat::kMarkdown);
  CHECK(markdown.find("| onprem\\|h100 | TTFT | 250.0 ms | 500.0 ms | +250.0 ms | +100.0 % |\n") !=
        std::string::npos);

  const auto json =
      nlohmann::json::parse(tco::report::render_diff(diff, tco::report::DiffFormat::kJson));
  CHECK(json["schema_version"] == 1);
  CHECK(json["inputs_changed"][1]["proposal"].is_null());
  bool found = false;
  for (const auto& row : json["results"]) {
    if (row["option"] == "onprem|h100" && row["metric"] == "TCO") {
      found = true;
      CHECK(row["unit"] == "USD");
      CHECK(row["change"].get<double>() == Approx(-200e3));
      CHECK(row["change_fraction"].get<double>() == Approx(-0.25));
    }
  }
  CHECK(found);
}
