#include "tco/config/schema.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <set>

namespace tco::config {

const Field* Schema::field(std::string_view name) const {
  for (const auto& candidate : fields) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

namespace {

std::shared_ptr<Schema> make(SchemaType type, std::string description) {
  auto schema = std::make_shared<Schema>();
  schema->type = type;
  schema->description = std::move(description);
  return schema;
}

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (!text.empty() && text.front() == '+') ++begin;
  const auto [last, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || last != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string format_limit(const Schema& schema, double value) {
  if (schema.type != SchemaType::kQuantity) return fmt::format("{}", value);
  // Fractions are written as percentages in files ("95 %"), so the limits are too.
  if (schema.dimension == units::Dimension::kFraction) return fmt::format("{:g} %", value * 100);
  return fmt::format("{} {}", value, units::si_unit_name(schema.dimension));
}

void check_range(const YAML::Node& node, const Schema& schema, double value,
                 const std::string& path, const std::string& file, Diagnostics& diagnostics) {
  const auto where = location_of(file, node.Mark());
  if (schema.minimum) {
    const bool below = schema.exclusive_minimum ? value <= *schema.minimum
                                                : value < *schema.minimum;
    if (below) {
      diagnostics.error(where, path,
                        fmt::format("{} is out of range (must be {} {})", node.Scalar(),
                                    schema.exclusive_minimum ? ">" : ">=",
                                    format_limit(schema, *schema.minimum)));
      return;
    }
  }
  if (schema.maximum && value > *schema.maximum) {
    diagnostics.error(where, path,
                      fmt::format("{} is out of range (must be <= {})", node.Scalar(),
                                  format_limit(schema, *schema.maximum)));
  }
}

std::string join_quoted(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += ", ";
    out += "'" + value + "'";
  }
  return out;
}

bool matches_kind(const YAML::Node& node, const Schema& schema) {
  switch (schema.type) {
    case SchemaType::kObject:
    case SchemaType::kMap: return node.IsMap();
    case SchemaType::kList: return node.IsSequence();
    case SchemaType::kOneOf: return false;
    default: return node.IsScalar();
  }
}

std::string expected_text(const Schema& schema) {
  switch (schema.type) {
    case SchemaType::kString: return "a string";
    case SchemaType::kInteger: return "an integer";
    case SchemaType::kNumber: return "a number";
    case SchemaType::kBoolean: return "true or false";
    case SchemaType::kQuantity:
      return fmt::format("a quantity with a unit (e.g. {})", units::unit_examples(schema.dimension));
    case SchemaType::kEnum: return "one of " + join_quoted(schema.enum_values);
    case SchemaType::kObject:
    case SchemaType::kMap: return "a mapping";
    case SchemaType::kList: return "a list";
    case SchemaType::kOneOf: {
      std::string out;
      for (const auto& alternative : schema.alternatives) {
        if (!out.empty()) out += " or ";
        out += expected_text(*alternative);
      }
      return out;
    }
  }
  return "";
}

}  // namespace

SchemaPtr string_value(std::string description) {
  return make(SchemaType::kString, std::move(description));
}
SchemaPtr integer_value(std::string description, std::optional<double> minimum,
                        std::optional<double> maximum) {
  auto schema = make(SchemaType::kInteger, std::move(description));
  schema->minimum = minimum;
  schema->maximum = maximum;
  return schema;
}
SchemaPtr number_value(std::string description, std::optional<double> minimum,
                       std::optional<double> maximum) {
  auto schema = make(SchemaType::kNumber, std::move(description));
  schema->minimum = minimum;
  schema->maximum = maximum;
  return schema;
}
SchemaPtr boolean_value(std::string description) {
  return make(SchemaType::kBoolean, std::move(description));
}
SchemaPtr quantity_value(units::Dimension dimension, std::string description,
                         std::optional<double> minimum_si, std::optional<double> maximum_si) {
  auto schema = make(SchemaType::kQuantity, std::move(description));
  schema->dimension = dimension;
  schema->minimum = minimum_si;
  schema->maximum = maximum_si;
  return schema;
}
SchemaPtr enum_value(std::vector<std::string> values, std::string description) {
  auto schema = make(SchemaType::kEnum, std::move(description));
  schema->enum_values = std::move(values);
  return schema;
}
SchemaPtr object_value(std::vector<Field> fields, std::string description) {
  auto schema = make(SchemaType::kObject, std::move(description));
  schema->fields = std::move(fields);
  return schema;
}
SchemaPtr list_of(SchemaPtr items, std::string description) {
  auto schema = make(SchemaType::kList, std::move(description));
  schema->items = std::move(items);
  return schema;
}
SchemaPtr map_of(SchemaPtr values, std::string description) {
  auto schema = make(SchemaType::kMap, std::move(description));
  schema->items = std::move(values);
  return schema;
}
SchemaPtr one_of(std::vector<SchemaPtr> alternatives, std::string description) {
  auto schema = make(SchemaType::kOneOf, std::move(description));
  schema->alternatives = std::move(alternatives);
  return schema;
}
SchemaPtr with_default(SchemaPtr schema, std::string default_yaml) {
  auto copy = std::make_shared<Schema>(*schema);
  copy->default_yaml = std::move(default_yaml);
  return copy;
}
SchemaPtr positive(SchemaPtr schema) {
  auto copy = std::make_shared<Schema>(*schema);
  copy->minimum = 0.0;
  copy->exclusive_minimum = true;
  return copy;
}
SchemaPtr all_optional(const SchemaPtr& object_schema) {
  auto copy = std::make_shared<Schema>(*object_schema);
  for (auto& field : copy->fields) field.required = false;
  return copy;
}
SchemaPtr extended(const SchemaPtr& object_schema, std::vector<Field> extra) {
  auto copy = std::make_shared<Schema>(*object_schema);
  for (auto& field : extra) copy->fields.push_back(std::move(field));
  return copy;
}

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "empty";
    case YAML::NodeType::Scalar: return fmt::format("'{}'", node.Scalar());
    default: return "undefined";
  }
}

