#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tco/report/report.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

using nlohmann::ordered_json;
using units::format_gib;

namespace {

constexpr int kJsonSchemaVersion = 1;

std::string parallelism_text(const config::DeploymentOption& option) {
  std::string text = fmt::format("tp{}", option.tp);
  if (option.pp > 1) text += fmt::format(" pp{}", option.pp);
  if (option.ep > 1) text += fmt::format(" ep{}", option.ep);
  return text;
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

std::string render_costs(const plan::Evaluation& evaluation) {
  std::string out = fmt::format("\nCost over {} years (discount rate {:.1f} %)\n",
                                evaluation.horizon_years, evaluation.discount_rate * 100);
  std::vector<std::vector<std::string>> rows{{"option", "kind", "GPUs (yr 1..n)", "TCO", "NPV",
                                              "per year (EAC)", "$/M tokens", "$/M output",
                                              "kWh/yr", "tCO2/yr", "utilisation", "status"}};
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
    double kwh = 0;
    double co2 = 0;
    double utilisation = 0;
    for (const auto& year : cost.years) {
      kwh += year.facility_energy_j / units::kJoulesPerKwh;
      co2 += year.carbon_kg / 1e3;
      utilisation += year.utilisation;
    }
    const double years = static_cast<double>(std::max<std::size_t>(1, cost.years.size()));
    std::string gpus = cost.years.empty()
                           ? "-"
                           : fmt::format("{}..{}", cost.years.front().gpus, cost.years.back().gpus);
    std::string status = "ok";
    if (cost.base_percentile) {
      status = fmt::format("on-prem base at p{:.0f} of hourly demand",
                           *cost.base_percentile * 100);
    }
    rows.push_back({option.name, kind, option.kind == config::OptionKind::kApi ? "-" : gpus,
                    units::format_money(cost.total_usd), units::format_money(cost.npv_usd),
                    units::format_money(cost.eac_usd),
                    fmt::format("{:.3f}", cost.usd_per_million_tokens),
                    fmt::format("{:.3f}", cost.usd_per_million_output_tokens),
                    kwh > 0 ? fmt::format("{:.0f}", kwh / years) : "-",
                    co2 > 0 ? fmt::format("{:.1f}", co2 / years) : "-",
                    option.kind == config::OptionKind::kApi
                        ? "-"
                        : fmt::format("{:.0f} %", utilisation / years * 100),
                    status});
  }
  out += align_columns(rows);
  bool any = false;
  for (const auto& result : evaluation.options) {
    if (result.break_even_month.empty()) continue;
    if (!any) out += "\nBreak-even (cumulative cost at or below the other option)\n";
    any = true;
    out += fmt::format("  {}: {}\n", result.option.name, break_even_text(result));
  }
  return out;
}

std::string render_table(const plan::Evaluation& evaluation) {
  std::string out;
  out += fmt::format("{}  ({})\n", evaluation.scenario_name, evaluation.scenario_file);
  out += fmt::format("Model    {}\n", model_line(evaluation));
  const auto& model = evaluation.model;
  if (!model.publisher.empty() || !model.license.empty()) {
    out += fmt::format("Origin   {} ({}); licence: {}\n", model.publisher,
                       model.publisher_country.empty() ? "?" : model.publisher_country,
                       model.license.empty() ? "not stated" : model.license);
  }
  out += fmt::format("Engine   {}; context {:.0f} tokens per request\n\n", evaluation.engine_id,
                     evaluation.context_tokens);

  out += "Memory plan per GPU\n";
  std::vector<std::vector<std::string>> rows{{"option", "kind", "GPU", "parallel", "capacity",
                                              "usable", "weights", "workspace", "overhead",
                                              "KV budget", "KV/request", "max requests",
                                              "fits"}};
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
                    fmt::format("{}", memory.max_sequences), memory.fits ? "yes" : "NO"});
  }
  out += align_columns(rows);
  out += "\nPerformance per replica at the latency targets\n";
  std::vector<std::vector<std::string>> perf_rows{
      {"option", "requests", "tok/s/replica", "tok/s/GPU", "TTFT", "TPOT", "limited by",
       "roofline tok/s", "max tok/s", "profile"}};
  for (const auto& result : evaluation.options) {
    if (!result.performance) continue;
    const auto& performance = *result.performance;
    const double gpus = result.option.gpus_per_replica();
    const std::string profile = performance.calibrated ? "calibrated" : "UNCALIBRATED";
    const std::string max_tokens =
        fmt::format("{:.0f}", performance.max_throughput.output_tokens_per_s);
    if (!performance.at_targets) {
      perf_rows.push_back({result.option.name, "0", "-", "-", "-", "-", performance.limited_by,
                           "-", max_tokens, profile});
      continue;
    }
    const auto& point = *performance.at_targets;
    perf_rows.push_back({result.option.name, fmt::format("{:.0f}", point.concurrency),
                         fmt::format("{:.0f}", point.output_tokens_per_s),
                         fmt::format("{:.0f}", point.output_tokens_per_s / gpus),
                         units::format_seconds(point.ttft_s), units::format_seconds(point.tpot_s),
                         performance.limited_by,
                         fmt::format("{:.0f}", point.roofline_output_tokens_per_s), max_tokens,
                         profile});
  }
  out += align_columns(perf_rows);
  out += render_costs(evaluation);
  out += "\nDetails\n";
  for (const auto& result : evaluation.options) {
    if (result.memory) out += fmt::format("  {}: {}\n", result.option.name, result.memory->verdict);
  }
  if (!evaluation.warnings.empty()) {
    out += "\nWarnings\n";
    for (const auto& warning : evaluation.warnings) out += fmt::format("  - {}\n", warning);
  }
  out += "\nAssumptions\n";
  for (const auto& assumption : evaluation.assumptions) {
    out += fmt::format("  - {}: {}{}\n      source: {}{}\n", assumption.name, assumption.value,
                       assumption.estimate ? " (estimate)" : "",
                       assumption.source.empty() ? "-" : assumption.source,
                       assumption.as_of.empty() ? "" : fmt::format(" (as of {})", assumption.as_of));
  }
  return out;
}

