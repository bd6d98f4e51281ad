#pragma once
// tco-plan check SCENARIO... [--junit FILE] [--format text|github]

#include "commands.hpp"

namespace tco::cli {

Command setup_check(CLI::App& app, const GlobalOptions& global);

}  // namespace tco::cli
