// Diagnostics (ninja-style file:line:col, source line and caret), "did you mean", and the schema
// checks (types, ranges, unknown and duplicate keys) with their exact texts.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "tco/config/diagnostics.hpp"
#include "tco/config/schema.hpp"

using namespace tco::config;
using tco::units::Dimension;

TEST_CASE("closest_match: edit distance, then '_'-separated tails", "[config][diagnostics]") {
  const std::vector<std::string> keys{"requests_per_day", "input_tokens", "output_tokens",
                                      "growth_per_year", "slo"};
  CHECK(closest_match("input_tokns", keys) == "input_tokens");
  CHECK(closest_match("INPUT_TOKENS", keys) == "input_tokens");  // case does not count
  CHECK(closest_match("growth", keys) == "growth_per_year");     // shortened key
  CHECK(closest_match("slo_ms", keys) == "slo");                 // unit written into the key
  CHECK(closest_match("colour", keys).empty());
  CHECK(closest_match("anything", {}).empty());
  CHECK(did_you_mean("outptu_tokens", keys) == " (did you mean 'output_tokens'?)");
  CHECK(did_you_mean("zzz", keys).empty());
  // Catalog ids: one edit away.
  CHECK(closest_match("h100-sxn", {"h100-sxm", "h100-pcie", "h200-sxm"}) == "h100-sxm");
}

TEST_CASE("Diagnostics::format: location, key path, source line and caret", "[config][diagnostics]") {
  Diagnostics diagnostics;
  diagnostics.add_source("s.yaml", "version: 1\r\nworkload:\n\t tp: x\n");
  diagnostics.error({"s.yaml", 1, 10}, "version", "bad");
  diagnostics.error({"s.yaml", 3, 3}, "", "tab before the caret");
  diagnostics.error({"s.yaml", 0, 0}, "", "about the whole file");
  diagnostics.error({"other.yaml", 2, 1}, "x", "no source registered");
  diagnostics.error({"s.yaml", 9, 1}, "", "line past the end");
  CHECK(diagnostics.has_errors());
  CHECK(diagnostics.errors().size() == 5);
  CHECK(diagnostics.format() ==
        "s.yaml:1:10: error: version: bad\n"
        "    1 | version: 1\n"  // the \r of a CRLF file is dropped
        "      |          ^\n"
        "s.yaml:3:3: error: tab before the caret\n"
        "    3 | \t tp: x\n"
        "      | \t ^\n"
        "s.yaml: error: about the whole file\n"
        "other.yaml:2:1: error: x: no source registered\n"
        "s.yaml:9:1: error: line past the end\n");
}

TEST_CASE("Diagnostics::format: a long line is windowed, even for a mark past its end",
          "[config][diagnostics]") {
  // 241 characters, wider than the 160 shown. A mark at column 201 is shown in a window from
  // character 121 ("..." and 80 characters before the caret); a mark at column 371, past the
  // end (a fuzzer found yaml-cpp placing one there), in the window ending at the line's end.
  const std::string line = "x: " + std::string(238, 'i');
  Diagnostics diagnostics;
  diagnostics.add_source("s.yaml", line + "\n");
  diagnostics.error({"s.yaml", 1, 201}, "x", "inside");
  diagnostics.error({"s.yaml", 1, 371}, "x", "past the end");
  const std::string inside = "..." + line.substr(120, 121);
  const std::string tail = "..." + line.substr(161);
  CHECK(diagnostics.format() ==
        "s.yaml:1:201: error: x: inside\n"
        "    1 | " + inside + "\n"
        "      | " + std::string(83, ' ') + "^\n"
        "s.yaml:1:371: error: x: past the end\n"
        "    1 | " + tail + "\n"
        "      | " + std::string(tail.size(), ' ') + "^\n");
}

