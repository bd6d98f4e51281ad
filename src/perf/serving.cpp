#include "tco/perf/serving.hpp"

#include <algorithm>
#include <cmath>

namespace tco::perf {

namespace {

ServingPoint finish(ServingPoint point, const StepTime& step, double decode_tokens) {
  point.bound = step.bound;
  point.roofline_output_tokens_per_s =
      step.roofline_s > 0 ? decode_tokens / step.roofline_s : 0.0;
  return point;
}

}  // namespace

long long max_concurrency(const Replica& replica, const Traffic& traffic) {
  MemoryPlanInput input;
  input.model = replica.model;
  input.gpu = replica.gpu;
  input.engine = replica.engine;
  input.weight_dtype = replica.weight_dtype;
  input.expert_dtype = replica.expert_dtype;
  input.kv_dtype = replica.kv_dtype;
  input.sixteen_bit = replica.sixteen_bit;
  input.parallelism = replica.parallelism;
  // Each resident request reserves KV for its whole prompt and output (TensorRT-LLM's
  // guaranteed-no-evict policy; paged engines reach the same peak as requests finish).
  input.context_tokens = traffic.input_tokens + traffic.output_tokens;
  const MemoryPlan plan = size_memory(input);
  if (!plan.fits) return 0;
  return std::min<long long>(plan.max_sequences, replica.engine->max_batch);
}

namespace {

/// The steady state at a concurrency: its mean step, and TPOT and throughput from it. TTFT
/// needs a second step time (the prompt's own step), so add_ttft() adds it apart.
struct SteadyState {
  ServingPoint point;
  StepShape shape;
  StepTime step;
  double running = 0;
  bool has_ttft = false;
};

/// Steps a prompt of `input` tokens takes when `running` decode tokens share each step's budget.
double prompt_steps_of(double input, double budget, double running) {
  return std::ceil(input / std::max(1.0, budget - running));
}

/// Time of the mean-field step `mean` (R decode and R·I/O prompt tokens). Where a step's cost
/// is not linear in its tokens (an engine that runs physical batches or dequantises weights for
/// GEMMs of many rows: llama.cpp), the steps that carry a prompt chunk and those that only
/// decode are timed apart and averaged, each prompt taking ceil(I / free budget) steps:
/// timed as one mean step, a few prompt tokens spread over every step would make every step pay
/// what only the prompt's own steps pay.
StepTime mean_field_step(const Replica& replica, const StepShape& mean, double input,
                         double output, double budget) {
  const catalog::Engine& engine = *replica.engine;
  const bool uneven =
      engine.physical_batch_tokens > 0 || engine.dequantize_to_fp16_above_tokens > 0;
  if (!uneven || mean.prefill_tokens <= 0) return step_time(replica, mean);
  const double prompt_steps = prompt_steps_of(input, budget, mean.decode_tokens);
  const double carrying = mean.decode_tokens / output * prompt_steps;  // share of steps
  if (carrying >= 1) return step_time(replica, mean);
  StepShape with_prompt = mean;
  with_prompt.prefill_tokens = input / prompt_steps;
  StepShape decode_only = mean;
  decode_only.prefill_tokens = 0;
  return mean_step(step_time(replica, with_prompt), carrying, step_time(replica, decode_only));
}

SteadyState steady_state(const Replica& replica, const Traffic& traffic, double concurrency) {
  const double input = traffic.input_tokens;
  const double output = std::max(1.0, traffic.output_tokens);
  const double budget = static_cast<double>(replica.engine->max_tokens_per_step);
  const double resident = std::max(1.0, concurrency);
  // Mean field: running requests decode one token every step (engines schedule them before new
  // prompts), and each completion admits a new prompt, so R running requests bring R·I/O prompt
  // tokens per step. When R + R·I/O exceeds the token budget, only R = budget·O/(I+O) requests
  // can run; the other clients wait in the queue, holding no KV.
  SteadyState state;
  double& running = state.running;
  running = resident;
  if (running * (1.0 + input / output) > budget) running = budget * output / (input + output);
  state.shape.decode_tokens = running;
  state.shape.decode_context = input + output / 2.0;
  state.shape.prefill_tokens = running * input / output;
  state.shape.prefill_context = input / 2.0;
  state.step = mean_field_step(replica, state.shape, input, output, budget);
  ServingPoint& point = state.point;
  point.concurrency = resident;
  point.output_tokens_per_s = running / state.step.time_s;
  point.requests_per_s = point.output_tokens_per_s / output;
  point.tpot_s = state.step.time_s;
  point = finish(point, state.step, running);
  return state;
}

void add_ttft(SteadyState& state, const Replica& replica, const Traffic& traffic) {
  const double input = traffic.input_tokens;
  const double output = std::max(1.0, traffic.output_tokens);
  const double budget = static_cast<double>(replica.engine->max_tokens_per_step);
  ServingPoint& point = state.point;
  // A new prompt waits half a (mean) step for the step in progress, then goes through in the
  // budget left after the decode tokens. The steps that carry it are not mean steps: each holds
  // its share of the prompt on top of the mean field's prefill load (the other prompts admitted
  // meanwhile), so at low load, where most steps only decode, a prompt's own step is a full
  // prefill of it; TTFT is timed on that step. Clients beyond those running queue for a slot
  // (Little's law: the queue drains at X).
  const double free_budget = std::max(1.0, budget - state.running);
  const double prompt_steps = prompt_steps_of(input, budget, state.running);
  double prompt_step_s = 0;
  if (prompt_steps > 0) {
    StepShape prompt = state.shape;
    prompt.prefill_tokens = std::min(free_budget, input / prompt_steps + state.shape.prefill_tokens);
    prompt_step_s = step_time(replica, prompt).time_s;
  }
  const double queueing_s = (point.concurrency - state.running) / point.requests_per_s;
  point.ttft_s = 0.5 * state.step.time_s + prompt_steps * prompt_step_s +
                 replica.timing.request_overhead_s + queueing_s;
  point.e2e_latency_s = point.ttft_s + (output - 1) * point.tpot_s;
  state.has_ttft = true;
}

}  // namespace

ServingPoint serve_concurrency(const Replica& replica, const Traffic& traffic,
                               double concurrency) {
  SteadyState state = steady_state(replica, traffic, concurrency);
  add_ttft(state, replica, traffic);
  return state.point;
}

ServingPoint serve_max_throughput(const Replica& replica, const Traffic& traffic) {
  const long long limit = max_concurrency(replica, traffic);
  if (limit <= 0) return {};
  ServingPoint point = serve_concurrency(replica, traffic, static_cast<double>(limit));
  point.kv_limited = limit < replica.engine->max_batch;
  return point;
}

ServingPoint serve_static_batch(const Replica& replica, const Traffic& traffic, double batch) {
  const double input = traffic.input_tokens;
  const double output = std::max(1.0, traffic.output_tokens);
  const double budget = static_cast<double>(replica.engine->max_tokens_per_step);
  ServingPoint point;
  point.concurrency = batch;
  double prefill_s = 0;
  if (input > 0) {
    // The batch's prompts go through in chunks of the token budget.
    const double total = batch * input;
    const double chunks = std::ceil(total / budget);
    StepShape prefill;
    prefill.prefill_tokens = total / chunks;
    prefill.prefill_context = input / 2.0;
    prefill_s = chunks * step_time(replica, prefill).time_s;
    point.prefill_tokens_per_s = total / prefill_s;
  }
  StepShape decode;
  decode.decode_tokens = batch;
  decode.decode_context = input + output / 2.0;
  const StepTime step = step_time(replica, decode);
  // An offline static batch (benchmark_latency, gptSessionBenchmark) has no serving front end:
  // no per-request overhead.
  point.ttft_s = prefill_s;
  point.tpot_s = step.time_s;
  point.e2e_latency_s = point.ttft_s + (output - 1) * point.tpot_s;
  point.output_tokens_per_s = batch * output / point.e2e_latency_s;
  point.requests_per_s = batch / point.e2e_latency_s;
  return finish(point, step, batch);
}

ServingPoint serve_rate(const Replica& replica, const Traffic& traffic, double requests_per_s) {
  const long long limit = max_concurrency(replica, traffic);
  if (limit <= 0) return {};
  const ServingPoint capacity = serve_concurrency(replica, traffic, static_cast<double>(limit));
  if (capacity.requests_per_s <= requests_per_s) {
    ServingPoint saturated = capacity;
    saturated.saturated = true;
    return saturated;
  }
  // Request throughput rises with resident requests: bisect for the C that carries λ.
  double low = 0.0;
  double high = static_cast<double>(limit);
  for (int iteration = 0; iteration < 60; ++iteration) {
    const double middle = 0.5 * (low + high);
    if (serve_concurrency(replica, traffic, middle).requests_per_s < requests_per_s) {
      low = middle;
    } else {
      high = middle;
    }
  }
  ServingPoint point = serve_concurrency(replica, traffic, std::max(high, 1e-3));
  // Poisson arrivals: a prompt waits for a slot in the next step; the wait stretches as the
  // offered load approaches capacity (M/M/1 factor 1/(1-ρ) on half a step).
  const double utilisation = requests_per_s / capacity.requests_per_s;
  point.ttft_s += 0.5 * point.tpot_s * (1.0 / (1.0 - utilisation) - 1.0);
  point.requests_per_s = requests_per_s;
  point.output_tokens_per_s = requests_per_s * std::max(1.0, traffic.output_tokens);
  point.e2e_latency_s = point.ttft_s + (traffic.output_tokens - 1) * point.tpot_s;
  return point;
}

std::optional<ServingPoint> best_under_targets(const Replica& replica, const Traffic& traffic,
                                               const LatencyTargetsSi& targets) {
  const long long limit = max_concurrency(replica, traffic);
  if (limit <= 0) return std::nullopt;
  // A probe's TTFT costs a second step time (the prompt's own step): one that already misses
  // the TPOT target goes without it (it misses either way, and its TPOT steers the search).
  auto probe_at = [&](long long concurrency) {
    SteadyState state = steady_state(replica, traffic, static_cast<double>(concurrency));
    if (!targets.tpot_s || state.point.tpot_s <= *targets.tpot_s) {
      add_ttft(state, replica, traffic);
    }
    return state;
  };
  auto meets = [&](const SteadyState& state) {
    const ServingPoint& point = state.point;
    return state.has_ttft && (!targets.ttft_s || point.ttft_s <= *targets.ttft_s) &&
           (!targets.tpot_s || point.tpot_s <= *targets.tpot_s);
  };
  // How far a point is past its tightest target (<= 0 when it meets them): only steers the
  // probes below, the decision is always `meets`.
  auto excess = [&](const SteadyState& state) {
    double worst = -1.0;
    if (targets.ttft_s && *targets.ttft_s > 0 && state.has_ttft) {
      worst = std::max(worst, state.point.ttft_s / *targets.ttft_s - 1.0);
    }
    if (targets.tpot_s && *targets.tpot_s > 0) {
      worst = std::max(worst, state.point.tpot_s / *targets.tpot_s - 1.0);
    }
    return worst;
  };
  auto finish_at = [&](const SteadyState& state, long long concurrency) {
    ServingPoint point = state.point;
    point.kv_limited = concurrency == limit && limit < replica.engine->max_batch;
    return point;
  };
  SteadyState low_point = probe_at(1);
  if (!meets(low_point)) return std::nullopt;
  if (limit == 1) return finish_at(low_point, 1);
  const SteadyState high_point = probe_at(limit);
  if (meets(high_point)) return finish_at(high_point, limit);
  // The largest C in [low, high) that meets the targets, with C = low meeting and C = high
  // missing them. Latency rises smoothly with C, so a probe where the excess interpolates to
  // zero brackets the answer in a few steps where bisection needs log2(limit): regula falsi
  // with the Illinois rule (an end kept twice in a row has its excess halved, so the probes do
  // not creep in from one side), and a bisection whenever three probes in a row failed to halve
  // the bracket. The answer is the same as bisection's.
  long long low = 1;
  long long high = limit;
  double low_excess = excess(low_point);
  double high_excess = excess(high_point);
  int last_moved = 0;  // +1: the low end moved last; -1: the high end
  int stale = 0;       // probes since the bracket last halved
  long long halved_at = high - low;
  while (high - low > 1) {
    long long probe = low + (high - low) / 2;
    const bool bisect = stale >= 3 || !(high_excess > low_excess);
    if (!bisect) {
      const double fraction = -low_excess / (high_excess - low_excess);
      probe = low + static_cast<long long>(std::llround(fraction * static_cast<double>(high - low)));
      probe = std::clamp(probe, low + 1, high - 1);
    }
    SteadyState state = probe_at(probe);
    if (meets(state)) {
      low = probe;
      low_excess = excess(state);
      low_point = std::move(state);
      if (last_moved == +1) high_excess /= 2;
      last_moved = +1;
    } else {
      high = probe;
      high_excess = excess(state);
      if (last_moved == -1) low_excess /= 2;
      last_moved = -1;
    }
    if (bisect || 2 * (high - low) <= halved_at) {
      halved_at = high - low;
      stale = 0;
    } else {
      ++stale;
    }
  }
  return finish_at(low_point, low);
}

}  // namespace tco::perf
