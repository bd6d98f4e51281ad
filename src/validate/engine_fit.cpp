#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>
#include <future>
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

/// The three kernel-efficiency scales the fit searches (nonlinear in the step time: they decide
/// which operators are compute- or memory-bound), with their physical ranges.
struct ScaleAxis {
  double perf::EngineTiming::*field;
  double low;
  double high;
};
const ScaleAxis kScaleAxes[] = {
    {&perf::EngineTiming::compute_scale, 0.30, 1.00},
    // Fused attention kernels faster than the FlashAttention-2 samples, up to 3x (FlashAttention-3
    // reports 1.5-2x over FA2 in bf16 on H100 and more in fp8: Shah et al., 2024, Fig. 5-7).
    {&perf::EngineTiming::attention_scale, 0.50, 3.00},
    {&perf::EngineTiming::kv_read_scale, 0.30, 1.00},
    {&perf::EngineTiming::expert_gemm_scale, 0.30, 1.00},
    // From the hard roofline (0) to no overlap of compute and memory at all (1).
    {&perf::EngineTiming::roofline_knee, 0.00, 1.00},
    // PCIe all-reduce: from no latency to 200 us (8 x RTX 4090 over PCIe Gen4 take 40-42 us for
    // an 8-byte NCCL all-reduce: NVIDIA/nccl issue #1530), and from a fifth of the link to all
    // of it (4 x RTX 4090, PCIe Gen4 with P2P: 25.9 GB/s bus bandwidth of 32, 0.81:
    // tinygrad/open-gpu-kernel-modules issue #36; 8 x RTX 5090 on PCIe Gen5: 28 of 63, 0.44:
    // NVIDIA/nccl issue #1639).
    {&perf::EngineTiming::pcie_allreduce_latency_s, 0.0, 200e-6},
    {&perf::EngineTiming::pcie_allreduce_bus_efficiency, 0.20, 1.00},
};

/// One candidate's fit: overheads by least squares given the scales, then the errors.
struct Candidate {
  perf::EngineTiming timing;
  double objective = 1e300;  ///< mean |ln(predicted / measured)| over the rows fitted
  std::vector<double> abs_errors_pct;
  std::vector<double> ttft_residuals_s;
};