void validate(const YAML::Node& node, const Schema& schema, const std::string& path,
              const std::string& file, Diagnostics& diagnostics) {
  const auto where = location_of(file, node.Mark());
  auto wrong_type = [&] {
    diagnostics.error(where, path, fmt::format("expected {}, got {}", expected_text(schema),
                                               describe_node(node)));
  };
  if (schema.type == SchemaType::kOneOf) {
    for (const auto& alternative : schema.alternatives) {
      if (matches_kind(node, *alternative)) {
        validate(node, *alternative, path, file, diagnostics);
        return;
      }
    }
    wrong_type();
    return;
  }
  if (!matches_kind(node, schema)) {
    wrong_type();
    return;
  }
  switch (schema.type) {
    case SchemaType::kString:
      if (node.Tag() == "?" && node.Scalar().empty()) wrong_type();
      return;
    case SchemaType::kInteger:
    case SchemaType::kNumber: {
      const auto value = parse_number(node.Scalar());
      if (!value || (schema.type == SchemaType::kInteger && std::floor(*value) != *value)) {
        wrong_type();
        return;
      }
      // Integers are stored as int: past its range a cast would be undefined (the fuzzer found
      // one), so a field without a declared maximum still has this one.
      constexpr double kIntMax = std::numeric_limits<int>::max();
      if (schema.type == SchemaType::kInteger && std::fabs(*value) > kIntMax) {
        diagnostics.error(where, path,
                          fmt::format("{} is out of range (must be {} {})", node.Scalar(),
                                      *value > 0 ? "<=" : ">=", *value > 0 ? kIntMax : -kIntMax));
        return;
      }
      check_range(node, schema, *value, path, file, diagnostics);
      return;
    }
    case SchemaType::kBoolean: {
      const std::string& text = node.Scalar();
      if (text != "true" && text != "false") wrong_type();
      return;
    }
    case SchemaType::kQuantity: {
      const auto parsed =
          units::parse_quantity(node.Scalar(), schema.dimension, schema.bare_number_unit);
      if (!parsed.value_si) {
        diagnostics.error(where, path, parsed.error);
        return;
      }
      check_range(node, schema, *parsed.value_si, path, file, diagnostics);
      return;
    }
    case SchemaType::kEnum: {
      const std::string& text = node.Scalar();
      for (const auto& value : schema.enum_values) {
        if (value == text) return;
      }
      diagnostics.error(where, path,
                        fmt::format("'{}' is not one of {}{}", text,
                                    join_quoted(schema.enum_values),
                                    did_you_mean(text, schema.enum_values)));
      return;
    }
    case SchemaType::kObject: {
      std::vector<std::string> known;
      for (const auto& field : schema.fields) known.push_back(field.name);
      std::set<std::string> seen;
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        const std::string child_path = path.empty() ? key : path + "." + key;
        if (!seen.insert(key).second) {
          // yaml-cpp keeps both entries and lookups return the first: say so, do not guess.
          diagnostics.error(location_of(file, entry.first.Mark()), child_path,
                            "duplicate key (each key may appear once)");
          continue;
        }
        const Field* field = schema.field(key);
        if (field == nullptr) {
          diagnostics.error(location_of(file, entry.first.Mark()), path,
                            fmt::format("unknown key '{}'{}", key, did_you_mean(key, known)));
          continue;
        }
        if (entry.second.IsNull()) {
          // yaml-cpp marks an empty value where the next token starts (often the next line):
          // point at the key instead.
          diagnostics.error(location_of(file, entry.first.Mark()), child_path,
                            fmt::format("expected {}, got nothing", expected_text(*field->schema)));
          continue;
        }
        validate(entry.second, *field->schema, child_path, file, diagnostics);
      }
      for (const auto& field : schema.fields) {
        if (field.required && !node[field.name]) {
          diagnostics.error(where, path.empty() ? field.name : path + "." + field.name,
                            "missing required key");
        }
      }
      return;
    }
    case SchemaType::kList: {
      if (schema.min_items && node.size() < *schema.min_items) {
        diagnostics.error(where, path, fmt::format("expected at least {} {}, got {}",
                                                   *schema.min_items,
                                                   *schema.min_items == 1 ? "entry" : "entries",
                                                   node.size()));
      }
      if (schema.max_items && node.size() > *schema.max_items) {
        diagnostics.error(where, path, fmt::format("expected at most {} {}, got {}",
                                                   *schema.max_items,
                                                   *schema.max_items == 1 ? "entry" : "entries",
                                                   node.size()));
      }
      for (std::size_t i = 0; i < node.size(); ++i) {
        validate(node[i], *schema.items, fmt::format("{}[{}]", path, i), file, diagnostics);
      }
      return;
    }
    case SchemaType::kMap: {
      std::set<std::string> seen;
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        const std::string child_path = path.empty() ? key : path + "." + key;
        if (!seen.insert(key).second) {
          diagnostics.error(location_of(file, entry.first.Mark()), child_path,
                            "duplicate key (each key may appear once)");
          continue;
        }
        validate(entry.second, *schema.items, child_path, file, diagnostics);
      }
      return;
    }
    case SchemaType::kOneOf: return;
  }
}

