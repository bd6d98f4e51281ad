// `tco-plan optimize` output: formatting only.
#include "tco/report/explore_report.hpp"

#include <fmt/format.h>

#include "tco/report/report.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

namespace {

std::string plan_shape(const explore::Plan& plan) {
  const auto& option = plan.result.option;
  // A hybrid's GPUs and shape are its base's and burst's (its why line names them).
  if (option.kind == config::OptionKind::kApi || option.kind == config::OptionKind::kHybrid) {
    return "-";
  }
  std::string shape = fmt::format("tp{}", option.tp);
  if (option.pp > 1) shape += fmt::format(" pp{}", option.pp);
  if (option.ep > 1) shape += fmt::format(" ep{}", option.ep);
  return shape;
}

std::string where(const explore::Plan& plan) {
  const auto& option = plan.result.option;
  switch (option.kind) {
    case config::OptionKind::kOnprem:
      return option.site.empty() ? "onprem" : "onprem " + option.site;
    case config::OptionKind::kCloud: return fmt::format("{} {}", option.instance, option.pricing);
    case config::OptionKind::kApi: return option.offer;
    case config::OptionKind::kHybrid: return "hybrid";
  }
  return {};
}

std::string objective_text(double value, explore::Objective objective) {
  return objective == explore::Objective::kCostPerMillionTokens
             ? fmt::format("${:.3f}/Mtok", value)
             : units::format_money(value);
}

}  // namespace

std::string_view objective_name(explore::Objective objective) {
  switch (objective) {
    case explore::Objective::kTco: return "tco";
    case explore::Objective::kNpv: return "npv";
    case explore::Objective::kCostPerMillionTokens: return "cost_per_mtok";
  }
  return "?";
}

std::string render_optimize_table(const explore::OptimizeResult& result,
                                  explore::Objective objective) {
  std::vector<std::vector<std::string>> rows{{"rank", "where", "GPU", "parallel", "engine",
                                              "weights/KV", std::string(objective_name(objective)),
                                              "TTFT", "TPOT", "tokens/s/replica"}};
  for (std::size_t k = 0; k < result.top.size(); ++k) {
    const auto& plan = result.top[k];
    const bool api = plan.result.option.kind == config::OptionKind::kApi;
    const auto& point = plan.result.performance ? plan.result.performance->at_targets
                                                : std::optional<perf::ServingPoint>();
    const bool hybrid = plan.result.option.kind == config::OptionKind::kHybrid;
    rows.push_back({fmt::format("{}", k + 1), where(plan),
                    api || hybrid ? "-" : plan.result.option.gpu,
                    plan_shape(plan), api ? "-" : plan.engine,
                    api ? "-"
                        : fmt::format("{}/{}", catalog::dtype_name(plan.weight_dtype),
                                      catalog::dtype_name(plan.kv_dtype)),
                    objective_text(plan.objective, objective),
                    point ? units::format_seconds(point->ttft_s) : "-",
                    point ? units::format_seconds(point->tpot_s) : "-",
                    point ? fmt::format("{:.0f}", point->output_tokens_per_s) : "-"});
  }
  std::string out = result.top.empty() ? "No plan fits, meets the targets and passes the "
                                         "constraints and requirements.\n"
                                       : align_columns(rows);
  if (!result.top.empty()) {
    out += "Why\n";
    for (std::size_t k = 0; k < result.top.size(); ++k) {
      out += fmt::format("  {}. {}\n", k + 1, result.top[k].why);
    }
  }
  out += fmt::format(
      "Searched {} candidates: {} do not fit, {} excluded or not priced, {} fully evaluated, {} "
      "pruned by the cost bound, {} feasible.\n",
      result.candidates, result.not_fitting, result.not_costed, result.evaluated, result.pruned,
      result.feasible);
  return out;
}

std::string render_plans_csv(const std::vector<explore::Plan>& plans,
                             explore::Objective objective) {
  std::vector<std::vector<std::string>> rows{
      {"option", "kind", "gpu", "instance", "pricing", "offer", "tp", "pp", "ep", "engine",
       "weight_dtype", "kv_dtype", std::string(objective_name(objective)) +
                                       (objective == explore::Objective::kCostPerMillionTokens
                                            ? "_usd_per_million_tokens"
                                            : "_usd"),
       "total_usd", "npv_usd", "usd_per_million_tokens", "ttft_s", "tpot_s",
       "output_tokens_per_s_per_replica", "requests_at_targets"}};
  for (const auto& plan : plans) {
    const auto& option = plan.result.option;
    const bool api = option.kind == config::OptionKind::kApi;
    std::vector<std::string> row{option.name,
                                 std::string(config::option_kind_name(option.kind)),
                                 option.gpu,
                                 option.instance,
                                 option.pricing,
                                 option.offer,
                                 api ? "" : fmt::format("{}", option.tp),
                                 api ? "" : fmt::format("{}", option.pp),
                                 api ? "" : fmt::format("{}", option.ep),
                                 api ? "" : plan.engine,
                                 api ? "" : std::string(catalog::dtype_name(plan.weight_dtype)),
                                 api ? "" : std::string(catalog::dtype_name(plan.kv_dtype)),
                                 fmt::format("{}", plan.objective)};
    const auto& cost = *plan.result.cost;
    for (const double value : {cost.total_usd, cost.npv_usd, cost.usd_per_million_tokens}) {
      row.push_back(fmt::format("{}", value));
    }
    if (plan.result.performance && plan.result.performance->at_targets) {
      const auto& point = *plan.result.performance->at_targets;
      for (const double value :
           {point.ttft_s, point.tpot_s, point.output_tokens_per_s, point.concurrency}) {
        row.push_back(fmt::format("{}", value));
      }
    }
    row.resize(rows.front().size());
    rows.push_back(std::move(row));
  }
  return to_csv(rows);
}

}  // namespace tco::report
