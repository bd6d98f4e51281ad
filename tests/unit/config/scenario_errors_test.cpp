// Invalid scenarios: every tests/data/invalid/NAME.yaml must be rejected with exactly the text of
// NAME.expected (file:line:col, key path, message, source line and caret; all errors at once).
// Paths in the expected files are relative to the repository root, as the CLI tests pass them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "../test_catalog.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/config/scenario.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kDataDir = TCO_TEST_DATA_DIR;

std::string read(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

/// The loader's message for `path`, with the absolute data directory written as `tests/data`.
std::string rejection(const fs::path& path) {
  try {
    (void)tco::config::load_scenario(path, test_catalog());
  } catch (const tco::config::InputError& error) {
    std::string text = error.what();
    const std::string absolute = kDataDir.string() + "/";
    for (auto pos = text.find(absolute); pos != std::string::npos; pos = text.find(absolute)) {
      text.replace(pos, absolute.size(), "tests/data/");
    }
    return text;
  }
  return "(accepted)";
}

std::vector<fs::path> invalid_scenarios() {
  std::set<fs::path> sorted;
  for (const auto& entry : fs::directory_iterator(kDataDir / "invalid")) {
    if (entry.path().extension() == ".yaml") sorted.insert(entry.path());
  }
  return {sorted.begin(), sorted.end()};
}

}  // namespace

TEST_CASE("every invalid scenario fails with the exact expected message", "[config][errors]") {
  const auto files = invalid_scenarios();
  REQUIRE(files.size() >= 14);
  for (const auto& file : files) {
    const fs::path expected_file = fs::path(file).replace_extension(".expected");
    INFO("scenario " << file.filename().string() << " (expected text in "
                     << expected_file.filename().string() << ")");
    REQUIRE(fs::exists(expected_file));
    const std::string expected = read(expected_file);
    CHECK_FALSE(expected.empty());
    CHECK(rejection(file) == expected);
  }
}

TEST_CASE("the message kinds the issue asks for are all covered", "[config][errors]") {
  // One file per kind; the test above checks their texts.
  for (const char* name :
       {"yaml-syntax", "unknown-top-level-key", "unknown-nested-key", "wrong-type",
        "out-of-range", "bad-unit", "eur-currency", "unknown-gpu", "unknown-model",
        "unknown-engine", "tp-not-dividing-heads", "tp-pp-exceeds-node", "ep-on-dense",
        "duplicate-option-names", "hybrid-base-not-onprem", "context-too-long",
        "missing-required-key", "new-gpu-missing-keys", "several-errors",
        "several-semantic-errors", "duplicate-key", "moe-block-on-dense", "hf-missing-layers",
        "hf-string-for-integer", "hf-syntax-error", "window-layers-exceed"}) {
    INFO(name);
    CHECK(fs::exists(kDataDir / "invalid" / (std::string(name) + ".yaml")));
  }
}

TEST_CASE("several errors are reported together", "[config][errors]") {
  const std::string text = rejection(kDataDir / "invalid" / "several-errors.yaml");
  std::size_t count = 0;
  for (auto pos = text.find(": error: "); pos != std::string::npos;
       pos = text.find(": error: ", pos + 1)) {
    ++count;
  }
  CHECK(count == 4);
  const std::string semantic = rejection(kDataDir / "invalid" / "several-semantic-errors.yaml");
  count = 0;
  for (auto pos = semantic.find(": error: "); pos != std::string::npos;
       pos = semantic.find(": error: ", pos + 1)) {
    ++count;
  }
  CHECK(count == 6);
}

TEST_CASE("parse_scenario names the file it is given and handles non-mappings",
          "[config][errors]") {
  auto message = [](const std::string& text) {
    try {
      (void)tco::config::parse_scenario(text, "inline.yaml", test_catalog());
    } catch (const tco::config::InputError& error) {
      return std::string(error.what());
    }
    return std::string("(accepted)");
  };
  CHECK(message("") == "inline.yaml: error: a scenario must be a YAML mapping (see `tco-plan "
                       "schema`)\n");
  CHECK(message("- a\n- b\n") ==
        "inline.yaml:1:1: error: a scenario must be a YAML mapping (see `tco-plan schema`)\n"
        "    1 | - a\n"
        "      | ^\n");
  CHECK(message("version: 1\n") ==
        "inline.yaml:1:1: error: name: missing required key\n"
        "    1 | version: 1\n"
        "      | ^\n"
        "inline.yaml:1:1: error: model: missing required key\n"
        "    1 | version: 1\n"
        "      | ^\n"
        "inline.yaml:1:1: error: workload: missing required key\n"
        "    1 | version: 1\n"
        "      | ^\n"
        "inline.yaml:1:1: error: options: missing required key\n"
        "    1 | version: 1\n"
        "      | ^\n");
  // A tab in the indentation: the caret keeps the tab so that it lines up.
  CHECK(message("version: 1\nname: x\nworkload:\n  requests_per_day: 1\n\tinput_tokens: 5\n") ==
        "inline.yaml:5:1: error: illegal tab when looking for indentation\n"
        "    5 | \tinput_tokens: 5\n"
        "      | ^\n");
}

TEST_CASE("a missing scenario file is an input error naming it", "[config][errors]") {
  CHECK(rejection(kDataDir / "invalid" / "no-such-file.yaml") ==
        "tests/data/invalid/no-such-file.yaml: error: cannot read the scenario file (no such "
        "file)\n");
  CHECK(rejection(kDataDir / "invalid") ==
        "tests/data/invalid: error: cannot read the scenario file (it is a directory)\n");
}
