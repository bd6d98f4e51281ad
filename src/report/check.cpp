#include "tco/report/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "tco/report/report.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

namespace {

using config::OptionKind;

constexpr std::string_view kFits = "fits";
constexpr std::string_view kLatency = "latency_targets_met";
constexpr std::string_view kCostPerMtok = "max_cost_per_million_tokens";
constexpr std::string_view kTco = "max_tco";
constexpr std::string_view kGpus = "max_gpus";
constexpr std::string_view kRackPower = "max_power_per_rack";
constexpr std::string_view kAirGapped = "air_gapped";

/// The outcome for one option, before the requirement's name, option and location are added.
struct Outcome {
  CheckStatus status = CheckStatus::kFail;
  std::string actual;
  std::string detail;
};

Outcome pass(std::string actual, std::string detail) {
  return {CheckStatus::kPass, std::move(actual), std::move(detail)};
}
Outcome fail(std::string actual, std::string detail) {
  return {CheckStatus::kFail, std::move(actual), std::move(detail)};
}
Outcome bound(bool ok, std::string actual, std::string detail) {
  return {ok ? CheckStatus::kPass : CheckStatus::kFail, std::move(actual), std::move(detail)};
}

std::string per_mtok(double usd) { return fmt::format("${:.3f}/Mtok", usd); }
std::string watts(double w) { return units::format_quantity(w, units::Dimension::kWatts); }

/// Evaluation results by option name, for hybrids' base and burst.
class Options {
 public:
  explicit Options(const plan::Evaluation& evaluation) : evaluation_(evaluation) {}
  [[nodiscard]] const plan::OptionResult* find(const std::string& name) const {
    for (const auto& result : evaluation_.options) {
      if (result.option.name == name) return &result;
    }
    return nullptr;
  }

