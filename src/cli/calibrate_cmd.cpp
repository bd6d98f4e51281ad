// tco-plan calibrate RESULTS.csv (--gpu ID | --all) [-o FILE|DIR] [--as-of DATE] [--scenario FILE]
//
// Turns microbenchmark results (ours from bench/, or published ones) into kernel-efficiency
// profiles. --gpu writes one profile (stdout, or -o FILE); --all writes a profile for every
// catalog GPU with usable rows plus profiles/generic.yaml into the directory -o DIR. A fit
// summary per curve goes to stderr. --scenario adds the GPUs a scenario defines under gpus:
// (a new GPU, or catalog overrides), so a GPU the catalog lacks can be calibrated too.
#include "calibrate_cmd.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "tco/calibrate/calibrate.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/config/scenario.hpp"
#include "tco/report/report.hpp"

namespace tco::cli {

namespace {

struct CalibrateOptions {
  std::string results;
  std::string gpu;
  bool all = false;
  std::string output;
  std::string as_of;
  std::string scenario;
};

int run_calibrate(const CalibrateOptions& options, const GlobalOptions& global) {
  const auto rows = calibrate::read_microbench_csv(options.results);
  auto catalog = catalog::load_catalog(global.resolved_data_dir());
  if (!options.scenario.empty()) {
    // The scenario's gpus: entries, resolved the way `run` resolves them (units, overrides).
    const auto costs = catalog::load_cost_catalog(global.resolved_data_dir());
    catalog = config::load_scenario(options.scenario, catalog, costs).catalog;
  }
  const calibrate::BuildOptions build{options.as_of};
  if (!options.all) {
    if (catalog.find_gpu(options.gpu) == nullptr) {
      throw config::InputError(fmt::format("tco-plan calibrate: error: unknown GPU '{}'{}\n",
                                           options.gpu,
                                           config::did_you_mean(options.gpu, catalog.gpu_ids())));
    }
    const auto profile = calibrate::build_profile(rows, options.gpu, catalog, build);
    if (profile.samples.empty()) {
      const bool named = std::any_of(rows.begin(), rows.end(), [&](const auto& row) {
        return calibrate::row_gpu_id(row) == options.gpu;
      });
      throw config::InputError(
          named ? fmt::format("{}: error: no usable row for '{}': {}\n", options.results,
                              options.gpu, profile.notes)
                : fmt::format("{}: error: no row is about '{}' (its gpu_id column, or a GPU name "
                              "that the name table maps to it)\n",
                              options.results, options.gpu));
    }
    std::cerr << calibrate::fit_summary(profile);
    emit(options.output, calibrate::write_profile_yaml(profile));
    if (!options.output.empty()) std::cerr << "wrote " << options.output << "\n";
    return kExitOk;
  }
  const std::filesystem::path directory(options.output);
  std::filesystem::create_directories(directory);
  std::vector<perf::KernelProfile> profiles;
  for (const auto& id : calibrate::calibratable_gpus(rows, catalog)) {
    profiles.push_back(calibrate::build_profile(rows, id, catalog, build));
  }
  if (profiles.empty()) {
    throw config::InputError(
        fmt::format("{}: error: no row is usable for any catalog GPU\n", options.results));
  }
  const auto generic = calibrate::build_generic_profile(profiles, catalog);
  profiles.push_back(generic);
  for (const auto& profile : profiles) {
    std::cerr << calibrate::fit_summary(profile);
    const auto path = directory / (profile.gpu_id + ".yaml");
    report::write_file_atomically(path, calibrate::write_profile_yaml(profile));
    std::cerr << "wrote " << path.string() << "\n";
  }
  std::size_t unattributed = 0;
  for (const auto& row : rows) {
    if (calibrate::row_gpu_id(row).empty()) ++unattributed;
  }
  if (unattributed > 0) {
    std::cerr << fmt::format("{} rows name GPUs outside the catalog or the name table\n",
                             unattributed);
  }
  return kExitOk;
}

}  // namespace

Command setup_calibrate(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<CalibrateOptions>();
  auto* sub = app.add_subcommand(
      "calibrate", "Turn microbenchmark results into kernel-efficiency profiles (profiles/)");
  sub->add_option("results", options->results, "Results CSV (schema of microbench.csv)")
      ->required();
  auto* gpu = sub->add_option("--gpu", options->gpu, "Catalog GPU id to build the profile of");
  auto* all = sub->add_flag("--all", options->all,
                            "Build every GPU with usable rows, plus generic.yaml, into -o DIR");
  gpu->excludes(all);
  sub->add_option("-o,--output", options->output,
                  "With --gpu: write FILE (atomically) instead of stdout; with --all: directory");
  sub->add_option("--as-of", options->as_of,
                  "as_of date written in the profiles (default: the catalog GPU entry's)");
  sub->add_option("--scenario", options->scenario,
                  "Also know the GPUs this scenario defines under gpus: (a GPU the catalog lacks)")
      ->check(CLI::ExistingFile);
  return {sub, [options, &global] {
            if (options->gpu.empty() && !options->all) {
              throw config::InputError("tco-plan calibrate: error: give --gpu ID or --all\n");
            }
            if (options->all && options->output.empty()) {
              throw config::InputError(
                  "tco-plan calibrate: error: --all needs -o DIR (e.g. -o profiles/)\n");
            }
            return run_calibrate(*options, global);
          }};
}

}  // namespace tco::cli