nlohmann::ordered_json to_json_schema(const Schema& schema) {
  nlohmann::ordered_json out;
  auto add_range = [&] {
    if (schema.minimum) {
      out[schema.exclusive_minimum ? "exclusiveMinimum" : "minimum"] = *schema.minimum;
    }
    if (schema.maximum) out["maximum"] = *schema.maximum;
  };
  switch (schema.type) {
    case SchemaType::kString:
      // `validate` reads any YAML scalar as a string (`costs: {staff_fte: 1}`, `name: 2026`);
      // the published schema must not reject what the loader accepts.
      out["type"] = nlohmann::ordered_json::array({"string", "number", "boolean"});
      break;
    case SchemaType::kInteger:
      out["type"] = "integer";
      add_range();
      break;
    case SchemaType::kNumber:
      out["type"] = "number";
      add_range();
      break;
    case SchemaType::kBoolean: out["type"] = "boolean"; break;
    case SchemaType::kQuantity:
      // Quantities are strings with units; a fraction may also be a bare number.
      if (schema.dimension == units::Dimension::kFraction || !schema.bare_number_unit.empty()) {
        out["type"] = nlohmann::ordered_json::array({"string", "number"});
      } else {
        out["type"] = "string";
        out["pattern"] = R"(^\s*\$?[-+]?[0-9.]+([eE][-+]?[0-9]+)?\s*\S.*$)";
      }
      break;
    case SchemaType::kEnum: out["enum"] = schema.enum_values; break;
    case SchemaType::kObject: {
      out["type"] = "object";
      nlohmann::ordered_json properties = nlohmann::ordered_json::object();
      std::vector<std::string> required;
      for (const auto& field : schema.fields) {
        properties[field.name] = to_json_schema(*field.schema);
        if (field.required) required.push_back(field.name);
      }
      out["properties"] = properties;
      if (!required.empty()) out["required"] = required;
      out["additionalProperties"] = false;
      break;
    }
    case SchemaType::kList:
      out["type"] = "array";
      out["items"] = to_json_schema(*schema.items);
      if (schema.min_items) out["minItems"] = *schema.min_items;
      if (schema.max_items) out["maxItems"] = *schema.max_items;
      break;
    case SchemaType::kMap:
      out["type"] = "object";
      out["additionalProperties"] = to_json_schema(*schema.items);
      break;
    case SchemaType::kOneOf: {
      auto alternatives = nlohmann::ordered_json::array();
      for (const auto& alternative : schema.alternatives) {
        alternatives.push_back(to_json_schema(*alternative));
      }
      out["oneOf"] = alternatives;
      break;
    }
  }
  std::string description = schema.description;
  if (schema.type == SchemaType::kQuantity) {
    description += fmt::format("{}Unit examples: {}.", description.empty() ? "" : " ",
                               units::unit_examples(schema.dimension));
  }
  if (!description.empty()) out["description"] = description;
  if (!schema.default_yaml.empty()) out["default"] = schema.default_yaml;
  return out;
}

}  // namespace tco::config