 private:
  const plan::Evaluation& evaluation_;
};

/// Why an option without a cost has none.
std::string not_costed(const plan::OptionResult& result) {
  return result.cost_note.empty() ? std::string("no cost was computed") : result.cost_note;
}

Outcome fits_of_gpu_option(const plan::OptionResult& result) {
  if (!result.memory) {
    return fail(result.status.empty() ? "no GPU" : result.status,
                "no memory plan: the option names no known GPU");
  }
  return bound(result.memory->fits, result.memory->fits ? "fits" : "does not fit",
               result.memory->verdict);
}

Outcome check_fits(const plan::OptionResult& result, const Options& options) {
  switch (result.option.kind) {
    case OptionKind::kApi: return pass("n/a", "hosted API: no GPUs of ours to fit");
    case OptionKind::kHybrid: {
      for (const auto* part : {&result.option.base, &result.option.burst}) {
        const auto* other = options.find(*part);
        if (other == nullptr) return fail("unknown", fmt::format("no option named '{}'", *part));
        const auto outcome = fits_of_gpu_option(*other);
        if (outcome.status != CheckStatus::kPass) {
          return fail(fmt::format("{} {}", *part, outcome.actual),
                      fmt::format("{}: {}", *part, outcome.detail));
        }
      }
      return pass("fits", fmt::format("base {} and burst {} both fit", result.option.base,
                                      result.option.burst));
    }
    case OptionKind::kOnprem:
    case OptionKind::kCloud: return fits_of_gpu_option(result);
  }
  return fail("unknown", "unknown option kind");
}

std::string latency_limit(const config::LatencyTargets& slo) {
  std::vector<std::string> parts;
  if (slo.ttft_s) parts.push_back("TTFT <= " + units::format_seconds(*slo.ttft_s));
  if (slo.tpot_s) parts.push_back("TPOT <= " + units::format_seconds(*slo.tpot_s));
  return parts.empty() ? "no targets" : fmt::format("{}", fmt::join(parts, ", "));
}

Outcome latency_of_gpu_option(const plan::OptionResult& result) {
  if (!result.performance) {
    if (result.memory && !result.memory->fits) {
      return fail("does not fit", "no serving point: " + result.memory->verdict);
    }
    return fail("no performance", "no serving point: the option names no known GPU");
  }
  const auto& performance = *result.performance;
  if (!performance.at_targets) return fail("missed", performance.limited_by);
  const auto& point = *performance.at_targets;
  return pass(fmt::format("TTFT {}, TPOT {}", units::format_seconds(point.ttft_s),
                          units::format_seconds(point.tpot_s)),
              fmt::format("{:.0f} requests per replica, {:.0f} output tokens/s, limited by {}",
                          point.concurrency, point.output_tokens_per_s, performance.limited_by));
}

Outcome check_latency(const plan::OptionResult& result, const Options& options) {
  switch (result.option.kind) {
    case OptionKind::kApi:
      return fail("unknown",
                  "hosted API latency is not modelled; it cannot be shown to meet the "
                  "targets");
    case OptionKind::kHybrid: {
      for (const auto* part : {&result.option.base, &result.option.burst}) {
        const auto* other = options.find(*part);
        if (other == nullptr) return fail("unknown", fmt::format("no option named '{}'", *part));
        const auto outcome = latency_of_gpu_option(*other);
        if (outcome.status != CheckStatus::kPass) {
          return fail(fmt::format("{} {}", *part, outcome.actual),
                      fmt::format("{}: {}", *part, outcome.detail));
        }
      }
      return pass("met", fmt::format("base {} and burst {} both meet the targets",
                                     result.option.base, result.option.burst));
    }
    case OptionKind::kOnprem:
    case OptionKind::kCloud: return latency_of_gpu_option(result);
  }
  return fail("unknown", "unknown option kind");
}

Outcome check_cost_per_mtok(const plan::OptionResult& result, double limit) {
  if (!result.cost) return fail("not costed", not_costed(result));
  const double value = result.cost->usd_per_million_tokens;
  return bound(value <= limit, per_mtok(value),
               fmt::format("levelised: NPV / discounted input + output tokens; ${:.3f} per "
                           "million output tokens",
                           result.cost->usd_per_million_output_tokens));
}

Outcome check_tco(const plan::OptionResult& result, double limit, int horizon_years) {
  if (!result.cost) return fail("not costed", not_costed(result));
  const auto& cost = *result.cost;
  return bound(cost.total_usd <= limit, units::format_money(cost.total_usd),
               fmt::format("nominal (undiscounted) total over {} years; NPV {}", horizon_years,
                           units::format_money(cost.npv_usd)));
}

Outcome check_gpus(const plan::OptionResult& result, long long limit) {
  if (result.option.kind == OptionKind::kApi) return pass("0", "hosted API: no GPUs of ours");
  if (!result.cost) return fail("not sized", not_costed(result));
  long long peak = 0;
  int peak_year = 0;
  for (const auto& year : result.cost->years) {
    if (year.gpus > peak) {
      peak = year.gpus;
      peak_year = year.year;
    }
  }
  std::string detail = peak_year > 0
                           ? fmt::format("peak over the horizon, reached in year {}", peak_year)
                           : std::string("no GPUs needed");
  if (result.option.kind == OptionKind::kHybrid)
    detail += "; on-prem GPUs (cloud burst not counted)";
  if (result.option.kind == OptionKind::kCloud) detail += "; GPUs of the rented instances";
  return bound(peak <= limit, fmt::format("{}", peak), std::move(detail));
}

/// A cost key for `option`: its `costs:` override, else data/costs.yaml, else 0.
double cost_value(const config::Scenario& scenario, const config::DeploymentOption& option,
                  const std::string& key) {
  if (const auto found = option.costs.find(key); found != option.costs.end()) return found->second;
  if (const auto found = scenario.costs.defaults.find(key);
      found != scenario.costs.defaults.end()) {
    return found->second.value;
  }
  return 0;
}

Outcome check_rack_power(const plan::OptionResult& result, const Options& options,
                         const config::Scenario& scenario, double limit) {
  const auto kind = result.option.kind;
  if (kind == OptionKind::kApi) return pass("n/a", "hosted API: not our racks");
  if (kind == OptionKind::kCloud) return pass("n/a", "cloud: the provider's racks");
  // On-prem, or a hybrid's on-prem base: its GPUs and node layout, the hybrid's node count.
  const plan::OptionResult* hardware = &result;
  if (kind == OptionKind::kHybrid) {
    hardware = options.find(result.option.base);
    if (hardware == nullptr) {
      return fail("unknown", fmt::format("no option named '{}'", result.option.base));
    }
  }
  if (!hardware->gpu) return fail("unknown", "no GPU: its power is unknown");
  if (!result.cost) return fail("not sized", not_costed(result));
  const auto& option = hardware->option;
  const double host_w = cost_value(scenario, option, "host_power_per_node");
  const double node_w = option.gpus_per_node * hardware->gpu->tdp_w + host_w;
  long long nodes = 0;
  for (const auto& year : result.cost->years) nodes = std::max(nodes, year.nodes);
  const double site_limit_w = cost_value(scenario, option, "rack_power_limit");
  const long long per_rack =
      site_limit_w > 0 ? std::max(1LL, static_cast<long long>(std::floor(site_limit_w / node_w)))
                       : nodes;
  const long long in_rack = std::min(nodes, per_rack);
  const double rack_w = static_cast<double>(in_rack) * node_w;
  std::string detail = fmt::format(
      "fullest rack: {} node{} x {} ({} x {} {} at TDP + {} host); {} node{} at peak", in_rack,
      in_rack == 1 ? "" : "s", watts(node_w), option.gpus_per_node, hardware->gpu->id,
      watts(hardware->gpu->tdp_w), watts(host_w), nodes, nodes == 1 ? "" : "s");
  detail += site_limit_w > 0
                ? fmt::format(", packed {} per rack under the site's rack_power_limit {}", per_rack,
                              watts(site_limit_w))
                : std::string(", all in one rack (no rack_power_limit)");
  return bound(rack_w <= limit, watts(rack_w), std::move(detail));
}

Outcome check_air_gapped(const plan::OptionResult& result) {
  const auto kind = result.option.kind;
  const std::string name(config::option_kind_name(kind));
  if (kind == OptionKind::kOnprem) return pass(name, "runs on the premises without network access");
  return fail(name, fmt::format("{} options send data off the premises", name));
}

config::SourceLocation location(const config::Scenario& scenario, const std::string& key) {
  for (const auto& path : {"requirements." + key, std::string("requirements")}) {
    if (const auto found = scenario.locations.find(path); found != scenario.locations.end()) {
      return found->second;
    }
  }
  return {scenario.file, 0, 0};
}

std::string status_name(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass: return "PASS";
    case CheckStatus::kFail: return "FAIL";
    case CheckStatus::kSkip: return "SKIP";
  }
  return "?";
}

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

