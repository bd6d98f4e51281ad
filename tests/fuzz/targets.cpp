#include "targets.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

#include "tco/calibrate/calibrate.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/config/scenario.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/report/check.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace tco::fuzz {

namespace {

namespace fs = std::filesystem;

// The shipped data, loaded once per process: every input is judged against the real catalogs.
struct Data {
  catalog::Catalog catalog;
  catalog::CostCatalog costs;
  plan::PerformanceData performance;
};

const Data& data() {
  static const Data loaded = [] {
    const fs::path root(TCO_PLAN_SOURCE_DATA_DIR);
    Data out;
    out.catalog = catalog::load_catalog(root / "data");
    out.costs = catalog::load_cost_catalog(root / "data");
    out.performance.profiles = perf::load_profiles(root / "profiles");
    out.performance.engine_timing = validate::load_engine_timing(root / "data");
    return out;
  }();
  return loaded;
}

// One directory per process, so parallel fuzzing jobs and test processes never share files.
const fs::path& scratch_dir() {
  static const fs::path dir = [] {
    fs::path path = fs::temp_directory_path() / fmt::format("tco-fuzz-{}", ::getpid());
    fs::create_directories(path);
    return path;
  }();
  return dir;
}

std::string as_text(const std::uint8_t* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "nan" or "inf" (as fmt prints non-finite numbers) as a word of its own; words such as
// "inference", "info" or "Infinity Fabric" do not count. A hand-written scan, not std::regex,
// whose recursive matcher can exhaust the stack on long outputs.
std::string non_finite_in(const std::string& output, std::string_view what) {
  for (std::size_t i = 0; i + 3 <= output.size(); ++i) {
    // Through unsigned char: std::tolower of a negative char (non-ASCII byte) is undefined.
    auto lower = [&](std::size_t at) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(output[at])));
    };
    const std::string word{lower(i), lower(i + 1), lower(i + 2)};
    if (word != "nan" && word != "inf") continue;
    if (i > 0 && word_char(output[i - 1])) continue;
    if (i + 3 < output.size() && word_char(output[i + 3])) continue;
    const std::size_t newline = output.rfind('\n', i);
    const std::size_t from = newline == std::string::npos ? 0 : newline + 1;
    const std::size_t to = std::min(output.find('\n', i), output.size());
    return fmt::format("{} has a non-finite number: {}", what, output.substr(from, to - from));
  }
  return {};
}

// Text the user wrote reaches the output (names, descriptions, sources), so an input that
// itself spells nan or inf anywhere is not judged by the textual check; such inputs still must
// not crash. Numbers written as .nan or .inf are rejected by the schema (tests/cli cover it).
bool spells_non_finite(const std::string& input) {
  return !non_finite_in(input, "input").empty();
}

// Every format is rendered (the reporters must not crash either); the numbers are judged on the
// table and CSV, since JSON serialises NaN and inf as null, indistinguishable from an absent
// value. The property tests check the JSON and CSV of the same run agree.
std::string check_rendered(const plan::Evaluation& evaluation) {
  for (const auto format : {report::OutputFormat::kTable, report::OutputFormat::kCsv}) {
    const std::string out = report::render_evaluation(evaluation, format);
    if (auto why = non_finite_in(out, format == report::OutputFormat::kTable ? "table" : "CSV");
        !why.empty()) {
      return why;
    }
  }
  const std::string long_csv = report::render_evaluation(evaluation, report::OutputFormat::kCsv,
                                                         report::CsvLayout::kLong);
  if (auto why = non_finite_in(long_csv, "long CSV"); !why.empty()) return why;
  (void)report::render_evaluation(evaluation, report::OutputFormat::kJson);
  return {};
}

