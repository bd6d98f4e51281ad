// From a free-text results row to a profile sample: which catalog GPU it is about (the explicit
// name table), which kernel family, math dtype and problem size, and the utilisation against the
// catalog peak -- or why the row cannot be used. Every rule that is not a plain reading of the
// row is written down here and repeated in the profile's notes.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <regex>

#include "internal.hpp"
#include "tco/calibrate/calibrate.hpp"
#include "tco/perf/simulator.hpp"

namespace tco::calibrate {

using catalog::Dtype;

namespace {

const char* const kH800Note =
    "H800 SXM is H100 SXM compute (same SMs, clocks and dense peaks) with NVLink cut to "
    "400 GB/s, so only its GEMM rows are used, as h100-sxm samples";

}  // namespace

const std::vector<GpuName>& gpu_name_table() {
  using enum GpuNameUse;
  static const std::vector<GpuName> table{
      {"A100 SXM 80GB", "a100-sxm-80gb", kAll, ""},
      {"A100 SXM4 80GB (Azure ND A100 v4)", "a100-sxm-80gb", kAll, ""},
      {"A100 SXM4 80GB (NVLink3/NVSwitch)", "a100-sxm-80gb", kAll, ""},
      {"A100 PCIe 80GB", "a100-pcie-80gb", kAll, ""},
      {"A100 40GB", "a100-sxm-40gb", kAll,
       "RRZE 'A100 40GB' (the NHR@FAU Alex cluster's HGX A100 SXM4 nodes); every A100 40GB form "
       "has 1.555 TB/s, so memory utilisation does not depend on the form factor"},
      {"A100 80GB", "a100-sxm-80gb", kAmbiguous,
       "'A100 80GB' does not say SXM (2.039 TB/s) or PCIe (1.935 TB/s)"},
      {"A100 (NV12 link pair)", "a100-sxm-80gb", kAmbiguous,
       "'A100 (NV12 link pair)' states neither memory size nor form factor, and a pairwise NVLink "
       "topology is not the catalog's NVSwitch fabric"},
      {"H100 SXM 80GB", "h100-sxm", kAll, ""},
      {"H100 SXM 80GB (Azure ND H100 v5)", "h100-sxm", kAll, ""},
      {"H100 SXM 80GB (NVLink4/NVSwitch)", "h100-sxm", kAll, ""},
      {"H100 SXM (NVLink4 + NVSwitch)", "h100-sxm", kAll, ""},
      {"H100 SXM (NVLink4)", "h100-sxm", kAll, ""},
      {"H100 SXM5", "h100-sxm", kAll, ""},
      {"H100 PCIe 80GB", "h100-pcie", kAll, ""},
      {"H100 PCIe 80GB (NVLink bridge)", "h100-pcie", kAll, ""},
      {"H200 SXM", "h200-sxm", kAll, ""},
      {"H200 141GB (Azure ND H200 v5)", "h200-sxm", kAll, ""},
      {"H200 141GB (NVLink4/NVSwitch)", "h200-sxm", kAll, ""},
      {"H200", "h200-sxm", kAll,
       "RRZE 'H200' runs at 1980 MHz, the SXM boost clock; both H200 forms have 4.8 TB/s"},
      {"H800 SXM", "h100-sxm", kGemmProxy, kH800Note},
      {"H800 SXM (H100-class compute, 3.35 TB/s HBM3)", "h100-sxm", kGemmProxy, kH800Note},
      {"H800 SXM (NVLink 400 GB/s total)", "h100-sxm", kGemmProxy, kH800Note},
      {"H800 SXM5", "h100-sxm", kGemmProxy, kH800Note},
      {"GH200 (900W, 141GB HBM3e)", "gh200", kGemmProxy,
       "the 144 GB HBM3e GH200 has the catalog gh200's Hopper compute but not its memory "
       "(4.9 vs 4.0 TB/s), so only its GEMM rows are used"},
      {"GH200 (HBM variant not stated)", "gh200", kAmbiguous,
       "'GH200 (HBM variant not stated)': 96 GB HBM3 at 4.0 TB/s (the catalog entry) or 144 GB "
       "HBM3e at 4.9 TB/s; against 4.0 TB/s its stream results would be 0.95-0.99, above every "
       "other HBM GPU measured, which suggests the HBM3e part"},
      {"B200 SXM", "b200", kAll, ""},
      {"B300 SXM", "b300", kAll, ""},
      {"GB200", "gb200", kAll, ""},
      {"GB200 (Azure ND GB200 v6)", "gb200", kAll, ""},
      {"L40", "l40", kAll, ""},
      {"A40", "a40", kAll, ""},
      {"A10 24GB", "a10", kAll, ""},
      {"RTX 4090", "rtx-4090", kAll, ""},
      {"RTX 4090 (WSL2)", "rtx-4090", kAll, ""},
      {"RTX 3090", "rtx-3090", kAll, ""},
      {"MI300X", "mi300x", kAll, ""},
      {"MI300X (Azure ND MI300X v5)", "mi300x", kAll, ""},
      {"MI300X (Infinity Fabric)", "mi300x", kAll, ""},
      {"MI325X (1000W)", "mi325x", kAll, ""},
      {"MI355X", "mi355x", kAll, ""},
      {"Gaudi 3", "gaudi3", kAll, ""},
      {"MI300A", "", kNotInCatalog, "MI300A (APU) is not in the catalog"},
      {"MI250X (1 GCD)", "", kNotInCatalog, "MI250X is not in the catalog"},
      {"Gaudi 2", "", kNotInCatalog, "Gaudi 2 is not in the catalog"},
  };
  return table;
}

const GpuName* find_gpu_name(std::string_view text) {
  // "8x H100 SXM ..." and "2x A100 ..." name the node; the GPU is the rest.
  static const std::regex count_prefix(R"(^\d+x\s+)");
  const std::string name = std::regex_replace(std::string(text), count_prefix, "");
  for (const auto& entry : gpu_name_table()) {
    if (entry.text == name) return &entry;
  }
  return nullptr;
}

std::string row_gpu_id(const MicrobenchRow& row) {
  if (!row.gpu_id.empty()) return row.gpu_id;
  const GpuName* entry = find_gpu_name(row.gpu);
  return entry == nullptr ? std::string() : entry->gpu_id;
}

double round_significant(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return value;
  return std::stod(fmt::format("{:.{}g}", value, digits));
}

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::optional<double> match_number(const std::smatch& match, std::size_t group) {
  try {
    return std::stod(match[static_cast<int>(group)].str());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// The first dtype token in free text ("FP8 e4m3 in, BF16 out" -> fp8, "FP16/BF16" -> fp16).
std::optional<Dtype> first_dtype(const std::string& text) {
  static const std::vector<std::pair<std::string, Dtype>> tokens{
      {"mxfp4", Dtype::kMxfp4}, {"fp4", Dtype::kFp4},   {"fp8", Dtype::kFp8},
      {"bf16", Dtype::kBf16},   {"fp16", Dtype::kFp16}, {"fp32", Dtype::kFp32},
      {"int8", Dtype::kInt8},   {"int4", Dtype::kInt4}};
  const std::string low = lower(text);
  std::optional<Dtype> best;
  std::size_t best_position = std::string::npos;
  for (const auto& [token, dtype] : tokens) {
    const std::size_t position = low.find(token);
    if (position < best_position) {
      best_position = position;
      best = dtype;
    }
  }
  return best;
}

enum class Rate { kFlops, kBytes, kUnknown };

/// SI scale of a published rate unit ("TFLOPS", "GB/s busbw", ...).
std::pair<Rate, double> rate_unit(const std::string& unit) {
  const std::string low = lower(unit);
  static const std::vector<std::tuple<std::string, Rate, double>> units{
      {"pflop", Rate::kFlops, 1e15}, {"tflop", Rate::kFlops, 1e12}, {"gflop", Rate::kFlops, 1e9},
      {"tb/s", Rate::kBytes, 1e12},  {"gb/s", Rate::kBytes, 1e9},   {"mb/s", Rate::kBytes, 1e6}};
  for (const auto& [prefix, rate, scale] : units) {
    if (low.rfind(prefix, 0) == 0) return {rate, scale};
  }
  return {Rate::kUnknown, 0};
}

/// Kernel family of a row, or "" with the reason it is none of them.
std::pair<std::string, std::string> classify(const MicrobenchRow& row) {
  const std::string kernel = lower(row.kernel);
  for (const char* family : {"gemm", "memory", "attention", "allreduce"}) {
    if (kernel == family) return {family, ""};
  }
  if (contains(kernel, "roofline kernel, memory-bound")) {
    return {"",
            "roofline sweep point: bytes per kernel depend on occupancy and are not stated "
            "(the stream rows of the same GPU are used)"};
  }
  if (contains(kernel, "roofline kernel, compute-bound")) {
    return {"", "FMA loop on vector cores, not a matrix multiply"};
  }
  if (contains(kernel, "effective memory bandwidth")) {
    return {"", "bandwidth derived from a GEMM measurement (that row is the GEMM sample)"};
  }
  if (contains(kernel, "allreduce") || contains(kernel, "all_reduce")) return {"allreduce", ""};
  if (contains(kernel, "flashmla")) {
    return {"", "MLA decode kernel (FlashMLA) without a stated problem size"};
  }
  if (contains(kernel, "flashattention")) return {"attention", ""};
  if (contains(kernel, "standard attention")) {
    return {"",
            "unfused PyTorch attention (the simulator models fused FlashAttention-style "
            "kernels)"};
  }
  if (contains(kernel, "grouped gemm") || contains(lower(row.shape_or_size), "groups=")) {
    // Indexed by their total FLOP, grouped kernels would sit in the dense curve at sizes whose
    // dense GEMMs run far better than their per-group problems; the simulator charges each
    // expert's GEMM at its own size and prices the grouping with the engine's expert scale.
    return {"", "grouped (MoE) GEMM: the dense curve takes single GEMMs; the engine's fitted "
                "expert-GEMM scale prices grouping"};
  }
  if (contains(kernel, "block scaling")) {
    // DeepGEMM's fine-grained FP8 (1x128 activation and 128x128 weight scales, partial sums
    // promoted to FP32 on CUDA cores every 128 of K: DeepSeek-V3 technical report, arXiv
    // 2412.19437, section 3.3.2) is another kernel than the per-tensor-scaled FP8 GEMMs the
    // catalog's fp8 stands for (ModelOpt FP8 in TensorRT-LLM, vLLM's per-tensor FP8). Its rows
    // (DeepSeek-V3's shapes), attributed to H100 only, put the H100 fp8 curve 0.1 below the
    // H200's at 1e11 FLOP, though both are the same GH100 compute.
    return {"", "block-scaled FP8 GEMM (fine-grained scales): another kernel than the "
                "per-tensor FP8 GEMMs of the fp8 curve"};
  }
  if (contains(kernel, "gemm") || contains(kernel, "matmul")) return {"gemm", ""};
  if (contains(kernel, "babelstream") || contains(kernel, "gpu-stream") ||
      contains(kernel, "tensor copy") || contains(kernel, "hbm bandwidth")) {
    return {"memory", ""};
  }
  if (contains(kernel, "ep dispatch") || contains(kernel, "ep combine")) {
    return {"", "expert-parallel all-to-all (no all-to-all curve in profiles yet)"};
  }
  if (contains(kernel, "host to device") || contains(kernel, "device to host") ||
      contains(kernel, "device to device")) {
    return {"", "host or peer copy bandwidth (not a profile kernel family)"};
  }
  if (contains(kernel, "collectives")) return {"", "collective other than all-reduce"};
  return {"", "kernel not recognised as gemm, memory, attention or allreduce"};
}

/// "flop=2.1e9" / "bytes=1048576" in the shape column: our own suite states sizes exactly.
std::optional<double> explicit_size(const std::string& shape, const char* key) {
  const std::regex pattern(std::string(R"((?:^|[\s,;]))") + key +
                           R"(\s*=\s*([0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?))");
  std::smatch match;
  if (std::regex_search(shape, match, pattern)) return match_number(match, 1);
  return std::nullopt;
}

struct Size {
  double value = 0;
  std::string rule;  ///< how it was derived when not read off the row ("" = as stated)
};

/// M, N, K of a GEMM row that states them.
struct GemmShape {
  double m = 0, n = 0, k = 0;
};

std::optional<GemmShape> gemm_shape(const MicrobenchRow& row) {
  static const std::regex named(R"(\bM=(\d+)\s+N=(\d+)\s+K=(\d+))");
  static const std::regex product(R"((\d+)\s*x\s*(\d+)\s*x\s*(\d+))");
  const std::string& shape = row.shape_or_size;
  std::smatch match;
  if (std::regex_search(shape, match, named) || std::regex_search(shape, match, product)) {
    return GemmShape{*match_number(match, 1), *match_number(match, 2), *match_number(match, 3)};
  }
  return std::nullopt;
}

/// Bits of one GEMM operand value in a math dtype.
double operand_bits(Dtype dtype) {
  switch (dtype) {
    case Dtype::kFp32: return 32;
    case Dtype::kBf16:
    case Dtype::kFp16: return 16;
    case Dtype::kFp8:
    case Dtype::kInt8: return 8;
    default: return 4;  // int4, fp4, mxfp4
  }
}

/// Whether a GEMM of this shape is bound by memory at the datasheet peaks: reading A (M x K) and
/// B (K x N) in the math dtype and writing C (M x N) in 16 bits (32 for fp32 math
/// and for int8, which accumulates into int32) takes longer at the peak bandwidth than the math
/// at the peak FLOP/s. Such a row (a decode-like
/// M = 64 GEMM) measures the memory system, which the simulator's memory term already charges;
/// as a point of the compute-efficiency curve it would slow every GEMM of its FLOP count.
bool memory_bound(const GemmShape& shape, Dtype dtype, double peak_flops, double bandwidth) {
  const double bits_per_value = operand_bits(dtype);
  const double out_bytes = bits_per_value > 16 || dtype == Dtype::kInt8 ? 4.0 : 2.0;
  const double bytes =
      (shape.m * shape.k + shape.k * shape.n) * bits_per_value / 8.0 +
      shape.m * shape.n * out_bytes;
  const double flop = 2.0 * shape.m * shape.n * shape.k;
  return bandwidth > 0 && bytes / bandwidth > flop / peak_flops;
}

std::optional<Size> gemm_flop(const MicrobenchRow& row) {
  const std::string& shape = row.shape_or_size;
  if (const auto flop = explicit_size(shape, "flop")) return Size{*flop, ""};
  static const std::regex sweep(R"(up to (\d+)\^2)");
  if (const auto dims = gemm_shape(row)) {
    return Size{2 * dims->m * dims->n * dims->k, "GEMM: FLOP = 2*M*N*K"};
  }
  std::smatch match;
  if (std::regex_search(shape, match, sweep)) {
    const double n = *match_number(match, 1);
    return Size{2 * n * n * n,
                "'max over sizes up to N^2' GEMM rows: FLOP of the sweep's largest square GEMM, "
                "2*N^3, where the maximum is expected"};
  }
  return std::nullopt;
}

std::optional<Size> attention_flop(const MicrobenchRow& row) {
  const std::string& shape = row.shape_or_size;
  if (const auto flop = explicit_size(shape, "flop")) return Size{*flop, ""};
  // The Azure guide runs flash-attn's benchmarks/benchmark_flash_attention.py, which fixes the
  // model dim at 2048 (heads = 2048 / head_dim) and counts 4*batch*seqlen^2*heads*head_dim
  // forward FLOP (non-causal, the configuration the guide's script greps for).
  static const std::regex script(R"(batch (\d+), seqlen (\d+), head_dim (\d+))");
  std::smatch match;
  if (contains(lower(row.kernel), "benchmark script") && std::regex_search(shape, match, script)) {
    const double batch = *match_number(match, 1);
    const double seqlen = *match_number(match, 2);
    return Size{4 * batch * seqlen * seqlen * 2048,
                "FlashAttention-2 rows: FLOP = 4*batch*seqlen^2*2048 (flash-attn "
                "benchmarks/benchmark_flash_attention.py: dim 2048, forward, non-causal)"};
  }
  return std::nullopt;
}

std::optional<Size> memory_bytes(const MicrobenchRow& row) {
  const std::string& shape = row.shape_or_size;
  if (const auto bytes = explicit_size(shape, "bytes")) return Size{*bytes, ""};
  const std::string kernel = lower(row.kernel);
  const std::string low_shape = lower(shape);
  if (contains(kernel, "babelstream") && (low_shape.empty() || contains(low_shape, "default"))) {
    // BabelStream's default array: 2^25 doubles (ARRAY_SIZE in its main.cpp).
    constexpr double kArrayBytes = 33554432.0 * 8;
    double arrays = 2;  // Copy, Mul, Dot, and a result that does not name its kernel
    if (contains(kernel, "babelstream add") || contains(kernel, "babelstream triad")) arrays = 3;
    return Size{arrays * kArrayBytes,
                "BabelStream rows: bytes = arrays touched (Copy, Mul, Dot: 2; Add, Triad: 3; "
                "kernel not named: 2) x 2^25 doubles, its default array size"};
  }
  if (contains(kernel, "gpu-stream")) {
    // RRZE-HPC/gpu-benches gpu-stream/main.cu: max_buffer_size = 128 Mi + 2 doubles per buffer;
    // the kernel moves streamCount buffers (init 1, read 1, scale 2, triad 3).
    constexpr double kBufferBytes = (128.0 * 1024 * 1024 + 2) * 8;
    double buffers = 0;
    if (contains(kernel, "init") || contains(kernel, "read")) buffers = 1;
    if (contains(kernel, "scale")) buffers = 2;
    if (contains(kernel, "triad")) buffers = 3;
    if (buffers > 0) {
      return Size{buffers * kBufferBytes,
                  "gpu-stream rows: bytes = buffers touched (init, read: 1; scale: 2; triad: 3) x "
                  "(2^27 + 2) doubles (gpu-stream/main.cu max_buffer_size)"};
    }
  }
  static const std::regex copy_sweep(R"(up to ~?([0-9.]+)\s*GB \(copy\))");
  std::smatch match;
  if (contains(kernel, "tensor copy") && std::regex_search(shape, match, copy_sweep)) {
    return Size{2 * *match_number(match, 1) * 1e9,
                "tensor-copy rows: bytes = 2 x the sweep's largest tensor, where the maximum is "
                "expected; the source does not say whether read and write are both counted, but "
                "they must be, as one direction alone would exceed the datasheet bandwidth"};
  }
  return std::nullopt;
}

std::optional<Size> allreduce_bytes(const MicrobenchRow& row) {
  const std::string& shape = row.shape_or_size;
  if (const auto bytes = explicit_size(shape, "bytes")) return Size{*bytes, ""};
  const std::string low_shape = lower(shape);
  if (contains(low_shape, "up to") || contains(low_shape, ">")) return std::nullopt;
  static const std::regex size(R"(([0-9]+(?:\.[0-9]+)?)\s*(KiB|MiB|GiB|KB|MB|GB|B)\b)");
  std::smatch match;
  if (!std::regex_search(shape, match, size)) return std::nullopt;
  const std::string unit = match[2].str();
  double bytes = *match_number(match, 1);
  if (unit[0] == 'K') bytes *= 1024;
  if (unit[0] == 'M') bytes *= 1024.0 * 1024;
  if (unit[0] == 'G') bytes *= 1024.0 * 1024 * 1024;
  const std::string kernel = lower(row.kernel);
  if (contains(kernel, "nccl-tests") || contains(kernel, "rccl-tests") ||
      contains(kernel, "all_reduce_perf")) {
    const double snapped = std::exp2(std::round(std::log2(bytes)));
    if (snapped != bytes) {
      return Size{snapped,
                  "nccl-tests message sizes are powers of two; rounded labels such as '65KB' or "
                  "'132KB' are read as the nearest power of two"};
    }
  }
  return Size{bytes, ""};
}

std::string sample_source(const MicrobenchRow& row, const GpuName* entry) {
  std::string source = row.source;
  if (!row.source_detail.empty()) source += " (" + row.source_detail + ")";
  if (entry != nullptr && entry->use == GpuNameUse::kGemmProxy) {
    source += fmt::format("; measured on '{}': {}", row.gpu, entry->note);
  }
  if (!row.driver.empty()) source += "; driver " + row.driver;
  if (!row.clocks.empty()) source += "; clocks " + row.clocks;
  return source;
}

RowUse skip(std::string reason) {
  RowUse use;
  use.skip_reason = std::move(reason);
  return use;
}

}  // namespace

RowUse interpret_row(const MicrobenchRow& row, const catalog::Gpu& gpu) {
  return interpret_row_detailed(row, gpu).use;
}

DetailedUse interpret_row_detailed(const MicrobenchRow& row, const catalog::Gpu& gpu) {
  DetailedUse out;
  const GpuName* entry = row.gpu_id.empty() ? find_gpu_name(row.gpu) : nullptr;
  if (row.gpu_id.empty()) {
    if (entry == nullptr) {
      out.use = skip(fmt::format("GPU name '{}' is not in the mapping table", row.gpu));
      return out;
    }
    if (entry->use == GpuNameUse::kAmbiguous) {
      out.use = skip("ambiguous GPU: " + entry->note);
      return out;
    }
    if (entry->use == GpuNameUse::kNotInCatalog) {
      out.use = skip(entry->note);
      return out;
    }
  }
  const std::string detail_and_notes = lower(row.source_detail + " " + row.notes);
  const std::string notes = lower(row.notes);
  if (contains(detail_and_notes, "v1 methodology") || contains(detail_and_notes, "may overstate")) {
    out.use = skip(
        "older MAMF v1 table (no cache reset; the source says it may overstate), "
        "superseded by the v2 table");
    return out;
  }
  if (contains(notes, "implausibl") || contains(notes, "doubtful") ||
      contains(notes, "suspicious") || (contains(notes, "exceeds") && contains(notes, "spec"))) {
    out.use = skip("doubtful per its own notes (implausible, or above the datasheet peak)");
    return out;
  }
  if (contains(lower(row.gpu), "wsl")) {
    out.use = skip(
        "run under WSL2 (virtualised Windows), not a server deployment; the "
        "native-Linux row of the same source is used");
    return out;
  }
  if (contains(lower(row.unit), "approx") || contains(notes, "not a measured")) {
    out.use = skip("approximate statement, not a measurement");
    return out;
  }
  const auto [family, reason] = classify(row);
  if (family.empty()) {
    out.use = skip(reason);
    return out;
  }
  if (entry != nullptr && entry->use == GpuNameUse::kGemmProxy && family != "gemm") {
    out.use = skip(fmt::format("{} row of a GEMM-only proxy: {}", family, entry->note));
    return out;
  }
  if (family == "allreduce" && contains(lower(row.gpu), "nvlink bridge") &&
      gpu.interconnect.rfind("pcie", 0) == 0) {
    out.use =
        skip(fmt::format("all-reduce over an NVLink bridge pair, not the catalog "
                         "interconnect ({})",
                         gpu.interconnect));
    return out;
  }
  const auto [rate, scale] = rate_unit(row.unit);
  const bool wants_flops = family == "gemm" || family == "attention";
  if (rate != (wants_flops ? Rate::kFlops : Rate::kBytes)) {
    out.use = skip(
        fmt::format("unit '{}' is not a {} unit", row.unit, wants_flops ? "FLOP/s" : "bandwidth"));
    return out;
  }

  perf::KernelSample sample;
  sample.kernel = family;
  double peak = 0;
  std::optional<Size> size;
  if (wants_flops) {
    const auto dtype = first_dtype(row.dtype);
    if (!dtype) {
      out.use = skip(fmt::format("math dtype '{}' not recognised", row.dtype));
      return out;
    }
    const auto found = gpu.peak_flops.find(*dtype);
    if (found == gpu.peak_flops.end()) {
      out.use = skip(
          fmt::format("the catalog has no {} peak for {}", catalog::dtype_name(*dtype), gpu.id));
      return out;
    }
    sample.dtype = std::string(catalog::dtype_name(*dtype));
    // The rate the simulator multiplies the utilisation by: fp16 at the fp32-accumulate (bf16)
    // rate on chips whose fp16 figure is the fp16-accumulate one (GeForce), as PyTorch and our
    // own bench/cuda GEMMs accumulate in fp32.
    peak = perf::peak_flops(gpu, *dtype);
    size = family == "gemm" ? gemm_flop(row) : attention_flop(row);
  } else if (family == "memory") {
    peak = gpu.memory_bandwidth_bytes_per_s;
    size = memory_bytes(row);
  } else {
    peak = gpu.interconnect_bytes_per_s;
    size = allreduce_bytes(row);
  }
  if (!size) {
    out.use = skip("problem size not stated (a best-case or sweep-wide figure)");
    return out;
  }
  // A zero dimension (M=0, a 0-byte message) or an overflow gives no point on a log-size curve.
  if (!(size->value > 0) || !std::isfinite(size->value)) {
    out.use = skip(fmt::format("problem size '{}' is not a positive finite size",
                               row.shape_or_size));
    return out;
  }
  if (!(peak > 0)) {
    out.use = skip(fmt::format("the catalog has no reference figure for {} on {}", family, gpu.id));
    return out;
  }
  if (family == "gemm") {
    const auto shape = gemm_shape(row);
    if (shape && memory_bound(*shape, *first_dtype(row.dtype), peak,
                              gpu.memory_bandwidth_bytes_per_s)) {
      out.use = skip(fmt::format("memory-bound shape ({}): its operands take longer to move at "
                                 "the peak bandwidth than its math at the peak FLOP/s, so it "
                                 "measures the memory system, not the tensor cores",
                                 row.shape_or_size));
      return out;
    }
  }
  const double raw = row.achieved * scale / peak;
  sample.size = size->value;
  sample.utilisation = round_significant(std::min(raw, 1.0));
  sample.shape = row.shape_or_size;
  sample.source = sample_source(row, entry);
  sample.achieved = row.achieved_text + " " + row.unit;
  sample.row = fmt::format("{}:{}", std::filesystem::path(row.file).filename().string(), row.line);
  out.use.sample = std::move(sample);
  out.use.raw_utilisation = raw;
  out.size_rule = size->rule;
  return out;
}

}  // namespace tco::calibrate
