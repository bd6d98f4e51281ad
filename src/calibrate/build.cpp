// Profiles from interpreted rows: per-GPU curves, the notes that explain them, and the generic
// profile derived from the calibrated NVIDIA ones.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "internal.hpp"
#include "tco/perf/simulator.hpp"

namespace tco::calibrate {

using catalog::Dtype;

namespace {

const std::vector<std::string>& family_order() {
  static const std::vector<std::string> order{"gemm", "memory", "attention", "allreduce"};
  return order;
}

std::size_t family_index(const std::string& kernel) {
  const auto& order = family_order();
  return static_cast<std::size_t>(std::find(order.begin(), order.end(), kernel) - order.begin());
}

int row_line(const perf::KernelSample& sample) {
  const auto colon = sample.row.rfind(':');
  return colon == std::string::npos ? 0 : std::stoi(sample.row.substr(colon + 1));
}

/// Appends `text` to `list` unless it is already there (keeps first-appearance order).
void add_unique(std::vector<std::string>& list, const std::string& text) {
  if (!text.empty() && std::find(list.begin(), list.end(), text) == list.end()) {
    list.push_back(text);
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

/// "microbench.csv rows 22, 23, 24"
std::string rows_text(const std::string& file, const std::vector<int>& lines) {
  std::vector<std::string> numbers;
  for (const int line : lines) numbers.push_back(std::to_string(line));
  return fmt::format("{} row{} {}", file, lines.size() == 1 ? "" : "s", join(numbers, ", "));
}

bool pooled_16_bit(const catalog::Gpu& gpu) {
  const auto bf16 = gpu.peak_flops.find(Dtype::kBf16);
  const auto fp16 = gpu.peak_flops.find(Dtype::kFp16);
  return bf16 != gpu.peak_flops.end() && fp16 != gpu.peak_flops.end() &&
         bf16->second == fp16->second;
}

std::vector<std::pair<double, double>> points_of(const std::vector<perf::KernelSample>& samples,
                                                 const std::string& kernel,
                                                 const std::set<std::string>& dtypes = {}) {
  std::vector<std::pair<double, double>> points;
  for (const auto& sample : samples) {
    if (sample.kernel != kernel) continue;
    if (!dtypes.empty() && dtypes.count(sample.dtype) == 0) continue;
    points.emplace_back(sample.size, sample.utilisation);
  }
  return points;
}

}  // namespace

perf::KernelProfile build_profile(const std::vector<MicrobenchRow>& rows, const std::string& gpu_id,
                                  const catalog::Catalog& catalog, const BuildOptions& options) {
  const catalog::Gpu* gpu = catalog.find_gpu(gpu_id);
  if (gpu == nullptr) throw std::invalid_argument(fmt::format("unknown GPU '{}'", gpu_id));

  perf::KernelProfile profile;
  profile.gpu_id = gpu_id;
  profile.calibrated = true;
  profile.generated_by = "tco-plan calibrate";

  std::string file;
  std::vector<std::string> skip_order;
  std::map<std::string, std::vector<int>> skipped;
  std::vector<std::string> capped;
  std::vector<std::string> size_rules;
  std::vector<std::string> attribution_order;  // notes, in first-appearance order
  std::map<std::string, std::vector<std::string>> attributed_names;
  int attributed = 0;
  for (const auto& row : rows) {
    if (row_gpu_id(row) != gpu_id) continue;
    ++attributed;
    file = std::filesystem::path(row.file).filename().string();
    DetailedUse detailed = interpret_row_detailed(row, *gpu);
    if (!detailed.use.sample) {
      add_unique(skip_order, detailed.use.skip_reason);
      skipped[detailed.use.skip_reason].push_back(row.line);
      continue;
    }
    if (detailed.use.raw_utilisation > 1) {
      capped.push_back(fmt::format("{} ({} = {:.3f} of the catalog figure)", row.line,
                                   detailed.use.sample->achieved, detailed.use.raw_utilisation));
    }
    add_unique(size_rules, detailed.size_rule);
    if (const GpuName* entry = row.gpu_id.empty() ? find_gpu_name(row.gpu) : nullptr;
        entry != nullptr && !entry->note.empty()) {
      add_unique(attribution_order, entry->note);
      add_unique(attributed_names[entry->note], "'" + entry->text + "'");
    }
    profile.samples.push_back(std::move(*detailed.use.sample));
  }
  std::stable_sort(profile.samples.begin(), profile.samples.end(),
                   [](const perf::KernelSample& a, const perf::KernelSample& b) {
                     const auto key = [](const perf::KernelSample& s) {
                       return std::make_tuple(family_index(s.kernel), s.dtype, s.size, row_line(s));
                     };
                     return key(a) < key(b);
                   });

  // Curves.
  const bool pooled = pooled_16_bit(*gpu);
  bool pooled_used = false;
  std::set<std::string> gemm_dtypes;
  for (const auto& sample : profile.samples) {
    if (sample.kernel == "gemm") gemm_dtypes.insert(sample.dtype);
  }
  for (const auto& name : gemm_dtypes) {
    std::set<std::string> dtypes{name};
    if (pooled && (name == "bf16" || name == "fp16")) {
      dtypes = {"bf16", "fp16"};
      pooled_used = pooled_used || gemm_dtypes.count(name == "bf16" ? "fp16" : "bf16") > 0;
    }
    profile.gemm[*catalog::dtype_from_name(name)] =
        curve_from_samples(points_of(profile.samples, "gemm", dtypes));
  }
  if (const auto points = points_of(profile.samples, "memory"); !points.empty()) {
    profile.memory = curve_from_samples(points, kSaturatedMemoryBytes);
  }
  if (const auto points = points_of(profile.samples, "attention"); !points.empty()) {
    profile.attention = curve_from_samples(points);
  }
  if (const auto points = points_of(profile.samples, "allreduce"); !points.empty()) {
    profile.allreduce = curve_from_samples(points);
  }

  // Reference peaks: the catalog figures the samples were divided by.
  std::vector<std::string> sources;
  for (const auto& sample : profile.samples) {
    if (!sample.dtype.empty()) {
      const Dtype dtype = *catalog::dtype_from_name(sample.dtype);
      profile.reference_peaks.flops_per_s[dtype] = perf::peak_flops(*gpu, dtype);
    }
    if (sample.kernel == "memory") {
      profile.reference_peaks.memory_bandwidth_bytes_per_s = gpu->memory_bandwidth_bytes_per_s;
    }
    if (sample.kernel == "allreduce") {
      profile.reference_peaks.interconnect_bytes_per_s = gpu->interconnect_bytes_per_s;
    }
  }
  for (const auto& row : rows) {
    if (row_gpu_id(row) != gpu_id) continue;
    const bool used =
        std::any_of(profile.samples.begin(), profile.samples.end(),
                    [&](const perf::KernelSample& sample) { return row_line(sample) == row.line; });
    if (used) add_unique(sources, row.source);
  }
  std::sort(sources.begin(), sources.end());
  profile.provenance.source = join(sources, "; ");
  profile.provenance.as_of = options.as_of.empty() ? gpu->provenance.as_of : options.as_of;
  profile.provenance.estimate = false;

  // Notes: how the numbers were made, and every row not used as it stands.
  std::vector<std::string> notes;
  notes.push_back(fmt::format(
      "utilisation = achieved / the catalog figure in reference_peaks (data/gpus.yaml), capped "
      "at 1; curve points are the median size and utilisation of the samples in each half "
      "decade of size. {} of the {} rows attributed to {} are used.",
      profile.samples.size(), attributed, gpu_id));
  if (pooled_used) {
    notes.push_back(
        "bf16 and fp16 GEMM samples are pooled into one curve (equal catalog peaks, "
        "same tensor-core datapath).");
  }
  if (!profile.memory.empty()) {
    notes.push_back(
        "Streaming-memory samples moving 512 MiB or more (past every catalog GPU's "
        "last-level cache) form one point at 512 MiB: their spread is the kernel mix, "
        "not size.");
  }
  if (!attribution_order.empty()) {
    std::vector<std::string> parts;
    for (const auto& note : attribution_order) {
      parts.push_back(fmt::format("{}: {}", join(attributed_names[note], ", "), note));
    }
    notes.push_back("GPU names: " + join(parts, "; ") + ".");
  }
  if (!size_rules.empty()) notes.push_back("Sizes: " + join(size_rules, "; ") + ".");
  if (!capped.empty()) {
    notes.push_back(fmt::format("Capped at 1 (measured above the catalog figure): {} row{} {}.",
                                file, capped.size() == 1 ? "" : "s", join(capped, ", ")));
  }
  if (!skip_order.empty()) {
    std::vector<std::string> parts;
    for (const auto& reason : skip_order) {
      parts.push_back(fmt::format("{} ({})", reason, rows_text(file, skipped[reason])));
    }
    notes.push_back("Skipped: " + join(parts, "; ") + ".");
  }
  profile.notes = join(notes, " ");
  return profile;
}

std::vector<std::string> calibratable_gpus(const std::vector<MicrobenchRow>& rows,
                                           const catalog::Catalog& catalog) {
  std::set<std::string> ids;
  for (const auto& row : rows) {
    const std::string id = row_gpu_id(row);
    if (ids.count(id) != 0) continue;
    const catalog::Gpu* gpu = catalog.find_gpu(id);
    if (gpu != nullptr && interpret_row(row, *gpu).sample) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

namespace {

struct Vote {
  std::string gpu_id;
  const perf::UtilisationCurve* curve = nullptr;
};

/// One point per half decade some voter's measured range reaches: at the half decade's centre,
/// the median of those voters' curve values there. Fit over all the voters' curve points.
perf::UtilisationCurve median_curve(const std::vector<Vote>& votes) {
  int first = std::numeric_limits<int>::max();
  int last = std::numeric_limits<int>::min();
  std::vector<double> sizes;
  std::vector<double> utilisation;
  for (const auto& vote : votes) {
    first = std::min(first, size_bin(vote.curve->sizes.front()));
    last = std::max(last, size_bin(vote.curve->sizes.back()));
    sizes.insert(sizes.end(), vote.curve->sizes.begin(), vote.curve->sizes.end());
    utilisation.insert(utilisation.end(), vote.curve->utilisation.begin(),
                       vote.curve->utilisation.end());
  }
  perf::UtilisationCurve curve;
  for (int bin = first; bin <= last; ++bin) {
    const double centre = round_significant(std::pow(10.0, (bin + 0.5) / 2));
    std::vector<double> values;
    for (const auto& vote : votes) {
      if (size_bin(vote.curve->sizes.front()) <= bin && bin <= size_bin(vote.curve->sizes.back())) {
        values.push_back(vote.curve->at(centre));
      }
    }
    if (values.empty()) continue;
    curve.sizes.push_back(centre);
    curve.utilisation.push_back(round_significant(median(values)));
  }
  curve.fit = fit_saturating(sizes, utilisation);
  return curve;
}

std::string voters(const std::vector<Vote>& votes) {
  std::vector<std::string> ids;
  for (const auto& vote : votes) ids.push_back(vote.gpu_id);
  return join(ids, ", ");
}

}  // namespace

perf::KernelProfile build_generic_profile(const std::vector<perf::KernelProfile>& calibrated,
                                          const catalog::Catalog& catalog) {
  std::vector<const perf::KernelProfile*> nvidia;
  for (const auto& profile : calibrated) {
    const catalog::Gpu* gpu = catalog.find_gpu(profile.gpu_id);
    if (gpu != nullptr && gpu->vendor == "NVIDIA" && profile.calibrated) nvidia.push_back(&profile);
  }
  std::sort(nvidia.begin(), nvidia.end(),
            [](const auto* a, const auto* b) { return a->gpu_id < b->gpu_id; });

  std::vector<Vote> sixteen_bit;
  std::vector<Vote> fp8;
  std::vector<Vote> fp32;
  std::vector<Vote> memory;
  std::vector<Vote> attention;
  std::vector<Vote> allreduce;
  std::string as_of;
  std::vector<std::string> ids;
  for (const auto* profile : nvidia) {
    const auto curve = [&](Dtype dtype) -> const perf::UtilisationCurve* {
      const auto found = profile->gemm.find(dtype);
      return found == profile->gemm.end() || found->second.empty() ? nullptr : &found->second;
    };
    if (const auto* bf16 = curve(Dtype::kBf16)) {
      sixteen_bit.push_back({profile->gpu_id, bf16});
    } else if (const auto* fp16 = curve(Dtype::kFp16)) {
      sixteen_bit.push_back({profile->gpu_id, fp16});
    }
    if (const auto* found = curve(Dtype::kFp8)) fp8.push_back({profile->gpu_id, found});
    if (const auto* found = curve(Dtype::kFp32)) fp32.push_back({profile->gpu_id, found});
    if (!profile->memory.empty()) memory.push_back({profile->gpu_id, &profile->memory});
    if (!profile->attention.empty()) attention.push_back({profile->gpu_id, &profile->attention});
    if (!profile->allreduce.empty()) allreduce.push_back({profile->gpu_id, &profile->allreduce});
    as_of = std::max(as_of, profile->provenance.as_of);
    ids.push_back(profile->gpu_id);
  }

  perf::KernelProfile generic;
  generic.gpu_id = "generic";
  generic.calibrated = false;
  generic.generated_by = "tco-plan calibrate";
  std::vector<std::string> voter_notes;
  if (!sixteen_bit.empty()) {
    const auto curve = median_curve(sixteen_bit);
    generic.gemm[Dtype::kBf16] = curve;
    generic.gemm[Dtype::kFp16] = curve;
    voter_notes.push_back("gemm bf16 = fp16: " + voters(sixteen_bit));
  }
  if (!fp8.empty()) {
    generic.gemm[Dtype::kFp8] = median_curve(fp8);
    voter_notes.push_back("gemm fp8: " + voters(fp8));
  }
  if (!fp32.empty()) {
    generic.gemm[Dtype::kFp32] = median_curve(fp32);
    voter_notes.push_back("gemm fp32: " + voters(fp32));
  }
  if (!memory.empty()) {
    generic.memory = median_curve(memory);
    voter_notes.push_back("memory: " + voters(memory));
  }
  if (!attention.empty()) {
    generic.attention = median_curve(attention);
    voter_notes.push_back("attention: " + voters(attention));
  }
  if (!allreduce.empty()) {
    generic.allreduce = median_curve(allreduce);
    voter_notes.push_back("allreduce: " + voters(allreduce));
  }
  generic.provenance.source = fmt::format(
      "Derived from the calibrated NVIDIA profiles generated alongside it: {}", join(ids, ", "));
  generic.provenance.as_of = as_of;
  generic.provenance.estimate = true;
  generic.provenance.estimate_reason =
      "Not measured on the GPU it is applied to: medians of other GPUs' measured curves. "
      "Predictions that use it are reported as uncalibrated.";
  generic.notes = fmt::format(
      "Used for GPUs without a profile and for kernel families a GPU's profile lacks. For each "
      "kernel family (GEMM by math dtype, bf16 and fp16 pooled as one 16-bit curve: a GPU votes "
      "with its bf16 curve, else its fp16 one) and each half decade of size [10^(k/2), "
      "10^((k+1)/2)) that some calibrated NVIDIA profile's curve reaches (from the half decade of "
      "its first point to that of its last), the curve point sits at the half decade's centre "
      "10^((k+0.5)/2) and its utilisation is the median of those profiles' curve values there "
      "(each interpolated log-linearly between its own points). Profiles whose measured range "
      "does not reach a half decade do not vote in it; outside the covered range the end values "
      "are held; non-NVIDIA profiles do not vote. fit: the same least-squares model over all the "
      "voters' curve points. Voters: {}.",
      join(voter_notes, "; "));
  return generic;
}

std::string fit_summary(const perf::KernelProfile& profile) {
  std::string out = fmt::format("{}: {} samples{}\n", profile.gpu_id, profile.samples.size(),
                                profile.calibrated ? "" : " (generic, derived)");
  const auto line = [&](const std::string& name, const perf::UtilisationCurve& curve,
                        std::size_t samples) {
    if (curve.empty()) return;
    const std::string fit =
        curve.fit ? fmt::format("fit rms {:.3f} max {:.3f} (u_max {}, s_half {:.3g}, exponent {})",
                                curve.fit->rms, curve.fit->max_abs, curve.fit->u_max,
                                curve.fit->s_half, curve.fit->exponent)
                  : std::string("fit n/a (< 4 samples or under half a decade of sizes)");
    out += fmt::format("  {:<12} samples {:>3}  points {:>2}  {}\n", name, samples,
                       curve.sizes.size(), fit);
  };
  const auto count = [&](const std::string& kernel, const std::string& dtype = {}) {
    return static_cast<std::size_t>(std::count_if(
        profile.samples.begin(), profile.samples.end(), [&](const perf::KernelSample& sample) {
          return sample.kernel == kernel && (dtype.empty() || sample.dtype == dtype);
        }));
  };
  const auto bf16 = profile.gemm.find(Dtype::kBf16);
  const auto fp16 = profile.gemm.find(Dtype::kFp16);
  const bool pooled = bf16 != profile.gemm.end() && fp16 != profile.gemm.end() &&
                      bf16->second.sizes == fp16->second.sizes &&
                      bf16->second.utilisation == fp16->second.utilisation;
  for (const auto& [dtype, curve] : profile.gemm) {
    const std::string name(catalog::dtype_name(dtype));
    const bool sixteen_bit = dtype == Dtype::kBf16 || dtype == Dtype::kFp16;
    line("gemm " + name, curve,
         pooled && sixteen_bit ? count("gemm", "bf16") + count("gemm", "fp16")
                               : count("gemm", name));
  }
  line("memory", profile.memory, count("memory"));
  line("attention", profile.attention, count("attention"));
  line("allreduce", profile.allreduce, count("allreduce"));
  return out;
}

}  // namespace tco::calibrate
