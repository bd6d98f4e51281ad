// Kernel-efficiency curves and profiles: log-linear interpolation, boundary hold, the cap at the
// best point, the GEMM dtype fallback chain, the generic fallback, and profile-file loading
// (the shipped profiles, and invalid files with exact file:line:column errors).
#include "tco/perf/efficiency.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>

#include "tco/config/diagnostics.hpp"

using tco::catalog::Dtype;
using tco::perf::KernelProfile;
using tco::perf::UtilisationCurve;

namespace {

UtilisationCurve curve(std::vector<double> sizes, std::vector<double> utilisation) {
  UtilisationCurve out;
  out.sizes = std::move(sizes);
  out.utilisation = std::move(utilisation);
  return out;
}

std::filesystem::path shipped_profiles() {
  return std::filesystem::path(TCO_PLAN_SOURCE_DATA_DIR) / "profiles";
}

/// A scratch directory for profile files, removed at the end of the test.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("tco-efficiency-test-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

std::string load_error(const std::filesystem::path& path) {
  try {
    (void)tco::perf::load_profile(path);
  } catch (const tco::config::InputError& error) {
    return error.what();
  }
  FAIL("no error for " << path);
  return {};
}

const char* const kMinimalProfile = R"(version: 1
gpu: test-gpu
source: "hand-written"
as_of: 2026-11-28
curves:
  memory:
    bytes: [1000000, 1000000000]
    utilisation: [0.5, 0.9]
samples: []
)";

}  // namespace

TEST_CASE("curve: log-linear between two points", "[perf][efficiency]") {
  const auto c = curve({1e9, 1e11}, {0.2, 0.6});
  // 1e10 is half way in log space: 0.2 + 0.5 * (0.6 - 0.2) = 0.4.
  CHECK(c.at(1e10) == Approx(0.4).epsilon(1e-12));
  // 10^9.25 is an eighth of the way (0.25 of 2 decades): 0.2 + 0.125 * 0.4 = 0.25.
  CHECK(c.at(std::pow(10.0, 9.25)) == Approx(0.25).epsilon(1e-12));
  // 10^10.5 is three quarters of the way: 0.2 + 0.75 * 0.4 = 0.5.
  CHECK(c.at(std::pow(10.0, 10.5)) == Approx(0.5).epsilon(1e-12));
  // Points are hit exactly.
  CHECK(c.at(1e9) == 0.2);
  CHECK(c.at(1e11) == 0.6);
}

TEST_CASE("curve: three points pick the right bracket", "[perf][efficiency]") {
  const auto c = curve({1e3, 1e5, 1e6}, {0.1, 0.5, 0.7});
  CHECK(c.at(1e4) == Approx(0.3).epsilon(1e-12));                   // half of 1e3..1e5
  CHECK(c.at(std::sqrt(1e5 * 1e6)) == Approx(0.6).epsilon(1e-12));  // half of 1e5..1e6
  CHECK(c.at(1e5) == 0.5);
}

TEST_CASE("curve: boundary values are held at both ends", "[perf][efficiency]") {
  const auto c = curve({1e9, 1e11}, {0.2, 0.6});
  CHECK(c.at(1.0) == 0.2);
  CHECK(c.at(1e8) == 0.2);
  CHECK(c.at(1e12) == 0.6);
  CHECK(c.at(1e300) == 0.6);
  // Non-positive and NaN sizes get the first point, never NaN.
  CHECK(c.at(0.0) == 0.2);
  CHECK(c.at(-5.0) == 0.2);
  CHECK(c.at(std::numeric_limits<double>::quiet_NaN()) == 0.2);
  // A single point is a constant.
  const auto single = curve({4e9}, {0.87});
  CHECK(single.at(1.0) == 0.87);
  CHECK(single.at(4e9) == 0.87);
  CHECK(single.at(1e15) == 0.87);
}

