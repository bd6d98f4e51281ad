#pragma once
// Calibration: microbenchmark results (published ones, or ours from bench/) -> kernel-efficiency
// profiles (profiles/<gpu>.yaml, read by tco/perf/efficiency.hpp).
//
// 1. read_microbench_csv reads a results file in the schema of ../shared/data/microbench.csv;
//    malformed files and rows fail with "file:line: error: ...".
// 2. Each row is attributed to a catalog GPU (the gpu_id column, else the explicit name table
//    gpu_name_table()) and interpreted (interpret_row): kernel family, math dtype, size of the
//    problem, utilisation = achieved / catalog peak. Rows that cannot be placed on a size axis or
//    that their source flags as doubtful are skipped with a reason, which the profile's notes
//    list.
// 3. build_profile turns one GPU's samples into curves: per kernel family (GEMM per math dtype,
//    bf16 and fp16 pooled where the catalog gives them the same peak), the samples are grouped
//    by half decade of size ([10^(k/2), 10^((k+1)/2)) FLOP or bytes) and each group becomes one
//    curve point: (median size, median utilisation). Predictions interpolate these points; the
//    median keeps shapes of similar size but different aspect ratio from producing a zigzag.
//    Streaming-memory samples that move at least kSaturatedMemoryBytes are one regime (far past
//    every catalog GPU's last-level cache) and form a single point at that size, so the mix of
//    stream kernels (read-only vs triad) is not mistaken for a size effect.
// 4. fit_saturating fits the logistic in log(size) u(s) = u_max / (1 + (s_half / s)^exponent)
//    (exponent 1 is a kernel with a fixed overhead plus a rate term) by separable least squares:
//    u_max by linear least squares (Eigen QR) for each (s_half, exponent), those two by a grid
//    search refined twice. u_max, s_half, exponent and the RMS / max residual are stored with
//    each curve. The fit is a quality report only -- how far the samples scatter around a smooth
//    saturating trend -- and never drives predictions. It needs at least 4 samples spanning half a
//    decade of size (fewer cannot identify three parameters); a curve with a single point is held
//    constant, as every curve is outside its measured range.
// 5. build_generic_profile derives the curves used for GPUs (or kernel families) without data.
// 6. write_profile_yaml renders a profile as deterministic text, so the shipped profiles are
//    reproducible byte for byte from the results file (`tco-plan calibrate ... --all`).
//
// Pure functions except read_microbench_csv (reads the file).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tco/catalog/catalog.hpp"
#include "tco/perf/efficiency.hpp"

