#include "tco/report/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "evaluation_tables.hpp"
#include "tco/report/report.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

namespace {

constexpr int kDiffSchemaVersion = 1;

/// The key results of one option, in the order a reviewer reads them.
std::vector<ResultChange> results_of(const plan::OptionResult& result) {
  std::vector<ResultChange> out;
  auto add = [&](const char* metric, const char* unit, std::optional<double> value) {
    out.push_back({result.option.name, metric, unit, value, std::nullopt});
  };
  const bool api = result.option.kind == config::OptionKind::kApi;
  if (!api && result.memory) add("fits", "bool", result.memory->fits ? 1.0 : 0.0);
  const bool costed = result.excluded.empty() && result.cost && !result.cost->years.empty();
  if (costed && !api) {
    long long gpus = 0;
    long long nodes = 0;
    for (const auto& year : result.cost->years) {
      gpus = std::max(gpus, year.gpus);
      nodes = std::max(nodes, year.nodes);
    }
    add("peak GPUs", "GPUs", static_cast<double>(gpus));
    if (nodes > 0) add("peak nodes", "nodes", static_cast<double>(nodes));
  }
  if (result.performance && result.performance->at_targets) {
    const auto& point = *result.performance->at_targets;
    add("output tokens/s per replica", "tokens/s", point.output_tokens_per_s);
    add("TTFT", "s", point.ttft_s);
    add("TPOT", "s", point.tpot_s);
  }
  if (costed) {
    const auto& cost = *result.cost;
    const auto means = yearly_means(cost);
    if (means.kwh > 0) add("facility energy per year", "kWh/yr", means.kwh);
    add("TCO", "USD", cost.total_usd);
    add("NPV", "USD", cost.npv_usd);
    add("cost per million tokens", "USD/Mtok", cost.usd_per_million_tokens);
  }
  return out;
}

/// Merges base and proposal rows of one option by metric, base order first.
void merge(std::vector<ResultChange> base, const std::vector<ResultChange>& proposal,
           std::vector<ResultChange>& out) {
  for (const auto& row : proposal) {
    auto it = std::find_if(base.begin(), base.end(),
                           [&](const ResultChange& b) { return b.metric == row.metric; });
    if (it == base.end()) {
      base.push_back({row.option, row.metric, row.unit, std::nullopt, row.base});
    } else {
      it->proposal = row.base;
    }
  }
  out.insert(out.end(), base.begin(), base.end());
}

std::string human(double value, const std::string& unit) {
  if (unit == "USD") return units::format_money(value);
  if (unit == "s") return units::format_seconds(value);
  if (unit == "USD/Mtok") return fmt::format("{:.3f}", value);
  if (unit == "bool") return value != 0 ? "yes" : "no";
  if (unit == "kWh/yr") return fmt::format("{:.0f} kWh", value);
  return fmt::format("{:.0f}", value);
}

std::string human_change(const ResultChange& row) {
  const auto change = row.change();
  if (!change) return "-";
  if (row.unit == "bool") return *change == 0 ? "=" : (*change > 0 ? "now fits" : "no longer fits");
  if (*change == 0) return "=";
  std::string text = human(std::fabs(*change), row.unit);
  if (row.unit == "USD/Mtok") text = fmt::format("{:.3f}", std::fabs(*change));
  return (*change > 0 ? "+" : "-") + text;
}

std::string human_percent(const ResultChange& row) {
  const auto fraction = row.change_fraction();
  if (!fraction || row.unit == "bool") return "-";
  return fmt::format("{:+.1f} %", *fraction * 100);
}

Rows input_rows(const ScenarioDiff& diff) {
  Rows rows{{"input", "base", "proposal"}};
  for (const auto& change : diff.inputs) {
    rows.push_back(
        {change.key, change.base.value_or("(absent)"), change.proposal.value_or("(absent)")});
  }
  return rows;
}

Rows result_rows(const ScenarioDiff& diff) {
  Rows rows{{"option", "result", "base", "proposal", "change", "change %"}};
  for (const auto& row : diff.results) {
    rows.push_back({row.option, row.metric, row.base ? human(*row.base, row.unit) : "(absent)",
                    row.proposal ? human(*row.proposal, row.unit) : "(absent)", human_change(row),
                    human_percent(row)});
  }
  return rows;
}

std::string lowest_line(const ScenarioDiff& diff) {
  return fmt::format("lowest NPV: {} (base) -> {} (proposal)",
                     diff.base_lowest_npv.empty() ? "none" : diff.base_lowest_npv,
                     diff.proposal_lowest_npv.empty() ? "none" : diff.proposal_lowest_npv);
}

std::string render_json(const ScenarioDiff& diff) {
  using nlohmann::ordered_json;
  ordered_json out;
  out["schema_version"] = kDiffSchemaVersion;
  out["base"] = {{"file", diff.base_file},
                 {"name", diff.base_name},
                 {"lowest_npv_option", diff.base_lowest_npv}};
  out["proposal"] = {{"file", diff.proposal_file},
                     {"name", diff.proposal_name},
                     {"lowest_npv_option", diff.proposal_lowest_npv}};
  auto optional_text = [](const std::optional<std::string>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
  };
  auto optional_number = [](const std::optional<double>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
  };
  ordered_json inputs = ordered_json::array();
  for (const auto& change : diff.inputs) {
    inputs.push_back({{"key", change.key},
                      {"base", optional_text(change.base)},
                      {"proposal", optional_text(change.proposal)}});
  }
  out["inputs_changed"] = inputs;
  ordered_json results = ordered_json::array();
  for (const auto& row : diff.results) {
    results.push_back({{"option", row.option},
                       {"metric", row.metric},
                       {"unit", row.unit},
                       {"base", optional_number(row.base)},
                       {"proposal", optional_number(row.proposal)},
                       {"change", optional_number(row.change())},
                       {"change_fraction", optional_number(row.change_fraction())}});
  }
  out["results"] = results;
  return out.dump(2) + "\n";
}

}  // namespace

