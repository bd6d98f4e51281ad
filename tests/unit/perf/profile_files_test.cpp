// --profile FILE: a measured profile replaces the shipped one of its GPU (or adds one for a GPU
// without), keeps the generic fallback, and bad combinations fail with a message.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tco/calibrate/calibrate.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/perf/efficiency.hpp"

namespace {

std::filesystem::path shipped_profiles() {
  return std::filesystem::path(TCO_PLAN_SOURCE_DATA_DIR) / "profiles";
}

struct Scratch {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("tco-profile-files-test-" + std::to_string(::getpid()));
  Scratch() { std::filesystem::create_directories(path); }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path write(const std::string& name, const tco::perf::KernelProfile& profile) {
    std::ofstream(path / name) << tco::calibrate::write_profile_yaml(profile);
    return path / name;
  }
};

/// The shipped h100-sxm profile with its memory curve replaced by a flat 0.5 (no fit).
tco::perf::KernelProfile halved_memory(const std::string& gpu_id) {
  auto profile = tco::perf::load_profile(shipped_profiles() / "h100-sxm.yaml");
  profile.gpu_id = gpu_id;
  profile.memory.sizes = {1e6, 1e9};
  profile.memory.utilisation = {0.5, 0.5};
  profile.memory.fit.reset();
  return profile;
}

std::string error_of(std::map<std::string, tco::perf::KernelProfile>& profiles,
                     const std::vector<std::filesystem::path>& files) {
  try {
    tco::perf::use_profile_files(profiles, files);
  } catch (const tco::config::InputError& error) {
    return error.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("profile files: a measured profile replaces the shipped one", "[perf][profile]") {
  Scratch scratch;
  auto profiles = tco::perf::load_profiles(shipped_profiles());
  const double shipped = profiles.at("h100-sxm").memory_utilisation(1e9);
  REQUIRE(shipped > 0.8);  // published stream results reach ~0.9 of the datasheet
  const double shipped_gemm =
      profiles.at("h100-sxm").gemm_utilisation(tco::catalog::Dtype::kBf16, 1e12);
  tco::perf::use_profile_files(profiles,
                               {scratch.write("h100-sxm.yaml", halved_memory("h100-sxm"))});
  const auto& used = profiles.at("h100-sxm");
  CHECK(used.memory_utilisation(1e9) == 0.5);
  CHECK(used.gemm_utilisation(tco::catalog::Dtype::kBf16, 1e12) == shipped_gemm);  // untouched
  CHECK(used.calibrated);
  REQUIRE(used.fallback);
  CHECK(used.fallback->gpu_id == "generic");
  CHECK(used.provenance.origin == (scratch.path / "h100-sxm.yaml").string());
}

TEST_CASE("profile files: a GPU without a shipped profile gains one", "[perf][profile]") {
  Scratch scratch;
  auto profiles = tco::perf::load_profiles(shipped_profiles());
  REQUIRE(profiles.count("acme-x1") == 0);
  CHECK_FALSE(tco::perf::profile_for(profiles, "acme-x1").calibrated);  // generic
  tco::perf::use_profile_files(profiles, {scratch.write("x.yaml", halved_memory("acme-x1"))});
  CHECK(tco::perf::profile_for(profiles, "acme-x1").calibrated);
  CHECK(tco::perf::profile_for(profiles, "acme-x1").memory_utilisation(1e9) == 0.5);
}

TEST_CASE("profile files: generic and duplicates are refused", "[perf][profile]") {
  Scratch scratch;
  auto profiles = tco::perf::load_profiles(shipped_profiles());
  const auto generic = shipped_profiles() / "generic.yaml";
  CHECK(error_of(profiles, {generic}) ==
        generic.string() +
            ": error: --profile takes a GPU's profile; the generic one is derived from profiles/ "
            "by `tco-plan calibrate --all`\n");
  const auto a = scratch.write("a.yaml", halved_memory("h100-sxm"));
  const auto b = scratch.write("b.yaml", halved_memory("h100-sxm"));
  CHECK(error_of(profiles, {a, b}) ==
        b.string() + ": error: a second --profile for GPU 'h100-sxm'\n");
}
