// libFuzzer entry point; TCO_FUZZ_TARGET (set per executable by CMake) picks the target.
#include <cstdio>
#include <cstdlib>

#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string violation = tco::fuzz::TCO_FUZZ_TARGET(data, size);
  if (!violation.empty()) {
    // abort() makes libFuzzer save the input as crash-*, like a sanitizer report.
    std::fprintf(stderr, "fuzz target violation: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
