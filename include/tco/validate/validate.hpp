#pragma once
// Predictions against published measurements (the measured-results format of design.md):
// each row becomes a replica and a serving mode, the simulator predicts its metric, and the
// signed error is reported. Rows the model cannot represent are kept, marked unsupported, with
// the reason.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tco/catalog/catalog.hpp"
#include "tco/perf/efficiency.hpp"
#include "tco/perf/simulator.hpp"

namespace tco::validate {

inline const std::vector<std::string> kMeasuredColumns{
    "id",         "gpu",        "num_gpus", "tp",   "pp",     "ep",     "engine",
    "model",      "weight_dtype", "kv_dtype", "input_len", "output_len", "mode", "load",
    "metric",     "value",      "source",   "note"};

struct MeasuredRow {
  std::vector<std::string> cells;  ///< all input columns, in kMeasuredColumns order
  int line = 0;
  [[nodiscard]] const std::string& get(const std::string& column) const;
  void set(const std::string& column, std::string value);
  [[nodiscard]] double value() const;
};

/// Reads a measured-results CSV; throws config::InputError naming file:line for bad rows.
[[nodiscard]] std::vector<MeasuredRow> read_measured(const std::filesystem::path& path);
/// Same, from text already in memory (`file` names it in messages).
[[nodiscard]] std::vector<MeasuredRow> parse_measured(std::string_view text,
                                                      const std::string& file);

/// Everything a prediction needs besides the row.
struct PredictionContext {
  const catalog::Catalog* catalog = nullptr;
  const std::map<std::string, perf::KernelProfile>* profiles = nullptr;
  std::map<std::string, perf::EngineTiming> engine_timing;  ///< fitted, by engine id
};

struct Prediction {
  const MeasuredRow* row = nullptr;
  std::optional<double> predicted;
  std::optional<double> roofline;  ///< pure-roofline value of the same metric
  double error_pct = 0;            ///< (predicted - measured) / measured x 100
  bool calibrated = false;         ///< the GPU has a measured kernel profile
  std::string status;              ///< ok | unsupported
  std::string reason;
};

/// Whether the row was measured through a serving front end (clients streaming requests: the
/// `rate` and `concurrency` modes) rather than an offline benchmark.
[[nodiscard]] bool is_online(const MeasuredRow& row);

/// Rows the source printed but that look off (notes 'anomaly:' / 'suspicious:' in
/// validation_dev.csv, e.g. GH200 at tp 2 five to thirteen times below tp 4): they are validated
/// and reported (and summarised apart as well), but a fit of a few physical parameters must not
/// chase them.
[[nodiscard]] bool flagged_by_source(const MeasuredRow& row);

/// The number of requests the benchmark sent, where the note states it ("500 requests",
/// "1,000 prompts", "num_prompts=1000", "--num-prompts 1000"; at most 100,000): a finite run in
/// `rate` or `max_throughput` mode is replayed (perf/benchmark_replay.hpp)
/// instead of taken as steady state.
[[nodiscard]] std::optional<long long> stated_request_count(const MeasuredRow& row);

[[nodiscard]] Prediction predict(const MeasuredRow& row, const PredictionContext& context);

struct MetricSummary {
  std::string metric;
  int rows = 0;
  int covered = 0;
  double median_abs_error_pct = 0;
  double p90_abs_error_pct = 0;
  double bias_pct = 0;  ///< median signed error
  int flagged = 0;      ///< covered rows the source flags (flagged_by_source)
  double unflagged_median_abs_error_pct = 0;  ///< over the covered rows not flagged
  double unflagged_p90_abs_error_pct = 0;
};

[[nodiscard]] std::vector<MetricSummary> summarise(const std::vector<Prediction>& predictions);

/// Loads data/engine_timing.yaml (fitted engine overheads) into the context's map.
[[nodiscard]] std::map<std::string, perf::EngineTiming> load_engine_timing(
    const std::filesystem::path& data_dir);

}  // namespace tco::validate

namespace tco::validate {

/// Result of fitting one engine's overheads.
struct EngineFit {
  std::string engine;
  perf::EngineTiming timing;
  int rows = 0;                      ///< training rows used
  double median_abs_error_pct = 0;   ///< on the training rows, after the fit
  double p90_abs_error_pct = 0;
  /// Set when the engine had too few rows: its timing is that engine's (see fit_engines).
  std::string borrowed_from;
};

/// Fits each engine's overheads on `rows` (those whose source is not held out): the compute
/// scale κ ∈ [0.3, 1] by grid search and, for each κ, the per-step and per-layer overheads by
/// weighted linear least squares (Eigen) on the step time the measurements imply; then the
/// per-request overhead as the median TTFT residual. Overheads are clipped at zero and κ at 1,
/// so predictions stay below the pure roofline. An engine with fewer than `min_rows` training
/// rows, and every catalog engine the rows do not name, borrows the timing of the engine fitted
/// on the most rows: kernel efficiencies of comparable CUDA kernels and a scheduler's per-step
/// cost are a better prior than the kernel-only optimum (κ = 1, no overheads), which the
/// measurements show to be optimistic for every engine fitted so far.
[[nodiscard]] std::vector<EngineFit> fit_engines(const std::vector<MeasuredRow>& rows,
                                                 const PredictionContext& context,
                                                 int min_rows = 5);

/// data/engine_timing.yaml text for the fits (deterministic).
/// `fitted_on`: ISO date of the fit, written as each entry's as_of.
[[nodiscard]] std::string engine_timing_yaml(const std::vector<EngineFit>& fits,
                                             const std::string& training_description,
                                             const std::string& fitted_on);

}  // namespace tco::validate
