// tco-plan optimize SCENARIO [--objective tco|npv|cost_per_mtok] [--top N] [--gpus a,b]
//                            [--engines ...] [--kinds ...] [--pareto FILE] [--complete]
#include <memory>

#include "explore_cmds.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/explore/optimize.hpp"
#include "tco/explore/parallel.hpp"
#include "tco/report/explore_report.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace tco::cli {

namespace {

struct OptimizeOptions {
  std::string scenario;
  explore::Objective objective = explore::Objective::kNpv;
  int top = 5;
  std::vector<std::string> gpus;
  std::vector<std::string> engines;
  std::vector<std::string> kinds;
  std::vector<int> tp;
  std::vector<int> pp;
  std::vector<std::string> weight_dtypes;
  std::vector<std::string> kv_dtypes;
  std::string pareto;
  std::string output;
  bool complete = false;
  int jobs = 0;
};

std::vector<catalog::Dtype> dtypes(const std::vector<std::string>& names) {
  std::vector<catalog::Dtype> out;
  for (const auto& name : names) out.push_back(*catalog::dtype_from_name(name));
  return out;
}

}  // namespace

Command setup_optimize(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<OptimizeOptions>();
  auto* sub = app.add_subcommand(
      "optimize",
      "Search GPUs x parallelism x formats x engine x deployment kind for the cheapest plans "
      "that fit, meet the latency targets and pass the constraints and requirements");
  sub->add_option("scenario", options->scenario,
                  "Scenario YAML file (model, workload, sites, constraints, requirements; its "
                  "first on-prem option lends site, costs and gpus_per_node)")
      ->required();
  const std::map<std::string, explore::Objective> objectives{
      {"tco", explore::Objective::kTco},
      {"npv", explore::Objective::kNpv},
      {"cost_per_mtok", explore::Objective::kCostPerMillionTokens}};
  sub->add_option("--objective", options->objective,
                  "What to minimise: tco (nominal total), npv, cost_per_mtok")
      ->transform(CLI::CheckedTransformer(objectives, CLI::ignore_case))
      ->default_str("npv");
  sub->add_option("--top", options->top, "Plans to print")->check(CLI::Range(1, 1000))
      ->default_str("5");
  sub->add_option("--gpus", options->gpus, "GPU ids to search (default: the whole catalog)")
      ->delimiter(',');
  sub->add_option("--engines", options->engines, "Engines (default: vllm,trtllm,sglang)")
      ->delimiter(',');
  sub->add_option("--kinds", options->kinds,
                  "Deployment kinds (default: onprem,cloud,api,hybrid)")
      ->delimiter(',')
      ->check(CLI::IsMember({"onprem", "cloud", "api", "hybrid"}));
  sub->add_option("--tp", options->tp, "Tensor-parallel degrees (default: 1,2,4,8)")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024));
  sub->add_option("--pp", options->pp, "Pipeline-parallel degrees (default: 1,2,4)")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024));
  std::vector<std::string> dtype_names;
  for (const auto& name : catalog::dtype_names()) dtype_names.push_back(name);
  sub->add_option("--weight-dtypes", options->weight_dtypes,
                  "Weight formats (default: bf16,fp8,int4)")
      ->delimiter(',')
      ->check(CLI::IsMember(dtype_names));
  sub->add_option("--kv-dtypes", options->kv_dtypes, "KV-cache formats (default: bf16,fp8)")
      ->delimiter(',')
      ->check(CLI::IsMember({"fp32", "bf16", "fp16", "fp8", "int8", "q8_0", "q4_0"}));
  sub->add_option("--pareto", options->pareto,
                  "Write the Pareto front of cost against TTFT and TPOT as CSV to FILE (implies "
                  "--complete)");
  sub->add_flag("--complete", options->complete,
                "Evaluate every candidate that fits (no cost-bound pruning): the Pareto front "
                "then covers the whole space, not only the plans the search reached");
  sub->add_option("-o,--output", options->output, "Write to FILE (atomically) instead of stdout");
  sub->add_option("-j,--jobs", options->jobs, "Threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  return {sub, [options, &global] {
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
            const auto scenario = config::load_scenario(options->scenario, catalog, costs);
            plan::PerformanceData performance;
            performance.profiles = perf::load_profiles(global.resolved_profiles_dir());
            performance.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            explore::SearchSpace space;
            space.gpus = options->gpus;
            if (!options->engines.empty()) space.engines = options->engines;
            if (!options->tp.empty()) space.tp = options->tp;
            if (!options->pp.empty()) space.pp = options->pp;
            if (!options->weight_dtypes.empty()) {
              space.weight_dtypes = dtypes(options->weight_dtypes);
            }
            if (!options->kv_dtypes.empty()) space.kv_dtypes = dtypes(options->kv_dtypes);
            if (!options->kinds.empty()) {
              space.kinds.clear();
              for (const auto& kind : options->kinds) {
                space.kinds.push_back(kind == "onprem"   ? config::OptionKind::kOnprem
                                      : kind == "cloud"  ? config::OptionKind::kCloud
                                      : kind == "hybrid" ? config::OptionKind::kHybrid
                                                         : config::OptionKind::kApi);
              }
            }
            // A front over the plans a pruned search happened to reach would be partial.
            space.prune = !options->complete && options->pareto.empty();
            const auto result =
                explore::optimize(scenario, performance, space, options->objective, options->top,
                                  explore::thread_count(options->jobs));
            if (!options->pareto.empty()) {
              report::write_file_atomically(
                  options->pareto, report::render_plans_csv(result.pareto, options->objective));
            }
            emit(options->output, report::render_optimize_table(result, options->objective));
            return result.top.empty() ? kExitRequirementFailed : kExitOk;
          }};
}

}  // namespace tco::cli
