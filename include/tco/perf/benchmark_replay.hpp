#pragma once
// Replay of a finite serving benchmark, step by step. A published online benchmark sends a fixed
// number of requests (the Triton runs of 500, benchmark_serving.py's --num-prompts) at a
// target rate or all at once; when the run is short against a request's own latency it never
// reaches the steady state of serving.hpp: concurrency ramps up while requests arrive and drains
// after the last one, and with every request queued at once the whole run is one burst of
// prefills followed by decode. The replay follows the engine's scheduler through the run:
//   - requests arrive as a Poisson process at the offered rate (one realisation from a fixed
//     seed) or all at t = 0; each is admitted first come first served while fewer than
//     max_concurrency() are resident (KV reserved for prompt and output, as in serving.hpp);
//   - every step decodes one token for each admitted request past its prompt, then fills the
//     rest of the engine's token budget with waiting prompts (whole prompts when the engine does
//     not chunk prefill, else chunks); a prompt's last step emits its first token;
//   - a step takes step_time() of its shape (decode tokens and their mean cached context,
//     prefill tokens and their mean causal context).
// What the benchmark reports follows: TTFT (arrival to first token, plus the engine's
// per-request overhead), TPOT (a request's time from first to last token over O - 1, averaged
// over requests, as genai-perf's inter-token latency), end-to-end latency, and throughput as
// requests x O over the run's duration (first arrival to last completion).
//
// Cost: one step_time() per step that admits a prompt or follows a completion; runs of identical
// decode steps between such events take one evaluation (at their mean context).

#include "tco/perf/serving.hpp"

namespace tco::perf {

struct BenchmarkRun {
  long long requests = 0;            ///< requests the benchmark sends
  double arrival_rate_per_s = 0;     ///< offered rate; 0 or infinite: all sent at once
};

/// The run's means (TTFT, TPOT, end-to-end latency), its throughput and the time-averaged
/// number of resident requests (`concurrency`); `kv_limited` when a request ever waited for a
/// slot. Empty point (all zero) when the model does not fit or the run has no requests.
[[nodiscard]] ServingPoint replay_benchmark(const Replica& replica, const Traffic& traffic,
                                            const BenchmarkRun& run);

}  // namespace tco::perf
