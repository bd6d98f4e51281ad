// Shape lists, work accounting, timing statistics and the results CSV of tco-microbench.
#include "tco/microbench/microbench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tco::microbench {

std::string_view dtype_name(GemmDtype dtype) {
  switch (dtype) {
    case GemmDtype::kBf16:
      return "bf16";
    case GemmDtype::kFp16:
      return "fp16";
    case GemmDtype::kFp8:
      return "fp8";
    case GemmDtype::kInt8:
      return "int8";
  }
  return "?";
}

double input_bytes(GemmDtype dtype) {
  return dtype == GemmDtype::kBf16 || dtype == GemmDtype::kFp16 ? 2 : 1;
}

double output_bytes(GemmDtype dtype) { return dtype == GemmDtype::kInt8 ? 4 : 2; }

std::vector<GemmDtype> gemm_dtypes_for(int cc_major, int cc_minor) {
  const int cc = cc_major * 10 + cc_minor;
  std::vector<GemmDtype> dtypes;
  if (cc >= 80) dtypes.push_back(GemmDtype::kBf16);
  if (cc >= 75) dtypes.push_back(GemmDtype::kFp16);
  if (cc >= 89) dtypes.push_back(GemmDtype::kFp8);
  if (cc >= 75) dtypes.push_back(GemmDtype::kInt8);
  return dtypes;
}

const std::vector<LayerShape>& layer_shapes() {
  // QKV: hidden + 2 * kv_heads * head_dim outputs (4096 + 2*8*128; 8192 + 2*8*128);
  // gate+up: 2 * FFN outputs.
  static const std::vector<LayerShape> shapes{
      {"llama-3.1-8b qkv", 6144, 4096},      {"llama-3.1-8b o", 4096, 4096},
      {"llama-3.1-8b gate_up", 28672, 4096}, {"llama-3.1-8b down", 4096, 14336},
      {"llama-3.1-70b qkv", 10240, 8192},    {"llama-3.1-70b gate_up", 57344, 8192},
      {"llama-3.1-70b down", 8192, 28672}};
  return shapes;
}

const std::vector<long long>& token_counts(bool quick) {
  static const std::vector<long long> all{1, 8, 64, 256, 1024, 4096, 16384};
  static const std::vector<long long> few{1, 256, 4096};
  return quick ? few : all;
}

std::vector<GemmCase> gemm_cases(const std::vector<GemmDtype>& dtypes, bool quick) {
  std::vector<GemmCase> cases;
  for (const GemmDtype dtype : dtypes) {
    for (const auto& layer : layer_shapes()) {
      if (quick && layer.name != "llama-3.1-8b qkv" && layer.name != "llama-3.1-70b gate_up") {
        continue;
      }
      for (const long long m : token_counts(quick)) {
        cases.push_back({layer.name, m, layer.n, layer.k, dtype});
      }
    }
  }
  return cases;
}

double gemm_flop(const GemmCase& gemm) {
  return 2.0 * static_cast<double>(gemm.m) * static_cast<double>(gemm.n) *
         static_cast<double>(gemm.k);
}

double gemm_bytes(const GemmCase& gemm) {
  const auto m = static_cast<double>(gemm.m);
  const auto n = static_cast<double>(gemm.n);
  const auto k = static_cast<double>(gemm.k);
  return (m * k + k * n) * input_bytes(gemm.dtype) + m * n * output_bytes(gemm.dtype);
}

std::string_view stream_kernel_name(StreamKernel kernel) {
  return kernel == StreamKernel::kCopy ? "copy" : "triad";
}

std::vector<MemoryCase> memory_cases(bool quick, double max_total_bytes) {
  std::vector<double> sizes;
  if (quick) {
    sizes = {16.0 * 1024, 16.0 * 1024 * 1024, 1024.0 * 1024 * 1024};
  } else {
    for (double bytes = 4 * 1024; bytes <= 4.0 * 1024 * 1024 * 1024; bytes *= 4) {
      sizes.push_back(bytes);
    }
  }
  std::vector<MemoryCase> cases;
  for (const StreamKernel kernel : {StreamKernel::kCopy, StreamKernel::kTriad}) {
    for (const double bytes : sizes) {
      const MemoryCase memory{kernel, bytes};
      if (memory_bytes_moved(memory) <= max_total_bytes) cases.push_back(memory);
    }
  }
  return cases;
}

double memory_bytes_moved(const MemoryCase& memory) {
  return (memory.kernel == StreamKernel::kCopy ? 2.0 : 3.0) * memory.array_bytes;
}

std::vector<AttentionCase> attention_cases(bool quick) {
  std::vector<AttentionCase> cases;
  const std::vector<long long> prefill =
      quick ? std::vector<long long>{2048} : std::vector<long long>{512, 2048, 8192};
  for (const long long tokens : prefill) cases.push_back({"prefill", 1, 32, tokens, tokens, 128});
  const std::vector<std::pair<long long, long long>> decode =
      quick ? std::vector<std::pair<long long, long long>>{{16, 4096}}
            : std::vector<std::pair<long long, long long>>{
                  {1, 4096}, {1, 32768}, {16, 4096}, {16, 32768}, {64, 4096}};
  for (const auto& [batch, kv] : decode) cases.push_back({"decode", batch, 32, 1, kv, 128});
  return cases;
}

