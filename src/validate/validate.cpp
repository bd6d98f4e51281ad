#include "tco/validate/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <stdexcept>

#include "tco/config/csv.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/perf/benchmark_replay.hpp"
#include "tco/perf/serving.hpp"

namespace tco::validate {

namespace {

const std::vector<std::string> kMetrics{"output_tokens_per_s", "output_tokens_per_s_per_gpu",
                                        "decode_tokens_per_s", "prefill_tokens_per_s",
                                        "ttft_s",              "tpot_s",
                                        "e2e_latency_s",       "requests_per_s"};
const std::vector<std::string> kModes{"max_throughput", "batch", "concurrency", "rate"};

// Prompt length assumed for single-stream decode rows whose source gave none ("short prompt"):
// at batch 1 decode is weight-bandwidth bound and nearly independent of it.
constexpr double kAssumedShortPrompt = 128;

std::size_t column_index(const std::string& column) {
  const auto found = std::find(kMeasuredColumns.begin(), kMeasuredColumns.end(), column);
  if (found == kMeasuredColumns.end()) throw std::logic_error("no column " + column);
  return static_cast<std::size_t>(found - kMeasuredColumns.begin());
}

std::optional<double> number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  // Linear interpolation between closest ranks (numpy's default).
  const double rank = fraction * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const auto upper = static_cast<std::size_t>(std::ceil(rank));
  return values[lower] + (values[upper] - values[lower]) * (rank - static_cast<double>(lower));
}

}  // namespace

const std::string& MeasuredRow::get(const std::string& column) const {
  return cells[column_index(column)];
}

void MeasuredRow::set(const std::string& column, std::string value) {
  cells[column_index(column)] = std::move(value);
}

double MeasuredRow::value() const { return *number(get("value")); }

std::vector<MeasuredRow> read_measured(const std::filesystem::path& path) {
  return parse_measured(catalog::read_text_file(path), path.string());
}

std::vector<MeasuredRow> parse_measured(std::string_view text, const std::string& file) {
  const config::CsvTable table = config::parse_csv(text, file);
  std::vector<int> positions;
  for (const auto& column : kMeasuredColumns) {
    const int position = table.column(column);
    if (position < 0) {
      throw config::InputError(fmt::format("{}:1: error: missing column '{}'\n", file, column));
    }
    positions.push_back(position);
  }
  std::vector<MeasuredRow> rows;
  std::string errors;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    MeasuredRow row;
    row.line = table.lines[i];
    if (table.rows[i].size() != table.header.size()) {
      errors += fmt::format("{}:{}: error: expected {} fields as in the header, got {}\n", file,
                            row.line, table.header.size(), table.rows[i].size());
      continue;
    }
    for (const int position : positions) {
      row.cells.push_back(table.rows[i][static_cast<std::size_t>(position)]);
    }
    auto fail = [&](const std::string& message) {
      errors += fmt::format("{}:{}: error: {}\n", file, row.line, message);
    };
    const auto value = number(row.get("value"));
    if (!value || *value <= 0) fail(fmt::format("value '{}' is not a positive number",
                                                row.get("value")));
    if (std::find(kMetrics.begin(), kMetrics.end(), row.get("metric")) == kMetrics.end()) {
      fail(fmt::format("unknown metric '{}'{}", row.get("metric"),
                       config::did_you_mean(row.get("metric"), kMetrics)));
    }
    if (std::find(kModes.begin(), kModes.end(), row.get("mode")) == kModes.end()) {
      fail(fmt::format("unknown mode '{}'{}", row.get("mode"),
                       config::did_you_mean(row.get("mode"), kModes)));
    }
    // Lengths and loads past any real benchmark are typos; bounding them here keeps absurd
    // numbers out of the simulator's integer counts (the fuzzer found such casts).
    constexpr double kMaxTokens = 1e8;
    constexpr double kMaxLoad = 1e9;
    for (const auto& [column, limit] :
         {std::pair{"input_len", kMaxTokens}, {"output_len", kMaxTokens}, {"load", kMaxLoad}}) {
      if (row.get(column).empty()) continue;  // optional
      const auto amount = number(row.get(column));
      if (!amount || !(*amount >= 0) || *amount > limit) {
        fail(fmt::format("{} '{}' is not a number in [0, {:.0e}]", column, row.get(column),
                         limit));
      }
    }
    // A GPU count past any deployment (a million) is a typo, and would overflow int later.
    constexpr double kMaxGpus = 1e6;
    for (const char* column : {"num_gpus", "tp", "pp", "ep"}) {
      if (std::string_view(column) == "ep" && row.get(column).empty()) continue;  // optional
      const auto count = number(row.get(column));
      if (!count || *count < 1 || std::floor(*count) != *count) {
        fail(fmt::format("{} '{}' is not a positive integer", column, row.get(column)));
      } else if (*count > kMaxGpus) {
        fail(fmt::format("{} '{}' is above {:.0f}", column, row.get(column), kMaxGpus));
      }
    }
    rows.push_back(std::move(row));
  }
  if (!errors.empty()) throw config::InputError(errors);
  return rows;
}