std::optional<double> ResultChange::change() const {
  if (!base || !proposal) return std::nullopt;
  return *proposal - *base;
}

std::optional<double> ResultChange::change_fraction() const {
  if (!base || !proposal || *base == 0) return std::nullopt;
  return (*proposal - *base) / std::fabs(*base);
}

ScenarioDiff diff_scenarios(const plan::Evaluation& base, const config::FlatInputs& base_inputs,
                            const plan::Evaluation& proposal,
                            const config::FlatInputs& proposal_inputs) {
  ScenarioDiff diff;
  diff.base_file = base.scenario_file;
  diff.base_name = base.scenario_name;
  diff.proposal_file = proposal.scenario_file;
  diff.proposal_name = proposal.scenario_name;

  const std::map<std::string, std::string> proposal_map(proposal_inputs.begin(),
                                                        proposal_inputs.end());
  const std::map<std::string, std::string> base_map(base_inputs.begin(), base_inputs.end());
  for (const auto& [key, value] : base_inputs) {
    const auto it = proposal_map.find(key);
    if (it == proposal_map.end()) {
      diff.inputs.push_back({key, value, std::nullopt});
    } else if (it->second != value) {
      diff.inputs.push_back({key, value, it->second});
    }
  }
  for (const auto& [key, value] : proposal_inputs) {
    if (!base_map.count(key)) diff.inputs.push_back({key, std::nullopt, value});
  }

  auto find = [](const plan::Evaluation& evaluation, const std::string& name) {
    const auto it =
        std::find_if(evaluation.options.begin(), evaluation.options.end(),
                     [&](const plan::OptionResult& r) { return r.option.name == name; });
    return it == evaluation.options.end() ? nullptr : &*it;
  };
  for (const auto& result : base.options) {
    const auto* other = find(proposal, result.option.name);
    merge(results_of(result), other ? results_of(*other) : std::vector<ResultChange>{},
          diff.results);
  }
  for (const auto& result : proposal.options) {
    if (find(base, result.option.name)) continue;
    merge({}, results_of(result), diff.results);
  }
  // The cheapest option of each side, whatever its name: the headline a reviewer wants.
  const auto* base_best = lowest_npv(base);
  const auto* proposal_best = lowest_npv(proposal);
  if (base_best) diff.base_lowest_npv = base_best->option.name;
  if (proposal_best) diff.proposal_lowest_npv = proposal_best->option.name;
  if (base_best || proposal_best) {
    auto value = [](const plan::OptionResult* best, auto member) -> std::optional<double> {
      if (!best) return std::nullopt;
      return (*best->cost).*member;
    };
    diff.results.push_back({"lowest NPV", "NPV", "USD",
                            value(base_best, &cost::OptionCost::npv_usd),
                            value(proposal_best, &cost::OptionCost::npv_usd)});
    diff.results.push_back({"lowest NPV", "TCO", "USD",
                            value(base_best, &cost::OptionCost::total_usd),
                            value(proposal_best, &cost::OptionCost::total_usd)});
    diff.results.push_back({"lowest NPV", "cost per million tokens", "USD/Mtok",
                            value(base_best, &cost::OptionCost::usd_per_million_tokens),
                            value(proposal_best, &cost::OptionCost::usd_per_million_tokens)});
  }
  return diff;
}

std::string render_diff(const ScenarioDiff& diff, DiffFormat format) {
  switch (format) {
    case DiffFormat::kJson:
      return render_json(diff);
    case DiffFormat::kMarkdown: {
      std::string out =
          fmt::format("## tco-plan diff: `{}` → `{}`\n\n", diff.base_file, diff.proposal_file);
      out += fmt::format("- **base**: {}\n- **proposal**: {}\n- {}\n", diff.base_name,
                         diff.proposal_name, lowest_line(diff));
      out += "\n### Inputs changed\n\n";
      out += diff.inputs.empty() ? "none\n" : pipe_table(input_rows(diff));
      out += "\n### Results\n\n" + pipe_table(result_rows(diff));
      return out;
    }
    case DiffFormat::kTable: {
      std::string out =
          fmt::format("base      {}  ({})\nproposal  {}  ({})\n{}\n", diff.base_name,
                      diff.base_file, diff.proposal_name, diff.proposal_file, lowest_line(diff));
      out += "\nInputs changed\n";
      out += diff.inputs.empty() ? "  none\n" : align_columns(input_rows(diff));
      out += "\nResults\n" + align_columns(result_rows(diff));
      return out;
    }
  }
  return {};
}

}  // namespace tco::report