TEST_CASE("curve: never above the best point", "[perf][efficiency]") {
  // Rises to 0.7 then falls back to 0.5: held at 0.5 beyond, never extrapolated upwards.
  const auto c = curve({1e9, 1e10, 1e11}, {0.2, 0.7, 0.5});
  CHECK(c.at(1e13) == 0.5);
  CHECK(c.at(1e8) == 0.2);
  for (double size = 1e7; size < 1e14; size *= 1.37) {
    INFO("size " << size);
    CHECK(c.at(size) <= 0.7);
    CHECK(c.at(size) >= 0.2);
  }
}

TEST_CASE("curve: an empty curve is a programming error", "[perf][efficiency]") {
  CHECK_THROWS_AS(UtilisationCurve{}.at(1.0), std::logic_error);
}

TEST_CASE("gemm: dtype fallback chain", "[perf][efficiency]") {
  auto generic = std::make_shared<KernelProfile>();
  generic->gpu_id = "generic";
  generic->gemm[Dtype::kBf16] = curve({1e9}, {0.11});
  generic->gemm[Dtype::kFp8] = curve({1e9}, {0.12});
  generic->memory = curve({1e9}, {0.8});
  generic->attention = curve({1e12}, {0.3});
  generic->allreduce = curve({1e6, 1e9}, {0.1, 0.9});

  KernelProfile bf16_only;
  bf16_only.gpu_id = "a";
  bf16_only.gemm[Dtype::kBf16] = curve({1e9, 1e11}, {0.2, 0.6});
  bf16_only.fallback = generic;

  // Its own dtype, and the dtypes that borrow bf16.
  CHECK(bf16_only.gemm_utilisation(Dtype::kBf16, 1e10) == Approx(0.4));
  CHECK(bf16_only.gemm_utilisation(Dtype::kFp16, 1e10) == Approx(0.4));  // fp16 -> bf16
  CHECK(bf16_only.gemm_utilisation(Dtype::kFp8, 1e10) == Approx(0.4));   // fp8 -> bf16
  CHECK(bf16_only.gemm_utilisation(Dtype::kInt8, 1e10) == Approx(0.4));  // int8 -> fp8 -> bf16
  CHECK(bf16_only.gemm_utilisation(Dtype::kFp32, 1e10) == Approx(0.4));  // fp32 -> bf16
  CHECK(bf16_only.gemm_curve_dtype(Dtype::kFp8) == Dtype::kBf16);

  KernelProfile fp8_only;
  fp8_only.gpu_id = "b";
  fp8_only.gemm[Dtype::kFp8] = curve({1e9}, {0.5});
  fp8_only.fallback = generic;
  CHECK(fp8_only.gemm_utilisation(Dtype::kFp8, 1e12) == 0.5);
  CHECK(fp8_only.gemm_utilisation(Dtype::kInt8, 1e12) == 0.5);  // int8 -> fp8
  CHECK(fp8_only.gemm_utilisation(Dtype::kInt4, 1e12) == 0.5);  // int4 -> int8 -> fp8
  CHECK(fp8_only.gemm_utilisation(Dtype::kFp4, 1e12) == 0.5);   // fp4 -> fp8
  // bf16 only borrows fp16 from its own profile, then the generic one.
  CHECK_FALSE(fp8_only.gemm_curve_dtype(Dtype::kBf16).has_value());
  CHECK(fp8_only.gemm_utilisation(Dtype::kBf16, 1e12) == 0.11);

  KernelProfile fp16_only;
  fp16_only.gemm[Dtype::kFp16] = curve({1e9}, {0.33});
  CHECK(fp16_only.gemm_utilisation(Dtype::kBf16, 1e9) == 0.33);  // bf16 -> fp16

  // Families the profile lacks come from the fallback.
  CHECK(bf16_only.memory_utilisation(1e9) == 0.8);
  CHECK(bf16_only.attention_utilisation(1e12) == 0.3);
  CHECK(bf16_only.allreduce_utilisation(std::sqrt(1e6 * 1e9)) == Approx(0.5));
  CHECK(bf16_only.measured("gemm"));
  CHECK_FALSE(bf16_only.measured("memory"));
  CHECK_FALSE(bf16_only.measured("attention"));
  CHECK_FALSE(bf16_only.measured("allreduce"));
  CHECK_THROWS_AS(bf16_only.measured("alltoall"), std::invalid_argument);

  // Without a fallback, a missing curve is a programming error, not a silent 1.0.
  KernelProfile lonely;
  lonely.gpu_id = "lonely";
  CHECK_THROWS_WITH(lonely.memory_utilisation(1e9),
                    "profile 'lonely' has no memory curve and no fallback profile");
  CHECK_THROWS_WITH(lonely.gemm_utilisation(Dtype::kFp8, 1e9),
                    "profile 'lonely' has no gemm fp8 curve and no fallback profile");
}

