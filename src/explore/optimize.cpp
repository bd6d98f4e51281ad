// The optimizer's candidate generation, bound, search order, feasibility and Pareto front.
#include "tco/explore/optimize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tco/config/diagnostics.hpp"
#include "tco/explore/parallel.hpp"
#include "tco/report/check.hpp"

namespace tco::explore {

namespace {

using config::DeploymentOption;
using config::OptionKind;

/// The scenario with one engine and one pair of formats: the candidates of a group share it.
struct Group {
  std::string engine;
  catalog::Dtype weight_dtype;
  catalog::Dtype kv_dtype;
  config::Scenario scenario;
  std::vector<DeploymentOption> options;
};

std::string dtype_text(catalog::Dtype dtype) { return std::string(catalog::dtype_name(dtype)); }

/// The first option of `kind` in the scenario lends its site, costs and node size.
DeploymentOption template_option(const config::Scenario& scenario, OptionKind kind) {
  for (const auto& option : scenario.options) {
    if (option.kind == kind) return option;
  }
  DeploymentOption option;
  option.kind = kind;
  return option;
}

/// The loader's consistency rules for a GPU option (scenario_loader.cpp check_option).
bool valid_parallelism(const catalog::Model& model, const DeploymentOption& option,
                       int gpus_available) {
  if (model.num_attention_heads > 0 && model.num_attention_heads % option.tp != 0) return false;
  if (model.num_layers > 0 && option.pp > model.num_layers) return false;
  if (option.gpus_per_replica() > gpus_available) return false;
  if (option.ep > 1) {
    if (!model.moe) return false;
    if (option.tp % option.ep != 0 || model.moe->num_experts % option.ep != 0) return false;
  }
  return true;
}

std::vector<int> expert_degrees(const catalog::Model& model, int tp) {
  std::vector<int> degrees{1};
  if (!model.moe) return degrees;
  for (int ep = 2; ep <= tp; ++ep) {
    if (tp % ep == 0 && model.moe->num_experts % ep == 0) degrees.push_back(ep);
  }
  return degrees;
}

long long peak_gpus(const cost::OptionCost& cost) {
  long long peak = 0;
  for (const auto& year : cost.years) peak = std::max(peak, year.gpus);
  return peak;
}

/// Why a costed, allowed option is not a plan; "" when it is.
std::string infeasibility(const plan::OptionResult& result, const config::Scenario& scenario) {
  if (!result.excluded.empty()) return result.excluded;
  if (result.memory && !result.memory->fits) return "does not fit";
  // A hybrid is built from plans that meet the targets; an API's latency is not modelled.
  if (result.option.kind != OptionKind::kApi && result.option.kind != OptionKind::kHybrid &&
      (!result.performance || !result.performance->at_targets)) {
    return "misses the latency targets";
  }
  if (!result.cost) return result.cost_note.empty() ? "not costed" : result.cost_note;
  if (const auto limit = scenario.constraints.max_gpus;
      limit && peak_gpus(*result.cost) > *limit) {
    return fmt::format("{} GPUs exceed constraints.max_gpus {}", peak_gpus(*result.cost), *limit);
  }
  return {};
}

std::string describe_costs(const cost::OptionCost& cost) {
  struct Share {
    const char* name;
    double usd;
  };
  std::vector<Share> shares{{"hardware", 0}, {"maintenance", 0}, {"energy", 0},
                            {"colocation", 0}, {"staff", 0},      {"licences", 0},
                            {"cloud", 0},      {"API", 0}};
  for (const auto& year : cost.years) {
    shares[0].usd += year.capex - year.residual;
    shares[1].usd += year.maintenance;
    shares[2].usd += year.energy;
    shares[3].usd += year.colocation;
    shares[4].usd += year.staff;
    shares[5].usd += year.licences;
    shares[6].usd += year.cloud;
    shares[7].usd += year.api;
  }
  std::stable_sort(shares.begin(), shares.end(),
                   [](const Share& a, const Share& b) { return a.usd > b.usd; });
  std::string out;
  for (const auto& share : shares) {
    if (cost.total_usd <= 0 || share.usd / cost.total_usd < 0.005) continue;
    out += fmt::format("{}{} {:.0f} %", out.empty() ? "" : ", ", share.name,
                       100.0 * share.usd / cost.total_usd);
  }
  return out;
}

}  // namespace

double objective_value(const cost::OptionCost& cost, Objective objective) {
  switch (objective) {
    case Objective::kTco: return cost.total_usd;
    case Objective::kNpv: return cost.npv_usd;
    case Objective::kCostPerMillionTokens: return cost.usd_per_million_tokens;
  }
  return cost.npv_usd;
}

OptimizeResult optimize(const config::Scenario& scenario, const plan::PerformanceData& performance,
                        const SearchSpace& space, Objective objective, int top_n, int threads) {
  const auto& catalog = scenario.catalog;
  const auto& model = scenario.model.model;
  std::vector<const catalog::Gpu*> gpus;
  if (space.gpus.empty()) {
    for (const auto& gpu : catalog.gpus) gpus.push_back(&gpu);
  } else {
    for (const auto& id : space.gpus) {
      const auto* gpu = catalog.find_gpu(id);
      if (gpu == nullptr) {
        throw config::InputError(fmt::format("tco-plan: error: --gpus: unknown GPU '{}'{}\n", id,
                                             config::did_you_mean(id, catalog.gpu_ids())));
      }
      gpus.push_back(gpu);
    }
  }
  auto wants = [&](OptionKind kind) {
    return std::find(space.kinds.begin(), space.kinds.end(), kind) != space.kinds.end();
  };
  const DeploymentOption onprem = template_option(scenario, OptionKind::kOnprem);
  const DeploymentOption cloud = template_option(scenario, OptionKind::kCloud);

  std::vector<Group> groups;
  for (const auto& engine_id : space.engines) {
    const auto* engine = catalog.find_engine(engine_id);
    if (engine == nullptr) {
      throw config::InputError(fmt::format("tco-plan: error: --engines: unknown engine '{}'{}\n",
                                           engine_id,
                                           config::did_you_mean(engine_id, catalog.engine_ids())));
    }
    for (const auto weight : space.weight_dtypes) {
      for (const auto kv : space.kv_dtypes) {
        Group group{engine_id, weight, kv, scenario, {}};
        group.scenario.options.clear();
        // The scenario's own engine overrides apply when it is the same engine.
        if (engine_id != scenario.engine.id) group.scenario.engine = *engine;
        group.scenario.model.weight_dtype = weight;
        group.scenario.model.kv_dtype = kv;
        for (const auto* gpu : gpus) {
          for (const int tp : space.tp) {
            for (const int pp : space.pp) {
              for (const int ep : expert_degrees(model, tp)) {
                const std::string shape = fmt::format("{}-tp{}{}{}-{}-{}-kv{}", gpu->id, tp,
                                                      pp > 1 ? fmt::format("pp{}", pp) : "",
                                                      ep > 1 ? fmt::format("ep{}", ep) : "",
                                                      engine_id, dtype_text(weight),
                                                      dtype_text(kv));
                if (wants(OptionKind::kOnprem)) {
                  DeploymentOption option = onprem;
                  option.kind = OptionKind::kOnprem;
                  option.gpu = gpu->id;
                  option.tp = tp;
                  option.pp = pp;
                  option.ep = ep;
                  option.multi_node = false;
                  option.name = "onprem-" + shape;
                  if (valid_parallelism(model, option, option.gpus_per_node)) {
                    group.options.push_back(option);
                  }
                }
                if (!wants(OptionKind::kCloud)) continue;
                for (const auto& instance : scenario.costs.instances) {
                  if (instance.gpu != gpu->id) continue;
                  for (const auto& [tier, price] : instance.usd_per_s) {
                    DeploymentOption option = cloud;
                    option.kind = OptionKind::kCloud;
                    option.gpu = gpu->id;
                    option.instance = instance.id;
                    option.pricing = tier;
                    option.gpus_per_node = instance.gpus;
                    option.tp = tp;
                    option.pp = pp;
                    option.ep = ep;
                    option.name = fmt::format("cloud-{}-{}-{}", instance.id, tier, shape);
                    if (valid_parallelism(model, option, instance.gpus)) {
                      group.options.push_back(option);
                    }
                  }
                }
              }
            }
          }
        }
        groups.push_back(std::move(group));
      }
    }
  }
  // Hosted APIs of the model: formats and engine are the provider's; evaluated once.
  if (wants(OptionKind::kApi) && !groups.empty()) {
    for (const auto& offer : scenario.costs.offers) {
      if (offer.model != model.id) continue;
      DeploymentOption option;
      option.kind = OptionKind::kApi;
      option.offer = offer.id;
      option.name = "api-" + offer.id;
      groups.front().options.push_back(option);
    }
  }

  // Flatten: candidate i = (group, option).
  std::vector<std::pair<std::size_t, std::size_t>> index;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (std::size_t o = 0; o < groups[g].options.size(); ++o) index.emplace_back(g, o);
  }
  OptimizeResult out;
  out.candidates = static_cast<long long>(index.size());
  std::vector<Plan> plans(index.size());
  // A hybrid's base and burst are evaluated beside it. The candidate's result is the last one.
  auto evaluate_one = [&](std::size_t i, const plan::EvaluateSettings& base) {
    const auto& [g, o] = index[i];
    const auto& option = groups[g].options[o];
    std::vector<DeploymentOption> options;
    if (option.kind == OptionKind::kHybrid) {
      for (const auto& part : groups[g].options) {
        if (part.name == option.base || part.name == option.burst) options.push_back(part);
      }
    }
    options.push_back(option);
    plan::EvaluateSettings settings = base;
    settings.options = &options;
    return plan::evaluate(groups[g].scenario, performance, settings);
  };