/// Why the scenario passes or fails, without the PASS/FAIL word.
std::string verdict_reason(const ScenarioCheck& check) {
  if (check.invalid()) return first_line(check.input_error);
  if (check.passing_options.empty()) {
    return check.allowed_options.empty() ? "the constraints exclude every option"
                                         : "no allowed option meets every requirement";
  }
  if (check.results.empty()) return "no requirements to check";
  return fmt::format("{} meet{} every requirement", fmt::join(check.passing_options, ", "),
                     check.passing_options.size() == 1 ? "s" : "");
}

std::string verdict_text(const ScenarioCheck& check) {
  const char* word = check.invalid() ? "INVALID" : check.passed() ? "PASS" : "FAIL";
  return fmt::format("{}: {}", word, verdict_reason(check));
}

std::string render_one_text(const ScenarioCheck& check) {
  if (check.invalid()) return fmt::format("{}\n{}\n", check.file, verdict_text(check));
  std::string out = fmt::format("{}  ({})\n", check.name, check.file);
  if (!check.results.empty()) {
    std::vector<std::vector<std::string>> rows{
        {"requirement", "option", "actual", "limit", "result"}};
    for (const auto& line : check.results) {
      rows.push_back(
          {line.requirement, line.option, line.actual, line.limit, status_name(line.status)});
    }
    out += align_columns(rows);
  }
  bool any_failure = false;
  for (const auto& line : check.results) {
    if (line.status != CheckStatus::kFail) continue;
    if (!any_failure) out += "Failures\n";
    any_failure = true;
    out += fmt::format("  - {} [{}]: {}, limit {}: {}\n", line.requirement, line.option,
                       line.actual, line.limit, line.detail);
  }
  if (!check.excluded.empty()) {
    out += "Excluded by the constraints\n";
    for (const auto& [option, reason] : check.excluded) {
      out += fmt::format("  - {}: {}\n", option, reason);
    }
  }
  out += verdict_text(check) + "\n";
  return out;
}

