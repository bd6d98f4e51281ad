#pragma once
// tco-plan calibrate RESULTS.csv (--gpu ID | --all) [-o FILE|DIR] [--as-of DATE] [--scenario FILE]

#include "commands.hpp"

namespace tco::cli {

Command setup_calibrate(CLI::App& app, const GlobalOptions& global);

}  // namespace tco::cli