  // 1. Memory plan and cost bound for every candidate.
  plan::EvaluateSettings bound_settings;
  bound_settings.explain = false;
  bound_settings.roofline_bound = true;
  std::vector<char> alive(index.size(), 0);
  parallel_for(index.size(), threads, [&](std::size_t i) {
    const auto evaluation = evaluate_one(i, bound_settings);
    auto& candidate = plans[i];
    candidate.engine = groups[index[i].first].engine;
    candidate.weight_dtype = groups[index[i].first].weight_dtype;
    candidate.kv_dtype = groups[index[i].first].kv_dtype;
    const auto& result = evaluation.options.back();
    candidate.result = result;
    candidate.infeasible_because = infeasibility(result, groups[index[i].first].scenario);
    if (result.cost) candidate.lower_bound = objective_value(*result.cost, objective);
    // A candidate whose bound already breaks a constraint would break it when fully evaluated
    // too only for cost-monotone limits; keep it unless it cannot fit or be costed at all.
    alive[i] = result.cost && result.excluded.empty() && (!result.memory || result.memory->fits);
  });
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (!alive[i] && plans[i].result.memory && !plans[i].result.memory->fits) ++out.not_fitting;
  }

  // 2. Full evaluation in order of the bound; stop when the bound passes the N-th best.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (alive[i]) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return plans[a].lower_bound < plans[b].lower_bound;
  });
  plan::EvaluateSettings full_settings;
  full_settings.explain = false;
  std::vector<double> best;  // objective of feasible plans found, ascending, at most top_n
  auto keep_best = [&](double value) {
    best.insert(std::upper_bound(best.begin(), best.end(), value), value);
    if (static_cast<int>(best.size()) > top_n) best.pop_back();
  };
  // Feasible: costed, allowed, fits, meets the targets and the constraints, and passes every
  // requirement of the scenario.
  auto judge = [&](Plan& candidate, const plan::Evaluation& evaluation,
                   const config::Scenario& group_scenario) {
    candidate.result = evaluation.options.back();
    const std::string& name = candidate.result.option.name;
    candidate.infeasible_because = infeasibility(candidate.result, group_scenario);
    if (candidate.infeasible_because.empty()) {
      const auto check = report::check_requirements(evaluation, group_scenario);
      if (std::find(check.passing_options.begin(), check.passing_options.end(), name) ==
          check.passing_options.end()) {
        for (const auto& line : check.results) {
          if (line.option == name && line.status == report::CheckStatus::kFail) {
            candidate.infeasible_because =
                fmt::format("requirement {}: {}", line.requirement, line.actual);
            break;
          }
        }
        if (candidate.infeasible_because.empty()) candidate.infeasible_because = "requirements";
      }
    }
    candidate.feasible = candidate.infeasible_because.empty();
    if (candidate.feasible) {
      candidate.objective = objective_value(*candidate.result.cost, objective);
    }
  };
  // A fixed batch (not one per thread) so the pruning, and the counts the summary prints, are
  // the same at any thread count.
  constexpr std::size_t batch = 16;
  std::size_t next = 0;
  std::vector<std::size_t> evaluated;
  while (next < order.size()) {
    const double cutoff = space.prune && static_cast<int>(best.size()) >= top_n
                              ? best.back()
                              : std::numeric_limits<double>::infinity();
    if (plans[order[next]].lower_bound > cutoff) break;
    std::vector<std::size_t> chunk;
    while (next < order.size() && chunk.size() < batch &&
           plans[order[next]].lower_bound <= cutoff) {
      chunk.push_back(order[next++]);
    }
    parallel_for(chunk.size(), threads, [&](std::size_t k) {
      const std::size_t i = chunk[k];
      const auto evaluation = evaluate_one(i, full_settings);
      auto& candidate = plans[i];
      judge(candidate, evaluation, groups[index[i].first].scenario);
    });
    for (const std::size_t i : chunk) {
      evaluated.push_back(i);
      if (plans[i].feasible) keep_best(plans[i].objective);
    }
  }

  // 2b. Hybrids (an on-prem base at the optimal percentile of hourly demand, bursting to the
  // cloud): in each group, the first kHybridParts feasible on-prem plans in the order of the
  // bound as the base, with the first kHybridParts feasible cloud plans that follow demand
  // (on-demand, spot) as the burst; those the bound pruned are evaluated now (they cannot enter
  // the top N on their own). A hybrid can cost less than both of its parts, so unlike the pure
  // plans this part of the search is a heuristic.
  if (wants(OptionKind::kHybrid)) {
    constexpr std::size_t kHybridParts = 2;
    std::vector<char> done(index.size(), 0);
    for (const std::size_t i : evaluated) done[i] = 1;
    auto is_part = [&](std::size_t i, OptionKind kind) {
      const auto& result = plans[i].result;  // the bound's evaluation: same option and inputs
      if (result.option.kind != kind) return false;
      return kind == OptionKind::kOnprem ||
             (result.cloud_inputs && result.cloud_inputs->follows_demand);
    };
    auto parts_of = [&](std::size_t g, OptionKind kind) {
      std::vector<std::size_t> parts;
      for (const std::size_t i : order) {
        if (parts.size() == kHybridParts) break;
        if (index[i].first != g || !is_part(i, kind)) continue;
        if (!done[i]) {
          judge(plans[i], evaluate_one(i, full_settings), groups[g].scenario);
          done[i] = 1;
          evaluated.push_back(i);
        }
        if (plans[i].feasible) parts.push_back(i);
      }
      return parts;
    };
    std::vector<std::size_t> hybrids;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto bases = parts_of(g, OptionKind::kOnprem);
      const auto bursts = parts_of(g, OptionKind::kCloud);
      for (const std::size_t base : bases) {
        for (const std::size_t burst : bursts) {
          DeploymentOption option;
          option.kind = OptionKind::kHybrid;
          option.base = groups[g].options[index[base].second].name;
          option.burst = groups[g].options[index[burst].second].name;
          option.base_percentile = "optimal";
          option.name = fmt::format("hybrid-{}+{}", option.base, option.burst);
          groups[g].options.push_back(option);
          index.emplace_back(g, groups[g].options.size() - 1);
          hybrids.push_back(index.size() - 1);
        }
      }
    }
    plans.resize(index.size());
    out.candidates += static_cast<long long>(hybrids.size());
    parallel_for(hybrids.size(), threads, [&](std::size_t k) {
      const std::size_t i = hybrids[k];
      auto& candidate = plans[i];
      candidate.engine = groups[index[i].first].engine;
      candidate.weight_dtype = groups[index[i].first].weight_dtype;
      candidate.kv_dtype = groups[index[i].first].kv_dtype;
      judge(candidate, evaluate_one(i, full_settings), groups[index[i].first].scenario);
    });
    for (const std::size_t i : hybrids) {
      order.push_back(i);
      evaluated.push_back(i);
    }
  }
  out.evaluated = static_cast<long long>(evaluated.size());
  out.pruned = static_cast<long long>(order.size() - evaluated.size());
  out.not_costed = out.candidates - out.not_fitting - static_cast<long long>(order.size());

  // 3. Rank (ties: the candidate generated first), explain the top N, Pareto front.
  std::vector<std::size_t> feasible;
  for (const std::size_t i : evaluated) {
    if (plans[i].feasible) feasible.push_back(i);
  }
  std::sort(feasible.begin(), feasible.end());
  // Equal cost (same replica count): the faster plan first.
  auto latency = [&](std::size_t i) {
    const auto& served = plans[i].result.performance;
    return served && served->at_targets
               ? std::pair(served->at_targets->tpot_s, served->at_targets->ttft_s)
               : std::pair(std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::infinity());
  };
  std::stable_sort(feasible.begin(), feasible.end(), [&](std::size_t a, std::size_t b) {
    if (plans[a].objective != plans[b].objective) return plans[a].objective < plans[b].objective;
    return latency(a) < latency(b);
  });
  out.feasible = static_cast<long long>(feasible.size());
  plan::EvaluateSettings explain_settings;
  for (std::size_t k = 0; k < feasible.size() && static_cast<int>(k) < top_n; ++k) {
    Plan top = plans[feasible[k]];
    const auto evaluation = evaluate_one(feasible[k], explain_settings);
    top.result = evaluation.options.back();
    const auto& result = top.result;
    std::string bound =
        result.performance ? result.performance->limited_by
        : result.option.kind == OptionKind::kHybrid
            ? fmt::format("on-prem base {} sized to p{:.0f} of hourly demand, bursting to {}",
                          result.option.base, 100.0 * result.cost->base_percentile.value_or(1.0),
                          result.option.burst)
            : std::string("hosted API: priced per token");
    top.why = fmt::format("{}; cost: {}", bound, describe_costs(*result.cost));
    if (result.cost && result.option.kind != OptionKind::kApi) {
      top.why += fmt::format("; {} GPUs at peak", peak_gpus(*result.cost));
    }
    out.top.push_back(std::move(top));
  }
  for (const std::size_t i : feasible) {
    const auto& a = plans[i];
    if (!a.result.performance || !a.result.performance->at_targets) continue;
    const auto& pa = *a.result.performance->at_targets;
    bool dominated = false;
    for (const std::size_t j : feasible) {
      const auto& b = plans[j];
      if (j == i || !b.result.performance || !b.result.performance->at_targets) continue;
      const auto& pb = *b.result.performance->at_targets;
      const bool no_worse =
          b.objective <= a.objective && pb.ttft_s <= pa.ttft_s && pb.tpot_s <= pa.tpot_s;
      const bool better =
          b.objective < a.objective || pb.ttft_s < pa.ttft_s || pb.tpot_s < pa.tpot_s;
      if (no_worse && better) {
        dominated = true;
        break;
      }
    }
    if (!dominated) out.pareto.push_back(a);
  }
  return out;
}

}  // namespace tco::explore
