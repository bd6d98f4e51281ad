#include "tco/config/reader.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace tco::config {

NodeReader::NodeReader(YAML::Node node, SchemaPtr schema, std::string path, std::string file)
    : node_(std::move(node)), schema_(std::move(schema)), path_(std::move(path)),
      file_(std::move(file)) {}

const Field& NodeReader::field(const std::string& key) const {
  const Field* found = schema_->field(key);
  // A key missing from the schema is a programming error, never a user error.
  if (found == nullptr) throw std::logic_error("schema has no key '" + key + "' at " + path_);
  return *found;
}

bool NodeReader::has(const std::string& key) const {
  return node_.IsMap() && static_cast<bool>(node_[key]);
}

YAML::Node NodeReader::value(const std::string& key) const {
  if (has(key)) return node_[key];
  const Field& declared = field(key);
  if (!declared.schema->default_yaml.empty()) return YAML::Load(declared.schema->default_yaml);
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string NodeReader::string(const std::string& key) const {
  const auto node = value(key);
  return node.IsScalar() ? node.Scalar() : std::string{};
}

namespace {

// Reads a number the way `validate` checks it (from_chars, optional leading '+'), so that every
// value that passed validation converts: yaml-cpp's as<long long>() rejects "1e3" and "2.0".
double validated_number(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  double value = 0.0;
  const auto [last, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || last != end) throw std::logic_error("unvalidated number: " + text);
  return value;
}

}  // namespace

double NodeReader::number(const std::string& key) const {
  const auto node = value(key);
  return node.IsScalar() ? validated_number(node) : 0.0;
}

long long NodeReader::integer(const std::string& key) const {
  const auto node = value(key);
  return node.IsScalar() ? static_cast<long long>(validated_number(node)) : 0;
}

bool NodeReader::boolean(const std::string& key) const {
  const auto node = value(key);
  return node.IsScalar() && node.as<bool>();
}

double NodeReader::quantity(const std::string& key) const {
  const auto node = value(key);
  if (!node.IsScalar()) return 0.0;
  const Schema& declared = *field(key).schema;
  const auto parsed =
      units::parse_quantity(node.Scalar(), declared.dimension, declared.bare_number_unit);
  if (!parsed.value_si) throw std::logic_error("unvalidated quantity at " + path_of(key));
  return *parsed.value_si;
}

NodeReader NodeReader::child(const std::string& key) const {
  const Field& declared = field(key);
  SchemaPtr schema = declared.schema;
  const YAML::Node node = value(key);
  if (schema->type == SchemaType::kOneOf) {
    for (const auto& alternative : schema->alternatives) {
      const bool is_container = alternative->type == SchemaType::kObject ||
                                alternative->type == SchemaType::kMap;
      if ((is_container && node.IsMap()) ||
          (alternative->type == SchemaType::kList && node.IsSequence()) ||
          (!is_container && alternative->type != SchemaType::kList && node.IsScalar())) {
        schema = alternative;
        break;
      }
    }
  }
  return {node, schema, path_of(key), file_};
}

NodeReader NodeReader::element(std::size_t index) const {
  return {node_[index], schema_->items, fmt::format("{}[{}]", path_, index), file_};
}

std::vector<std::pair<std::string, NodeReader>> NodeReader::entries() const {
  std::vector<std::pair<std::string, NodeReader>> out;
  if (!node_.IsMap()) return out;
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    out.emplace_back(key, NodeReader(entry.second, schema_->items, path_of(key), file_));
  }
  return out;
}

std::string NodeReader::path_of(const std::string& key) const {
  if (key.empty()) return path_;
  return path_.empty() ? key : path_ + "." + key;
}

SourceLocation NodeReader::location(const std::string& key) const {
  if (!key.empty() && has(key)) return location_of(file_, node_[key].Mark());
  return location_of(file_, node_.Mark());
}

}  // namespace tco::config
