// tco-plan validate MEASURED.csv [--format table|csv|json]
// tco-plan fit MEASURED.csv --holdout-source S... [-o data/engine_timing.yaml]
#include <fmt/format.h>

#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace tco::cli {

const std::map<std::string, report::OutputFormat>& output_formats();

namespace {

struct Inputs {
  catalog::Catalog catalog;
  std::map<std::string, perf::KernelProfile> profiles;
  std::vector<validate::MeasuredRow> rows;
};

std::string summary_table(const std::vector<validate::MetricSummary>& summaries) {
  // The last columns leave out the rows the source itself flags as off (notes 'anomaly:' or
  // 'suspicious:'): both views are the model's error, the second without the source's doubts.
  std::vector<std::vector<std::string>> rows{{"metric", "rows", "coverage", "median |error|",
                                              "p90 |error|", "bias", "flagged",
                                              "median unflagged", "p90 unflagged"}};
  for (const auto& summary : summaries) {
    const bool any_unflagged = summary.covered > summary.flagged;
    rows.push_back({summary.metric, fmt::format("{}", summary.rows),
                    fmt::format("{:.0f} %", 100.0 * summary.covered / summary.rows),
                    fmt::format("{:.1f} %", summary.median_abs_error_pct),
                    fmt::format("{:.1f} %", summary.p90_abs_error_pct),
                    fmt::format("{:+.1f} %", summary.bias_pct), fmt::format("{}", summary.flagged),
                    any_unflagged ? fmt::format("{:.1f} %", summary.unflagged_median_abs_error_pct)
                                  : "-",
                    any_unflagged ? fmt::format("{:.1f} %", summary.unflagged_p90_abs_error_pct)
                                  : "-"});
  }
  return report::align_columns(rows);
}

std::string render(const std::vector<validate::Prediction>& predictions,
                   report::OutputFormat format) {
  const auto summaries = validate::summarise(predictions);
  if (format == report::OutputFormat::kCsv) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = validate::kMeasuredColumns;
    for (const char* extra : {"predicted", "error_pct", "status", "reason", "calibrated"}) {
      header.push_back(extra);
    }
    rows.push_back(header);
    for (const auto& prediction : predictions) {
      auto row = prediction.row->cells;
      row.push_back(prediction.predicted ? fmt::format("{:.6g}", *prediction.predicted) : "");
      row.push_back(prediction.predicted ? fmt::format("{:.2f}", prediction.error_pct) : "");
      row.push_back(prediction.status);
      row.push_back(prediction.reason);
      row.push_back(prediction.calibrated ? "true" : "false");
      rows.push_back(std::move(row));
    }
    std::cerr << summary_table(summaries);
    return report::to_csv(rows);
  }
  if (format == report::OutputFormat::kJson) {
    nlohmann::ordered_json out;
    out["schema_version"] = 1;
    auto rows = nlohmann::ordered_json::array();
    for (const auto& prediction : predictions) {
      nlohmann::ordered_json row;
      row["id"] = prediction.row->get("id");
      row["metric"] = prediction.row->get("metric");
      row["measured"] = prediction.row->value();
      row["predicted"] = prediction.predicted ? nlohmann::ordered_json(*prediction.predicted)
                                              : nlohmann::ordered_json(nullptr);
      row["error_pct"] = prediction.predicted ? nlohmann::ordered_json(prediction.error_pct)
                                              : nlohmann::ordered_json(nullptr);
      row["status"] = prediction.status;
      row["reason"] = prediction.reason;
      row["calibrated"] = prediction.calibrated;
      rows.push_back(row);
    }
    out["rows"] = rows;
    auto summary = nlohmann::ordered_json::array();
    for (const auto& entry : summaries) {
      summary.push_back({{"metric", entry.metric},
                         {"rows", entry.rows},
                         {"covered", entry.covered},
                         {"median_abs_error_pct", entry.median_abs_error_pct},
                         {"p90_abs_error_pct", entry.p90_abs_error_pct},
                         {"bias_pct", entry.bias_pct},
                         {"flagged", entry.flagged},
                         {"unflagged_median_abs_error_pct", entry.unflagged_median_abs_error_pct},
                         {"unflagged_p90_abs_error_pct", entry.unflagged_p90_abs_error_pct}});
    }
    out["summary"] = summary;
    return out.dump(2) + "\n";
  }
  std::vector<std::vector<std::string>> rows{{"id", "gpu", "model", "engine", "mode", "metric",
                                              "measured", "predicted", "error", "status",
                                              "reason"}};
  for (const auto& prediction : predictions) {
    const auto& row = *prediction.row;
    rows.push_back({row.get("id"), row.get("gpu") + (prediction.calibrated ? "" : " (uncalibrated)"),
                    row.get("model"), row.get("engine"), row.get("mode"), row.get("metric"),
                    fmt::format("{:.4g}", row.value()),
                    prediction.predicted ? fmt::format("{:.4g}", *prediction.predicted) : "-",
                    prediction.predicted ? fmt::format("{:+.1f} %", prediction.error_pct) : "-",
                    prediction.status, prediction.reason});
  }
  return report::align_columns(rows) + "\nSummary\n" + summary_table(summaries);
}

}  // namespace