TEST_CASE("gemm: every dtype has a fallback chain starting with itself", "[perf][efficiency]") {
  for (const auto& name : tco::catalog::dtype_names()) {
    const Dtype dtype = *tco::catalog::dtype_from_name(name);
    const auto& chain = tco::perf::gemm_dtype_fallbacks(dtype);
    REQUIRE_FALSE(chain.empty());
    CHECK(chain.front() == dtype);
  }
}

TEST_CASE("profiles: the shipped profiles load, with the generic as fallback",
          "[perf][efficiency]") {
  const auto profiles = tco::perf::load_profiles(shipped_profiles());
  REQUIRE(profiles.count("generic") == 1);
  REQUIRE(profiles.count("h100-sxm") == 1);
  const auto& generic = profiles.at("generic");
  CHECK_FALSE(generic.calibrated);
  CHECK(generic.provenance.estimate);
  CHECK(generic.fallback == nullptr);
  for (const char* family : {"gemm", "memory", "attention", "allreduce"}) {
    CHECK(generic.measured(family));
  }
  const auto& h100 = profiles.at("h100-sxm");
  CHECK(h100.calibrated);
  REQUIRE(h100.fallback != nullptr);
  CHECK(h100.fallback->gpu_id == "generic");
  CHECK(h100.measured("allreduce"));
  CHECK(h100.reference_peaks.memory_bandwidth_bytes_per_s == Approx(3.35e12));
  CHECK(h100.reference_peaks.flops_per_s.at(Dtype::kFp8) == Approx(1979e12));
  // 8 GB all-reduce on 8x H100 (NVLS) beats the 450 GB/s per-direction figure: capped at 1.
  CHECK(h100.allreduce_utilisation(8.0 * (1ull << 30)) == 1.0);
  // A GPU without a profile gets the generic one.
  CHECK(&tco::perf::profile_for(profiles, "l4") == &generic);
  CHECK(&tco::perf::profile_for(profiles, "h100-sxm") == &h100);
  // l40 has memory samples only: its GEMM comes from the generic profile.
  const auto& l40 = profiles.at("l40");
  CHECK(l40.measured("memory"));
  CHECK_FALSE(l40.measured("gemm"));
  CHECK(l40.gemm_utilisation(Dtype::kBf16, 1e12) == generic.gemm_utilisation(Dtype::kBf16, 1e12));
  for (const auto& [id, profile] : profiles) {
    INFO(id);
    CHECK(profile.provenance.origin == (shipped_profiles() / (id + ".yaml")).string());
    for (const auto& sample : profile.samples) {
      CHECK(sample.utilisation > 0);
      CHECK(sample.utilisation <= 1);
      CHECK_FALSE(sample.source.empty());
    }
  }
}

TEST_CASE("profiles: a minimal hand-written file loads", "[perf][efficiency]") {
  const ScratchDir dir("minimal");
  const auto profile = tco::perf::load_profile(dir.write("test-gpu.yaml", kMinimalProfile));
  CHECK(profile.gpu_id == "test-gpu");
  CHECK(profile.calibrated);
  CHECK(profile.memory_utilisation(std::sqrt(1e6 * 1e9)) == Approx(0.7));
  CHECK(profile.samples.empty());
}