ordered_json memory_json(const perf::MemoryPlan& memory) {
  ordered_json out;
  out["capacity_bytes"] = memory.capacity_bytes;
  out["usable_bytes"] = memory.usable_bytes;
  out["weights_bytes"] = memory.weights_bytes;
  out["activation_bytes"] = memory.activation_bytes;
  out["runtime_overhead_bytes"] = memory.runtime_overhead_bytes;
  out["kv_budget_bytes"] = memory.kv_budget_bytes;
  out["kv_bytes_per_token"] = memory.kv_bytes_per_token;
  out["kv_bytes_per_request"] = memory.kv_bytes_per_sequence;
  out["max_requests"] = memory.max_sequences;
  out["max_kv_tokens"] = memory.max_kv_tokens;
  out["fits"] = memory.fits;
  out["verdict"] = memory.verdict;
  return out;
}

std::string render_json(const plan::Evaluation& evaluation) {
  ordered_json out;
  out["schema_version"] = kJsonSchemaVersion;
  out["tool_version"] = TCO_PLAN_VERSION;
  out["scenario"] = {{"name", evaluation.scenario_name}, {"file", evaluation.scenario_file}};
  const auto& model = evaluation.model;
  out["model"] = {
      {"id", model.id},
      {"parameters_total", evaluation.parameters.total()},
      {"parameters_active", evaluation.parameters.active(model)},
      {"published_parameters_total", model.published_total_params},
      {"weight_dtype", catalog::dtype_name(evaluation.weight_dtype)},
      {"expert_dtype", catalog::dtype_name(evaluation.expert_dtype)},
      {"kv_dtype", catalog::dtype_name(evaluation.kv_dtype)},
      {"weights_bytes", evaluation.weight_bytes_total},
      {"license", model.license},
      {"publisher", model.publisher},
      {"publisher_country", model.publisher_country},
  };
  out["engine"] = evaluation.engine_id;
  out["context_tokens"] = evaluation.context_tokens;
  ordered_json options = ordered_json::array();
  for (const auto& result : evaluation.options) {
    ordered_json option;
    option["name"] = result.option.name;
    option["kind"] = config::option_kind_name(result.option.kind);
    option["status"] = result.status;
    if (result.gpu) {
      option["gpu"] = result.gpu->id;
      option["tp"] = result.option.tp;
      option["pp"] = result.option.pp;
      option["ep"] = result.option.ep;
      option["gpus_per_replica"] = result.option.gpus_per_replica();
    }
    if (result.memory) option["memory_per_gpu"] = memory_json(*result.memory);
    option["excluded"] = result.excluded;
    if (result.cost) {
      const auto& cost = *result.cost;
      ordered_json cost_json;
      cost_json["total_usd"] = cost.total_usd;
      cost_json["npv_usd"] = cost.npv_usd;
      cost_json["eac_usd_per_year"] = cost.eac_usd;
      cost_json["usd_per_million_tokens"] = cost.usd_per_million_tokens;
      cost_json["usd_per_million_output_tokens"] = cost.usd_per_million_output_tokens;
      cost_json["kwh_per_million_tokens"] = cost.kwh_per_million_tokens;
      cost_json["g_co2_per_million_tokens"] = cost.g_co2_per_million_tokens;
      if (cost.base_percentile) cost_json["base_percentile"] = *cost.base_percentile;
      ordered_json years = ordered_json::array();
      for (const auto& year : cost.years) {
        years.push_back({{"year", year.year},
                         {"capex_usd", year.capex},
                         {"residual_usd", year.residual},
                         {"maintenance_usd", year.maintenance},
                         {"energy_usd", year.energy},
                         {"colocation_usd", year.colocation},
                         {"staff_usd", year.staff},
                         {"licences_usd", year.licences},
                         {"cloud_usd", year.cloud},
                         {"api_usd", year.api},
                         {"total_usd", year.total()},
                         {"input_tokens", year.input_tokens},
                         {"output_tokens", year.output_tokens},
                         {"it_energy_kwh", year.it_energy_j / units::kJoulesPerKwh},
                         {"facility_energy_kwh", year.facility_energy_j / units::kJoulesPerKwh},
                         {"co2_kg", year.carbon_kg},
                         {"gpus", year.gpus},
                         {"nodes", year.nodes},
                         {"racks", year.racks},
                         {"replicas", year.replicas},
                         {"utilisation", year.utilisation},
                         {"cloud_instance_hours", year.burst_hours}});
      }
      cost_json["years"] = years;
      ordered_json break_even = ordered_json::object();
      for (const auto& [other, month] : result.break_even_month) {
        break_even[other] = month ? ordered_json(*month) : ordered_json(nullptr);
      }
      cost_json["break_even_month"] = break_even;
      option["cost"] = cost_json;
    } else if (!result.cost_note.empty()) {
      option["cost_note"] = result.cost_note;
    }
    if (result.performance) {
      const auto& performance = *result.performance;
      ordered_json perf;
      perf["calibrated"] = performance.calibrated;
      perf["kv_concurrency"] = performance.kv_concurrency;
      perf["limited_by"] = performance.limited_by;
      auto point_json = [](const perf::ServingPoint& point) {
        return ordered_json{{"concurrency", point.concurrency},
                            {"output_tokens_per_s", point.output_tokens_per_s},
                            {"requests_per_s", point.requests_per_s},
                            {"ttft_s", point.ttft_s},
                            {"tpot_s", point.tpot_s},
                            {"bound", perf::bound_name(point.bound)},
                            {"roofline_output_tokens_per_s", point.roofline_output_tokens_per_s}};
      };
      perf["at_targets"] = performance.at_targets ? point_json(*performance.at_targets)
                                                  : ordered_json(nullptr);
      perf["max_throughput"] = point_json(performance.max_throughput);
      option["performance_per_replica"] = perf;
    }
    options.push_back(option);
  }
  out["options"] = options;
  out["warnings"] = evaluation.warnings;
  ordered_json assumptions = ordered_json::array();
  for (const auto& assumption : evaluation.assumptions) {
    assumptions.push_back({{"name", assumption.name},
                           {"value", assumption.value},
                           {"source", assumption.source},
                           {"as_of", assumption.as_of},
                           {"estimate", assumption.estimate}});
  }
  out["assumptions"] = assumptions;
  return out.dump(2) + "\n";
}