double attention_flop(const AttentionCase& a) {
  return 4.0 * static_cast<double>(a.batch) * static_cast<double>(a.heads) *
         static_cast<double>(a.q_len) * static_cast<double>(a.kv_len) *
         static_cast<double>(a.head_dim);
}

double attention_buffer_bytes(const AttentionCase& a) {
  const double heads = static_cast<double>(a.batch) * static_cast<double>(a.heads);
  const auto q = static_cast<double>(a.q_len);
  const auto kv = static_cast<double>(a.kv_len);
  const auto d = static_cast<double>(a.head_dim);
  return 2.0 * heads * (2 * q * d + 2 * kv * d + q * kv);
}

std::vector<double> allreduce_sizes(bool quick) {
  if (quick) return {1024.0 * 1024, 64.0 * 1024 * 1024, 1024.0 * 1024 * 1024};
  std::vector<double> sizes;
  for (double bytes = 1024; bytes <= 1024.0 * 1024 * 1024; bytes *= 4) sizes.push_back(bytes);
  return sizes;
}

double allreduce_bus_bandwidth(double bytes, double seconds, int ranks) {
  if (ranks < 2 || !(bytes > 0) || !(seconds > 0)) {
    throw std::invalid_argument("allreduce_bus_bandwidth: needs ranks >= 2, bytes, seconds > 0");
  }
  const double algorithm_bandwidth = bytes / seconds;
  return algorithm_bandwidth * 2.0 * (ranks - 1) / ranks;
}

TimingStats summarize(const std::vector<double>& seconds) {
  if (seconds.empty()) throw std::invalid_argument("summarize: no timings");
  for (const double s : seconds) {
    if (!std::isfinite(s) || !(s > 0)) {
      throw std::invalid_argument(fmt::format("summarize: timing {} is not positive", s));
    }
  }
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t middle = sorted.size() / 2;
  TimingStats stats;
  stats.count = static_cast<int>(sorted.size());
  stats.min_s = sorted.front();
  stats.max_s = sorted.back();
  stats.median_s =
      sorted.size() % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  double sum = 0;
  for (const double s : sorted) sum += s;
  stats.mean_s = sum / static_cast<double>(sorted.size());
  return stats;
}

int repetitions_for(double first_run_s, double budget_s, int min_runs, int max_runs) {
  if (!(first_run_s > 0)) return max_runs;
  const double wanted = std::ceil(budget_s / first_run_s);
  return static_cast<int>(
      std::clamp(wanted, static_cast<double>(min_runs), static_cast<double>(max_runs)));
}

namespace {

/// Shortest text that reads back as the same double (calibrate parses it).
std::string exact(double value) { return fmt::format("{}", value); }

std::string timing_text(const TimingStats& timing) {
  return fmt::format("median of {} timed runs (min {:.4g} s, max {:.4g} s)", timing.count,
                     timing.min_s, timing.max_s);
}

std::string binary_size(double bytes) {
  if (bytes >= 1024.0 * 1024 * 1024) return fmt::format("{:g} GiB", bytes / (1024.0 * 1024 * 1024));
  if (bytes >= 1024.0 * 1024) return fmt::format("{:g} MiB", bytes / (1024.0 * 1024));
  if (bytes >= 1024.0) return fmt::format("{:g} KiB", bytes / 1024.0);
  return fmt::format("{:g} B", bytes);
}

}  // namespace

Result gemm_result(const GemmCase& gemm, const TimingStats& timing) {
  Result result;
  result.kernel = "gemm";
  result.dtype = std::string(dtype_name(gemm.dtype));
  const double flop = gemm_flop(gemm);
  result.shape =
      fmt::format("flop={}; M={} N={} K={} ({})", exact(flop), gemm.m, gemm.n, gemm.k, gemm.layer);
  result.method = fmt::format(
      "cuBLASLt matmul, D = W x X (TN), {} inputs, fp32 accumulation (int32 for int8), first "
      "heuristic algorithm, L2 flushed before each run; {}",
      result.dtype, timing_text(timing));
  result.achieved = flop / timing.median_s / 1e12;
  result.unit = "TFLOPS";
  result.notes = fmt::format("arithmetic intensity {:.4g} FLOP/byte", flop / gemm_bytes(gemm));
  result.timing = timing;
  return result;
}

Result memory_result(const MemoryCase& memory, const TimingStats& timing) {
  Result result;
  result.kernel = "memory";
  result.dtype = "fp64";
  const double bytes = memory_bytes_moved(memory);
  result.shape = fmt::format("bytes={}; {} of {} arrays", exact(bytes),
                             stream_kernel_name(memory.kernel), binary_size(memory.array_bytes));
  result.method = fmt::format(
      "STREAM {} on doubles (bytes counted as STREAM counts them: {} arrays), L2 flushed before "
      "each run; {}",
      stream_kernel_name(memory.kernel), memory.kernel == StreamKernel::kCopy ? 2 : 3,
      timing_text(timing));
  result.achieved = bytes / timing.median_s / 1e9;
  result.unit = "GB/s";
  result.timing = timing;
  return result;
}

