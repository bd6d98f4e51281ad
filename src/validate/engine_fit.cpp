#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <set>

#include "tco/config/reader.hpp"
#include "tco/config/yaml_file.hpp"
#include "tco/config/schema.hpp"
#include "tco/perf/serving.hpp"
#include "tco/validate/validate.hpp"

namespace tco::validate {

namespace {

bool is_throughput(const std::string& metric) {
  return metric == "output_tokens_per_s" || metric == "output_tokens_per_s_per_gpu" ||
         metric == "decode_tokens_per_s" || metric == "requests_per_s";
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
}

struct StepSample {
  double extra_s;   ///< step time the measurement implies minus the kernel-only prediction
  double layers;
  double weight;    ///< 1 / measured step time: relative error
};

/// Solves extra ≈ a + b·layers in weighted least squares with a, b ≥ 0.
std::pair<double, double> fit_overheads(const std::vector<StepSample>& samples) {
  auto solve = [&](bool use_a, bool use_b) {
    const Eigen::Index columns = (use_a ? 1 : 0) + (use_b ? 1 : 0);
    Eigen::MatrixXd design(static_cast<Eigen::Index>(samples.size()), columns);
    Eigen::VectorXd target(static_cast<Eigen::Index>(samples.size()));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      Eigen::Index column = 0;
      if (use_a) design(row, column++) = samples[i].weight;
      if (use_b) design(row, column++) = samples[i].weight * samples[i].layers;
      target(row) = samples[i].weight * samples[i].extra_s;
    }
    const Eigen::VectorXd solution = design.colPivHouseholderQr().solve(target);
    Eigen::Index column = 0;
    const double a = use_a ? solution(column++) : 0.0;
    const double b = use_b ? solution(column++) : 0.0;
    return std::pair{a, b};
  };
  if (samples.size() < 2) return {0.0, 0.0};
  auto [a, b] = solve(true, true);
  if (a < 0) std::tie(a, b) = solve(false, true);
  if (b < 0) std::tie(a, b) = solve(true, false);
  return {std::max(a, 0.0), std::max(b, 0.0)};
}

}  // namespace

std::vector<EngineFit> fit_engines(const std::vector<MeasuredRow>& rows,
                                   const PredictionContext& context, int min_rows) {
  std::set<std::string> engines;
  for (const auto& row : rows) engines.insert(row.get("engine"));
  std::vector<EngineFit> fits;
  for (const auto& engine : engines) {
    std::vector<const MeasuredRow*> own;
    for (const auto& row : rows) {
      if (row.get("engine") == engine) own.push_back(&row);
    }
    EngineFit best;
    best.engine = engine;
    best.median_abs_error_pct = 1e300;
    PredictionContext trial = context;
    for (int step = 0; step <= 35; ++step) {
      const double scale = 0.30 + 0.02 * step;
      trial.engine_timing[engine] = perf::EngineTiming{0, 0, 0, scale};
      std::vector<StepSample> samples;
      for (const auto* row : own) {
        const std::string& metric = row->get("metric");
        if (!is_throughput(metric) && metric != "tpot_s") continue;
        const Prediction bare = predict(*row, trial);
        if (bare.status != "ok") continue;
        // Throughput scales as 1/step time; recover the bare step time from TPOT.
        const Prediction tpot = [&] {
          MeasuredRow copy = *row;
          copy.set("metric", "tpot_s");
          return predict(copy, trial);
        }();
        if (tpot.status != "ok") continue;
        const double bare_step = *tpot.predicted;
        const double measured_step =
            metric == "tpot_s" ? row->value() : bare_step * *bare.predicted / row->value();
        const auto* model = context.catalog->find_model(row->get("model"));
        samples.push_back({measured_step - bare_step, static_cast<double>(model->num_layers),
                           1.0 / measured_step});
      }
      if (static_cast<int>(samples.size()) < min_rows) continue;
      const auto [step_overhead, layer_overhead] = fit_overheads(samples);
      trial.engine_timing[engine] = perf::EngineTiming{step_overhead, layer_overhead, 0, scale};
      std::vector<double> errors;
      std::vector<double> ttft_residuals;
      for (const auto* row : own) {
        const Prediction prediction = predict(*row, trial);
        if (prediction.status != "ok") continue;
        if (row->get("metric") == "ttft_s" && row->get("mode") != "batch") {
          ttft_residuals.push_back(row->value() - *prediction.predicted);
        } else if (row->get("metric") != "ttft_s") {
          errors.push_back(std::fabs(prediction.error_pct));
        }
      }
      const double median_error = median(errors);
      if (median_error < best.median_abs_error_pct) {
        best.timing = trial.engine_timing[engine];
        best.timing.request_overhead_s = std::max(0.0, median(ttft_residuals));
        best.rows = static_cast<int>(errors.size() + ttft_residuals.size());
        best.median_abs_error_pct = median_error;
        std::sort(errors.begin(), errors.end());
        best.p90_abs_error_pct =
            errors.empty() ? 0 : errors[(errors.size() - 1) * 9 / 10];
      }
    }
    if (best.median_abs_error_pct >= 1e300) {
      best.timing = perf::EngineTiming{};
      best.median_abs_error_pct = 0;
      best.rows = 0;
    }
    fits.push_back(best);
  }
  return fits;
}

