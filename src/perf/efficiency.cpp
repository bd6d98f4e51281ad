#include "tco/config/yaml_file.hpp"
#include "tco/perf/efficiency.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "tco/catalog/catalog.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/config/reader.hpp"

namespace tco::perf {

using catalog::Dtype;
using config::Field;
using config::NodeReader;
using config::SchemaPtr;

void UtilisationCurve::prepare() {
  log_sizes.clear();
  for (const double size : sizes) log_sizes.push_back(std::log(size));
  best = utilisation.empty() ? 0.0 : *std::max_element(utilisation.begin(), utilisation.end());
}

double UtilisationCurve::at(double size) const {
  if (sizes.empty() || sizes.size() != utilisation.size()) {
    throw std::logic_error("UtilisationCurve::at on an empty or malformed curve");
  }
  const bool prepared = log_sizes.size() == sizes.size();
  const double cap =
      prepared ? best : *std::max_element(utilisation.begin(), utilisation.end());
  // Hold the boundary values outside the measured range (and for non-positive or NaN sizes).
  if (!(size > sizes.front())) return std::min(utilisation.front(), cap);
  if (size >= sizes.back()) return std::min(utilisation.back(), cap);
  const auto upper = std::upper_bound(sizes.begin(), sizes.end(), size);
  const auto i = static_cast<std::size_t>(upper - sizes.begin()) - 1;
  const double t =
      prepared ? (std::log(size) - log_sizes[i]) / (log_sizes[i + 1] - log_sizes[i])
               : std::log(size / sizes[i]) / std::log(sizes[i + 1] / sizes[i]);
  const double value = utilisation[i] + t * (utilisation[i + 1] - utilisation[i]);
  return std::min(value, cap);
}

const std::vector<Dtype>& gemm_dtype_fallbacks(Dtype dtype) {
  static const std::map<Dtype, std::vector<Dtype>> chains{
      {Dtype::kBf16, {Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kFp16, {Dtype::kFp16, Dtype::kBf16}},
      {Dtype::kFp8, {Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kInt8, {Dtype::kInt8, Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kQ8_0, {Dtype::kQ8_0, Dtype::kInt8, Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kInt4, {Dtype::kInt4, Dtype::kInt8, Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kQ4_0,
       {Dtype::kQ4_0, Dtype::kInt4, Dtype::kInt8, Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kQ4KM,
       {Dtype::kQ4KM, Dtype::kInt4, Dtype::kInt8, Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kFp4, {Dtype::kFp4, Dtype::kMxfp4, Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kMxfp4, {Dtype::kMxfp4, Dtype::kFp4, Dtype::kFp8, Dtype::kBf16, Dtype::kFp16}},
      {Dtype::kFp32, {Dtype::kFp32, Dtype::kBf16, Dtype::kFp16}},
  };
  return chains.at(dtype);
}

std::optional<Dtype> KernelProfile::gemm_curve_dtype(Dtype dtype) const {
  for (const Dtype candidate : gemm_dtype_fallbacks(dtype)) {
    const auto found = gemm.find(candidate);
    if (found != gemm.end() && !found->second.empty()) return candidate;
  }
  return std::nullopt;
}

namespace {

[[noreturn]] void no_curve(const KernelProfile& profile, std::string_view kernel) {
  throw std::logic_error(
      fmt::format("profile '{}' has no {} curve and no fallback profile", profile.gpu_id, kernel));
}

}  // namespace

const UtilisationCurve& KernelProfile::gemm_curve(Dtype dtype) const {
  for (const Dtype candidate : gemm_dtype_fallbacks(dtype)) {
    const auto found = gemm.find(candidate);
    if (found != gemm.end() && !found->second.empty()) return found->second;
  }
  if (fallback) return fallback->gemm_curve(dtype);
  no_curve(*this, fmt::format("gemm {}", catalog::dtype_name(dtype)));
}

double KernelProfile::gemm_utilisation(Dtype dtype, double flops) const {
  return gemm_curve(dtype).at(flops);
}

double KernelProfile::memory_utilisation(double bytes) const {
  if (!memory.empty()) return memory.at(bytes);
  if (fallback) return fallback->memory_utilisation(bytes);
  no_curve(*this, "memory");
}

double KernelProfile::attention_utilisation(double flops) const {
  if (!attention.empty()) return attention.at(flops);
  if (fallback) return fallback->attention_utilisation(flops);
  no_curve(*this, "attention");
}

double KernelProfile::allreduce_utilisation(double bytes) const {
  if (!allreduce.empty()) return allreduce.at(bytes);
  if (fallback) return fallback->allreduce_utilisation(bytes);
  no_curve(*this, "allreduce");
}

bool KernelProfile::measured(std::string_view kernel) const {
  if (kernel == "gemm") {
    return std::any_of(gemm.begin(), gemm.end(),
                       [](const auto& entry) { return !entry.second.empty(); });
  }
  if (kernel == "memory") return !memory.empty();
  if (kernel == "attention") return !attention.empty();
  if (kernel == "allreduce") return !allreduce.empty();
  throw std::invalid_argument(fmt::format("unknown kernel family '{}'", kernel));
}

// ---------------------------------------------------------------------------------------------
// Profile files

namespace {

SchemaPtr utilisation_value() {
  return config::positive(
      config::number_value("Achieved rate / catalog peak, in (0, 1].", std::nullopt, 1.0));
}

SchemaPtr curve_schema(const std::string& size_key, const std::string& size_unit) {
  const SchemaPtr fit = config::object_value(
      {{"u_max", config::number_value("Fitted large-problem utilisation."), true},
       {"s_half",
        config::positive(config::number_value(
            fmt::format("Fitted size ({}) reaching half of u_max.", size_unit))),
        true},
       {"exponent", config::number_value("Fitted steepness of the rise.", 0.25, 4.0), true},
       {"rms", config::number_value("RMS residual over the samples.", 0.0), true},
       {"max_abs", config::number_value("Largest absolute residual.", 0.0), true},
       {"samples", config::integer_value("Samples fitted.", 1), true}},
      "Least-squares fit of u(s) = u_max / (1 + (s_half / s)^exponent); reported, not used for "
      "predictions.");
  return config::object_value(
      {{size_key,
        config::list_of(config::positive(config::number_value(
                            fmt::format("Size in {} (bin median).", size_unit))),
                        fmt::format("Ascending sizes in {}.", size_unit)),
        true},
       {"utilisation", config::list_of(utilisation_value(), "Utilisation at each size."), true},
       {"fit", fit}},
      "Utilisation curve: medians of the samples per half decade of size.");
}

const std::vector<std::string>& kernel_names() {
  static const std::vector<std::string> names{"gemm", "memory", "attention", "allreduce"};
  return names;
}

bool sized_in_flop(std::string_view kernel) { return kernel == "gemm" || kernel == "attention"; }

}  // namespace

SchemaPtr profile_schema() {
  static const SchemaPtr schema = [] {
    using units::Dimension;
    std::vector<Field> gemm_fields;
    std::vector<Field> peak_fields;
    for (const auto& name : catalog::dtype_names()) {
      gemm_fields.push_back({name, curve_schema("flop", "FLOP")});
      peak_fields.push_back(
          {name, config::positive(config::quantity_value(
                     Dimension::kFlopsPerSecond, fmt::format("Catalog dense {} peak.", name)))});
    }
    const SchemaPtr sample = config::object_value(
        {{"kernel", config::enum_value(kernel_names(), "Kernel family."), true},
         {"dtype", config::enum_value(catalog::dtype_names(), "Math dtype (gemm, attention).")},
         {"flop", config::positive(config::number_value("FLOP per kernel (gemm, attention)."))},
         {"bytes", config::positive(config::number_value("Bytes per kernel (memory, allreduce)."))},
         {"utilisation", utilisation_value(), true},
         {"achieved", config::string_value("The published figure with its unit.")},
         {"shape", config::string_value("Problem shape as published.")},
         {"source", config::string_value("The publication."), true},
         {"row", config::string_value("Results file and line the sample came from.")}},
        "One microbenchmark measurement.");
    return config::object_value(
        {{"version", config::integer_value("Profile format version.", 1, 1), true},
         {"gpu", config::string_value("Catalog GPU id, or 'generic'."), true},
         {"generated_by", config::string_value("Tool that wrote the file.")},
         {"source", config::string_value("The publications the samples come from."), true},
         {"as_of", config::string_value("ISO date the figures were valid or read."), true},
         {"estimate",
          config::boolean_value("True for derived curves (the generic profile): reports say "
                                "'uncalibrated'.")},
         {"estimate_reason", config::string_value("How the estimated curves were derived.")},
         {"notes", config::string_value("What was skipped or capped, and why.")},
         {"reference_peaks",
          config::object_value(
              {{"memory_bandwidth", config::positive(config::quantity_value(
                                        Dimension::kBytesPerSecond, "Catalog memory bandwidth."))},
               {"interconnect_bandwidth",
                config::positive(config::quantity_value(
                    Dimension::kBytesPerSecond, "Catalog interconnect bandwidth per direction."))},
               {"flops", config::object_value(peak_fields, "Catalog dense peaks per dtype.")}},
              "Catalog figures the utilisations were computed against.")},
         {"curves",
          config::object_value(
              {{"gemm", config::object_value(gemm_fields, "GEMM curves by math dtype.")},
               {"memory", curve_schema("bytes", "bytes")},
               {"attention", curve_schema("flop", "FLOP")},
               {"allreduce", curve_schema("bytes", "bytes")}},
              "Utilisation curves by kernel family."),
          true},
         {"samples", config::list_of(sample, "The measurements behind the curves."), true}},
        "Kernel-efficiency profile of one GPU.");
  }();
  return schema;
}

namespace {

std::vector<double> read_numbers(const NodeReader& list) {
  std::vector<double> out;
  for (std::size_t i = 0; i < list.size(); ++i) out.push_back(list.node()[i].as<double>());
  return out;
}

/// Reads one curve and checks what the schema cannot: equal lengths, ascending sizes.
UtilisationCurve read_curve(const NodeReader& reader, const std::string& size_key,
                            config::Diagnostics& diagnostics) {
  UtilisationCurve curve;
  const NodeReader sizes = reader.child(size_key);
  const NodeReader utilisation = reader.child("utilisation");
  curve.sizes = read_numbers(sizes);
  curve.utilisation = read_numbers(utilisation);
  bool ok = true;
  if (curve.sizes.empty()) {
    diagnostics.error(reader.location(size_key), sizes.path(), "a curve needs at least one point");
    ok = false;
  }
  if (curve.sizes.size() != curve.utilisation.size()) {
    diagnostics.error(
        reader.location("utilisation"), utilisation.path(),
        fmt::format("{} values for {} sizes", curve.utilisation.size(), curve.sizes.size()));
    ok = false;
  }
  for (std::size_t i = 1; i < curve.sizes.size(); ++i) {
    if (curve.sizes[i] <= curve.sizes[i - 1]) {
      diagnostics.error(config::location_of(reader.file(), sizes.node()[i].Mark()),
                        fmt::format("{}[{}]", sizes.path(), i),
                        fmt::format("sizes must be ascending ({} follows {})",
                                    sizes.node()[i].Scalar(), sizes.node()[i - 1].Scalar()));
      ok = false;
    }
  }
  if (reader.has("fit")) {
    const NodeReader fit = reader.child("fit");
    curve.fit = CurveFit{fit.number("u_max"),    fit.number("s_half"),
                         fit.number("exponent"), fit.number("rms"),
                         fit.number("max_abs"),  static_cast<int>(fit.integer("samples"))};
  }
  if (!ok) return {};
  curve.prepare();
  return curve;
}

KernelSample read_sample(const NodeReader& reader, config::Diagnostics& diagnostics) {
  KernelSample sample;
  sample.kernel = reader.string("kernel");
  sample.dtype = reader.string("dtype");
  sample.utilisation = reader.number("utilisation");
  sample.achieved = reader.string("achieved");
  sample.shape = reader.string("shape");
  sample.source = reader.string("source");
  sample.row = reader.string("row");
  const std::string size_key = sized_in_flop(sample.kernel) ? "flop" : "bytes";
  const std::string other_key = size_key == "flop" ? "bytes" : "flop";
  if (reader.has(other_key)) {
    diagnostics.error(
        reader.location(other_key), reader.path_of(other_key),
        fmt::format("a {} sample is sized in '{}', not '{}'", sample.kernel, size_key, other_key));
  } else if (!reader.has(size_key)) {
    diagnostics.error(reader.location(), reader.path_of(size_key),
                      fmt::format("missing required key (a {} sample is sized in {})",
                                  sample.kernel, size_key == "flop" ? "FLOP" : "bytes"));
  } else {
    sample.size = reader.number(size_key);
  }
  if (sample.kernel == "gemm" && sample.dtype.empty()) {
    diagnostics.error(reader.location(), reader.path_of("dtype"),
                      "missing required key (gemm samples name their math dtype)");
  }
  return sample;
}

void read_profile(const NodeReader& root, KernelProfile& profile,
                  config::Diagnostics& diagnostics) {
  profile.gpu_id = root.string("gpu");
  profile.generated_by = root.string("generated_by");
  profile.notes = root.string("notes");
  catalog::read_provenance(root, profile.provenance);
  profile.calibrated = !profile.provenance.estimate;
  if (root.has("reference_peaks")) {
    const NodeReader peaks = root.child("reference_peaks");
    if (peaks.has("memory_bandwidth")) {
      profile.reference_peaks.memory_bandwidth_bytes_per_s = peaks.quantity("memory_bandwidth");
    }
    if (peaks.has("interconnect_bandwidth")) {
      profile.reference_peaks.interconnect_bytes_per_s = peaks.quantity("interconnect_bandwidth");
    }
    if (peaks.has("flops")) {
      const NodeReader flops = peaks.child("flops");
      for (const auto& name : catalog::dtype_names()) {
        if (flops.has(name)) {
          profile.reference_peaks.flops_per_s[*catalog::dtype_from_name(name)] =
              flops.quantity(name);
        }
      }
    }
  }
  const NodeReader curves = root.child("curves");
  if (curves.has("gemm")) {
    const NodeReader gemm = curves.child("gemm");
    for (const auto& name : catalog::dtype_names()) {
      if (!gemm.has(name)) continue;
      auto curve = read_curve(gemm.child(name), "flop", diagnostics);
      if (!curve.empty()) profile.gemm[*catalog::dtype_from_name(name)] = std::move(curve);
    }
  }
  if (curves.has("memory"))
    profile.memory = read_curve(curves.child("memory"), "bytes", diagnostics);
  if (curves.has("attention")) {
    profile.attention = read_curve(curves.child("attention"), "flop", diagnostics);
  }
  if (curves.has("allreduce")) {
    profile.allreduce = read_curve(curves.child("allreduce"), "bytes", diagnostics);
  }
  const NodeReader samples = root.child("samples");
  for (std::size_t i = 0; i < samples.size(); ++i) {
    profile.samples.push_back(read_sample(samples.element(i), diagnostics));
  }
}

/// Parses and validates one file into `profile`; returns false (errors recorded) when invalid.
bool load_into(const std::filesystem::path& path, KernelProfile& profile,
               config::Diagnostics& diagnostics) {
  const std::string file = path.string();
  const auto loaded = config::load_yaml_file(path, diagnostics);
  if (!loaded) return false;
  const YAML::Node& root = *loaded;
  const std::size_t errors_before = diagnostics.errors().size();
  config::validate(root, *profile_schema(), "", file, diagnostics);
  if (diagnostics.errors().size() != errors_before) return false;
  read_profile(NodeReader(root, profile_schema(), "", file), profile, diagnostics);
  profile.provenance.origin = file;
  return diagnostics.errors().size() == errors_before;
}

}  // namespace

KernelProfile load_profile(const std::filesystem::path& path) {
  KernelProfile profile;
  config::Diagnostics diagnostics;
  if (!load_into(path, profile, diagnostics)) throw config::InputError(diagnostics.format());
  return profile;
}

std::map<std::string, KernelProfile> load_profiles(const std::filesystem::path& profiles_dir) {
  config::Diagnostics diagnostics;
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (std::filesystem::directory_iterator it(profiles_dir, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml") files.push_back(it->path());
  }
  if (error) {
    throw config::InputError(fmt::format("{}: error: cannot list profiles: {}\n",
                                         profiles_dir.string(), error.message()));
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, KernelProfile> profiles;
  for (const auto& path : files) {
    KernelProfile profile;
    if (!load_into(path, profile, diagnostics)) continue;
    const std::string expected = profile.gpu_id + ".yaml";
    if (path.filename() != expected) {
      diagnostics.error(
          {path.string(), 0, 0}, "gpu",
          fmt::format("a profile of '{}' must be named '{}'", profile.gpu_id, expected));
      continue;
    }
    profiles.emplace(profile.gpu_id, std::move(profile));
  }
  if (!diagnostics.has_errors() && profiles.find("generic") == profiles.end()) {
    diagnostics.error({(profiles_dir / "generic.yaml").string(), 0, 0}, {},
                      "missing: the generic profile is required (it answers GPUs and kernels "
                      "without measurements)");
  }
  if (diagnostics.has_errors()) throw config::InputError(diagnostics.format());
  const auto generic = std::make_shared<const KernelProfile>(profiles.at("generic"));
  for (auto& [id, profile] : profiles) {
    if (id != "generic") profile.fallback = generic;
  }
  return profiles;
}

const KernelProfile& profile_for(const std::map<std::string, KernelProfile>& profiles,
                                 const std::string& gpu_id) {
  if (const auto found = profiles.find(gpu_id); found != profiles.end()) return found->second;
  if (const auto generic = profiles.find("generic"); generic != profiles.end()) {
    return generic->second;
  }
  throw std::logic_error("no generic kernel-efficiency profile loaded");
}

}  // namespace tco::perf
