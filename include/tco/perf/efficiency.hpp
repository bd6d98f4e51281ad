#pragma once
// Kernel efficiencies measured by microbenchmarks (profiles/<gpu>.yaml): how close real kernels
// get to the datasheet speed of light, as a function of problem size. The roofline divides by
// these, so predictions follow measured kernels rather than datasheet peaks.
//
// utilisation = achieved rate / catalog peak (data/gpus.yaml), in (0, 1]: GEMM FLOP/s over the
// dense peak of its math dtype, attention FLOP/s over the 16-bit (fp8 for fp8 kernels) peak,
// streaming bandwidth over the memory bandwidth, nccl-tests bus bandwidth over the per-direction
// interconnect bandwidth. Measurements above the catalog figure are kept at 1, so a prediction
// is never faster than the pure roofline.
//
// Between curve points it is interpolated linearly in log(size); outside the measured range the
// boundary value is held; it is never above the best curve point (AIConfigurator's "hold
// boundary util" rule). Curve points are medians of the samples per half decade of size (see
// tco/calibrate/calibrate.hpp); the samples themselves are kept for traceability.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tco/catalog/types.hpp"
#include "tco/config/schema.hpp"

namespace tco::perf {

/// One microbenchmark measurement as stored in a profile.
struct KernelSample {
  std::string kernel;      ///< gemm | memory | attention | allreduce
  std::string dtype;       ///< math dtype for gemm/attention ("" otherwise)
  double size = 0;         ///< FLOP (gemm, attention) or bytes (memory, allreduce)
  double utilisation = 0;  ///< achieved / catalog peak, capped at 1
  std::string shape;       ///< as published, e.g. "m x n x k = 4096x4096x4096"
  std::string source;      ///< the publication
  std::string achieved;    ///< the published figure with its unit, e.g. "274.1 TFLOPS"
  std::string row;         ///< results file and line it came from, e.g. "microbench.csv:34"
};

/// Least-squares fit of the logistic in log(size) u(s) = u_max / (1 + (s_half / s)^exponent)
/// to a curve's samples (exponent 1: a kernel with a fixed overhead plus a rate term). Reported
/// for quality; predictions use the curve points.
struct CurveFit {
  double u_max = 0;     ///< utilisation approached by large problems
  double s_half = 0;    ///< size (FLOP or bytes) at which u_max / 2 is reached
  double exponent = 1;  ///< steepness of the rise, in [0.25, 4]
  double rms = 0;       ///< root-mean-square residual over the samples (utilisation units)
  double max_abs = 0;   ///< largest absolute residual
  int samples = 0;      ///< samples fitted
};

/// Utilisation as a function of size for one kernel family.
struct UtilisationCurve {
  std::vector<double> sizes;        ///< ascending
  std::vector<double> utilisation;  ///< same length, in (0, 1]
  std::optional<CurveFit> fit;      ///< absent with < 4 samples or under half a decade of sizes
  /// ln of each size and the best utilisation, set by prepare() (the profile loader calls it):
  /// at() then takes one log instead of two and no scan. Without them at() computes both.
  std::vector<double> log_sizes;
  double best = 0;

  [[nodiscard]] bool empty() const { return sizes.empty(); }
  /// Log-linear interpolation, boundary hold, capped at the best point. Requires !empty().
  [[nodiscard]] double at(double size) const;
  /// Fills log_sizes and best from sizes and utilisation (call again after changing them).
  void prepare();
};

/// The catalog figures the utilisations were computed against (data/gpus.yaml when the profile
/// was generated); absent figures are 0 / missing.
struct ReferencePeaks {
  std::map<catalog::Dtype, double> flops_per_s;
  double memory_bandwidth_bytes_per_s = 0;
  double interconnect_bytes_per_s = 0;
};

struct KernelProfile {
  std::string gpu_id;
  bool calibrated = false;  ///< false: the documented generic curve (reports say "uncalibrated")
  std::map<catalog::Dtype, UtilisationCurve> gemm;  ///< by math dtype
  UtilisationCurve memory;     ///< fraction of datasheet memory bandwidth, by bytes moved
  UtilisationCurve attention;  ///< fraction of the math dtype's peak, by FLOP
  UtilisationCurve allreduce;  ///< bus bandwidth / datasheet interconnect bandwidth, by bytes
  std::vector<KernelSample> samples;
  catalog::Provenance provenance;
  ReferencePeaks reference_peaks;
  std::string generated_by;  ///< "tco-plan calibrate"
  std::string notes;         ///< what was skipped or capped, and why
  /// Answers kernel families this profile has no curve for (load_profiles sets it to the generic
  /// profile for every other profile; null for the generic itself).
  std::shared_ptr<const KernelProfile> fallback;

  /// GEMM utilisation; a dtype without samples borrows the nearest measured dtype's curve
  /// (bf16 <-> fp16, fp8 -> bf16/fp16, int8 -> fp8/bf16/fp16, int4 -> int8/fp8/bf16/fp16,
  /// fp4 -> fp8/bf16/fp16, fp32 -> bf16/fp16), then the fallback profile's.
  [[nodiscard]] double gemm_utilisation(catalog::Dtype dtype, double flops) const;
  /// The curve gemm_utilisation(dtype, ...) reads (this profile's or the fallback's).
  [[nodiscard]] const UtilisationCurve& gemm_curve(catalog::Dtype dtype) const;
  [[nodiscard]] double memory_utilisation(double bytes) const;
  [[nodiscard]] double attention_utilisation(double flops) const;
  [[nodiscard]] double allreduce_utilisation(double bytes) const;

  /// The dtype whose own curve answers gemm_utilisation(dtype), or nullopt when the fallback
  /// profile answers it.
  [[nodiscard]] std::optional<catalog::Dtype> gemm_curve_dtype(catalog::Dtype dtype) const;
  /// True when `kernel` (gemm, memory, attention, allreduce) has a curve of this profile's own;
  /// for gemm, when any dtype has one. Reports mark the others "uncalibrated".
  [[nodiscard]] bool measured(std::string_view kernel) const;
};

/// The dtypes whose curves gemm_utilisation(dtype) tries, in order (first = dtype itself).
[[nodiscard]] const std::vector<catalog::Dtype>& gemm_dtype_fallbacks(catalog::Dtype dtype);

/// Schema of a profile file (profiles/<gpu>.yaml).
[[nodiscard]] config::SchemaPtr profile_schema();

/// Reads and validates one profile file; throws config::InputError with file:line:column errors.
[[nodiscard]] KernelProfile load_profile(const std::filesystem::path& path);

/// All profiles under `profiles_dir` by GPU id, plus the generic one under the id "generic"
/// (required). Each file must be named <gpu>.yaml. Every non-generic profile gets the generic one
/// as its fallback. Throws config::InputError listing every problem in every file.
[[nodiscard]] std::map<std::string, KernelProfile> load_profiles(
    const std::filesystem::path& profiles_dir);

/// Replaces, in `profiles` (from load_profiles), the profile of each file's GPU by that file's --
/// e.g. one measured on the user's own GPU with bench/cuda and `tco-plan calibrate` -- with the
/// generic profile as its fallback. A GPU without a shipped profile gains one. Throws
/// config::InputError for an invalid file, a generic profile, or two files for one GPU.
void use_profile_files(std::map<std::string, KernelProfile>& profiles,
                       const std::vector<std::filesystem::path>& files);

/// The profile for `gpu_id`, or the generic one (calibrated == false) when it has none.
[[nodiscard]] const KernelProfile& profile_for(const std::map<std::string, KernelProfile>& profiles,
                                               const std::string& gpu_id);

}  // namespace tco::perf
