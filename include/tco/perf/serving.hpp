#pragma once
// Serving under continuous batching, in steady state (mean field). With R requests running,
// every step decodes one token for each of them and admits new prompts' tokens at the rate that
// keeps R constant: R·I/O prompt tokens per step. The engine's tokens-per-step budget B caps R
// at B·O/(I+O); clients beyond R wait in the queue. Request throughput X = R / (O · t_step);
// TPOT = t_step; TTFT = half a step of waiting, then the steps that carry the prompt under the
// budget (timed with the prompt in them: a prompt's own step is a prefill, not a mean step), the
// engine's per-request overhead and the queueing of clients beyond R (Little's law). The four
// modes of the measured-results file map onto it:
//   max_throughput  all requests queued: C = min(engine max batch, KV capacity)
//   batch           a static batch of B: one prefill of B·I tokens, then O decode steps
//   concurrency     C closed-loop clients: C resident (capped by KV capacity)
//   rate            Poisson arrivals at λ req/s: the smallest C whose throughput reaches λ

#include <optional>
#include <string>

#include "tco/perf/simulator.hpp"

namespace tco::perf {

struct Traffic {
  double input_tokens = 0;
  double output_tokens = 0;
};

struct ServingPoint {
  double concurrency = 0;              ///< resident requests
  double output_tokens_per_s = 0;      ///< per replica
  double requests_per_s = 0;
  double ttft_s = 0;
  double tpot_s = 0;
  double e2e_latency_s = 0;
  double prefill_tokens_per_s = 0;     ///< batch mode: prompt tokens / prefill time
  double roofline_output_tokens_per_s = 0;  ///< same point at datasheet peaks, no overheads
  Bound bound = Bound::kMemory;
  bool kv_limited = false;             ///< concurrency capped by KV-cache capacity
  bool saturated = false;              ///< rate mode: offered load above capacity
};

/// Largest number of requests of this traffic the replica can keep resident (KV capacity and
/// the engine's max batch); 0 when the model does not fit.
[[nodiscard]] long long max_concurrency(const Replica& replica, const Traffic& traffic);

[[nodiscard]] ServingPoint serve_concurrency(const Replica& replica, const Traffic& traffic,
                                             double concurrency);
[[nodiscard]] ServingPoint serve_max_throughput(const Replica& replica, const Traffic& traffic);
[[nodiscard]] ServingPoint serve_static_batch(const Replica& replica, const Traffic& traffic,
                                              double batch);
[[nodiscard]] ServingPoint serve_rate(const Replica& replica, const Traffic& traffic,
                                      double requests_per_s);

struct LatencyTargetsSi {
  std::optional<double> ttft_s;
  std::optional<double> tpot_s;
};

/// The highest-throughput concurrency meeting the targets: the largest C that meets them
/// (throughput rises with C while TTFT and TPOT rise too), found by a bracketed search.
/// Empty when even one request misses them.
[[nodiscard]] std::optional<ServingPoint> best_under_targets(const Replica& replica,
                                                             const Traffic& traffic,
                                                             const LatencyTargetsSi& targets);

}  // namespace tco::perf
