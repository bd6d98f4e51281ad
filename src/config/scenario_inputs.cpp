#include "tco/config/scenario_inputs.hpp"

#include <fmt/format.h>

#include "tco/config/yaml_file.hpp"

namespace tco::config {

namespace {

void flatten(const YAML::Node& node, const std::string& path, FlatInputs& out) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out.emplace_back(path, node.Scalar());
      break;
    case YAML::NodeType::Null:
      out.emplace_back(path, "null");
      break;
    case YAML::NodeType::Sequence:
      for (std::size_t i = 0; i < node.size(); ++i) {
        const auto& item = node[i];
        // Options (and anything else named) are matched by name, not position.
        const bool named = item.IsMap() && item["name"] && item["name"].IsScalar();
        const std::string item_path =
            fmt::format("{}[{}]", path, named ? item["name"].Scalar() : fmt::format("{}", i));
        if (!named) {
          flatten(item, item_path, out);
          continue;
        }
        // The name is in the key already.
        for (const auto& entry : item) {
          if (entry.first.Scalar() != "name") {
            flatten(entry.second, item_path + "." + entry.first.Scalar(), out);
          }
        }
      }
      break;
    case YAML::NodeType::Map:
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        flatten(entry.second, path.empty() ? key : path + "." + key, out);
      }
      break;
    case YAML::NodeType::Undefined:
      break;
  }
}

}  // namespace

FlatInputs read_scenario_inputs(const std::filesystem::path& path) {
  Diagnostics diagnostics;
  const auto document = load_yaml_file(path, diagnostics);
  if (!document) throw InputError(diagnostics.format());
  FlatInputs out;
  flatten(*document, "", out);
  return out;
}

}  // namespace tco::config
