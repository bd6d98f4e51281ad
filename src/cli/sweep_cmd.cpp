// tco-plan sweep SCENARIO --set PATH=VALUES... [-o FILE] [--jobs N]
#include <memory>

#include "explore_cmds.hpp"
#include "progress.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/explore/parallel.hpp"
#include "tco/explore/sweep.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace tco::cli {

namespace {

struct SweepOptions {
  std::string scenario;
  std::vector<std::string> sets;
  std::string output;
  int jobs = 0;
};

}  // namespace

Command setup_sweep(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<SweepOptions>();
  auto* sub = app.add_subcommand(
      "sweep", "Evaluate a scenario over a grid of values and write one CSV row per point and "
               "option");
  sub->add_option("scenario", options->scenario, "Scenario YAML file")->required();
  sub->add_option("--set", options->sets,
                  "PATH=VALUES: a list a,b,c or a range start:stop[:step]; several --set form "
                  "a cartesian product (e.g. options[0].tp=1,2,4, "
                  "workload.requests_per_day=1e5:5e5:1e5, "
                  "options[onprem-h100].gpu=h100-sxm,h200-sxm)")
      ->required();
  sub->add_option("-o,--output", options->output, "Write to FILE (atomically) instead of stdout");
  sub->add_option("-j,--jobs", options->jobs, "Threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  return {sub, [options, &global] {
            std::vector<explore::SetAxis> axes;
            std::vector<std::string> paths;
            for (const auto& set : options->sets) {
              axes.push_back(explore::parse_set(set));
              paths.push_back(axes.back().path);
            }
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
            plan::PerformanceData performance;
            performance.profiles = perf::load_profiles(global.resolved_profiles_dir());
            performance.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            // Reads and checks the file as `run` does, so its own errors come first.
            (void)config::load_scenario(options->scenario, catalog, costs);
            explore::SweepInput input{catalog::read_text_file(options->scenario),
                                      options->scenario, &catalog, &costs, &performance};
            const auto points = explore::cartesian_product(axes);
            Progress progress("sweep", points.size());
            const auto evaluations =
                explore::run_sweep(input, axes, points, explore::thread_count(options->jobs),
                                   [&](std::size_t done) { progress.update(done); });
            progress.finish();
            emit(options->output, report::render_sweep_csv(paths, points, evaluations));
            return kExitOk;
          }};
}

}  // namespace tco::cli
