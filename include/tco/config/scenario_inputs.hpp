#pragma once
// A scenario file's inputs as flat key = value pairs, for `tco-plan diff`: what a reviewer sees
// changed between two proposals. Options are keyed by name (options[onprem-h100].gpu), so
// reordering them is no change; other lists by index.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tco::config {

using FlatInputs = std::vector<std::pair<std::string, std::string>>;

/// The scalars of the YAML file as written ("2 s", "30 %"), in document order. Throws
/// InputError (file:line:column) when the file cannot be read or parsed.
[[nodiscard]] FlatInputs read_scenario_inputs(const std::filesystem::path& path);

}  // namespace tco::config
