#pragma once
// Kernel efficiencies measured by microbenchmarks (profiles/<gpu>.yaml): how close real kernels
// get to the datasheet speed of light, as a function of problem size. The roofline divides by
// these, so predictions follow measured kernels rather than datasheet peaks.
//
// utilisation = speed-of-light time / measured time, in (0, 1]. Between samples it is
// interpolated linearly in log(size); outside the measured range the boundary value is held;
// it is never above the best measured sample (AIConfigurator's "hold boundary util" rule).

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tco/catalog/types.hpp"

namespace tco::perf {

/// One microbenchmark measurement as stored in a profile.
struct KernelSample {
  std::string kernel;        ///< gemm | memory | attention | allreduce
  std::string dtype;         ///< math dtype for gemm/attention ("" otherwise)
  double size = 0;           ///< FLOP (gemm, attention) or bytes (memory, allreduce)
  double utilisation = 0;    ///< achieved / speed of light
  std::string shape;         ///< as published, e.g. "m x n x k = 4096x4096x4096"
  std::string source;        ///< the publication
};

/// Utilisation as a function of size for one kernel family.
struct UtilisationCurve {
  std::vector<double> sizes;        ///< ascending
  std::vector<double> utilisation;  ///< same length, in (0, 1]

  [[nodiscard]] bool empty() const { return sizes.empty(); }
  /// Log-linear interpolation, boundary hold, capped at the best sample. Requires !empty().
  [[nodiscard]] double at(double size) const;
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

  /// GEMM utilisation; a dtype without samples borrows the nearest measured dtype's curve
  /// (bf16 <-> fp16, fp8 -> bf16, int8 -> fp8/bf16), then the generic curve.
  [[nodiscard]] double gemm_utilisation(catalog::Dtype dtype, double flops) const;
  [[nodiscard]] double memory_utilisation(double bytes) const;
  [[nodiscard]] double attention_utilisation(double flops) const;
  [[nodiscard]] double allreduce_utilisation(double bytes) const;
};

/// All profiles under `profiles_dir` by GPU id, plus the generic one under the id "generic".
[[nodiscard]] std::map<std::string, KernelProfile> load_profiles(
    const std::filesystem::path& profiles_dir);

/// The profile for `gpu_id`, or the generic one (calibrated == false) when it has none.
[[nodiscard]] const KernelProfile& profile_for(
    const std::map<std::string, KernelProfile>& profiles, const std::string& gpu_id);

}  // namespace tco::perf