/// GitHub workflow command escaping (actions/toolkit command.ts).
std::string escape_data(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (const char c : escape_data(text)) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += c;
    }
  }
  return out;
}

std::string annotation(std::string_view level, const config::SourceLocation& where,
                       std::string_view title, std::string_view message) {
  std::string properties = "file=" + escape_property(where.file);
  if (where.line > 0) properties += fmt::format(",line={}", where.line);
  if (where.line > 0 && where.column > 0) properties += fmt::format(",col={}", where.column);
  properties += ",title=" + escape_property(title);
  return fmt::format("::{} {}::{}\n", level, properties, escape_data(message));
}

/// One error of an InputError text: where it points and its message.
struct InputErrorLine {
  config::SourceLocation where;
  std::string message;
};

/// The "FILE[:LINE:COL]: error: MESSAGE" lines of an InputError text (source lines and carets
/// dropped); the first line as a whole when none has that form.
std::vector<InputErrorLine> input_errors(const ScenarioCheck& check) {
  std::vector<InputErrorLine> errors;
  const std::string prefix = check.file + ":";
  std::size_t start = 0;
  while (start < check.input_error.size()) {
    auto end = check.input_error.find('\n', start);
    if (end == std::string::npos) end = check.input_error.size();
    const std::string line = check.input_error.substr(start, end - start);
    start = end + 1;
    if (line.rfind(prefix, 0) != 0) continue;
    InputErrorLine error{{check.file, 0, 0}, ""};
    std::string rest = line.substr(prefix.size());
    int row = 0;
    int column = 0;
    int consumed = 0;
    if (std::sscanf(rest.c_str(), "%d:%d:%n", &row, &column, &consumed) == 2 && consumed > 0) {
      error.where.line = row;
      error.where.column = column;
      rest = rest.substr(static_cast<std::size_t>(consumed));
    }
    if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    if (rest.rfind("error: ", 0) == 0) rest.erase(0, 7);
    error.message = rest;
    errors.push_back(std::move(error));
  }
  if (errors.empty()) errors.push_back({{check.file, 0, 0}, first_line(check.input_error)});
  return errors;
}

std::string render_one_github(const ScenarioCheck& check) {
  std::string out;
  if (check.invalid()) {
    for (const auto& error : input_errors(check)) {
      out += annotation("error", error.where, "tco-plan check: invalid scenario", error.message);
    }
    return out;
  }
  const bool passed = check.passed();
  for (const auto& line : check.results) {
    if (line.status != CheckStatus::kFail) continue;
    out += annotation(passed ? "warning" : "error", line.where,
                      fmt::format("tco-plan check: {} [{}]", line.requirement, line.option),
                      fmt::format("{} fails for option {}: {}, limit {} ({}){}", line.requirement,
                                  line.option, line.actual, line.limit, line.detail,
                                  passed ? "; the scenario passes through another option" : ""));
  }
  if (passed && check.results.empty()) {
    out += annotation("warning", check.where, "tco-plan check: no requirements",
                      fmt::format("{}: no requirements to check", check.name));
  } else {
    out += annotation(passed ? "notice" : "error", check.where,
                      passed ? "tco-plan check: PASS" : "tco-plan check: FAIL",
                      fmt::format("{}: {}", check.name, verdict_reason(check)));
  }
  return out;
}