std::string number(double value) { return fmt::format("{}", value); }

std::string render_csv(const plan::Evaluation& evaluation) {
  std::vector<std::vector<std::string>> rows{
      {"option", "kind", "gpu", "tp", "pp", "ep", "model", "weight_dtype", "kv_dtype",
       "context_tokens", "capacity_bytes", "usable_bytes", "weights_bytes", "activation_bytes",
       "runtime_overhead_bytes", "kv_budget_bytes", "kv_bytes_per_request", "max_requests",
       "fits", "calibrated", "requests_at_targets", "output_tokens_per_s_per_replica",
       "output_tokens_per_s_per_gpu", "ttft_s", "tpot_s", "roofline_output_tokens_per_s",
       "max_output_tokens_per_s_per_replica", "excluded", "total_usd", "npv_usd",
       "eac_usd_per_year", "usd_per_million_tokens", "usd_per_million_output_tokens",
       "kwh_per_million_tokens", "g_co2_per_million_tokens"}};
  constexpr std::size_t kCostColumns = 8;
  for (const auto& result : evaluation.options) {
    const auto& option = result.option;
    std::vector<std::string> row{option.name,
                                 std::string(config::option_kind_name(option.kind)),
                                 option.gpu,
                                 fmt::format("{}", option.tp),
                                 fmt::format("{}", option.pp),
                                 fmt::format("{}", option.ep),
                                 evaluation.model.id,
                                 std::string(catalog::dtype_name(evaluation.weight_dtype)),
                                 std::string(catalog::dtype_name(evaluation.kv_dtype)),
                                 number(evaluation.context_tokens)};
    if (result.memory) {
      const auto& memory = *result.memory;
      for (const double value :
           {memory.capacity_bytes, memory.usable_bytes, memory.weights_bytes,
            memory.activation_bytes, memory.runtime_overhead_bytes, memory.kv_budget_bytes,
            memory.kv_bytes_per_sequence}) {
        row.push_back(number(value));
      }
      row.push_back(fmt::format("{}", memory.max_sequences));
      row.push_back(memory.fits ? "true" : "false");
      if (result.performance) {
        const auto& performance = *result.performance;
        row.push_back(performance.calibrated ? "true" : "false");
        // With no point meeting the latency targets its columns stay empty, but the maximum
        // throughput is still known (as in the JSON report).
        if (performance.at_targets) {
          const auto& point = *performance.at_targets;
          for (const double value :
               {point.concurrency, point.output_tokens_per_s,
                point.output_tokens_per_s / option.gpus_per_replica(), point.ttft_s,
                point.tpot_s, point.roofline_output_tokens_per_s}) {
            row.push_back(number(value));
          }
        } else {
          row.resize(row.size() + 6);
        }
        row.push_back(number(performance.max_throughput.output_tokens_per_s));
      }
    }
    row.resize(rows.front().size() - kCostColumns);
    row.push_back(result.excluded);
    if (result.cost) {
      const auto& cost = *result.cost;
      for (const double value : {cost.total_usd, cost.npv_usd, cost.eac_usd,
                                 cost.usd_per_million_tokens, cost.usd_per_million_output_tokens,
                                 cost.kwh_per_million_tokens, cost.g_co2_per_million_tokens}) {
        row.push_back(number(value));
      }
    }
    row.resize(rows.front().size());
    rows.push_back(std::move(row));
  }
  return to_csv(rows);
}