bool is_online(const MeasuredRow& row) {
  return row.get("mode") == "rate" || row.get("mode") == "concurrency";
}

bool flagged_by_source(const MeasuredRow& row) {
  const std::string& note = row.get("note");
  return note.find("anomaly:") != std::string::npos ||
         note.find("suspicious:") != std::string::npos;
}

std::optional<long long> stated_request_count(const MeasuredRow& row) {
  static const std::regex count_before(R"((\d[\d,]*) (?:requests|prompts)\b)");
  static const std::regex count_after(R"(num[_-](?:prompts|requests)[= ](\d+))");
  const std::string& note = row.get("note");
  std::smatch match;
  if (!std::regex_search(note, match, count_before) &&
      !std::regex_search(note, match, count_after)) {
    return std::nullopt;
  }
  std::string digits = match[1].str();
  digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
  const auto count = number(digits);
  // Past 100,000 requests (published runs send up to 30,000) a run is steady state in all but
  // name, and the replay's cost grows with the count.
  if (!count || *count < 1 || *count > 1e5) return std::nullopt;
  return static_cast<long long>(*count);
}

Prediction predict(const MeasuredRow& row, const PredictionContext& context) {
  Prediction prediction;
  prediction.row = &row;
  prediction.status = "unsupported";
  const auto& catalog = *context.catalog;
  const catalog::Gpu* gpu = catalog.find_gpu(row.get("gpu"));
  const catalog::Model* catalog_model = catalog.find_model(row.get("model"));
  const catalog::Engine* engine = catalog.find_engine(row.get("engine"));
  const auto weight = catalog::dtype_from_name(row.get("weight_dtype"));
  const auto kv = catalog::dtype_from_name(row.get("kv_dtype"));
  if (gpu == nullptr) return prediction.reason = "GPU not in the catalog", prediction;
  if (catalog_model == nullptr) return prediction.reason = "model not in the catalog", prediction;
  if (engine == nullptr) return prediction.reason = "engine not in the catalog", prediction;
  const catalog::Model served = perf::as_served(*catalog_model, *engine);
  const catalog::Model* model = &served;
  if (!weight || !kv) return prediction.reason = "unknown weight or KV dtype", prediction;

  const std::string& mode = row.get("mode");
  const std::string& metric = row.get("metric");
  auto input = number(row.get("input_len"));
  auto output = number(row.get("output_len"));
  if (!input || !output) {
    if (mode == "batch" && (metric == "decode_tokens_per_s" || metric == "tpot_s")) {
      input = input.value_or(kAssumedShortPrompt);
      output = output.value_or(kAssumedShortPrompt);
      prediction.reason = fmt::format("lengths not stated: {} assumed", kAssumedShortPrompt);
    } else {
      prediction.reason = "input/output length not stated (dataset-driven run)";
      return prediction;
    }
  }
  const int tp = static_cast<int>(*number(row.get("tp")));
  const int pp = static_cast<int>(*number(row.get("pp")));
  const int ep = static_cast<int>(number(row.get("ep")).value_or(1));
  const double num_gpus = *number(row.get("num_gpus"));
  const double replicas = std::max(1.0, std::floor(num_gpus / (tp * pp)));

  const auto expert_dtype = perf::expert_dtype_for(*model, catalog, *weight);
  perf::Replica replica;
  replica.model = model;
  replica.gpu = gpu;
  replica.profile = &perf::profile_for(*context.profiles, gpu->id);
  replica.engine = engine;
  replica.weight_dtype = &catalog.dtype(*weight);
  replica.expert_dtype = &catalog.dtype(expert_dtype);
  replica.kv_dtype = &catalog.dtype(*kv);
  replica.sixteen_bit = &catalog.dtype(catalog::Dtype::kBf16);
  replica.parallelism = {tp, pp, ep};
  replica.online = is_online(row);
  if (const auto timing = context.engine_timing.find(engine->id);
      timing != context.engine_timing.end()) {
    replica.timing = timing->second;
  }
  prediction.calibrated = replica.profile->calibrated;

  const perf::Traffic traffic{*input, *output};
  if (perf::max_concurrency(replica, traffic) <= 0) {
    prediction.reason = "does not fit in GPU memory per the memory plan";
    return prediction;
  }
  const double load = number(row.get("load")).value_or(1.0);
  const auto request_count = stated_request_count(row);
  // Open-loop runs only: a closed loop of equal requests replayed deterministically falls into
  // lockstep (every client's prompt in one step, then decode only), which jitter in a real run
  // breaks up; its steady state is the better model.
  const bool replayed = request_count && (mode == "max_throughput" || mode == "rate");
  perf::ServingPoint point;
  if (replayed) {
    // Requests are spread over the replicas (data parallel), each replaying its share.
    const perf::BenchmarkRun run{
        static_cast<long long>(std::ceil(static_cast<double>(*request_count) / replicas)),
        mode == "rate" ? load / replicas : 0.0};
    point = perf::replay_benchmark(replica, traffic, run);
  } else if (mode == "max_throughput") {
    point = perf::serve_max_throughput(replica, traffic);
  } else if (mode == "batch") {
    point = perf::serve_static_batch(replica, traffic, load);
  } else if (mode == "concurrency") {
    point = perf::serve_concurrency(
        replica, traffic,
        std::min(load / replicas, static_cast<double>(perf::max_concurrency(replica, traffic))));
  } else {
    point = perf::serve_rate(replica, traffic, load / replicas);
  }

  if (mode == "max_throughput" && metric == "ttft_s" && !replayed) {
    // Every request is submitted at once: TTFT is dominated by waiting for a slot, which depends
    // on how many requests the benchmark sent (not stated in the row).
    prediction.reason =
        "TTFT with all requests queued at once depends on the request count (not in the note)";
    return prediction;
  }
  double predicted = 0;
  std::optional<double> roofline;
  if (metric == "output_tokens_per_s") {
    predicted = point.output_tokens_per_s * replicas;
    roofline = point.roofline_output_tokens_per_s * replicas;
  } else if (metric == "output_tokens_per_s_per_gpu") {
    predicted = point.output_tokens_per_s * replicas / num_gpus;
    roofline = point.roofline_output_tokens_per_s * replicas / num_gpus;
  } else if (metric == "decode_tokens_per_s") {
    predicted = 1.0 / point.tpot_s;
  } else if (metric == "prefill_tokens_per_s" && mode == "batch") {
    predicted = point.prefill_tokens_per_s;
  } else if (metric == "prefill_tokens_per_s") {
    // A served run has no prefill phase of its own: serving benchmarks (vLLM and SGLang
    // bench_serving, "Input token throughput") report the prompt tokens processed per second.
    predicted = point.requests_per_s * replicas * *input;
    roofline = point.roofline_output_tokens_per_s * replicas / *output * *input;
    prediction.reason = "served run: prompt tokens per second (requests/s x input_len)";
  } else if (metric == "ttft_s") {
    predicted = point.ttft_s;
  } else if (metric == "tpot_s") {
    predicted = point.tpot_s;
  } else if (metric == "e2e_latency_s") {
    predicted = point.e2e_latency_s;
  } else if (metric == "requests_per_s") {
    predicted = point.requests_per_s * replicas;
  }
  if (!std::isfinite(predicted) || predicted <= 0) {
    prediction.reason = "no finite prediction";
    return prediction;
  }
  const auto add_reason = [&](const std::string& reason) {
    prediction.reason = prediction.reason.empty() ? reason : prediction.reason + "; " + reason;
  };
  if (replayed) {
    add_reason(fmt::format("finite run of {} requests replayed", *request_count));
  } else if (mode == "rate" && point.saturated) {
    add_reason("offered rate above predicted capacity (saturated)");
  }
  prediction.predicted = predicted;
  prediction.roofline = roofline;
  prediction.error_pct = (predicted - row.value()) / row.value() * 100.0;
  prediction.status = "ok";
  return prediction;
}

