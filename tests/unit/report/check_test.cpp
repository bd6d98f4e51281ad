// tco-plan check: requirements evaluated per option on hand-built evaluations, the scenario
// verdict (at least one allowed option passes every requirement), and the exact text, GitHub
// and JUnit outputs.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/report/check.hpp"
#include "tco/validate/validate.hpp"

using tco::config::OptionKind;
using tco::report::CheckStatus;
using tco::report::RequirementCheck;
using tco::report::ScenarioCheck;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFile = "proposal.yaml";

/// A scenario carrying only what check reads: file, requirements, their locations, targets and
/// the host power default (4.6 kW per node) with a 25 kW site rack limit.
tco::config::Scenario scenario() {
  tco::config::Scenario s;
  s.file = kFile;
  s.name = "Proposal";
  s.horizon_years = 5;
  s.workload.slo.ttft_s = 2.0;
  s.workload.slo.tpot_s = 0.06;
  s.locations["requirements"] = {kFile, 20, 1};
  int line = 21;
  for (const char* key : {"fits", "latency_targets_met", "max_cost_per_million_tokens", "max_tco",
                          "max_gpus", "max_power_per_rack", "air_gapped"}) {
    s.locations[std::string("requirements.") + key] = {kFile, line++, 3};
  }
  s.costs.defaults["host_power_per_node"] = tco::catalog::SourcedValue{4600.0, {}};
  s.costs.defaults["rack_power_limit"] = tco::catalog::SourcedValue{25000.0, {}};
  return s;
}

tco::cost::OptionCost cost(double total_usd, double usd_per_mtok, std::vector<long long> gpus,
                           std::vector<long long> nodes) {
  tco::cost::OptionCost c;
  c.total_usd = total_usd;
  c.npv_usd = total_usd * 0.8;
  c.usd_per_million_tokens = usd_per_mtok;
  c.usd_per_million_output_tokens = usd_per_mtok * 6;
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    tco::cost::YearFlow year;
    year.year = static_cast<int>(i) + 1;
    year.gpus = gpus[i];
    year.nodes = nodes[i];
    c.years.push_back(year);
  }
  return c;
}

/// An 8-GPU-per-node H100 option (700 W TDP) that fits and meets the targets, costed.
tco::plan::OptionResult gpu_option(const std::string& name, OptionKind kind) {
  tco::plan::OptionResult r;
  r.option.name = name;
  r.option.kind = kind;
  r.option.gpu = "h100-sxm";
  r.option.gpus_per_node = 8;
  r.option.tp = 2;
  tco::catalog::Gpu gpu;
  gpu.id = "h100-sxm";
  gpu.tdp_w = 700;
  r.gpu = gpu;
  tco::perf::MemoryPlan memory;
  memory.fits = true;
  memory.verdict = "fits: KV budget 34.8 GiB holds 253 sequences of 1800 tokens";
  r.memory = memory;
  tco::plan::Performance performance;
  tco::perf::ServingPoint point;
  point.concurrency = 104;
  point.output_tokens_per_s = 1734;
  point.ttft_s = 0.0899;
  point.tpot_s = 0.06;
  performance.at_targets = point;
  performance.limited_by = "latency targets (compute-bound step)";
  r.performance = performance;
  r.cost = cost(2.24e6, 1.013, {8, 8, 16, 16, 24}, {1, 1, 2, 2, 3});
  r.status = "fits";
  return r;
}

tco::plan::OptionResult api_option(const std::string& name) {
  tco::plan::OptionResult r;
  r.option.name = name;
  r.option.kind = OptionKind::kApi;
  r.option.offer = "deepinfra/llama-3.1-70b";
  r.cost = cost(613.9e3, 0.258, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0});
  r.status = "hosted API (no GPUs)";
  return r;
}

tco::plan::Evaluation evaluation(std::vector<tco::plan::OptionResult> options) {
  tco::plan::Evaluation e;
  e.scenario_name = "Proposal";
  e.scenario_file = kFile;
  e.horizon_years = 5;
  e.options = std::move(options);
  return e;
}