Candidate evaluate_candidate(const std::vector<const MeasuredRow*>& own,
                             const PredictionContext& context, const std::string& engine,
                             perf::EngineTiming scales, int min_rows) {
  Candidate candidate;
  PredictionContext trial = context;
  scales.step_overhead_s = scales.layer_overhead_s = scales.request_overhead_s = 0;
  scales.online_step_overhead_s = 0;
  trial.engine_timing[engine] = scales;
  std::vector<StepSample> samples;
  for (const auto* row : own) {
    const std::string& metric = row->get("metric");
    if (!is_throughput(metric) && metric != "tpot_s") continue;
    if (is_online(*row)) continue;  // offline benchmarks set the engine's own overheads
    const Prediction bare = predict(*row, trial);
    if (bare.status != "ok") continue;
    // Throughput scales as 1/step time; recover the bare step time from TPOT.
    MeasuredRow copy = *row;
    copy.set("metric", "tpot_s");
    const Prediction tpot = predict(copy, trial);
    if (tpot.status != "ok") continue;
    const double bare_step = *tpot.predicted;
    const double measured_step =
        metric == "tpot_s" ? row->value() : bare_step * *bare.predicted / row->value();
    const auto* model = context.catalog->find_model(row->get("model"));
    samples.push_back({measured_step - bare_step, static_cast<double>(model->num_layers),
                       1.0 / measured_step});
  }
  if (static_cast<int>(samples.size()) < min_rows) return candidate;
  const auto [step_overhead, layer_overhead] = fit_overheads(samples);
  scales.step_overhead_s = step_overhead;
  scales.layer_overhead_s = layer_overhead;
  trial.engine_timing[engine] = scales;
  // What the serving front end adds to every step of served runs: the median TPOT residual of
  // the online rows (median, since rows near saturation scatter both ways).
  std::vector<double> online_residuals_s;
  for (const auto* row : own) {
    if (!is_online(*row) || row->get("metric") != "tpot_s") continue;
    const Prediction prediction = predict(*row, trial);
    if (prediction.status == "ok") online_residuals_s.push_back(row->value() - *prediction.predicted);
  }
  scales.online_step_overhead_s = std::max(0.0, median(online_residuals_s));
  trial.engine_timing[engine] = scales;
  double log_error_sum = 0;
  for (const auto* row : own) {
    const Prediction prediction = predict(*row, trial);
    if (prediction.status != "ok") continue;
    if (row->get("metric") == "ttft_s" && row->get("mode") != "batch") {
      // Served TTFT carries the per-request overhead, set from these residuals afterwards.
      candidate.ttft_residuals_s.push_back(row->value() - *prediction.predicted);
      continue;
    }
    // Every other row weighs in, static-batch TTFT included: a batch-1 prompt is the one
    // measurement of prefill alone, short (128) and long (2048), which the throughput rows only
    // see mixed with decode.
    candidate.abs_errors_pct.push_back(std::fabs(prediction.error_pct));
    log_error_sum += std::fabs(std::log(*prediction.predicted / row->value()));
  }
  if (candidate.abs_errors_pct.empty()) return candidate;
  candidate.timing = scales;
  candidate.objective = log_error_sum / static_cast<double>(candidate.abs_errors_pct.size());
  return candidate;
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
      if (row.get("engine") == engine && !flagged_by_source(row)) own.push_back(&row);
    }
    // Coordinate search: each scale in turn over a grid of its range, the others held, with the
    // grid narrowed around the best value each round. Mean absolute log error weighs over- and
    // under-prediction alike and, unlike the median, also pulls in the tail.
    // The PCIe all-reduce starts in the middle of its ranges: at 0 the generic curve answers
    // and its latency axis would be flat.
    perf::EngineTiming start;
    start.pcie_allreduce_latency_s = 100e-6;
    start.pcie_allreduce_bus_efficiency = 0.60;
    Candidate best = evaluate_candidate(own, context, engine, start, min_rows);
    constexpr int kRounds = 3;
    constexpr int kGridPoints = 11;
    for (int round = 0; round < kRounds && best.objective < 1e300; ++round) {
      for (const auto& axis : kScaleAxes) {
        // Round 0 spans the whole range; each later round a third of the one before.
        const double span = (axis.high - axis.low) / std::pow(3.0, round);
        const double centre = round == 0 ? 0.5 * (axis.low + axis.high) : best.timing.*axis.field;
        const double low = std::max(axis.low, centre - span / 2);
        const double high = std::min(axis.high, centre + span / 2);
        // The grid's candidates are independent: evaluated concurrently, compared in order (the
        // same winner as one after another).
        std::vector<std::future<Candidate>> candidates;
        for (int point = 0; point < kGridPoints; ++point) {
          perf::EngineTiming scales = best.timing;
          scales.*axis.field = low + (high - low) * point / (kGridPoints - 1);
          candidates.push_back(std::async(std::launch::async, evaluate_candidate, std::cref(own),
                                          std::cref(context), std::cref(engine), scales,
                                          min_rows));
        }
        for (auto& pending : candidates) {
          Candidate candidate = pending.get();
          if (candidate.objective < best.objective) best = std::move(candidate);
        }
      }
    }
    EngineFit fit;
    fit.engine = engine;
    if (best.objective < 1e300) {
      fit.timing = best.timing;
      fit.timing.request_overhead_s = std::max(0.0, median(best.ttft_residuals_s));
      fit.rows = static_cast<int>(best.abs_errors_pct.size() + best.ttft_residuals_s.size());
      fit.median_abs_error_pct = median(best.abs_errors_pct);
      std::sort(best.abs_errors_pct.begin(), best.abs_errors_pct.end());
      fit.p90_abs_error_pct = best.abs_errors_pct[(best.abs_errors_pct.size() - 1) * 9 / 10];
    }
    fits.push_back(fit);
  }
  if (context.catalog != nullptr) {
    for (const auto& engine : context.catalog->engines) {
      if (engines.count(engine.id) == 0) fits.push_back(EngineFit{engine.id, {}, 0, 0, 0, {}});
    }
    std::sort(fits.begin(), fits.end(),
              [](const EngineFit& a, const EngineFit& b) { return a.engine < b.engine; });
  }
  const auto donor = std::max_element(
      fits.begin(), fits.end(),
      [](const EngineFit& a, const EngineFit& b) { return a.rows < b.rows; });
  if (donor != fits.end() && donor->rows > 0) {
    const EngineFit source = *donor;
    for (auto& fit : fits) {
      if (fit.rows > 0) {
        // The PCIe collective is the host's and NCCL's, not the engine's: every engine takes
        // the values fitted on the most rows.
        fit.timing.pcie_allreduce_latency_s = source.timing.pcie_allreduce_latency_s;
        fit.timing.pcie_allreduce_bus_efficiency = source.timing.pcie_allreduce_bus_efficiency;
        continue;
      }
      fit.timing = source.timing;
      fit.borrowed_from = source.engine;
    }
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
    out += fmt::format("    online_step_overhead: {:.6g} ms\n",
                       fit.timing.online_step_overhead_s * 1e3);
    out += fmt::format("    compute_scale: {:.3f}\n", fit.timing.compute_scale);
    out += fmt::format("    attention_scale: {:.3f}\n", fit.timing.attention_scale);
    out += fmt::format("    kv_read_scale: {:.3f}\n", fit.timing.kv_read_scale);
    out += fmt::format("    expert_gemm_scale: {:.3f}\n", fit.timing.expert_gemm_scale);
    out += fmt::format("    roofline_knee: {:.3f}\n", fit.timing.roofline_knee);
    if (fit.timing.pcie_allreduce_bus_efficiency > 0) {
      out += fmt::format("    pcie_allreduce_latency: {:.4g} us\n",
                         fit.timing.pcie_allreduce_latency_s * 1e6);
      out += fmt::format("    pcie_allreduce_bus_efficiency: {:.3f}\n",
                         fit.timing.pcie_allreduce_bus_efficiency);
    }
    out += fmt::format("    training_rows: {}\n", fit.rows);
    out += fmt::format("    training_median_abs_error_pct: {:.1f}\n", fit.median_abs_error_pct);
    out += fmt::format("    training_p90_abs_error_pct: {:.1f}\n", fit.p90_abs_error_pct);
    out += fmt::format("    source: \"least-squares fit on {}\"\n", training_description);
    out += fmt::format("    as_of: {}\n", fitted_on);
    out += "    estimate: true\n";
    out += fmt::format(
        "    estimate_reason: \"{}\"\n",
        !fit.borrowed_from.empty()
            ? fmt::format("too few training rows: the timing of {}, the engine fitted on the most "
                          "rows (a prior: comparable kernels, a scheduler per step)",
                          fit.borrowed_from)
        : fit.rows == 0 ? "too few training rows: no overheads, kernel efficiencies only"
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
      {"online_step_overhead",
       config::quantity_value(Dimension::kSeconds, "Per step, serving front end.", 0.0), true},
      {"compute_scale", config::number_value("Fraction of GEMM efficiency.", 0.01, 1.0), true},
      {"attention_scale",
       config::number_value("Attention-kernel efficiency relative to the profile.", 0.01, 10.0),
       true},
      {"kv_read_scale",
       config::number_value("Fraction of streaming bandwidth reached reading paged KV.", 0.01,
                            1.0),
       true},
      {"expert_gemm_scale",
       config::number_value("MoE expert (grouped) GEMM efficiency relative to a dense GEMM.", 0.01,
                            1.0)},
      {"roofline_knee",
       config::number_value("Softness of the roofline knee: 0 = max(compute, memory), 1 = sum.",
                            0.0, 1.0)},
      {"pcie_allreduce_latency",
       config::quantity_value(Dimension::kSeconds, "PCIe all-reduce latency.", 0.0)},
      {"pcie_allreduce_bus_efficiency",
       config::number_value("PCIe all-reduce bus bandwidth / link bandwidth.", 0.01, 1.0)},
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
    perf::EngineTiming& engine = timing[reader.string("engine")];
    engine.step_overhead_s = reader.quantity("step_overhead");
    engine.layer_overhead_s = reader.quantity("layer_overhead");
    engine.request_overhead_s = reader.quantity("request_overhead");
    engine.online_step_overhead_s = reader.quantity("online_step_overhead");
    engine.compute_scale = reader.number("compute_scale");
    engine.attention_scale = reader.number("attention_scale");
    engine.kv_read_scale = reader.number("kv_read_scale");
    if (reader.has("expert_gemm_scale")) {
      engine.expert_gemm_scale = reader.number("expert_gemm_scale");
    }
    if (reader.has("roofline_knee")) engine.roofline_knee = reader.number("roofline_knee");
    if (reader.has("pcie_allreduce_bus_efficiency")) {
      engine.pcie_allreduce_bus_efficiency = reader.number("pcie_allreduce_bus_efficiency");
      if (reader.has("pcie_allreduce_latency")) {
        engine.pcie_allreduce_latency_s = reader.quantity("pcie_allreduce_latency");
      }
    }
  }
  return timing;
}

}  // namespace tco::validate