std::string summary(const std::vector<ScenarioCheck>& checks) {
  std::size_t passed = 0;
  std::size_t invalid = 0;
  for (const auto& check : checks) {
    passed += check.passed() ? 1 : 0;
    invalid += check.invalid() ? 1 : 0;
  }
  const std::size_t failed = checks.size() - passed - invalid;
  return fmt::format("check: {} scenario{}, {} passed, {} failed, {} invalid\n", checks.size(),
                     checks.size() == 1 ? "" : "s", passed, failed, invalid);
}

}  // namespace

ScenarioCheck check_requirements(const plan::Evaluation& evaluation,
                                 const config::Scenario& scenario) {
  ScenarioCheck check;
  check.name = evaluation.scenario_name;
  check.file = scenario.file.empty() ? evaluation.scenario_file : scenario.file;
  if (const auto found = scenario.locations.find("requirements");
      found != scenario.locations.end()) {
    check.where = found->second;
  } else {
    check.where = {check.file, 0, 0};
  }
  for (const auto& result : evaluation.options) {
    if (result.excluded.empty()) {
      check.allowed_options.push_back(result.option.name);
    } else {
      check.excluded.emplace_back(result.option.name, result.excluded);
    }
  }
  const Options options(evaluation);
  const auto& wanted = scenario.requirements;

  using Evaluate = std::function<Outcome(const plan::OptionResult&)>;
  auto add = [&](std::string_view key, const std::string& limit, const Evaluate& evaluate) {
    const std::string name(key);
    const auto where = location(scenario, name);
    for (const auto& result : evaluation.options) {
      RequirementCheck line;
      line.requirement = name;
      line.option = result.option.name;
      line.limit = limit;
      line.where = where;
      if (!result.excluded.empty()) {
        line.status = CheckStatus::kSkip;
        line.actual = "excluded";
        line.detail = "excluded by the constraints: " + result.excluded;
      } else {
        auto outcome = evaluate(result);
        line.status = outcome.status;
        line.actual = std::move(outcome.actual);
        line.detail = std::move(outcome.detail);
      }
      check.results.push_back(std::move(line));
    }
  };

  if (wanted.fits.value_or(false)) {
    add(kFits, "fits", [&](const plan::OptionResult& r) { return check_fits(r, options); });
  }
  if (wanted.latency_targets_met.value_or(false)) {
    add(kLatency, latency_limit(scenario.workload.slo),
        [&](const plan::OptionResult& r) { return check_latency(r, options); });
  }
  if (const auto limit = wanted.max_cost_per_million_tokens_usd) {
    add(kCostPerMtok, "<= " + per_mtok(*limit),
        [&](const plan::OptionResult& r) { return check_cost_per_mtok(r, *limit); });
  }
  if (const auto limit = wanted.max_tco_usd) {
    const int years =
        evaluation.horizon_years > 0 ? evaluation.horizon_years : scenario.horizon_years;
    add(kTco, "<= " + units::format_money(*limit),
        [&](const plan::OptionResult& r) { return check_tco(r, *limit, years); });
  }
  if (const auto limit = wanted.max_gpus) {
    add(kGpus, fmt::format("<= {}", *limit),
        [&](const plan::OptionResult& r) { return check_gpus(r, *limit); });
  }
  if (const auto limit = wanted.max_power_per_rack_w) {
    add(kRackPower, "<= " + watts(*limit), [&](const plan::OptionResult& r) {
      return check_rack_power(r, options, scenario, *limit);
    });
  }
  if (wanted.air_gapped.value_or(false)) {
    add(kAirGapped, "onprem", [](const plan::OptionResult& r) { return check_air_gapped(r); });
  }

  for (const auto& name : check.allowed_options) {
    const bool all =
        std::all_of(check.results.begin(), check.results.end(), [&](const RequirementCheck& line) {
          return line.option != name || line.status == CheckStatus::kPass;
        });
    if (all) check.passing_options.push_back(name);
  }
  return check;
}

