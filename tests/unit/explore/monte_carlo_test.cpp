// run --samples: zero-width ranges give the deterministic result, a seed reproduces the result
// whatever the thread count, the distributions' quantiles, and the `uncertainty:` errors.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "explore_fixture.hpp"
#include "tco/config/scenario.hpp"
#include "tco/explore/monte_carlo.hpp"

namespace {

const std::string kTemplate = R"(version: 1
name: Monte Carlo test
model: {id: llama-3.1-8b, weight_dtype: fp8, kv_dtype: fp8}
workload:
  requests_per_day: 300000
  input_tokens: 1000
  output_tokens: 200
  growth_per_year: 20 %
  slo: {ttft: 2 s, tpot: 50 ms}
options:
  - {name: onprem, kind: onprem, gpu: h100-sxm, site: s}
  - {name: cloud, kind: cloud, instance: aws/p5.48xlarge, pricing: on_demand}
  - {name: api, kind: api, offer: deepinfra/llama-3.1-8b}
sites:
  s: {pue: 1.3, electricity: 0.2 USD/kWh}
costs_placeholder: {}
uncertainty:
{uncertainty}
)";

tco::config::Scenario load(const std::string& uncertainty) {
  auto text = fill(kTemplate, "uncertainty", uncertainty);
  text.replace(text.find("costs_placeholder: {}\n"), 22, "");
  return tco::config::parse_scenario(text, "mc.yaml", test_catalog(), test_costs());
}

}  // namespace

TEST_CASE("monte carlo: zero-width ranges equal the deterministic result", "[montecarlo]") {
  // Multipliers at 1 and absolute values equal to the scenario's (growth 20 %, life from
  // data/costs.yaml's depreciation_years).
  const double life = test_costs().defaults.at("depreciation_years").value;
  const auto scenario = load(
      "  gpu_price: {low: 1, high: 1}\n"
      "  cloud_price: {distribution: triangular, low: 1, mode: 1, high: 1}\n"
      "  api_price: {distribution: normal, mean: 1, sd: 0}\n"
      "  electricity_price: {low: 1, high: 1}\n"
      "  requests_per_day: {low: 1, high: 1}\n"
      "  throughput: {low: 1, high: 1}\n"
      "  demand_growth: {low: 0.2, high: 0.2}\n" +
      fmt::format("  hardware_life: {{low: {0}, high: {0}}}\n", life));
  const auto evaluation = tco::plan::evaluate(scenario, test_performance());
  const auto mc = tco::explore::run_monte_carlo(scenario, evaluation, 200, 42, 2);
  REQUIRE(mc.options.size() == 3);
  for (std::size_t o = 0; o < 3; ++o) {
    const auto& cost = *evaluation.options[o].cost;
    const auto& range = mc.options[o];
    INFO(range.option);
    CHECK(range.samples_costed == 200);
    for (const auto* p : {&range.npv_usd}) {
      CHECK(p->p10 == cost.npv_usd);
      CHECK(p->p50 == cost.npv_usd);
      CHECK(p->p90 == cost.npv_usd);
    }
    CHECK(range.total_usd.p50 == cost.total_usd);
    CHECK(range.usd_per_million_tokens.p90 == cost.usd_per_million_tokens);
    for (const auto& bar : range.tornado) CHECK(bar.swing_usd() == 0);
  }
  // The cheapest option is the same in every sample.
  double cheapest = 0;
  for (const auto& range : mc.options) {
    CHECK((range.probability_cheapest == 0 || range.probability_cheapest == 1));
    cheapest += range.probability_cheapest;
  }
  CHECK(cheapest == 1);
}

TEST_CASE("monte carlo: price-decline drivers stand in for finance's declines", "[montecarlo]") {
  // Zero-width decline ranges give exactly what the same declines under finance: give, and
  // they do move every option's cost (the scenario itself has no decline; over 7 years the
  // on-prem fleet is refreshed once, at the lower GPU price).
  auto scenario_text = [](const std::string& uncertainty, const std::string& finance) {
    auto text = fill(kTemplate, "uncertainty", uncertainty);
    text.replace(text.find("costs_placeholder: {}\n"), 22, finance);
    text.replace(text.find("name: Monte Carlo test\n"), 23,
                 "name: Monte Carlo test\nhorizon_years: 7\n");
    return tco::config::parse_scenario(text, "mc.yaml", test_catalog(), test_costs());
  };
  const auto with_finance = tco::plan::evaluate(
      scenario_text("  gpu_price: {low: 1, high: 1}\n",
                    "finance: {cloud_price_decline: 15 %, gpu_price_decline: 5 %, "
                    "api_price_decline: 30 %}\n"),
      test_performance());
  const auto scenario = scenario_text(
      "  cloud_price_decline: {low: 0.15, high: 0.15}\n"
      "  gpu_price_decline: {distribution: normal, mean: 0.05, sd: 0}\n"
      "  api_price_decline: {low: 0.3, high: 0.3}\n",
      "");
  const auto evaluation = tco::plan::evaluate(scenario, test_performance());
  const auto mc = tco::explore::run_monte_carlo(scenario, evaluation, 50, 3, 1);
  REQUIRE(mc.options.size() == 3);
  for (std::size_t o = 0; o < 3; ++o) {
    INFO(mc.options[o].option);
    const double expected = with_finance.options[o].cost->npv_usd;
    CHECK(mc.options[o].npv_usd.p10 == Approx(expected).epsilon(1e-12));
    CHECK(mc.options[o].npv_usd.p90 == Approx(expected).epsilon(1e-12));
    CHECK(expected < evaluation.options[o].cost->npv_usd);
  }
}