Command setup_validate(CLI::App& app, const GlobalOptions& global) {
  struct Options {
    std::string measured;
    report::OutputFormat format = report::OutputFormat::kTable;
    std::string output;
  };
  auto options = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "validate", "Compare predictions with measured results (CSV in the measured-results format)");
  sub->add_option("measured", options->measured, "Measured-results CSV")->required();
  sub->add_option("--format", options->format, "Output format")
      ->transform(CLI::CheckedTransformer(output_formats(), CLI::ignore_case))
      ->default_str("table");
  sub->add_option("-o,--output", options->output, "Write to FILE instead of stdout");
  return {sub, [options, &global] {
            validate::PredictionContext context;
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto profiles = global.load_profiles();
            context.catalog = &catalog;
            context.profiles = &profiles;
            context.engine_timing = validate::load_engine_timing(global.resolved_data_dir());
            const auto rows = validate::read_measured(options->measured);
            std::vector<validate::Prediction> predictions;
            for (const auto& row : rows) predictions.push_back(validate::predict(row, context));
            emit(options->output, render(predictions, options->format));
            return kExitOk;
          }};
}

Command setup_fit(CLI::App& app, const GlobalOptions& global) {
  struct Options {
    std::string measured;
    std::vector<std::string> holdout;
    std::string output;
  };
  auto options = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "fit", "Fit engine overheads on measured results (writes data/engine_timing.yaml)");
  sub->add_option("measured", options->measured, "Measured-results CSV")->required();
  sub->add_option("--holdout-source", options->holdout,
                  "Rows with exactly this source are held out of the fit (repeatable)");
  sub->add_option("-o,--output", options->output, "Write to FILE instead of stdout");
  return {sub, [options, &global] {
            validate::PredictionContext context;
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            const auto profiles = perf::load_profiles(global.resolved_profiles_dir());
            context.catalog = &catalog;
            context.profiles = &profiles;
            const auto rows = validate::read_measured(options->measured);
            std::vector<validate::MeasuredRow> training;
            for (const auto& row : rows) {
              const bool held_out =
                  std::any_of(options->holdout.begin(), options->holdout.end(),
                              [&](const std::string& prefix) {
                                return row.get("source") == prefix;
                              });
              if (!held_out) training.push_back(row);
            }
            std::string description = fmt::format(
                "{} ({} of {} rows; held out by source: {})",
                std::filesystem::path(options->measured).filename().string(), training.size(),
                rows.size(), options->holdout.empty() ? "none" : fmt::format("{}", fmt::join(options->holdout, "; ")));
            const auto fits = validate::fit_engines(training, context);
            for (const auto& fit : fits) {
              std::cerr << fmt::format(
                  "{}: step {:.3f} ms (+{:.3f} ms online), layer {:.2f} us, request {:.1f} ms, "
                  "GEMM scale {:.3f}, attention scale {:.3f}, KV read scale {:.3f}, "
                  "roofline knee {:.3f}, PCIe all-reduce {:.1f} us + bus efficiency {:.3f}; "
                  "{} rows, median |error| {:.1f} %, p90 {:.1f} %{}\n",
                  fit.engine, fit.timing.step_overhead_s * 1e3,
                  fit.timing.online_step_overhead_s * 1e3, fit.timing.layer_overhead_s * 1e6,
                  fit.timing.request_overhead_s * 1e3, fit.timing.compute_scale,
                  fit.timing.attention_scale, fit.timing.kv_read_scale,
                  fit.timing.roofline_knee, fit.timing.pcie_allreduce_latency_s * 1e6,
                  fit.timing.pcie_allreduce_bus_efficiency, fit.rows,
                  fit.median_abs_error_pct, fit.p90_abs_error_pct,
                  fit.borrowed_from.empty() ? "" : "; timing borrowed from " + fit.borrowed_from);
            }
            const std::time_t now = std::time(nullptr);
            std::tm today{};
            gmtime_r(&now, &today);
            emit(options->output,
                 validate::engine_timing_yaml(fits, description,
                                              fmt::format("{:04}-{:02}-{:02}", today.tm_year + 1900,
                                                          today.tm_mon + 1, today.tm_mday)));
            return kExitOk;
          }};
}

}  // namespace tco::cli
