#pragma once
// One file per subcommand: setup_<sub> registers options on the CLI11 app and returns the
// function that runs it. Exit codes: 0 ok, 1 a requirement failed, 2 invalid input or usage.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tco/perf/efficiency.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRequirementFailed = 1;
inline constexpr int kExitInvalidInput = 2;

/// Shared by every subcommand: where data/ is.
struct GlobalOptions {
  std::string data_dir;             ///< --data-dir; empty = default lookup
  std::filesystem::path executable;
  [[nodiscard]] std::filesystem::path resolved_data_dir() const;
  /// profiles/ beside data/.
  [[nodiscard]] std::filesystem::path resolved_profiles_dir() const;
  /// --profile FILE (repeatable): a GPU's profile used instead of profiles/<gpu>.yaml.
  std::vector<std::string> profile_files;
  /// The profiles reports use: profiles/, then the --profile files in place of theirs.
  [[nodiscard]] std::map<std::string, perf::KernelProfile> load_profiles() const;
};

/// A registered subcommand and what runs it once the command line is parsed.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command setup_run(CLI::App& app, const GlobalOptions& global);
Command setup_catalog(CLI::App& app, const GlobalOptions& global);
Command setup_schema(CLI::App& app);
Command setup_validate(CLI::App& app, const GlobalOptions& global);
Command setup_fit(CLI::App& app, const GlobalOptions& global);

/// The settings of an evaluation a person or CI reads: "today" for the stale-price warnings is
/// TCO_PLAN_TODAY (YYYY-MM-DD; the golden tests pin it) when set, else the clock.
[[nodiscard]] plan::EvaluateSettings report_settings();

/// Writes to the -o file atomically, or to stdout when `output` is empty.
void emit(const std::string& output, const std::string& content);

}  // namespace tco::cli
