#pragma once
// tco-plan diff BASE PROPOSAL [--format table|markdown|json] [-o FILE]

#include "commands.hpp"

namespace tco::cli {

Command setup_diff(CLI::App& app, const GlobalOptions& global);

}  // namespace tco::cli