/// One row per option, year and metric: the layout pivot tables want.
std::string render_csv_long(const plan::Evaluation& evaluation) {
  std::vector<std::vector<std::string>> rows{{"option", "year", "metric", "unit", "value"}};
  for (const auto& result : evaluation.options) {
    const std::string& name = result.option.name;
    auto add = [&](int year, const char* metric, const char* unit, double value) {
      rows.push_back({name, fmt::format("{}", year), metric, unit, number(value)});
    };
    if (result.memory) {
      add(0, "weights_per_gpu", "bytes", result.memory->weights_bytes);
      add(0, "kv_budget_per_gpu", "bytes", result.memory->kv_budget_bytes);
      add(0, "max_requests", "requests", static_cast<double>(result.memory->max_sequences));
    }
    if (result.performance && result.performance->at_targets) {
      const auto& point = *result.performance->at_targets;
      add(0, "output_tokens_per_s_per_replica", "tokens/s", point.output_tokens_per_s);
      add(0, "ttft", "s", point.ttft_s);
      add(0, "tpot", "s", point.tpot_s);
    }
    if (!result.excluded.empty() || !result.cost) continue;
    const auto& cost = *result.cost;
    add(0, "total", "USD", cost.total_usd);
    add(0, "npv", "USD", cost.npv_usd);
    add(0, "eac", "USD/year", cost.eac_usd);
    add(0, "cost_per_million_tokens", "USD/Mtok", cost.usd_per_million_tokens);
    add(0, "cost_per_million_output_tokens", "USD/Mtok", cost.usd_per_million_output_tokens);
    for (const auto& year : cost.years) {
      add(year.year, "capex", "USD", year.capex);
      add(year.year, "residual", "USD", year.residual);
      add(year.year, "maintenance", "USD", year.maintenance);
      add(year.year, "energy", "USD", year.energy);
      add(year.year, "colocation", "USD", year.colocation);
      add(year.year, "staff", "USD", year.staff);
      add(year.year, "licences", "USD", year.licences);
      add(year.year, "cloud", "USD", year.cloud);
      add(year.year, "api", "USD", year.api);
      add(year.year, "total", "USD", year.total());
      add(year.year, "input_tokens", "tokens", year.input_tokens);
      add(year.year, "output_tokens", "tokens", year.output_tokens);
      add(year.year, "facility_energy", "kWh", year.facility_energy_j / units::kJoulesPerKwh);
      add(year.year, "co2", "kg", year.carbon_kg);
      add(year.year, "gpus", "GPUs", static_cast<double>(year.gpus));
      add(year.year, "utilisation", "fraction", year.utilisation);
    }
  }
  return to_csv(rows);
}

}  // namespace

std::string render_evaluation(const plan::Evaluation& evaluation, OutputFormat format,
                              CsvLayout layout) {
  switch (format) {
    case OutputFormat::kTable: return render_table(evaluation);
    case OutputFormat::kJson: return render_json(evaluation);
    case OutputFormat::kCsv:
      return layout == CsvLayout::kLong ? render_csv_long(evaluation) : render_csv(evaluation);
  }
  return {};
}

}  // namespace tco::report