std::string scenario_text(const std::string& text, const std::string& file,
                          bool judge_numbers) {
  const Data& shipped = data();
  config::Scenario parsed;
  try {
    parsed = config::parse_scenario(text, file, shipped.catalog, shipped.costs);
  } catch (const config::InputError&) {
    return {};  // rejected with a diagnostic: what invalid input should get
  }
  const plan::Evaluation evaluation = plan::evaluate(parsed, shipped.performance);
  const std::string rendered = check_rendered(evaluation);
  const auto check = report::check_requirements(evaluation, parsed);
  const std::string check_text = report::render_check_text({check});
  (void)report::render_check_junit({check});
  if (!judge_numbers) return {};
  if (!rendered.empty()) return rendered;
  if (auto why = non_finite_in(check_text, "check"); !why.empty()) return why;
  return {};
}

}  // namespace

std::string scenario(const std::uint8_t* bytes, std::size_t size) {
  const std::string text = as_text(bytes, size);
  return scenario_text(text, "fuzz.yaml", !spells_non_finite(text));
}

std::string measured_csv(const std::uint8_t* bytes, std::size_t size) {
  const Data& shipped = data();
  std::vector<validate::MeasuredRow> rows;
  try {
    rows = validate::parse_measured(as_text(bytes, size), "fuzz.csv");
  } catch (const config::InputError&) {
    return {};
  }
  validate::PredictionContext context;
  context.catalog = &shipped.catalog;
  context.profiles = &shipped.performance.profiles;
  context.engine_timing = shipped.performance.engine_timing;
  std::vector<validate::Prediction> predictions;
  for (const auto& row : rows) {
    predictions.push_back(validate::predict(row, context));
    const auto& prediction = predictions.back();
    if (prediction.predicted && !std::isfinite(*prediction.predicted)) {
      return fmt::format("line {}: prediction {}", row.line, *prediction.predicted);
    }
  }
  for (const auto& summary : validate::summarise(predictions)) {
    if (!std::isfinite(summary.median_abs_error_pct) || !std::isfinite(summary.p90_abs_error_pct) ||
        !std::isfinite(summary.bias_pct)) {
      return fmt::format("summary of {} is not finite", summary.metric);
    }
  }
  return {};
}

std::string microbench_csv(const std::uint8_t* bytes, std::size_t size) {
  const Data& shipped = data();
  std::vector<calibrate::MicrobenchRow> rows;
  try {
    rows = calibrate::parse_microbench_csv(as_text(bytes, size), "fuzz.csv");
  } catch (const config::InputError&) {
    return {};
  }
  // Every row interpreted for its GPU (cheap), one profile built and written: the fit's grid
  // search is the slow part, and one GPU's worth of it reaches all of its code.
  for (const auto& row : rows) {
    if (const auto* gpu = shipped.catalog.find_gpu(calibrate::row_gpu_id(row))) {
      (void)calibrate::interpret_row(row, *gpu);
    }
  }
  std::vector<perf::KernelProfile> profiles;
  if (const auto ids = calibrate::calibratable_gpus(rows, shipped.catalog); !ids.empty()) {
    profiles.push_back(calibrate::build_profile(rows, ids.front(), shipped.catalog,
                                                {"2026-01-01"}));
  }
  for (const auto& profile : profiles) {
    const std::string yaml = calibrate::write_profile_yaml(profile);
    if (auto why = non_finite_in(yaml, "profile " + profile.gpu_id);
        !why.empty() && !spells_non_finite(as_text(bytes, size))) {
      return why;
    }
    (void)calibrate::fit_summary(profile);
  }
  return {};
}

std::string hf_config(const std::uint8_t* bytes, std::size_t size) {
  const fs::path config = scratch_dir() / "config.json";
  {
    std::ofstream out(config, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes), static_cast<std::streamsize>(size));
  }
  // The model on a GPU with room for most models, so valid configs reach the simulator.
  const std::string scenario = R"(version: 1
name: fuzzed config.json
model: {config: config.json}
workload: {requests_per_day: 10000, input_tokens: 100, output_tokens: 50}
options:
  - {name: h200, kind: onprem, gpu: h200-sxm, tp: 1}
  - {name: h200-tp8, kind: onprem, gpu: h200-sxm, tp: 8}
)";
  return scenario_text(scenario, (scratch_dir() / "scenario.yaml").string(),
                       !spells_non_finite(as_text(bytes, size)));
}

}  // namespace tco::fuzz