Result attention_result(const AttentionCase& a, const TimingStats& timing) {
  Result result;
  result.kernel = "attention";
  result.dtype = "bf16";
  const double flop = attention_flop(a);
  result.shape = fmt::format("flop={}; {} batch={} heads={} q_len={} kv_len={} head_dim={}",
                             exact(flop), a.phase, a.batch, a.heads, a.q_len, a.kv_len, a.head_dim);
  result.method = fmt::format(
      "unfused attention: cuBLAS strided-batched GEMMs S = QK^T and O = PV (bf16, fp32 "
      "accumulation) with a row softmax kernel between them, all timed; {}",
      timing_text(timing));
  result.achieved = flop / timing.median_s / 1e12;
  result.unit = "TFLOPS";
  result.notes =
      "unfused, so a lower bound for fused FlashAttention-style kernels (which keep S on chip)";
  result.timing = timing;
  return result;
}

Result allreduce_result(double bytes, int ranks, const TimingStats& timing) {
  Result result;
  result.kernel = "allreduce";
  result.dtype = "fp32";
  result.shape =
      fmt::format("bytes={}; {} message, {} GPUs", exact(bytes), binary_size(bytes), ranks);
  result.method = fmt::format(
      "NCCL all-reduce (sum, float32) over {} GPUs in one process; busBw = algBw * 2(n-1)/n "
      "(nccl-tests PERFORMANCE.md); {}",
      ranks, timing_text(timing));
  result.achieved = allreduce_bus_bandwidth(bytes, timing.median_s, ranks) / 1e9;
  result.unit = "GB/s busbw";
  result.timing = timing;
  return result;
}

std::string csv_header() {
  return "source,source_detail,gpu,kernel,dtype,shape_or_size,achieved,unit,spec_peak,notes,"
         "gpu_id,driver,clocks\n";
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_row(const RunInfo& info, const Result& result) {
  std::string source = "measured by tco-microbench on " + info.date;
  if (!info.driver.empty()) source += ", driver " + info.driver;
  if (!info.clocks.empty()) source += ", clocks " + info.clocks;
  std::string detail = "tco-microbench (tco-plan bench/cuda)";
  if (!info.software.empty()) detail += ", " + info.software;
  detail += ": " + result.method;
  const std::vector<std::string> fields{source,
                                        detail,
                                        info.gpu_name,
                                        result.kernel,
                                        result.dtype,
                                        result.shape,
                                        fmt::format("{:.5g}", result.achieved),
                                        result.unit,
                                        "",
                                        result.notes,
                                        info.gpu_id,
                                        info.driver,
                                        info.clocks};
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  return out + "\n";
}

std::string usage() {
  return "usage: tco-microbench [-o FILE] [--gpu-id ID] [--driver TEXT] [--clocks TEXT]\n"
         "                      [--date YYYY-MM-DD] [--device N] [--budget-ms MS] [--quick]\n"
         "                      [--only gemm,memory,attention,allreduce]\n"
         "Measures GEMM (cuBLASLt), STREAM copy/triad, attention and NCCL all-reduce and writes\n"
         "the results CSV that `tco-plan calibrate RESULTS.csv --gpu ID` reads.\n";
}

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  const std::vector<std::string> families{"gemm", "memory", "attention", "allreduce"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(arg + ": needs a value");
      return args[++i];
    };
    auto number = [&](const std::string& text) {
      std::size_t used = 0;
      double parsed = 0;
      try {
        parsed = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || !(parsed >= 0)) {
        throw std::invalid_argument(
            fmt::format("{}: '{}' is not a non-negative number", arg, text));
      }
      return parsed;
    };
    if (arg == "-o" || arg == "--output") {
      options.output = value();
    } else if (arg == "--gpu-id") {
      options.gpu_id = value();
    } else if (arg == "--driver") {
      options.driver = value();
    } else if (arg == "--clocks") {
      options.clocks = value();
    } else if (arg == "--date") {
      options.date = value();
    } else if (arg == "--device") {
      options.device = static_cast<int>(number(value()));
    } else if (arg == "--budget-ms") {
      options.budget_s = number(value()) / 1e3;
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--only") {
      const std::string& list = value();
      std::size_t start = 0;
      while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string family = list.substr(start, comma - start);
        if (std::find(families.begin(), families.end(), family) == families.end()) {
          throw std::invalid_argument(fmt::format(
              "--only: unknown benchmark '{}' (gemm, memory, attention, allreduce)", family));
        }
        options.only.push_back(family);
        start = comma + 1;
      }
    } else if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else {
      throw std::invalid_argument(fmt::format("unknown argument '{}'", arg));
    }
  }
  return options;
}

bool selected(const Options& options, std::string_view family) {
  return options.only.empty() ||
         std::find(options.only.begin(), options.only.end(), family) != options.only.end();
}

}  // namespace tco::microbench
