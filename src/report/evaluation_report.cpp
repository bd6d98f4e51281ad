#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "evaluation_tables.hpp"
#include "tco/report/report.hpp"
#include "tco/units/units.hpp"
#include "uncertainty_report.hpp"

namespace tco::report {

using nlohmann::ordered_json;

namespace {

constexpr int kJsonSchemaVersion = 1;

std::string render_table(const plan::Evaluation& evaluation, const Style& style) {
  std::string out;
  out += fmt::format("{}  ({})\n", style.bold(evaluation.scenario_name), evaluation.scenario_file);
  for (const auto& [label, text] : header_lines(evaluation)) {
    out += fmt::format("{:<9}{}\n", label, text);
  }
  out += "\n" + style.bold("Summary") + "\n";
  out += align_columns(summary_rows(evaluation, style));
  out += "\n" + style.bold("Memory plan per GPU") + "\n";
  out += align_columns(memory_rows(evaluation, style));
  out += "\n" + style.bold("Performance per replica at the latency targets") + "\n";
  out += align_columns(performance_rows(evaluation, style));
  out += "\n" + style.bold(cost_title(evaluation)) + "\n";
  out += align_columns(cost_rows(evaluation));
  const auto break_even = break_even_lines(evaluation);
  if (!break_even.empty()) {
    out += "\n" + style.bold("Break-even (cumulative cost at or below the other option)") + "\n";
    for (const auto& [name, text] : break_even) out += fmt::format("  {}: {}\n", name, text);
  }
  if (evaluation.uncertainty) out += uncertainty_table(*evaluation.uncertainty);
  out += "\n" + style.bold("Details") + "\n";
  for (const auto& result : evaluation.options) {
    if (result.memory) out += fmt::format("  {}: {}\n", result.option.name, result.memory->verdict);
  }
  if (!evaluation.warnings.empty()) {
    out += "\n" + style.warn("Warnings") + "\n";
    for (const auto& warning : evaluation.warnings) out += fmt::format("  - {}\n", warning);
  }
  out += "\n" + style.bold("Assumptions") + "\n";
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
  if (evaluation.uncertainty) out["uncertainty"] = uncertainty_json(*evaluation.uncertainty);
  return out.dump(2) + "\n";
}

std::string number(double value) { return fmt::format("{}", value); }

}  // namespace

std::vector<std::vector<std::string>> evaluation_csv_rows(const plan::Evaluation& evaluation) {
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
  return rows;
}

namespace {

std::string render_csv(const plan::Evaluation& evaluation) {
  auto rows = evaluation_csv_rows(evaluation);
  if (evaluation.uncertainty) append_uncertainty_columns(rows, *evaluation.uncertainty);
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
  if (evaluation.uncertainty) append_uncertainty_rows(rows, *evaluation.uncertainty);
  return to_csv(rows);
}

}  // namespace

std::string render_evaluation(const plan::Evaluation& evaluation, OutputFormat format,
                              CsvLayout layout, bool colour) {
  switch (format) {
    case OutputFormat::kTable: return render_table(evaluation, Style{colour});
    case OutputFormat::kJson: return render_json(evaluation);
    case OutputFormat::kCsv:
      return layout == CsvLayout::kLong ? render_csv_long(evaluation) : render_csv(evaluation);
  }
  return {};
}

}  // namespace tco::report
