#pragma once
// The GPU-independent half of the CUDA microbenchmark suite (bench/cuda, `tco-microbench`): what
// it measures (shape and size lists), how much work each case does (FLOP and bytes), how the
// timings are summarised, and the results CSV it writes -- in the schema that
// `tco-plan calibrate` reads (../shared/data/microbench.csv plus gpu_id, driver, clocks).
// Kept in plain C++ so the normal test suite checks it without a GPU or CUDA.
//
// Header kept C++17 so that nvcc can include it from the .cu file.
//
// Pure functions; nothing here touches a device or a file.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tco::microbench {

/// Input types of the GEMMs measured (cuBLASLt). Accumulation is fp32 (int32 for int8), the way
/// inference engines run them.
enum class GemmDtype { kBf16, kFp16, kFp8, kInt8 };

/// "bf16", "fp16", "fp8", "int8": the spellings `tco-plan calibrate` recognises.
[[nodiscard]] std::string_view dtype_name(GemmDtype dtype);
/// Bytes per input element (A and B).
[[nodiscard]] double input_bytes(GemmDtype dtype);
/// Bytes per output element: bf16/fp16 out for the float types (fp8 GEMMs write bf16, as
/// cuBLASLt's FP8 examples and inference engines do), int32 for int8.
[[nodiscard]] double output_bytes(GemmDtype dtype);

/// The GEMM input types a GPU of compute capability major.minor runs on tensor cores: bf16 from
/// 8.0 (Ampere), fp8 e4m3 from 8.9 (Ada, Hopper and later: cuBLASLt's FP8 requirement), fp16 and
/// int8 everywhere CUDA 13 runs (7.5 and later).
[[nodiscard]] std::vector<GemmDtype> gemm_dtypes_for(int cc_major, int cc_minor);

/// One weight matrix of a common model: N output features x K input features.
struct LayerShape {
  std::string name;  ///< e.g. "llama-3.1-8b gate_up"
  long long n = 0;
  long long k = 0;
};

/// Linear layers of Llama-3.1-8B and -70B (hidden 4096/8192, FFN 14336/28672, 8 KV heads of
/// 128; tests/data/hf/llama-3.1-8b.config.json and ../shared/data/model_configs.csv): fused QKV,
/// attention output, fused gate+up, down.
[[nodiscard]] const std::vector<LayerShape>& layer_shapes();
/// Tokens per GEMM (M): 1 (single-stream decode) to 16384 (a long prefill chunk).
[[nodiscard]] const std::vector<long long>& token_counts(bool quick);

struct GemmCase {
  std::string layer;
  long long m = 0;  ///< tokens
  long long n = 0;  ///< output features
  long long k = 0;  ///< input features
  GemmDtype dtype = GemmDtype::kBf16;
};

/// Every (dtype, layer, M) combination, dtypes outermost.
[[nodiscard]] std::vector<GemmCase> gemm_cases(const std::vector<GemmDtype>& dtypes, bool quick);
/// 2*M*N*K: one multiply and one add per term of each output element.
[[nodiscard]] double gemm_flop(const GemmCase& gemm);
/// Bytes a GEMM must move at least once: A (M x K), B (K x N), D (M x N).
[[nodiscard]] double gemm_bytes(const GemmCase& gemm);

/// STREAM kernels (McCalpin, STREAM benchmark definitions): copy a[i] = b[i] moves two arrays
/// per element, triad a[i] = b[i] + s*c[i] moves three.
enum class StreamKernel { kCopy, kTriad };

[[nodiscard]] std::string_view stream_kernel_name(StreamKernel kernel);

struct MemoryCase {
  StreamKernel kernel = StreamKernel::kCopy;
  double array_bytes = 0;  ///< bytes of each array
};

/// Arrays of 4 KiB to 4 GiB in steps of 4 (quick: 16 KiB, 16 MiB, 1 GiB), for copy and triad,
/// leaving out cases whose arrays together exceed `max_total_bytes` (a fraction of the free
/// device memory).
[[nodiscard]] std::vector<MemoryCase> memory_cases(bool quick, double max_total_bytes);
/// Bytes moved by one pass, counted as STREAM counts them (2 or 3 arrays).
[[nodiscard]] double memory_bytes_moved(const MemoryCase& memory);

struct AttentionCase {
  std::string phase;  ///< "prefill" or "decode"
  long long batch = 0;
  long long heads = 0;  ///< query heads, each with its own K and V (multi-head layout)
  long long q_len = 0;
  long long kv_len = 0;
  long long head_dim = 0;
};

