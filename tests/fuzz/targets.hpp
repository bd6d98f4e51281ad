#pragma once
// What each fuzz target does with one input, shared by the libFuzzer entry points (fuzz_*.cpp)
// and the unit test that replays tests/data/fuzz-regressions/ under the normal build, so a
// crash found once stays covered by every CI run.
//
// Each function parses the input the way the CLI does; invalid input must end in
// config::InputError (caught here), anything else -- another exception, a sanitizer report, a
// crash, NaN or inf in an output -- is a finding. They return "" when the input was handled
// correctly, else a description of the violation.

#include <cstddef>
#include <cstdint>
#include <string>

namespace tco::fuzz {

/// A scenario YAML: parsed, and when valid evaluated and rendered as table, JSON and CSV, whose
/// numbers must all be finite.
[[nodiscard]] std::string scenario(const std::uint8_t* data, std::size_t size);
/// A measured-results CSV (`tco-plan validate`): parsed, and every valid row predicted.
[[nodiscard]] std::string measured_csv(const std::uint8_t* data, std::size_t size);
/// A microbenchmark results CSV (`tco-plan calibrate`): parsed, every row interpreted for its
/// GPU, and the first calibratable GPU's profile built and written.
[[nodiscard]] std::string microbench_csv(const std::uint8_t* data, std::size_t size);
/// A Hugging Face config.json: read as a scenario's `model: {config: ...}` and, when valid,
/// evaluated on one GPU.
[[nodiscard]] std::string hf_config(const std::uint8_t* data, std::size_t size);

}  // namespace tco::fuzz