namespace tco::calibrate {

/// One row of a microbenchmark results CSV. Columns: source, source_detail, gpu, kernel, dtype,
/// shape_or_size, achieved, unit, spec_peak, notes (all required in the header), plus the
/// optional gpu_id, driver, clocks written by our own suite (bench/).
struct MicrobenchRow {
  std::string file;  ///< path as given to the reader
  int line = 0;      ///< 1-based line where the record starts
  std::string source;
  std::string source_detail;
  std::string gpu;            ///< free text, e.g. "H100 SXM 80GB (Azure ND H100 v5)"
  std::string kernel;         ///< free text, e.g. "GEMM cuBLASLt (...)", or gemm|memory|...
  std::string dtype;          ///< free text, e.g. "FP8 e4m3"
  std::string shape_or_size;  ///< free text, e.g. "m x n x k = 1024x1024x1024", "flop=2.1e9"
  double achieved = 0;        ///< in `unit`
  std::string achieved_text;  ///< as written
  std::string unit;           ///< TFLOPS, GFLOP/s, TB/s, GB/s, "GB/s busbw", ...
  std::string spec_peak;      ///< as published; not used (utilisation uses the catalog peak)
  std::string notes;
  std::string gpu_id;  ///< optional: catalog id, overrides the name table
  std::string driver;  ///< optional
  std::string clocks;  ///< optional
};

/// Parses results CSV text (RFC 4180, via libcsv). Collects every problem -- malformed CSV, a
/// missing or unknown column, a row with the wrong number of fields, an empty required field,
/// an achieved value that is not a positive number -- and throws config::InputError with one
/// "file:line: error: message" line each.
[[nodiscard]] std::vector<MicrobenchRow> parse_microbench_csv(std::string_view text,
                                                              const std::string& file);
/// Reads and parses a results file.
[[nodiscard]] std::vector<MicrobenchRow> read_microbench_csv(const std::filesystem::path& path);

/// How rows naming a GPU may be used.
enum class GpuNameUse {
  kAll,          ///< every kernel family, for gpu_id
  kGemmProxy,    ///< GEMM rows only, for gpu_id (same compute, different interconnect)
  kAmbiguous,    ///< not used: the name fits several catalog GPUs (gpu_id = the closest one)
  kNotInCatalog  ///< not used: no catalog entry (gpu_id empty)
};

/// One entry of the explicit table mapping the free-text `gpu` column to catalog ids.
struct GpuName {
  std::string text;    ///< exact column text, after dropping a leading "8x " / "2x " count
  std::string gpu_id;  ///< catalog id
  GpuNameUse use = GpuNameUse::kAll;
  std::string note;  ///< why, where the mapping is not obvious
};

[[nodiscard]] const std::vector<GpuName>& gpu_name_table();
/// The table entry for a `gpu` column text (case-sensitive, count prefix dropped), or nullptr.
[[nodiscard]] const GpuName* find_gpu_name(std::string_view text);
/// The catalog GPU a row is attributed to: its gpu_id column, else the name table's id (also
/// for ambiguous names, so their rows appear in that profile's skip list); "" when none.
[[nodiscard]] std::string row_gpu_id(const MicrobenchRow& row);

/// What one row contributes to one GPU's profile.
struct RowUse {
  std::optional<perf::KernelSample> sample;  ///< set when used
  std::string skip_reason;                   ///< set when not used
  double raw_utilisation = 0;                ///< achieved / peak before the cap at 1
};

/// Interprets a row attributed to `gpu`: the rules (kernel family, dtype, size, skips) are
/// written down in src/calibrate/interpret.cpp and repeated in the profile notes.
[[nodiscard]] RowUse interpret_row(const MicrobenchRow& row, const catalog::Gpu& gpu);

/// Rounds to `digits` significant decimal digits (what profiles store).
[[nodiscard]] double round_significant(double value, int digits = 4);

/// Memory samples moving this many bytes or more (512 MiB, twice the largest last-level cache
/// in the catalog: MI300X's and MI355X's 256 MB Infinity Cache) measure the saturated HBM/GDDR
/// bandwidth and are pooled into one curve point at this size.
inline constexpr double kSaturatedMemoryBytes = 512.0 * 1024 * 1024;

/// Curve from (size, utilisation) samples: half-decade bins, (median size, median utilisation)
/// per bin, utilisation rounded to 4 significant digits, plus the fit where identifiable. With
/// `saturated_from` > 0, samples at or above it form one point at exactly that size.
[[nodiscard]] perf::UtilisationCurve curve_from_samples(
    const std::vector<std::pair<double, double>>& samples, double saturated_from = 0);

/// Least-squares fit of u(s) = u_max / (1 + (s_half / s)^exponent); nullopt with fewer than 4
/// samples or when they span less than half a decade. Values rounded to 3-4 significant digits.
[[nodiscard]] std::optional<perf::CurveFit> fit_saturating(const std::vector<double>& sizes,
                                                           const std::vector<double>& utilisation);

struct BuildOptions {
  std::string as_of;  ///< profile as_of; empty = the catalog GPU entry's as_of
};

/// The profile of `gpu_id` from the rows attributed to it (calibrated = true). Its notes list
/// every row attributed to the GPU that was skipped or capped, with the reason. A profile with
/// no samples means no row was usable. Throws std::invalid_argument for an unknown gpu_id.
[[nodiscard]] perf::KernelProfile build_profile(const std::vector<MicrobenchRow>& rows,
                                                const std::string& gpu_id,
                                                const catalog::Catalog& catalog,
                                                const BuildOptions& options = {});

/// Catalog GPUs with at least one usable row, sorted by id.
[[nodiscard]] std::vector<std::string> calibratable_gpus(const std::vector<MicrobenchRow>& rows,
                                                         const catalog::Catalog& catalog);

/// The generic profile (gpu "generic", estimate: true, calibrated = false): for each kernel
/// family (GEMM by dtype, bf16 and fp16 pooled) and each half decade of size that some calibrated
/// NVIDIA profile's curve reaches, one point at the half decade's centre (10^((k + 0.5) / 2),
/// 4 significant digits) whose utilisation is the median of those curves' values there (their
/// own interpolation and boundary hold). Curves whose measured range does not reach a half
/// decade do not vote in it; non-NVIDIA profiles do not vote.
[[nodiscard]] perf::KernelProfile build_generic_profile(
    const std::vector<perf::KernelProfile>& calibrated, const catalog::Catalog& catalog);

/// Deterministic YAML text of a profile (the format perf::load_profile reads).
[[nodiscard]] std::string write_profile_yaml(const perf::KernelProfile& profile);

/// Per curve: samples, curve points and fit residual, one line each, for stderr.
[[nodiscard]] std::string fit_summary(const perf::KernelProfile& profile);

}  // namespace tco::calibrate