TEST_CASE("YAML text: control characters other than tab, LF and CR are refused, located",
          "[config][diagnostics]") {
  Diagnostics ok;
  CHECK(tco::config::check_yaml_text("a:\tb\r\nc: d\n", "s.yaml", ok));
  CHECK_FALSE(ok.has_errors());
  // A NUL inside a scalar, which yaml-cpp would read into a byte that is not UTF-8 (the scenario
  // fuzzer found an option name whose JSON report then could not be written).
  const std::string text = std::string("name: a\n  b: x") + '\0' + "y\n";
  Diagnostics nul;
  nul.add_source("s.yaml", text);
  CHECK_FALSE(tco::config::check_yaml_text(text, "s.yaml", nul));
  REQUIRE(nul.errors().size() == 1);
  CHECK(nul.errors()[0].message == "byte 0x00 is a control character, which YAML does not allow");
  CHECK(nul.errors()[0].where.line == 2);
  CHECK(nul.errors()[0].where.column == 7);
  Diagnostics del;
  CHECK_FALSE(tco::config::check_yaml_text("a: \x7f\n", "s.yaml", del));
  Diagnostics not_utf8;
  CHECK_FALSE(tco::config::check_yaml_text("a: \xff\n", "s.yaml", not_utf8));
  CHECK(not_utf8.errors()[0].message.find("not valid UTF-8") != std::string::npos);
}

TEST_CASE("location_of turns yaml-cpp's 0-based marks into 1-based positions",
          "[config][diagnostics]") {
  const YAML::Node root = YAML::Load("a: 1\nb:\n  c: 2\n");
  const auto where = location_of("f.yaml", root["b"]["c"].Mark());
  CHECK(where.file == "f.yaml");
  CHECK(where.line == 3);
  CHECK(where.column == 6);
  CHECK(location_of("f.yaml", YAML::Mark::null_mark()).line == 0);
}

namespace {

std::string errors(const std::string& yaml, const SchemaPtr& schema) {
  Diagnostics diagnostics;
  diagnostics.add_source("t.yaml", yaml);
  validate(YAML::Load(yaml), *schema, "", "t.yaml", diagnostics);
  return diagnostics.format();
}

SchemaPtr test_schema() {
  auto list = list_of(integer_value("n"));
  std::const_pointer_cast<Schema>(list)->min_items = 1;
  std::const_pointer_cast<Schema>(list)->max_items = 2;
  return object_value({
      {"count", integer_value("a count", 1, 8), true},
      {"share", quantity_value(Dimension::kFraction, "a share", 0.5, 1.0)},
      {"size", positive(quantity_value(Dimension::kBytes, "a size"))},
      {"ratio", number_value("a ratio", 0, {})},
      {"flag", boolean_value("a flag")},
      {"kind", enum_value({"onprem", "cloud"}, "a kind")},
      {"name", string_value("a name")},
      {"items", list},
      {"named", map_of(integer_value("v"))},
  });
}

}  // namespace

