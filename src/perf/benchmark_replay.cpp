#include "tco/perf/benchmark_replay.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

namespace tco::perf {

namespace {

struct Request {
  double arrival_s = 0;
  double prompt_left = 0;  ///< prompt tokens not yet prefilled
  long long generated = 0; ///< output tokens emitted (the prompt's last step emits the first)
  double first_token_s = 0;
};

/// Decode steps this short keep their first step's time: the cached context grows by under
/// four tokens per request over them, well inside the step time's precision.
constexpr long long kShortRunSteps = 8;

/// Poisson arrivals from a fixed seed: one realisation, the same on every run.
constexpr std::uint64_t kArrivalSeed = 20241203;

}  // namespace

ServingPoint replay_benchmark(const Replica& replica, const Traffic& traffic,
                              const BenchmarkRun& run) {
  const long long limit = max_concurrency(replica, traffic);
  if (limit <= 0 || run.requests <= 0) return {};
  const double input = traffic.input_tokens;
  const long long output = std::max(1LL, std::llround(traffic.output_tokens));
  const double budget = static_cast<double>(replica.engine->max_tokens_per_step);
  const bool chunked = replica.engine->chunked_prefill;
  const bool all_at_once = !(run.arrival_rate_per_s > 0) || std::isinf(run.arrival_rate_per_s);

  std::vector<Request> requests(static_cast<std::size_t>(run.requests));
  std::mt19937_64 random(kArrivalSeed);
  double arrival_s = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].arrival_s = arrival_s;
    requests[i].prompt_left = input;
    if (!all_at_once) {
      // Exponential gaps by inversion (std::exponential_distribution's algorithm is left to
      // the library; this keeps the replay identical everywhere).
      const double uniform = static_cast<double>(random() >> 11) * 0x1.0p-53;
      arrival_s += -std::log1p(-uniform) / run.arrival_rate_per_s;
    }
  }
  std::vector<std::size_t> resident;  // admission order
  std::vector<std::pair<std::size_t, double>> chunks;  // this step's prompt tokens per request
  std::size_t next = 0;
  double now = 0;
  double busy_s = 0;
  double roofline_busy_s = 0;
  double resident_time = 0;  // integral of resident requests over time
  std::array<double, static_cast<std::size_t>(Bound::kOverhead) + 1> time_by_bound{};  // by Bound
  double ttft_sum = 0, tpot_sum = 0, e2e_sum = 0;
  long long finished = 0;
  bool waited_for_slot = false;

  while (finished < run.requests) {
    while (next < requests.size() && requests[next].arrival_s <= now &&
           static_cast<long long>(resident.size()) < limit) {
      resident.push_back(next++);
    }
    const bool arrival_pending = next < requests.size();
    if (arrival_pending && requests[next].arrival_s <= now) waited_for_slot = true;
    if (resident.empty()) {  // idle until the next request arrives
      now = requests[next].arrival_s;
      continue;
    }

    // The step: every request past its prompt decodes a token; waiting prompts fill the rest of
    // the token budget in admission order.
    StepShape shape;
    double decode_context_sum = 0;
    long long steps_to_completion = output;
    for (const std::size_t index : resident) {
      const Request& request = requests[index];
      if (request.prompt_left > 0) continue;
      shape.decode_tokens += 1;
      decode_context_sum += input + static_cast<double>(request.generated);
      steps_to_completion = std::min(steps_to_completion, output - request.generated);
    }
    double allowance = std::max(0.0, budget - shape.decode_tokens);
    double prefill_context_sum = 0;
    chunks.clear();
    for (const std::size_t index : resident) {
      const Request& request = requests[index];
      if (request.prompt_left <= 0 || allowance <= 0) continue;
      double tokens = std::min(request.prompt_left, allowance);
      // Without chunked prefill a prompt goes whole or waits, unless it is longer than any
      // step's budget and nothing else is prefilling (then it has to go through in parts).
      const bool oversized = chunks.empty() && request.prompt_left > budget;
      if (!chunked && tokens < request.prompt_left && !oversized) break;
      const double done = input - request.prompt_left;
      chunks.emplace_back(index, tokens);
      shape.prefill_tokens += tokens;
      prefill_context_sum += tokens * (done + tokens / 2.0);
      allowance -= tokens;
    }
    if (shape.decode_tokens == 0 && chunks.empty()) break;  // unreachable: budget > 0
    if (shape.decode_tokens > 0) shape.decode_context = decode_context_sum / shape.decode_tokens;
    if (shape.prefill_tokens > 0) {
      shape.prefill_context = prefill_context_sum / shape.prefill_tokens;
    }

    StepTime step = step_time(replica, shape);
    long long steps = 1;
    if (chunks.empty()) {
      // Decode only: identical steps until a request completes or one can be admitted.
      steps = steps_to_completion;
      if (arrival_pending && static_cast<long long>(resident.size()) < limit) {
        // Compared as doubles first: a cast of a huge quotient would overflow.
        const double steps_to_arrival = std::ceil((requests[next].arrival_s - now) / step.time_s);
        if (steps_to_arrival < static_cast<double>(steps)) {
          steps = std::max(1LL, static_cast<long long>(steps_to_arrival));
        }
      }
      if (steps > kShortRunSteps) {
        StepShape middle = shape;
        middle.decode_context += static_cast<double>(steps - 1) / 2.0;
        step = step_time(replica, middle);
      }
    }
    const double elapsed_s = static_cast<double>(steps) * step.time_s;
    now += elapsed_s;
    busy_s += elapsed_s;
    roofline_busy_s += static_cast<double>(steps) * step.roofline_s;
    resident_time += static_cast<double>(resident.size()) * elapsed_s;
    time_by_bound[static_cast<std::size_t>(step.bound)] += elapsed_s;

    for (const std::size_t index : resident) {
      Request& request = requests[index];
      if (request.prompt_left <= 0) request.generated += steps;
    }
    for (const auto& [index, tokens] : chunks) {
      Request& request = requests[index];
      request.prompt_left -= tokens;
      if (request.prompt_left <= 0) {
        request.generated = 1;
        request.first_token_s = now;
      }
    }
    const auto completed = [&](std::size_t index) {
      const Request& request = requests[index];
      if (request.prompt_left > 0 || request.generated < output) return false;
      const double overhead_s = replica.timing.request_overhead_s;
      ttft_sum += request.first_token_s - request.arrival_s + overhead_s;
      e2e_sum += now - request.arrival_s + overhead_s;
      if (output > 1) tpot_sum += (now - request.first_token_s) / static_cast<double>(output - 1);
      ++finished;
      return true;
    };
    resident.erase(std::remove_if(resident.begin(), resident.end(), completed), resident.end());
  }

  const double count = static_cast<double>(run.requests);
  const double duration_s = now;  // the first request arrives at t = 0
  ServingPoint point;
  point.concurrency = resident_time / duration_s;
  point.requests_per_s = count / duration_s;
  point.output_tokens_per_s = count * static_cast<double>(output) / duration_s;
  point.ttft_s = ttft_sum / count;
  point.tpot_s = tpot_sum / count;
  point.e2e_latency_s = e2e_sum / count;
  // The same schedule at datasheet peaks: busy time at roofline speed, idle time unchanged.
  point.roofline_output_tokens_per_s =
      count * static_cast<double>(output) / (roofline_busy_s + (duration_s - busy_s));
  point.bound = static_cast<Bound>(
      std::max_element(time_by_bound.begin(), time_by_bound.end()) - time_by_bound.begin());
  point.kv_limited = waited_for_slot;
  return point;
}

}  // namespace tco::perf