TEST_CASE("profiles: invalid files fail with file:line:column", "[perf][efficiency]") {
  const ScratchDir dir("invalid");
  SECTION("sizes not ascending") {
    std::string text = kMinimalProfile;
    text.replace(text.find("[1000000, 1000000000]"), 21, "[1000000000, 1000000]");
    const auto path = dir.write("test-gpu.yaml", text);
    CHECK(load_error(path) ==
          path.string() +
              ":7:25: error: curves.memory.bytes[1]: sizes must be ascending (1000000 follows "
              "1000000000)\n"
              "    7 |     bytes: [1000000000, 1000000]\n"
              "      |                         ^\n");
  }
  SECTION("lengths differ") {
    std::string text = kMinimalProfile;
    text.replace(text.find("[0.5, 0.9]"), 10, "[0.5]");
    const auto path = dir.write("test-gpu.yaml", text);
    CHECK(load_error(path) == path.string() +
                                  ":8:18: error: curves.memory.utilisation: 1 values for 2 sizes\n"
                                  "    8 |     utilisation: [0.5]\n"
                                  "      |                  ^\n");
  }
  SECTION("unknown key") {
    std::string text = kMinimalProfile;
    text.replace(text.find("  memory:"), 9, "  memroy:");
    const auto path = dir.write("test-gpu.yaml", text);
    CHECK(load_error(path) ==
          path.string() +
              ":6:3: error: curves: unknown key 'memroy' (did you mean 'memory'?)\n"
              "    6 |   memroy:\n"
              "      |   ^\n");
  }
  SECTION("utilisation above 1") {
    std::string text = kMinimalProfile;
    text.replace(text.find("[0.5, 0.9]"), 10, "[0.5, 1.2]");
    const auto path = dir.write("test-gpu.yaml", text);
    CHECK(load_error(path) ==
          path.string() +
              ":8:24: error: curves.memory.utilisation[1]: 1.2 is out of range (must be <= 1)\n"
              "    8 |     utilisation: [0.5, 1.2]\n"
              "      |                        ^\n");
  }
  SECTION("sample sized in the wrong unit") {
    std::string text = kMinimalProfile;
    text.replace(text.find("samples: []"), 11,
                 "samples:\n  - kernel: memory\n    flop: 5\n    utilisation: 0.5\n"
                 "    source: \"x\"");
    const auto path = dir.write("test-gpu.yaml", text);
    CHECK(load_error(path) ==
          path.string() +
              ":11:11: error: samples[0].flop: a memory sample is sized in 'bytes', not 'flop'\n"
              "   11 |     flop: 5\n"
              "      |           ^\n");
  }
  SECTION("file name must match the gpu") {
    dir.write("generic.yaml",
              std::string(kMinimalProfile)
                  .replace(std::string(kMinimalProfile).find("test-gpu"), 8, "generic"));
    const auto wrong = dir.write("other.yaml", kMinimalProfile);
    try {
      (void)tco::perf::load_profiles(dir.path);
      FAIL("no error");
    } catch (const tco::config::InputError& error) {
      CHECK(std::string(error.what()) ==
            wrong.string() +
                ": error: gpu: a profile of 'test-gpu' must be named 'test-gpu.yaml'\n");
    }
  }
  SECTION("the generic profile is required") {
    dir.write("test-gpu.yaml", kMinimalProfile);
    try {
      (void)tco::perf::load_profiles(dir.path);
      FAIL("no error");
    } catch (const tco::config::InputError& error) {
      CHECK(std::string(error.what()) ==
            (dir.path / "generic.yaml").string() +
                ": error: missing: the generic profile is required (it answers GPUs and kernels "
                "without measurements)\n");
    }
  }
}
