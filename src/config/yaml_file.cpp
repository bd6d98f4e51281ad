#include "tco/config/yaml_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace tco::config {

std::optional<YAML::Node> load_yaml_file(const std::filesystem::path& path,
                                         Diagnostics& diagnostics) {
  const std::string file = path.string();
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    diagnostics.error({file, 0, 0}, {}, fmt::format("cannot read '{}'", file));
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  const std::string text = buffer.str();
  diagnostics.add_source(file, text);
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    diagnostics.error(location_of(file, error.mark), {}, error.msg);
    return std::nullopt;
  }
}

}  // namespace tco::config