/// Prefill (q_len = kv_len, 512 to 8192 tokens) and decode (q_len 1, 1 to 64 sequences against
/// 4k to 32k cached tokens) with 32 heads of 128, Llama-3.1-8B's query heads.
[[nodiscard]] std::vector<AttentionCase> attention_cases(bool quick);
/// 4*batch*heads*q_len*kv_len*head_dim: S = QK^T and O = PV, 2 FLOP per multiply-add each; no
/// causal discount (the suite computes the full score matrix); softmax not counted.
[[nodiscard]] double attention_flop(const AttentionCase& attention);
/// Device bytes the suite allocates for a case: Q, K, V, O in bf16 and the bf16 score matrix.
[[nodiscard]] double attention_buffer_bytes(const AttentionCase& attention);

/// All-reduce message sizes: 1 KiB to 1 GiB in steps of 4 (quick: 1 MiB, 64 MiB, 1 GiB).
[[nodiscard]] std::vector<double> allreduce_sizes(bool quick);
/// Bus bandwidth of an all-reduce of `bytes` taking `seconds` on `ranks` GPUs:
/// algBw = bytes / seconds, busBw = algBw * 2(n-1)/n (nccl-tests doc/PERFORMANCE.md: the
/// factor makes busBw comparable to the hardware link speed whatever the rank count). Requires
/// ranks >= 2 and positive bytes and seconds.
[[nodiscard]] double allreduce_bus_bandwidth(double bytes, double seconds, int ranks);

/// Summary of repeated timings of one case.
struct TimingStats {
  int count = 0;
  double min_s = 0;
  double median_s = 0;  ///< what rates are computed from: robust to one slow outlier
  double mean_s = 0;
  double max_s = 0;
};

/// Throws std::invalid_argument for no samples or a sample that is not positive and finite.
[[nodiscard]] TimingStats summarize(const std::vector<double>& seconds);

/// Timed repetitions for a case whose first run took `first_run_s`: enough to spend about
/// `budget_s`, at least `min_runs`, at most `max_runs`.
[[nodiscard]] int repetitions_for(double first_run_s, double budget_s, int min_runs, int max_runs);

/// What the whole run was measured on; written into every row.
struct RunInfo {
  std::string gpu_name;  ///< cudaDeviceProp::name, e.g. "NVIDIA H200"
  std::string gpu_id;    ///< catalog id (`tco-plan calibrate --gpu`), may be empty
  std::string driver;    ///< e.g. "580.95.05"
  std::string clocks;    ///< e.g. "sm 1980 MHz, mem 3201 MHz (max)"
  std::string date;      ///< YYYY-MM-DD (UTC)
  std::string software;  ///< e.g. "CUDA runtime 13.0, cuBLASLt 130001"
};

/// One measured case, ready to write.
struct Result {
  std::string kernel;  ///< gemm, memory, attention, allreduce (calibrate's family names)
  std::string dtype;   ///< bf16, fp16, fp8, int8; for memory and all-reduce the element type
  std::string shape;   ///< "flop=..." or "bytes=..." first (calibrate reads it), then detail
  std::string method;  ///< how it was measured (goes to source_detail)
  double achieved = 0;
  std::string unit;  ///< TFLOPS, GB/s, "GB/s busbw"
  std::string notes;
  TimingStats timing;
};

[[nodiscard]] Result gemm_result(const GemmCase& gemm, const TimingStats& timing);
[[nodiscard]] Result memory_result(const MemoryCase& memory, const TimingStats& timing);
[[nodiscard]] Result attention_result(const AttentionCase& attention, const TimingStats& timing);
/// All-reduce of float32 sums over `ranks` GPUs.
[[nodiscard]] Result allreduce_result(double bytes, int ranks, const TimingStats& timing);

/// The CSV header: microbench.csv's ten columns, then gpu_id, driver, clocks.
[[nodiscard]] std::string csv_header();
/// One CSV record (RFC 4180 quoting), newline-terminated. source = "measured by tco-microbench
/// on DATE, driver D, clocks C", the provenance `tco-plan calibrate` copies into the profile.
[[nodiscard]] std::string csv_row(const RunInfo& info, const Result& result);
/// A field quoted when it holds a comma, quote or line break (RFC 4180).
[[nodiscard]] std::string csv_field(std::string_view text);

/// Command line of tco-microbench.
struct Options {
  std::string output;             ///< -o FILE; empty = stdout
  std::string gpu_id;             ///< --gpu-id
  std::string driver;             ///< --driver (run_on_gpu.sh passes nvidia-smi's)
  std::string clocks;             ///< --clocks
  std::string date;               ///< --date; empty = today (UTC)
  bool quick = false;             ///< --quick: a subset, for a smoke test in seconds
  int device = 0;                 ///< --device
  double budget_s = 0.05;         ///< --budget-ms: timed seconds per case
  std::vector<std::string> only;  ///< --only gemm,memory,attention,allreduce; empty = all
  bool help = false;
};

/// Parses argv[1..]; throws std::invalid_argument with a message naming the bad argument.
[[nodiscard]] Options parse_options(const std::vector<std::string>& args);
[[nodiscard]] std::string usage();
/// Whether `family` is selected by --only.
[[nodiscard]] bool selected(const Options& options, std::string_view family);

}  // namespace tco::microbench
