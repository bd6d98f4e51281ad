#include "evaluation_tables.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "tco/units/units.hpp"

namespace tco::report {

using units::format_gib;

namespace {

// ECMA-48 SGR sequences; align_columns skips them when measuring widths.
std::string sgr(bool on, const char* code, const std::string& text) {
  return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
}

std::string model_line(const plan::Evaluation& evaluation) {
  const auto& model = evaluation.model;
  std::string params = fmt::format("{:.2f}B parameters", evaluation.parameters.total() / 1e9);
  if (model.moe) {
    params += fmt::format(" ({:.2f}B active)", evaluation.parameters.active(model) / 1e9);
  }
  std::string dtypes = fmt::format("weights {}", catalog::dtype_name(evaluation.weight_dtype));
  if (evaluation.expert_dtype != evaluation.weight_dtype) {
    dtypes += fmt::format(" (experts {})", catalog::dtype_name(evaluation.expert_dtype));
  }
  return fmt::format("{}: {}, {}, KV {}, {} total", model.id, params, dtypes,
                     catalog::dtype_name(evaluation.kv_dtype),
                     units::format_bytes(evaluation.weight_bytes_total));
}

std::string break_even_text(const plan::OptionResult& result) {
  std::string text;
  for (const auto& [other, month] : result.break_even_month) {
    if (!text.empty()) text += "; ";
    text += month ? (*month == 0 ? fmt::format("< {} from start", other)
                                 : fmt::format("< {} from month {}", other, *month))
                  : fmt::format("never < {}", other);
  }
  return text;
}

}  // namespace

std::string Style::bold(const std::string& text) const { return sgr(colour, "1", text); }
std::string Style::good(const std::string& text) const { return sgr(colour, "32", text); }
std::string Style::bad(const std::string& text) const { return sgr(colour, "31", text); }
std::string Style::warn(const std::string& text) const { return sgr(colour, "33", text); }

std::string parallelism_text(const config::DeploymentOption& option) {
  std::string text = fmt::format("tp{}", option.tp);
  if (option.pp > 1) text += fmt::format(" pp{}", option.pp);
  if (option.ep > 1) text += fmt::format(" ep{}", option.ep);
  return text;
}

std::vector<std::pair<std::string, std::string>> header_lines(const plan::Evaluation& evaluation) {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("Model", model_line(evaluation));
  const auto& model = evaluation.model;
  if (!model.publisher.empty() || !model.license.empty()) {
    lines.emplace_back("Origin",
                       fmt::format("{} ({}); licence: {}", model.publisher,
                                   model.publisher_country.empty() ? "?" : model.publisher_country,
                                   model.license.empty() ? "not stated" : model.license));
  }
  lines.emplace_back("Engine", fmt::format("{}; context {:.0f} tokens per request",
                                           evaluation.engine_id, evaluation.context_tokens));
  return lines;
}

YearlyMeans yearly_means(const cost::OptionCost& cost) {
  YearlyMeans means;
  for (const auto& year : cost.years) {
    means.kwh += year.facility_energy_j / units::kJoulesPerKwh;
    means.t_co2 += year.carbon_kg / 1e3;
    means.utilisation += year.utilisation;
  }
  const double years = static_cast<double>(std::max<std::size_t>(1, cost.years.size()));
  means.kwh /= years;
  means.t_co2 /= years;
  means.utilisation /= years;
  return means;
}

const plan::OptionResult* lowest_npv(const plan::Evaluation& evaluation) {
  const plan::OptionResult* best = nullptr;
  for (const auto& result : evaluation.options) {
    if (!result.excluded.empty() || !result.cost) continue;
    if (best == nullptr || result.cost->npv_usd < best->cost->npv_usd) best = &result;
  }
  return best;
}

Rows summary_rows(const plan::Evaluation& evaluation, const Style& style) {
  const auto* cheapest = lowest_npv(evaluation);
  Rows rows{{"option", "kind", "fits", "GPUs", "nodes", "tok/s/replica", "TTFT", "TPOT", "kWh/yr",
             "TCO", "NPV", "$/M tokens",
             cheapest ? "break-even vs " + cheapest->option.name : "break-even", "status"}};
  for (const auto& result : evaluation.options) {
    const auto& option = result.option;
    std::vector<std::string> row{option.name, std::string(config::option_kind_name(option.kind))};
    if (option.kind == config::OptionKind::kApi) {
      row.push_back("-");
    } else if (result.memory) {
      row.push_back(result.memory->fits ? style.good("yes") : style.bad("NO"));
    } else if (option.kind == config::OptionKind::kHybrid) {
      // A hybrid fits when its base and its burst option both do.
      bool fits = true;
      for (const auto& other : evaluation.options) {
        if (other.option.name != option.base && other.option.name != option.burst) continue;
        fits = fits && other.memory && other.memory->fits;
      }
      row.push_back(fits ? style.good("yes") : style.bad("NO"));
    } else {
      row.push_back("-");
    }
    const bool costed = result.excluded.empty() && result.cost && !result.cost->years.empty();
    if (costed && option.kind != config::OptionKind::kApi) {
      long long gpus = 0;
      long long nodes = 0;
      for (const auto& year : result.cost->years) {
        gpus = std::max(gpus, year.gpus);
        nodes = std::max(nodes, year.nodes);
      }
      row.push_back(fmt::format("{}", gpus));
      row.push_back(nodes > 0 ? fmt::format("{}", nodes) : "-");
    } else {
      row.insert(row.end(), {"-", "-"});
    }
    if (result.performance && result.performance->at_targets) {
      const auto& point = *result.performance->at_targets;
      row.push_back(fmt::format("{:.0f}", point.output_tokens_per_s));
      row.push_back(units::format_seconds(point.ttft_s));
      row.push_back(units::format_seconds(point.tpot_s));
    } else {
      row.insert(row.end(), {"-", "-", "-"});
    }
    if (costed) {
      const auto& cost = *result.cost;
      const auto means = yearly_means(cost);
      row.push_back(means.kwh > 0 ? fmt::format("{:.0f}", means.kwh) : "-");
      row.push_back(units::format_money(cost.total_usd));
      row.push_back(units::format_money(cost.npv_usd));
      row.push_back(fmt::format("{:.3f}", cost.usd_per_million_tokens));
      if (&result == cheapest) {
        row.push_back("lowest NPV");
      } else if (const auto it = result.break_even_month.find(cheapest->option.name);
                 it != result.break_even_month.end()) {
        row.push_back(!it->second        ? "never"
                      : *it->second == 0 ? "from start"
                                         : fmt::format("month {}", *it->second));
      } else {
        row.push_back("-");
      }
      row.push_back(cost.base_percentile
                        ? fmt::format("base at p{:.0f}", *cost.base_percentile * 100)
                        : "ok");
    } else {
      row.insert(row.end(), {"-", "-", "-", "-", "-"});
      row.push_back(!result.excluded.empty()
                        ? style.warn("EXCLUDED: " + result.excluded)
                        : style.bad("not costed: " +
                                    (result.cost_note.empty() ? result.status : result.cost_note)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Rows memory_rows(const plan::Evaluation& evaluation, const Style& style) {
  Rows rows{{"option", "kind", "GPU", "parallel", "capacity", "usable", "weights", "workspace",
             "overhead", "KV budget", "KV/request", "max requests", "fits"}};
  for (const auto& result : evaluation.options) {
    const auto& option = result.option;
    if (!result.memory) {
      rows.push_back({option.name, std::string(config::option_kind_name(option.kind)), "-", "-",
                      "-", "-", "-", "-", "-", "-", "-", "-", result.status});
      continue;
    }
    const auto& memory = *result.memory;
    rows.push_back({option.name, std::string(config::option_kind_name(option.kind)),
                    fmt::format("{} x{}", option.gpu, option.gpus_per_replica()),
                    parallelism_text(option), format_gib(memory.capacity_bytes),
                    format_gib(memory.usable_bytes), format_gib(memory.weights_bytes),
                    format_gib(memory.activation_bytes), format_gib(memory.runtime_overhead_bytes),
                    format_gib(memory.kv_budget_bytes), format_gib(memory.kv_bytes_per_sequence),
                    fmt::format("{}", memory.max_sequences),
                    memory.fits ? style.good("yes") : style.bad("NO")});
  }
  return rows;
}

Rows performance_rows(const plan::Evaluation& evaluation, const Style& style) {
  Rows rows{{"option", "requests", "tok/s/replica", "tok/s/GPU", "TTFT", "TPOT", "limited by",
             "roofline tok/s", "max tok/s", "profile"}};
  for (const auto& result : evaluation.options) {
    if (!result.performance) continue;
    const auto& performance = *result.performance;
    const double gpus = result.option.gpus_per_replica();
    const std::string profile = performance.calibrated ? "calibrated" : style.warn("UNCALIBRATED");
    const std::string max_tokens =
        fmt::format("{:.0f}", performance.max_throughput.output_tokens_per_s);
    if (!performance.at_targets) {
      rows.push_back({result.option.name, "0", "-", "-", "-", "-", performance.limited_by, "-",
                      max_tokens, profile});
      continue;
    }
    const auto& point = *performance.at_targets;
    rows.push_back({result.option.name, fmt::format("{:.0f}", point.concurrency),
                    fmt::format("{:.0f}", point.output_tokens_per_s),
                    fmt::format("{:.0f}", point.output_tokens_per_s / gpus),
                    units::format_seconds(point.ttft_s), units::format_seconds(point.tpot_s),
                    performance.limited_by,
                    fmt::format("{:.0f}", point.roofline_output_tokens_per_s), max_tokens,
                    profile});
  }
  return rows;
}

std::string cost_title(const plan::Evaluation& evaluation) {
  return fmt::format("Cost over {} years (discount rate {:.1f} %)", evaluation.horizon_years,
                     evaluation.discount_rate * 100);
}

Rows cost_rows(const plan::Evaluation& evaluation) {
  Rows rows{{"option", "kind", "GPUs (yr 1..n)", "TCO", "NPV", "per year (EAC)", "$/M tokens",
             "$/M output", "kWh/yr", "tCO2/yr", "utilisation", "status"}};
  for (const auto& result : evaluation.options) {
    const auto& option = result.option;
    const std::string kind(config::option_kind_name(option.kind));
    if (!result.excluded.empty()) {
      rows.push_back({option.name, kind, "-", "-", "-", "-", "-", "-", "-", "-", "-",
                      "EXCLUDED: " + result.excluded});
      continue;
    }
    if (!result.cost) {
      rows.push_back({option.name, kind, "-", "-", "-", "-", "-", "-", "-", "-", "-",
                      "not costed: " + result.cost_note});
      continue;
    }
    const auto& cost = *result.cost;
    const auto means = yearly_means(cost);
    std::string gpus = cost.years.empty()
                           ? "-"
                           : fmt::format("{}..{}", cost.years.front().gpus, cost.years.back().gpus);
    std::string status = "ok";
    if (cost.base_percentile) {
      status = fmt::format("on-prem base at p{:.0f} of hourly demand", *cost.base_percentile * 100);
    }
    rows.push_back(
        {option.name, kind, option.kind == config::OptionKind::kApi ? "-" : gpus,
         units::format_money(cost.total_usd), units::format_money(cost.npv_usd),
         units::format_money(cost.eac_usd), fmt::format("{:.3f}", cost.usd_per_million_tokens),
         fmt::format("{:.3f}", cost.usd_per_million_output_tokens),
         means.kwh > 0 ? fmt::format("{:.0f}", means.kwh) : "-",
         means.t_co2 > 0 ? fmt::format("{:.1f}", means.t_co2) : "-",
         option.kind == config::OptionKind::kApi ? "-"
                                                 : fmt::format("{:.0f} %", means.utilisation * 100),
         status});
  }
  return rows;
}

std::vector<std::pair<std::string, std::string>> break_even_lines(
    const plan::Evaluation& evaluation) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& result : evaluation.options) {
    if (result.break_even_month.empty()) continue;
    lines.emplace_back(result.option.name, break_even_text(result));
  }
  return lines;
}

// A pipe in a cell would end it; a newline would end the row.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string pipe_table(const Rows& rows) {
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out += "|";
    for (const auto& text : rows[r]) out += " " + markdown_cell(text) + " |";
    out += "\n";
    if (r == 0) {
      out += "|";
      for (std::size_t i = 0; i < rows[r].size(); ++i) out += "---|";
      out += "\n";
    }
  }
  return out;
}

}  // namespace tco::report
