// Replay of finite benchmark runs (perf/benchmark_replay.hpp) against schedules worked out by
// hand: each expected step is timed with step_time() on the shape the scheduler must build.
#include <catch2/catch.hpp>

#include "test_replica.hpp"
#include "tco/perf/benchmark_replay.hpp"
#include "tco/perf/serving.hpp"

namespace {

tco::perf::StepShape step(double decode_tokens, double decode_context, double prefill_tokens,
                          double prefill_context) {
  tco::perf::StepShape shape;
  shape.decode_tokens = decode_tokens;
  shape.decode_context = decode_context;
  shape.prefill_tokens = prefill_tokens;
  shape.prefill_context = prefill_context;
  return shape;
}

double seconds(const tco::perf::Replica& replica, const tco::perf::StepShape& shape) {
  return tco::perf::step_time(replica, shape).time_s;
}

}  // namespace

TEST_CASE("a lone request: TTFT is its prompt's step, TPOT a decode step at its mean context",
          "[perf][replay]") {
  auto r = replica("llama-3.1-8b", "h100-sxm");
  r.timing.request_overhead_s = 0.004;
  const auto point = tco::perf::replay_benchmark(r, {512, 64}, {1, 0.0});
  // Step 1 prefills the 512 prompt tokens (mean causal context 256) and emits the first token;
  // the other 63 tokens come from identical decode steps, timed at their mean cached context
  // 512 + 1 + 62 / 2 = 544.
  const double prefill_s = seconds(r, step(0, 0, 512, 256));
  const double decode_s = seconds(r, step(1, 544, 0, 0));
  CHECK(point.ttft_s == Approx(prefill_s + 0.004));
  CHECK(point.tpot_s == Approx(decode_s));
  CHECK(point.e2e_latency_s == Approx(prefill_s + 63 * decode_s + 0.004));
  CHECK(point.output_tokens_per_s == Approx(64 / (prefill_s + 63 * decode_s)));
  CHECK(point.concurrency == Approx(1));
  CHECK_FALSE(point.kv_limited);
}

TEST_CASE("without chunked prefill a prompt goes whole or waits for the next step",
          "[perf][replay]") {
  // TensorRT-LLM: 8192 tokens per step, chunked prefill off. Three 3000-token prompts sent at
  // once, two output tokens each. Step 1 prefills A and B (6000 tokens); C does not fit in the
  // 2192 left and waits. Step 2 decodes A and B (cached 3001 tokens each, their last token) and
  // prefills C. Step 3 decodes C.
  const auto r = replica("llama-3.1-8b", "h100-sxm", 1, "trtllm");
  REQUIRE_FALSE(r.engine->chunked_prefill);
  REQUIRE(r.engine->max_tokens_per_step == 8192);
  const auto point = tco::perf::replay_benchmark(r, {3000, 2}, {3, 0.0});
  const double t1 = seconds(r, step(0, 0, 6000, 1500));
  const double t2 = t1 + seconds(r, step(2, 3001, 3000, 1500));
  const double t3 = t2 + seconds(r, step(1, 3001, 0, 0));
  CHECK(point.ttft_s == Approx((t1 + t1 + t2) / 3));
  CHECK(point.tpot_s == Approx((2 * (t2 - t1) + (t3 - t2)) / 3));
  CHECK(point.e2e_latency_s == Approx((t2 + t2 + t3) / 3));
  CHECK(point.output_tokens_per_s == Approx(6 / t3));
  CHECK(point.requests_per_s == Approx(3 / t3));
}

TEST_CASE("with chunked prefill the budget is filled with a part of the next prompt",
          "[perf][replay]") {
  // vLLM: 8192 tokens per step, chunked. Step 1 prefills A and B whole and C's first 2192
  // tokens (mean causal context (2 x 3000 x 1500 + 2192 x 1096) / 8192). Step 2 decodes A and B
  // and prefills C's other 808 tokens (context 2192 + 404). Step 3 decodes C.
  const auto r = replica("llama-3.1-8b", "h100-sxm", 1, "vllm");
  REQUIRE(r.engine->chunked_prefill);
  REQUIRE(r.engine->max_tokens_per_step == 8192);
  const auto point = tco::perf::replay_benchmark(r, {3000, 2}, {3, 0.0});
  const double t1 = seconds(r, step(0, 0, 8192, (2 * 3000 * 1500.0 + 2192 * 1096.0) / 8192));
  const double t2 = t1 + seconds(r, step(2, 3001, 808, 2596));
  const double t3 = t2 + seconds(r, step(1, 3001, 0, 0));
  CHECK(point.ttft_s == Approx((t1 + t1 + t2) / 3));
  CHECK(point.e2e_latency_s == Approx((t2 + t2 + t3) / 3));
  CHECK(point.output_tokens_per_s == Approx(6 / t3));
}

TEST_CASE("requests beyond the KV capacity wait for a slot", "[perf][replay]") {
  const auto r = replica("llama-3.1-8b", "h100-sxm");
  const tco::perf::Traffic traffic{60000, 8};
  const long long slots = tco::perf::max_concurrency(r, traffic);
  REQUIRE(slots > 1);
  REQUIRE(slots < 20);
  const auto fits = tco::perf::replay_benchmark(r, traffic, {slots, 0.0});
  const auto waits = tco::perf::replay_benchmark(r, traffic, {slots + 1, 0.0});
  CHECK_FALSE(fits.kv_limited);
  CHECK(waits.kv_limited);
  // The extra request is admitted only when the first ones finish: it adds a whole request's
  // prefill and decode to the run after them.
  CHECK(waits.ttft_s > fits.ttft_s);
  const double fitting = static_cast<double>(slots);
  CHECK(waits.requests_per_s < fits.requests_per_s * (fitting + 1) / fitting);
}

TEST_CASE("a long run at a steady rate approaches the steady state", "[perf][replay]") {
  // 4000 requests at 20 req/s last 200 s, against about 2 s per request: ramp-up and drain are
  // a percent of the run, so the replay meets the mean-field steady state of serve_rate.
  const auto r = replica("llama-3.1-8b", "h100-sxm");
  const tco::perf::Traffic traffic{500, 100};
  const double rate = 20;
  const auto replayed = tco::perf::replay_benchmark(r, traffic, {4000, rate});
  const auto steady = tco::perf::serve_rate(r, traffic, rate);
  REQUIRE_FALSE(steady.saturated);
  CHECK(replayed.output_tokens_per_s == Approx(rate * 100).epsilon(0.03));
  CHECK(replayed.tpot_s == Approx(steady.tpot_s).epsilon(0.1));
  // Little's law: resident requests = arrival rate x time in the system.
  CHECK(replayed.concurrency == Approx(rate * replayed.e2e_latency_s).epsilon(0.03));
  // The arrivals come from a fixed seed: the same run every time.
  const auto again = tco::perf::replay_benchmark(r, traffic, {4000, rate});
  CHECK(again.ttft_s == replayed.ttft_s);
  CHECK(again.tpot_s == replayed.tpot_s);
}
