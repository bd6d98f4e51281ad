#pragma once
// Typed access to a node that has already passed `validate`: absent keys fall back to the
// schema's declared default, so each default is written once, in the schema.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tco/config/diagnostics.hpp"
#include "tco/config/schema.hpp"

namespace tco::config {

class NodeReader {
 public:
  NodeReader(YAML::Node node, SchemaPtr schema, std::string path, std::string file);

  /// True when the key is written in the file (defaults do not count).
  [[nodiscard]] bool has(const std::string& key) const;
  /// The key's node, or its schema default parsed from YAML, or an undefined node.
  [[nodiscard]] YAML::Node value(const std::string& key) const;

  [[nodiscard]] std::string string(const std::string& key) const;
  [[nodiscard]] double number(const std::string& key) const;
  [[nodiscard]] long long integer(const std::string& key) const;
  [[nodiscard]] bool boolean(const std::string& key) const;
  /// SI value of a quantity key (schema dimension decides the unit).
  [[nodiscard]] double quantity(const std::string& key) const;

  [[nodiscard]] NodeReader child(const std::string& key) const;
  /// Reader over the i-th element of a list node.
  [[nodiscard]] NodeReader element(std::size_t index) const;
  [[nodiscard]] std::size_t size() const { return node_.size(); }
  /// (key, reader) for each entry of a map node, in file order.
  [[nodiscard]] std::vector<std::pair<std::string, NodeReader>> entries() const;

  [[nodiscard]] const YAML::Node& node() const { return node_; }
  [[nodiscard]] const Schema& schema() const { return *schema_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] std::string path_of(const std::string& key) const;
  /// Where the key is written, or where this node is when the key is absent.
  [[nodiscard]] SourceLocation location(const std::string& key = {}) const;

 private:
  [[nodiscard]] const Field& field(const std::string& key) const;

  YAML::Node node_;
  SchemaPtr schema_;
  std::string path_;
  std::string file_;
};

}  // namespace tco::config
