#pragma once
// tco-plan sweep / optimize: searching the space of scenario values and deployment plans.

#include "commands.hpp"

namespace tco::cli {

Command setup_sweep(CLI::App& app, const GlobalOptions& global);
Command setup_optimize(CLI::App& app, const GlobalOptions& global);

}  // namespace tco::cli
