// tco-plan: thin wiring of subcommands; the work happens in tco_core.
#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "calibrate_cmd.hpp"
#include "check_cmd.hpp"
#include "commands.hpp"
#include "diff_cmd.hpp"
#include "explore_cmds.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/report/report.hpp"

namespace tco::cli {

std::filesystem::path GlobalOptions::resolved_data_dir() const {
  return data_dir.empty() ? catalog::default_data_dir(executable)
                          : std::filesystem::path(data_dir);
}

std::filesystem::path GlobalOptions::resolved_profiles_dir() const {
  auto data = resolved_data_dir();
  if (!data.has_filename()) data = data.parent_path();  // "data/" -> "data"
  return data.parent_path() / "profiles";
}

std::map<std::string, perf::KernelProfile> GlobalOptions::load_profiles() const {
  auto profiles = perf::load_profiles(resolved_profiles_dir());
  perf::use_profile_files(profiles,
                          std::vector<std::filesystem::path>(profile_files.begin(),
                                                             profile_files.end()));
  for (const auto& file : profile_files) {
    std::cerr << "using kernel-efficiency profile " << file << "\n";
  }
  return profiles;
}

plan::EvaluateSettings report_settings() {
  plan::EvaluateSettings settings;
  settings.today = std::time(nullptr);
  if (const char* today = std::getenv("TCO_PLAN_TODAY"); today != nullptr && *today != '\0') {
    if (const auto pinned = plan::parse_iso_date(today)) settings.today = *pinned;
  }
  return settings;
}

void emit(const std::string& output, const std::string& content) {
  if (output.empty()) {
    std::cout << content << std::flush;
  } else {
    report::write_file_atomically(output, content);
  }
}

}  // namespace tco::cli

int main(int argc, char** argv) {
  using namespace tco::cli;
  CLI::App app{"tco-plan: will an LLM fit your GPUs, how fast will it serve, and what will it "
               "cost over the years"};
  app.set_version_flag("--version", std::string("tco-plan ") + TCO_PLAN_VERSION);
  app.require_subcommand(1);
  GlobalOptions global;
  global.executable = argc > 0 ? std::filesystem::path(argv[0]) : std::filesystem::path();
  if (const auto self = std::filesystem::path("/proc/self/exe");
      std::filesystem::exists(self)) {
    std::error_code ignored;
    global.executable = std::filesystem::read_symlink(self, ignored);
  }
  app.add_option("--data-dir", global.data_dir,
                 "Catalog directory (default: $TCO_PLAN_DATA_DIR or the installed data/)");
  app.add_option("--profile", global.profile_files,
                 "Kernel-efficiency profile FILE to use for its GPU instead of the shipped "
                 "profiles/<gpu>.yaml, e.g. one measured with bench/cuda (repeatable)")
      ->check(CLI::ExistingFile);
  const std::vector<Command> commands{setup_run(app, global), setup_catalog(app, global),
                                      setup_schema(app),           setup_validate(app, global),
                                      setup_fit(app, global), setup_calibrate(app, global),
                                      setup_check(app, global), setup_diff(app, global),
                                      setup_sweep(app, global), setup_optimize(app, global)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return kExitInvalidInput;
  }
  try {
    for (const auto& command : commands) {
      if (command.app->parsed()) return command.run();
    }
  } catch (const tco::config::InputError& error) {
    std::cerr << error.what();
    return kExitInvalidInput;
  } catch (const std::exception& error) {
    std::cerr << "tco-plan: error: " << error.what() << "\n";
    return kExitInvalidInput;
  }
  return kExitInvalidInput;
}