std::vector<MetricSummary> summarise(const std::vector<Prediction>& predictions) {
  std::vector<MetricSummary> summaries;
  for (const auto& metric : kMetrics) {
    MetricSummary summary;
    summary.metric = metric;
    std::vector<double> absolute;
    std::vector<double> unflagged;
    std::vector<double> signed_errors;
    for (const auto& prediction : predictions) {
      if (prediction.row->get("metric") != metric) continue;
      ++summary.rows;
      if (prediction.status != "ok") continue;
      ++summary.covered;
      absolute.push_back(std::fabs(prediction.error_pct));
      signed_errors.push_back(prediction.error_pct);
      if (flagged_by_source(*prediction.row)) {
        ++summary.flagged;
      } else {
        unflagged.push_back(std::fabs(prediction.error_pct));
      }
    }
    if (summary.rows == 0) continue;
    summary.median_abs_error_pct = percentile(absolute, 0.5);
    summary.p90_abs_error_pct = percentile(absolute, 0.9);
    summary.bias_pct = percentile(signed_errors, 0.5);
    summary.unflagged_median_abs_error_pct = percentile(unflagged, 0.5);
    summary.unflagged_p90_abs_error_pct = percentile(unflagged, 0.9);
    summaries.push_back(summary);
  }
  return summaries;
}

}  // namespace tco::validate