ScenarioCheck invalid_scenario_check(const std::string& file, const std::string& errors) {
  ScenarioCheck check;
  check.file = file;
  check.input_error = errors.empty() ? std::string("invalid scenario") : errors;
  check.where = {file, 0, 0};
  return check;
}

std::string render_check_text(const std::vector<ScenarioCheck>& checks) {
  std::string out;
  for (const auto& check : checks) out += render_one_text(check) + "\n";
  return out + summary(checks);
}

std::string render_check_github(const std::vector<ScenarioCheck>& checks) {
  std::string out = render_check_text(checks);
  for (const auto& check : checks) out += render_one_github(check);
  return out;
}

std::string render_check(const std::vector<ScenarioCheck>& checks, CheckFormat format) {
  switch (format) {
    case CheckFormat::kText: return render_check_text(checks);
    case CheckFormat::kGithub: return render_check_github(checks);
  }
  return {};
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        // XML 1.0 cannot carry other C0 control characters, even as references.
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
  }
  return out;
}

std::string render_check_junit(const std::vector<ScenarioCheck>& checks) {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::size_t skipped = 0;
  std::string suites;
  for (const auto& check : checks) {
    const std::string file = xml_escape(check.file);
    if (check.invalid()) {
      const auto first = input_errors(check).front();
      ++tests;
      ++errors;
      suites += fmt::format(
          "  <testsuite name=\"{}\" file=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" "
          "skipped=\"0\">\n"
          "    <testcase classname=\"{}\" name=\"load\" file=\"{}\" line=\"{}\">\n"
          "      <error message=\"{}\" type=\"invalid input\">{}</error>\n"
          "    </testcase>\n"
          "  </testsuite>\n",
          file, file, file, file, first.where.line, xml_escape(first.message),
          xml_escape(check.input_error));
      continue;
    }
    std::string cases;
    std::size_t suite_failures = 0;
    std::size_t suite_skipped = 0;
    for (const auto& line : check.results) {
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"",
                           file, xml_escape(fmt::format("{} [{}]", line.requirement, line.option)),
                           file, line.where.line);
      const std::string message =
          fmt::format("{}: {}, limit {}", line.requirement, line.actual, line.limit);
      switch (line.status) {
        case CheckStatus::kPass:
          cases += fmt::format(
              ">\n      <system-out>{}</system-out>\n    </testcase>\n",
              xml_escape(fmt::format("{}, limit {}: {}", line.actual, line.limit, line.detail)));
          break;
        case CheckStatus::kFail:
          ++suite_failures;
          cases += fmt::format(
              ">\n      <failure message=\"{}\" type=\"requirement\">{}</failure>\n"
              "    </testcase>\n",
              xml_escape(message), xml_escape(line.detail));
          break;
        case CheckStatus::kSkip:
          ++suite_skipped;
          cases += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                               xml_escape(line.detail));
          break;
      }
    }
    // The verdict: at least one allowed option passes every requirement.
    const std::string verdict = verdict_text(check);
    cases += fmt::format("    <testcase classname=\"{}\" name=\"verdict\" file=\"{}\" line=\"{}\"",
                         file, file, check.where.line);
    if (check.passed()) {
      cases += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                           xml_escape(verdict));
    } else {
      ++suite_failures;
      cases += fmt::format(">\n      <failure message=\"{}\" type=\"verdict\"/>\n    </testcase>\n",
                           xml_escape(verdict));
    }
    const std::size_t suite_tests = check.results.size() + 1;
    tests += suite_tests;
    failures += suite_failures;
    skipped += suite_skipped;
    suites += fmt::format(
        "  <testsuite name=\"{}\" file=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
        "skipped=\"{}\">\n{}  </testsuite>\n",
        xml_escape(check.name), file, suite_tests, suite_failures, suite_skipped, cases);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"tco-plan check\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\">\n{}</testsuites>\n",
      tests, failures, errors, skipped, suites);
}

}  // namespace tco::report
