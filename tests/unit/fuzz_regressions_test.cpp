// Replays every input the fuzzers ever found a problem with (tests/data/fuzz-regressions/
// <target>/), through the same code the fuzz targets run, in the normal (and sanitizer) build.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "../fuzz/targets.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(TCO_TEST_DATA_DIR) / "fuzz-regressions" / target;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().filename() != "README.md") {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytes_of(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

template <typename Target>
void replay(const std::string& target, Target run) {
  for (const auto& path : inputs_of(target)) {
    const std::string bytes = bytes_of(path);
    INFO(path.string());
    CHECK(run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == "");
  }
}

}  // namespace

TEST_CASE("fuzz regressions: scenario", "[fuzz]") { replay("scenario", tco::fuzz::scenario); }
TEST_CASE("fuzz regressions: measured CSV", "[fuzz]") {
  replay("measured_csv", tco::fuzz::measured_csv);
}
TEST_CASE("fuzz regressions: microbenchmark CSV", "[fuzz]") {
  replay("microbench_csv", tco::fuzz::microbench_csv);
}
TEST_CASE("fuzz regressions: config.json", "[fuzz]") { replay("hf_config", tco::fuzz::hf_config); }

TEST_CASE("fuzz targets: user text spelling nan, and bytes that are not UTF-8", "[fuzz]") {
  // A scenario whose name spells nan is not judged numerically (user text reaches the output),
  // but it must still be handled.
  const std::string named_nan = R"(version: 1
name: nan inf
model: llama-3.1-8b
workload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 50}
options: [{name: l4, kind: onprem, gpu: l4}]
)";
  CHECK(tco::fuzz::scenario(reinterpret_cast<const std::uint8_t*>(named_nan.data()),
                            named_nan.size()) == "");
  const std::string garbage = "\xff\xfe{[: \x80\x81";
  CHECK(tco::fuzz::scenario(reinterpret_cast<const std::uint8_t*>(garbage.data()),
                            garbage.size()) == "");
}