TEST_CASE("monte carlo: a seed reproduces the result on any thread count", "[montecarlo]") {
  const auto scenario = load(
      "  gpu_price: {distribution: triangular, low: 0.7, mode: 1, high: 1.4}\n"
      "  cloud_price: {low: 0.6, high: 1.2}\n"
      "  requests_per_day: {distribution: normal, mean: 1, sd: 0.3}\n"
      "  throughput: {distribution: normal, mean: 1, sd: 0.1}\n");
  const auto evaluation = tco::plan::evaluate(scenario, test_performance());
  const auto one = tco::explore::run_monte_carlo(scenario, evaluation, 300, 7, 1);
  const auto three = tco::explore::run_monte_carlo(scenario, evaluation, 300, 7, 3);
  const auto other_seed = tco::explore::run_monte_carlo(scenario, evaluation, 300, 8, 3);
  REQUIRE(one.options.size() == three.options.size());
  for (std::size_t o = 0; o < one.options.size(); ++o) {
    CHECK(one.options[o].npv_usd.p10 == three.options[o].npv_usd.p10);
    CHECK(one.options[o].npv_usd.p90 == three.options[o].npv_usd.p90);
    CHECK(one.options[o].probability_cheapest == three.options[o].probability_cheapest);
  }
  const auto& onprem = one.options[0];
  CHECK(onprem.npv_usd.p10 < onprem.npv_usd.p50);
  CHECK(onprem.npv_usd.p50 < onprem.npv_usd.p90);
  CHECK(onprem.npv_usd.p10 != other_seed.options[0].npv_usd.p10);
  // The deterministic NPV lies inside the spread of demand x price.
  const double npv = evaluation.options[0].cost->npv_usd;
  CHECK(onprem.npv_usd.p10 < npv);
  CHECK(npv < onprem.npv_usd.p90);
  // On-prem does not depend on cloud prices: that bar has no swing; demand's has the largest.
  for (const auto& bar : onprem.tornado) {
    if (bar.driver == "cloud_price") CHECK(bar.swing_usd() == 0);
  }
  CHECK(one.options[1].tornado.front().swing_usd() > 0);
  // The API cost scales with demand (P90 over P10 of requests, within sampling).
  CHECK(one.options[2].npv_usd.p90 > one.options[2].npv_usd.p10);
}

TEST_CASE("monte carlo: quantiles of the distributions and percentiles", "[montecarlo]") {
  tco::config::UncertainInput uniform{"x", "uniform", 2, 3, 4, 0, 0};
  CHECK(tco::explore::quantile(uniform, 0.25) == Approx(2.5));
  tco::config::UncertainInput triangular{"x", "triangular", 0, 1, 2, 0, 0};
  // Symmetric: median at the mode; P(X < 0.5) = 0.5^2 / 2 = 0.125.
  CHECK(tco::explore::quantile(triangular, 0.5) == Approx(1));
  CHECK(tco::explore::quantile(triangular, 0.125) == Approx(0.5));
  tco::config::UncertainInput normal{"x", "normal", 0, 0, 0, 1, 0.1};
  CHECK(tco::explore::quantile(normal, 0.9) == Approx(1 + 0.1 * 1.2815515655).epsilon(1e-8));
  tco::config::UncertainInput wide{"x", "normal", 0, 0, 0, 0.1, 1};
  CHECK(tco::explore::quantile(wide, 0.05) == 0);  // clipped: no negative prices
  const auto p = tco::explore::percentiles({5, 1, 4, 2, 3, 10, 6, 7, 9, 8, 0});
  CHECK(p.p10 == Approx(1));
  CHECK(p.p50 == Approx(5));
  CHECK(p.p90 == Approx(9));
  auto generator = tco::explore::sample_generator(1, 0);
  auto again = tco::explore::sample_generator(1, 0);
  CHECK(tco::explore::uniform01(generator) == tco::explore::uniform01(again));
}

TEST_CASE("monte carlo: invalid uncertainty sections", "[montecarlo]") {
  CHECK_THROWS_WITH(load("  gpu_prise: {low: 1, high: 2}\n"),
                    Catch::Contains("unknown key 'gpu_prise' (did you mean 'gpu_price'?)"));
  CHECK_THROWS_WITH(load("  gpu_price: {distribution: triangular, low: 1, high: 2}\n"),
                    Catch::Contains("uncertainty.gpu_price: a triangular distribution needs "
                                    "'mode'"));
  CHECK_THROWS_WITH(load("  gpu_price: {low: 2, high: 1}\n"),
                    Catch::Contains("uncertainty.gpu_price: needs low <= high (got low 2, "
                                    "high 1)"));
  CHECK_THROWS_WITH(load("  gpu_price: {distribution: lognormal, low: 1, high: 2}\n"),
                    Catch::Contains("uncertainty.gpu_price.distribution"));
  const auto none = tco::config::parse_scenario(
      fill(kTemplate, "uncertainty", "  {}").replace(
          fill(kTemplate, "uncertainty", "  {}").find("costs_placeholder: {}\n"), 22, ""),
      "mc.yaml", test_catalog(), test_costs());
  const auto evaluation = tco::plan::evaluate(none, test_performance());
  CHECK_THROWS_WITH(tco::explore::run_monte_carlo(none, evaluation, 10, 1, 1),
                    Catch::Contains("--samples needs an `uncertainty:` section"));
}
