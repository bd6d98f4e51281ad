#include "tco/config/yaml_file.hpp"

#include <fmt/format.h>

#include "tco/catalog/catalog.hpp"

namespace tco::config {

std::optional<YAML::Node> load_yaml_file(const std::filesystem::path& path,
                                         Diagnostics& diagnostics) {
  const std::string file = path.string();
  std::string text;
  try {
    text = catalog::read_text_file(path);
  } catch (const catalog::FileTooLarge&) {
    diagnostics.error({file, 0, 0}, {},
                      fmt::format("larger than {} MiB, the most an input file may be",
                                  kMaxInputFileBytes >> 20));
    return std::nullopt;
  } catch (const InputError&) {
    diagnostics.error({file, 0, 0}, {}, fmt::format("cannot read '{}'", file));
    return std::nullopt;
  }
  diagnostics.add_source(file, text);
  if (!check_yaml_text(text, file, diagnostics)) return std::nullopt;
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    diagnostics.error(location_of(file, error.mark), {}, error.msg);
    return std::nullopt;
  }
}

}  // namespace tco::config
