#pragma once
// One declaration per file format: every key's name, type, unit, range, default and description
// live in a Schema tree. The same tree validates YAML (strict: unknown keys, types, ranges, with
// "did you mean"), supplies defaults when files are converted to structs, and is published as a
// JSON Schema (`tco-plan schema`) and in the README reference.

#include <yaml-cpp/yaml.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tco/config/diagnostics.hpp"
#include "tco/units/units.hpp"

namespace tco::config {

enum class SchemaType { kString, kInteger, kNumber, kBoolean, kQuantity, kEnum, kObject, kList,
                        kMap, kOneOf };

struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct Field {
  std::string name;
  SchemaPtr schema;
  bool required = false;
};

struct Schema {
  SchemaType type = SchemaType::kString;
  std::string description;
  units::Dimension dimension = units::Dimension::kBytes;  ///< kQuantity only
  std::string bare_number_unit;  ///< kQuantity: unit assumed for a bare number ("" = unit required)
  std::vector<std::string> enum_values;                   ///< kEnum
  std::optional<double> minimum;                          ///< numbers, integers, quantities (SI)
  std::optional<double> maximum;
  bool exclusive_minimum = false;
  std::vector<Field> fields;                              ///< kObject
  SchemaPtr items;                                        ///< kList, kMap values
  std::optional<std::size_t> min_items;
  std::optional<std::size_t> max_items;
  std::vector<SchemaPtr> alternatives;                    ///< kOneOf, chosen by YAML node kind
  std::string default_yaml;                               ///< default as YAML text ("" = none)
  std::string kind_name;                                  ///< e.g. "GPU" in messages

  [[nodiscard]] const Field* field(std::string_view name) const;
};

// Builders, so schemas read like the documentation they generate.
[[nodiscard]] SchemaPtr string_value(std::string description);
[[nodiscard]] SchemaPtr integer_value(std::string description, std::optional<double> minimum = {},
                                      std::optional<double> maximum = {});
[[nodiscard]] SchemaPtr number_value(std::string description, std::optional<double> minimum = {},
                                     std::optional<double> maximum = {});
[[nodiscard]] SchemaPtr boolean_value(std::string description);
[[nodiscard]] SchemaPtr quantity_value(units::Dimension dimension, std::string description,
                                       std::optional<double> minimum_si = {},
                                       std::optional<double> maximum_si = {});
[[nodiscard]] SchemaPtr enum_value(std::vector<std::string> values, std::string description);
[[nodiscard]] SchemaPtr object_value(std::vector<Field> fields, std::string description = {});
[[nodiscard]] SchemaPtr list_of(SchemaPtr items, std::string description = {});
[[nodiscard]] SchemaPtr map_of(SchemaPtr values, std::string description = {});
[[nodiscard]] SchemaPtr one_of(std::vector<SchemaPtr> alternatives, std::string description);
/// Copy of `schema` with a default (YAML text), used when the key is absent.
[[nodiscard]] SchemaPtr with_default(SchemaPtr schema, std::string default_yaml);
/// Copy of `schema` with a strictly positive minimum.
[[nodiscard]] SchemaPtr positive(SchemaPtr schema);
/// Copy of an object schema with every field optional (for inline overrides).
[[nodiscard]] SchemaPtr all_optional(const SchemaPtr& object_schema);
/// Copy of an object schema with extra fields appended.
[[nodiscard]] SchemaPtr extended(const SchemaPtr& object_schema, std::vector<Field> extra);

/// Checks `node` against `schema`, appending every problem to `diagnostics`.
void validate(const YAML::Node& node, const Schema& schema, const std::string& path,
              const std::string& file, Diagnostics& diagnostics);

/// The schema as a JSON Schema (draft 2020-12) document fragment.
[[nodiscard]] nlohmann::ordered_json to_json_schema(const Schema& schema);

/// Human-readable YAML node kind ("a mapping", "a list", "a string").
[[nodiscard]] std::string describe_node(const YAML::Node& node);

}  // namespace tco::config