const RequirementCheck& line(const ScenarioCheck& check, const std::string& requirement,
                             const std::string& option) {
  for (const auto& l : check.results) {
    if (l.requirement == requirement && l.option == option) return l;
  }
  FAIL("no line for " << requirement << " [" << option << "]");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("check: each requirement on an on-prem option", "[check]") {
  auto s = scenario();
  s.requirements.fits = true;
  s.requirements.latency_targets_met = true;
  s.requirements.max_cost_per_million_tokens_usd = 1.0;
  s.requirements.max_tco_usd = 2.5e6;
  s.requirements.max_gpus = 24;
  s.requirements.max_power_per_rack_w = 20e3;
  s.requirements.air_gapped = true;
  const auto check =
      tco::report::check_requirements(evaluation({gpu_option("h100", OptionKind::kOnprem)}), s);
  REQUIRE(check.results.size() == 7);

  CHECK(line(check, "fits", "h100").status == CheckStatus::kPass);
  CHECK(line(check, "fits", "h100").detail ==
        "fits: KV budget 34.8 GiB holds 253 sequences of 1800 tokens");
  const auto& latency = line(check, "latency_targets_met", "h100");
  CHECK(latency.status == CheckStatus::kPass);
  CHECK(latency.actual == "TTFT 89.9 ms, TPOT 60.0 ms");
  CHECK(latency.limit == "TTFT <= 2.00 s, TPOT <= 60.0 ms");
  // 1.013 $/Mtok > 1.000: fails.
  const auto& per_mtok = line(check, "max_cost_per_million_tokens", "h100");
  CHECK(per_mtok.status == CheckStatus::kFail);
  CHECK(per_mtok.actual == "$1.013/Mtok");
  CHECK(per_mtok.limit == "<= $1.000/Mtok");
  // Nominal total, not NPV.
  const auto& tco = line(check, "max_tco", "h100");
  CHECK(tco.status == CheckStatus::kPass);
  CHECK(tco.actual == "$2.24M");
  CHECK(tco.detail == "nominal (undiscounted) total over 5 years; NPV $1.79M");
  // Peak GPUs over the years, not the last or first year.
  const auto& gpus = line(check, "max_gpus", "h100");
  CHECK(gpus.status == CheckStatus::kPass);
  CHECK(gpus.actual == "24");
  CHECK(gpus.detail == "peak over the horizon, reached in year 5");
  // Node: 8 x 700 W + 4.6 kW host = 10.2 kW; a 25 kW site rack holds floor(25 / 10.2) = 2 nodes;
  // 3 nodes at peak, so the fullest rack holds 2: 20.4 kW > 20 kW.
  const auto& rack = line(check, "max_power_per_rack", "h100");
  CHECK(rack.status == CheckStatus::kFail);
  CHECK(rack.actual == "20.4 kW");
  CHECK(rack.limit == "<= 20 kW");
  CHECK(rack.detail ==
        "fullest rack: 2 nodes x 10.2 kW (8 x h100-sxm 700 W at TDP + 4.6 kW host); 3 nodes at "
        "peak, packed 2 per rack under the site's rack_power_limit 25 kW");
  CHECK(line(check, "air_gapped", "h100").status == CheckStatus::kPass);

  // Locations come from the requirement keys.
  CHECK(line(check, "max_tco", "h100").where.line == 24);
  CHECK(line(check, "max_tco", "h100").where.column == 3);
  CHECK(check.where.line == 20);

  CHECK(check.passing_options.empty());
  CHECK_FALSE(check.passed());
}

TEST_CASE("check: rack power follows the option's own rack limit and host power", "[check]") {
  auto s = scenario();
  s.requirements.max_power_per_rack_w = 10.2e3;
  auto option = gpu_option("h100", OptionKind::kOnprem);
  option.option.costs["rack_power_limit"] = 10e3;  // smaller than a node: still one per rack
  auto check = tco::report::check_requirements(evaluation({option}), s);
  CHECK(line(check, "max_power_per_rack", "h100").actual == "10.2 kW");
  CHECK(line(check, "max_power_per_rack", "h100").status == CheckStatus::kPass);

  option.option.costs["host_power_per_node"] = 5000;
  check = tco::report::check_requirements(evaluation({option}), s);
  CHECK(line(check, "max_power_per_rack", "h100").actual == "10.6 kW");
  CHECK(line(check, "max_power_per_rack", "h100").status == CheckStatus::kFail);

  // No rack limit anywhere: every node counts in one rack.
  s.costs.defaults.clear();
  option.option.costs.clear();
  check = tco::report::check_requirements(evaluation({option}), s);
  CHECK(line(check, "max_power_per_rack", "h100").actual == "16.8 kW");  // 3 x 5.6 kW
}

TEST_CASE("check: hosted API and cloud options", "[check]") {
  auto s = scenario();
  s.requirements.fits = true;
  s.requirements.latency_targets_met = true;
  s.requirements.max_gpus = 8;
  s.requirements.max_power_per_rack_w = 1e3;
  s.requirements.air_gapped = true;
  const auto check = tco::report::check_requirements(
      evaluation({api_option("api"), gpu_option("cloud", OptionKind::kCloud)}), s);
  CHECK(line(check, "fits", "api").status == CheckStatus::kPass);
  CHECK(line(check, "fits", "api").actual == "n/a");
  // API latency is not modelled: it cannot be shown to meet the targets.
  CHECK(line(check, "latency_targets_met", "api").status == CheckStatus::kFail);
  CHECK(line(check, "max_gpus", "api").actual == "0");
  CHECK(line(check, "max_gpus", "api").status == CheckStatus::kPass);
  CHECK(line(check, "max_power_per_rack", "api").status == CheckStatus::kPass);
  CHECK(line(check, "air_gapped", "api").status == CheckStatus::kFail);
  CHECK(line(check, "air_gapped", "api").actual == "api");
  CHECK(line(check, "max_gpus", "cloud").actual == "24");
  CHECK(line(check, "max_gpus", "cloud").status == CheckStatus::kFail);
  CHECK(line(check, "max_power_per_rack", "cloud").actual == "n/a");
  CHECK(line(check, "max_power_per_rack", "cloud").status == CheckStatus::kPass);
  CHECK(line(check, "air_gapped", "cloud").status == CheckStatus::kFail);
  CHECK_FALSE(check.passed());
}

TEST_CASE("check: options that do not fit, miss the targets or have no cost", "[check]") {
  auto s = scenario();
  s.requirements.fits = true;
  s.requirements.latency_targets_met = true;
  s.requirements.max_tco_usd = 1e9;
  s.requirements.max_gpus = 1000;
  auto too_small = gpu_option("l40s", OptionKind::kOnprem);
  too_small.memory->fits = false;
  too_small.memory->verdict = "weights alone (67.7 GiB) exceed the usable 41.4 GiB";
  too_small.performance.reset();
  too_small.cost.reset();
  too_small.cost_note = "does not fit";
  auto slow = gpu_option("slow", OptionKind::kOnprem);
  slow.performance->at_targets.reset();
  slow.performance->limited_by = "latency targets missed even at one request";
  const auto check = tco::report::check_requirements(evaluation({too_small, slow}), s);
  CHECK(line(check, "fits", "l40s").status == CheckStatus::kFail);
  CHECK(line(check, "fits", "l40s").actual == "does not fit");
  CHECK(line(check, "fits", "l40s").detail ==
        "weights alone (67.7 GiB) exceed the usable 41.4 GiB");
  CHECK(line(check, "latency_targets_met", "l40s").actual == "does not fit");
  CHECK(line(check, "max_tco", "l40s").status == CheckStatus::kFail);
  CHECK(line(check, "max_tco", "l40s").detail == "does not fit");
  CHECK(line(check, "max_gpus", "l40s").actual == "not sized");
  CHECK(line(check, "latency_targets_met", "slow").status == CheckStatus::kFail);
  CHECK(line(check, "latency_targets_met", "slow").detail ==
        "latency targets missed even at one request");
  CHECK(line(check, "fits", "slow").status == CheckStatus::kPass);
  CHECK_FALSE(check.passed());
}

TEST_CASE("check: a hybrid needs its base and burst; its GPUs are the on-prem ones", "[check]") {
  auto s = scenario();
  s.requirements.fits = true;
  s.requirements.latency_targets_met = true;
  s.requirements.max_gpus = 8;
  s.requirements.max_power_per_rack_w = 11e3;
  auto base = gpu_option("base", OptionKind::kOnprem);
  auto burst = gpu_option("burst", OptionKind::kCloud);
  tco::plan::OptionResult hybrid;
  hybrid.option.name = "hybrid";
  hybrid.option.kind = OptionKind::kHybrid;
  hybrid.option.base = "base";
  hybrid.option.burst = "burst";
  hybrid.cost = cost(2.19e6, 0.97, {8, 8, 8, 8, 8}, {1, 1, 1, 1, 1});

  auto check = tco::report::check_requirements(evaluation({base, burst, hybrid}), s);
  CHECK(line(check, "fits", "hybrid").status == CheckStatus::kPass);
  CHECK(line(check, "latency_targets_met", "hybrid").status == CheckStatus::kPass);
  CHECK(line(check, "max_gpus", "hybrid").actual == "8");
  CHECK(line(check, "max_gpus", "hybrid").status == CheckStatus::kPass);
  CHECK(line(check, "max_power_per_rack", "hybrid").actual == "10.2 kW");
  CHECK(line(check, "max_power_per_rack", "hybrid").status == CheckStatus::kPass);
  CHECK(check.passing_options == std::vector<std::string>{"hybrid"});
  CHECK(check.passed());

  burst.memory->fits = false;
  burst.memory->verdict = "does not fit";
  burst.performance.reset();
  check = tco::report::check_requirements(evaluation({base, burst, hybrid}), s);
  CHECK(line(check, "fits", "hybrid").status == CheckStatus::kFail);
  CHECK(line(check, "fits", "hybrid").actual == "burst does not fit");
  CHECK(line(check, "latency_targets_met", "hybrid").status == CheckStatus::kFail);
}

TEST_CASE("check: the scenario passes when one allowed option passes everything", "[check]") {
  auto s = scenario();
  s.requirements.max_tco_usd = 1e6;
  s.requirements.air_gapped = false;  // requires nothing: no lines
  s.requirements.fits = false;
  auto excluded = api_option("api-us");
  excluded.excluded = "data residency: deepinfra/llama-3.1-70b processes data in US";
  const auto check = tco::report::check_requirements(
      evaluation({gpu_option("h100", OptionKind::kOnprem), api_option("api"), excluded}), s);
  REQUIRE(check.results.size() == 3);
  CHECK(line(check, "max_tco", "h100").status == CheckStatus::kFail);
  CHECK(line(check, "max_tco", "api").status == CheckStatus::kPass);
  CHECK(line(check, "max_tco", "api-us").status == CheckStatus::kSkip);
  CHECK(check.allowed_options == std::vector<std::string>{"h100", "api"});
  CHECK(check.passing_options == std::vector<std::string>{"api"});
  CHECK(check.passed());

  SECTION("no allowed option") {
    const auto none = tco::report::check_requirements(evaluation({excluded}), s);
    CHECK(none.allowed_options.empty());
    CHECK_FALSE(none.passed());
  }
  SECTION("no requirements: passes with every allowed option") {
    const auto nothing = tco::report::check_requirements(
        evaluation({gpu_option("h100", OptionKind::kOnprem)}), scenario());
    CHECK(nothing.results.empty());
    CHECK(nothing.passed());
  }
}

namespace {

/// A scenario with one passing and one failing option, and one excluded.
ScenarioCheck mixed_check() {
  auto s = scenario();
  s.requirements.max_tco_usd = 1e6;
  s.requirements.air_gapped = true;
  auto excluded = api_option("api-us");
  excluded.excluded = "data residency: offer processes data in US";
  auto onprem = gpu_option("h100", OptionKind::kOnprem);
  onprem.cost = cost(0.9e6, 1.0, {8}, {1});
  return tco::report::check_requirements(
      evaluation({onprem, gpu_option("p5", OptionKind::kCloud), excluded}), s);
}

}  // namespace

TEST_CASE("check: text report", "[check]") {
  CHECK(tco::report::render_check_text({mixed_check()}) ==
        "Proposal  (proposal.yaml)\n"
        "requirement  option  actual    limit      result\n"
        "max_tco      h100    $900.0k   <= $1.00M  PASS\n"
        "max_tco      p5      $2.24M    <= $1.00M  FAIL\n"
        "max_tco      api-us  excluded  <= $1.00M  SKIP\n"
        "air_gapped   h100    onprem    onprem     PASS\n"
        "air_gapped   p5      cloud     onprem     FAIL\n"
        "air_gapped   api-us  excluded  onprem     SKIP\n"
        "Failures\n"
        "  - max_tco [p5]: $2.24M, limit <= $1.00M: nominal (undiscounted) total over 5 years; "
        "NPV $1.79M\n"
        "  - air_gapped [p5]: cloud, limit onprem: cloud options send data off the premises\n"
        "Excluded by the constraints\n"
        "  - api-us: data residency: offer processes data in US\n"
        "PASS: h100 meets every requirement\n"
        "\n"
        "check: 1 scenario, 1 passed, 0 failed, 0 invalid\n");
}

TEST_CASE("check: GitHub annotations", "[check]") {
  const std::string text = tco::report::render_check_text({mixed_check()});
  const std::string github = tco::report::render_check_github({mixed_check()});
  REQUIRE(github.substr(0, text.size()) == text);
  // The scenario passes through h100: p5's failures are warnings, not errors.
  CHECK(github.substr(text.size()) ==
        "::warning file=proposal.yaml,line=24,col=3,title=tco-plan check%3A max_tco [p5]::"
        "max_tco fails for option p5: $2.24M, limit <= $1.00M (nominal (undiscounted) total over "
        "5 years; NPV $1.79M); the scenario passes through another option\n"
        "::warning file=proposal.yaml,line=27,col=3,title=tco-plan check%3A air_gapped [p5]::"
        "air_gapped fails for option p5: cloud, limit onprem (cloud options send data off the "
        "premises); the scenario passes through another option\n"
        "::notice file=proposal.yaml,line=20,col=1,title=tco-plan check%3A PASS::Proposal: h100 "
        "meets every requirement\n");

  SECTION("a failing scenario: errors, and % , : and newlines escaped") {
    auto s = scenario();
    s.file = "proposals/a,b:c.yaml";
    s.locations.clear();
    s.requirements.max_gpus = 4;
    auto option = gpu_option("50%\nbig", OptionKind::kOnprem);
    const auto check = tco::report::check_requirements(evaluation({option}), s);
    const std::string out = tco::report::render_check_github({check});
    const std::string annotations = out.substr(out.find("\n::") + 1);
    CHECK(annotations ==
          "::error file=proposals/a%2Cb%3Ac.yaml,title=tco-plan check%3A max_gpus [50%25%0Abig]"
          "::max_gpus fails for option 50%25%0Abig: 24, limit <= 4 (peak over the horizon, "
          "reached in year 5)\n"
          "::error file=proposals/a%2Cb%3Ac.yaml,title=tco-plan check%3A FAIL::Proposal: no "
          "allowed option meets every requirement\n");
  }
  SECTION("an invalid file: one error per message, at its line") {
    const auto invalid = tco::report::invalid_scenario_check(
        "bad.yaml",
        "bad.yaml:12:12: error: requirements.max_tco: unknown unit 'kW'\n"
        "   12 |   max_tco: 2 kW\n"
        "      |            ^\n"
        "bad.yaml:3:1: error: name: missing\n");
    CHECK(tco::report::render_check_github({invalid}) ==
          "bad.yaml\n"
          "INVALID: bad.yaml:12:12: error: requirements.max_tco: unknown unit 'kW'\n"
          "\n"
          "check: 1 scenario, 0 passed, 0 failed, 1 invalid\n"
          "::error file=bad.yaml,line=12,col=12,title=tco-plan check%3A invalid scenario::"
          "requirements.max_tco: unknown unit 'kW'\n"
          "::error file=bad.yaml,line=3,col=1,title=tco-plan check%3A invalid scenario::name: "
          "missing\n");
  }
}

TEST_CASE("check: JUnit XML", "[check]") {
  const auto invalid = tco::report::invalid_scenario_check(
      "bad.yaml", "bad.yaml: error: cannot read the scenario file (no such file)\n");
  CHECK(tco::report::render_check_junit({mixed_check(), invalid}) ==
        R"xml(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="tco-plan check" tests="8" failures="2" errors="1" skipped="2">
  <testsuite name="Proposal" file="proposal.yaml" tests="7" failures="2" errors="0" skipped="2">
    <testcase classname="proposal.yaml" name="max_tco [h100]" file="proposal.yaml" line="24">
      <system-out>$900.0k, limit &lt;= $1.00M: nominal (undiscounted) total over 5 years; NPV $720.0k</system-out>
    </testcase>
    <testcase classname="proposal.yaml" name="max_tco [p5]" file="proposal.yaml" line="24">
      <failure message="max_tco: $2.24M, limit &lt;= $1.00M" type="requirement">nominal (undiscounted) total over 5 years; NPV $1.79M</failure>
    </testcase>
    <testcase classname="proposal.yaml" name="max_tco [api-us]" file="proposal.yaml" line="24">
      <skipped message="excluded by the constraints: data residency: offer processes data in US"/>
    </testcase>
    <testcase classname="proposal.yaml" name="air_gapped [h100]" file="proposal.yaml" line="27">
      <system-out>onprem, limit onprem: runs on the premises without network access</system-out>
    </testcase>
    <testcase classname="proposal.yaml" name="air_gapped [p5]" file="proposal.yaml" line="27">
      <failure message="air_gapped: cloud, limit onprem" type="requirement">cloud options send data off the premises</failure>
    </testcase>
    <testcase classname="proposal.yaml" name="air_gapped [api-us]" file="proposal.yaml" line="27">
      <skipped message="excluded by the constraints: data residency: offer processes data in US"/>
    </testcase>
    <testcase classname="proposal.yaml" name="verdict" file="proposal.yaml" line="20">
      <system-out>PASS: h100 meets every requirement</system-out>
    </testcase>
  </testsuite>
  <testsuite name="bad.yaml" file="bad.yaml" tests="1" failures="0" errors="1" skipped="0">
    <testcase classname="bad.yaml" name="load" file="bad.yaml" line="0">
      <error message="cannot read the scenario file (no such file)" type="invalid input">bad.yaml: error: cannot read the scenario file (no such file)&#10;</error>
    </testcase>
  </testsuite>
</testsuites>
)xml");
}

TEST_CASE("check: XML escaping", "[check]") {
  CHECK(tco::report::xml_escape("a<b & \"c\" 'd'>") ==
        "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  CHECK(tco::report::xml_escape("tab\tline\ncr\r") == "tab&#9;line&#10;cr&#13;");
  CHECK(tco::report::xml_escape(std::string("bell\x07"
                                            "esc\x1b",
                                            9)) == "bell?esc?");
  CHECK(tco::report::xml_escape("µ €") == "µ €");  // UTF-8 passes through

  auto s = scenario();
  s.name = "A & B";
  s.requirements.max_gpus = 4;
  auto e = evaluation({gpu_option("<opt>", OptionKind::kOnprem)});
  e.scenario_name = "A & B";
  const std::string xml = tco::report::render_check_junit({tco::report::check_requirements(e, s)});
  CHECK(xml.find("<testsuite name=\"A &amp; B\"") != std::string::npos);
  CHECK(xml.find("name=\"max_gpus [&lt;opt&gt;]\"") != std::string::npos);
  CHECK(xml.find("<opt>") == std::string::npos);
}

TEST_CASE("check: a real scenario file, with the requirement lines it was read from", "[check]") {
  const fs::path data = fs::path(TCO_PLAN_SOURCE_DATA_DIR) / "data";
  const auto catalog = tco::catalog::load_catalog(data);
  const auto costs = tco::catalog::load_cost_catalog(data);
  tco::plan::PerformanceData performance;
  performance.profiles = tco::perf::load_profiles(fs::path(TCO_PLAN_SOURCE_DATA_DIR) / "profiles");
  performance.engine_timing = tco::validate::load_engine_timing(data);
  const std::string file = std::string(TCO_TEST_DATA_DIR) + "/check/mixed.yaml";
  const auto scenario_file = tco::config::load_scenario(file, catalog, costs);
  const auto check = tco::report::check_requirements(
      tco::plan::evaluate(scenario_file, performance), scenario_file);
  CHECK(check.file == file);
  CHECK(check.where.line == 16);  // requirements:
  CHECK(line(check, "fits", "onprem-h100").where.line == 17);
  CHECK(line(check, "air_gapped", "cloud-p5").where.line == 18);
  CHECK(line(check, "air_gapped", "cloud-p5").where.column == 3);
  CHECK(line(check, "air_gapped", "cloud-p5").status == CheckStatus::kFail);
  CHECK(line(check, "air_gapped", "onprem-h100").status == CheckStatus::kPass);
  CHECK(check.passing_options == std::vector<std::string>{"onprem-h100"});
  CHECK(check.passed());
}
