#pragma once
// Reading a YAML (or JSON) file for validation: the text is registered with the diagnostics so
// errors can quote the line, and unreadable files and syntax errors become diagnostics.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>

#include "tco/config/diagnostics.hpp"

namespace tco::config {

/// The parsed document, or empty after recording why in `diagnostics`.
[[nodiscard]] std::optional<YAML::Node> load_yaml_file(const std::filesystem::path& path,
                                                       Diagnostics& diagnostics);

}  // namespace tco::config