std::string engine_timing_yaml(const std::vector<EngineFit>& fits,
                               const std::string& training_description,
                               const std::string& fitted_on) {
  std::string out =
      "# Engine overheads fitted by `tco-plan fit` (src/validate/engine_fit.cpp): do not edit by "
      "hand.\nversion: 1\nengines:\n";
  for (const auto& fit : fits) {
    out += fmt::format("  - engine: {}\n", fit.engine);
    out += fmt::format("    step_overhead: {:.6g} ms\n", fit.timing.step_overhead_s * 1e3);
    out += fmt::format("    layer_overhead: {:.6g} us\n", fit.timing.layer_overhead_s * 1e6);
    out += fmt::format("    request_overhead: {:.6g} ms\n", fit.timing.request_overhead_s * 1e3);
    out += fmt::format("    compute_scale: {:.2f}\n", fit.timing.compute_scale);
    out += fmt::format("    training_rows: {}\n", fit.rows);
    out += fmt::format("    training_median_abs_error_pct: {:.1f}\n", fit.median_abs_error_pct);
    out += fmt::format("    training_p90_abs_error_pct: {:.1f}\n", fit.p90_abs_error_pct);
    out += fmt::format("    source: \"least-squares fit on {}\"\n", training_description);
    out += fmt::format("    as_of: {}\n", fitted_on);
    out += "    estimate: true\n";
    out += fmt::format("    estimate_reason: \"{}\"\n",
                       fit.rows == 0 ? "too few training rows: no overheads, kernel efficiencies "
                                       "only"
                                     : "fitted parameters, not measured directly");
  }
  return out;
}

std::map<std::string, perf::EngineTiming> load_engine_timing(
    const std::filesystem::path& data_dir) {
  using units::Dimension;
  static const config::SchemaPtr entry = config::object_value({
      {"engine", config::string_value("Engine id."), true},
      {"step_overhead", config::quantity_value(Dimension::kSeconds, "Per step.", 0.0), true},
      {"layer_overhead", config::quantity_value(Dimension::kSeconds, "Per layer.", 0.0), true},
      {"request_overhead", config::quantity_value(Dimension::kSeconds, "Per request.", 0.0), true},
      {"compute_scale", config::number_value("Fraction of GEMM efficiency.", 0.01, 1.0), true},
      {"training_rows", config::integer_value("Rows fitted.", 0, {})},
      {"training_median_abs_error_pct", config::number_value("Fit error.", 0, {})},
      {"training_p90_abs_error_pct", config::number_value("Fit error.", 0, {})},
      {"source", config::string_value("How it was fitted."), true},
      {"as_of", config::string_value("Date.")},
      {"estimate", config::boolean_value("Estimate.")},
      {"estimate_reason", config::string_value("Why.")},
  });
  static const config::SchemaPtr file_schema = config::object_value(
      {{"version", config::integer_value("Version.", 1, 1), true},
       {"engines", config::list_of(entry), true}});
  const auto path = data_dir / "engine_timing.yaml";
  std::map<std::string, perf::EngineTiming> timing;
  if (!std::filesystem::exists(path)) return timing;
  config::Diagnostics diagnostics;
  const auto loaded = config::load_yaml_file(path, diagnostics);
  if (!loaded) throw config::InputError(diagnostics.format());
  const YAML::Node& root = *loaded;
  config::validate(root, *file_schema, "", path.string(), diagnostics);
  if (diagnostics.has_errors()) throw config::InputError(diagnostics.format());
  const config::NodeReader list(root["engines"], config::list_of(entry), "engines",
                                path.string());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto reader = list.element(i);
    timing[reader.string("engine")] = perf::EngineTiming{
        reader.quantity("step_overhead"), reader.quantity("layer_overhead"),
        reader.quantity("request_overhead"), reader.number("compute_scale")};
  }
  return timing;
}

}  // namespace tco::validate