TEST_CASE("validate: exact texts of schema errors", "[config][schema][errors]") {
  const auto schema = test_schema();
  CHECK(errors("count: 3\n", schema).empty());
  CHECK(errors("count: 3\nshare: 75 %\nsize: 1 GiB\nratio: 1e3\nflag: true\nkind: cloud\n"
               "name: x\nitems: [1, 2]\nnamed: {a: 1, b: 2}\n",
               schema)
            .empty());
  CHECK(errors("count: 9\n", schema) ==
        "t.yaml:1:8: error: count: 9 is out of range (must be <= 8)\n"
        "    1 | count: 9\n"
        "      |        ^\n");
  CHECK(errors("count: 2.5\n", schema) ==
        "t.yaml:1:8: error: count: expected an integer, got '2.5'\n"
        "    1 | count: 2.5\n"
        "      |        ^\n");
  CHECK(errors("count: [1]\n", schema) ==
        "t.yaml:1:8: error: count: expected an integer, got a list\n"
        "    1 | count: [1]\n"
        "      |        ^\n");
  // Fractions: limits in percent, as they are written.
  CHECK(errors("count: 1\nshare: 40 %\n", schema) ==
        "t.yaml:2:8: error: share: 40 % is out of range (must be >= 50 %)\n"
        "    2 | share: 40 %\n"
        "      |        ^\n");
  CHECK(errors("count: 1\nshare: 95\n", schema) ==
        "t.yaml:2:8: error: share: 95 is out of range (must be <= 100 %)\n"
        "    2 | share: 95\n"
        "      |        ^\n");
  CHECK(errors("count: 1\nsize: 0 GiB\n", schema) ==
        "t.yaml:2:7: error: size: 0 GiB is out of range (must be > 0 bytes)\n"
        "    2 | size: 0 GiB\n"
        "      |       ^\n");
  CHECK(errors("count: 1\nsize: 80\n", schema) ==
        "t.yaml:2:7: error: size: '80' needs a unit (e.g. '80 GiB', '141 GB')\n"
        "    2 | size: 80\n"
        "      |       ^\n");
  CHECK(errors("count: 1\nflag: yes\n", schema) ==
        "t.yaml:2:7: error: flag: expected true or false, got 'yes'\n"
        "    2 | flag: yes\n"
        "      |       ^\n");
  CHECK(errors("count: 1\nkind: clod\n", schema) ==
        "t.yaml:2:7: error: kind: 'clod' is not one of 'onprem', 'cloud' (did you mean "
        "'cloud'?)\n"
        "    2 | kind: clod\n"
        "      |       ^\n");
  // An empty value: the caret on the key (yaml-cpp marks the empty value on the next line).
  CHECK(errors("count: 1\nname:\nflag: true\n", schema) ==
        "t.yaml:2:1: error: name: expected a string, got nothing\n"
        "    2 | name:\n"
        "      | ^\n");
  CHECK(errors("count: 1\nitems: []\n", schema) ==
        "t.yaml:2:8: error: items: expected at least 1 entry, got 0\n"
        "    2 | items: []\n"
        "      |        ^\n");
  CHECK(errors("count: 1\nitems: [1, 2, x]\n", schema) ==
        "t.yaml:2:8: error: items: expected at most 2 entries, got 3\n"
        "    2 | items: [1, 2, x]\n"
        "      |        ^\n"
        "t.yaml:2:15: error: items[2]: expected an integer, got 'x'\n"
        "    2 | items: [1, 2, x]\n"
        "      |               ^\n");
  // Unknown keys: the path is the mapping they are in (empty at the top level).
  CHECK(errors("count: 1\ncuont: 2\n", schema) ==
        "t.yaml:2:1: error: unknown key 'cuont' (did you mean 'count'?)\n"
        "    2 | cuont: 2\n"
        "      | ^\n");
  CHECK(errors("share: 1\n", schema) ==
        "t.yaml:1:1: error: count: missing required key\n"
        "    1 | share: 1\n"
        "      | ^\n");
  // Duplicate keys, in objects and in maps: yaml-cpp would silently keep the first.
  CHECK(errors("count: 1\ncount: 2\n", schema) ==
        "t.yaml:2:1: error: count: duplicate key (each key may appear once)\n"
        "    2 | count: 2\n"
        "      | ^\n");
  CHECK(errors("count: 1\nnamed: {a: 1, a: 2}\n", schema) ==
        "t.yaml:2:15: error: named.a: duplicate key (each key may appear once)\n"
        "    2 | named: {a: 1, a: 2}\n"
        "      |               ^\n");
}

TEST_CASE("to_json_schema: types, ranges, required keys, no extra keys", "[config][schema]") {
  const auto json = to_json_schema(*test_schema());
  CHECK(json["type"] == "object");
  CHECK(json["additionalProperties"] == false);
  CHECK(json["required"] == nlohmann::ordered_json::array({"count"}));
  CHECK(json["properties"]["count"]["type"] == "integer");
  CHECK(json["properties"]["count"]["minimum"] == 1);
  CHECK(json["properties"]["count"]["maximum"] == 8);
  // Quantities are strings with a unit; their SI range cannot be expressed in JSON Schema.
  CHECK(json["properties"]["size"]["type"] == "string");
  CHECK(json["properties"]["size"].contains("pattern"));
  CHECK_FALSE(json["properties"]["size"].contains("exclusiveMinimum"));
  // A fraction may be "30 %" or 0.3.
  CHECK(json["properties"]["share"]["type"] == nlohmann::ordered_json::array({"string", "number"}));
  // Strings: any YAML scalar is read as one, so numbers and booleans pass too.
  CHECK(json["properties"]["name"]["type"] ==
        nlohmann::ordered_json::array({"string", "number", "boolean"}));
  CHECK(json["properties"]["kind"]["enum"] == nlohmann::ordered_json::array({"onprem", "cloud"}));
  CHECK(json["properties"]["items"]["minItems"] == 1);
  CHECK(json["properties"]["named"]["additionalProperties"]["type"] == "integer");
}
