#include "tco/plan/evaluate.hpp"

#include "costing.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "tco/units/units.hpp"

namespace tco::plan {

namespace {

void add_assumption(Evaluation& evaluation, std::string name, std::string value,
                    const catalog::Provenance& provenance) {
  evaluation.assumptions.push_back({std::move(name), std::move(value), provenance.source,
                                    provenance.as_of, provenance.estimate});
}

}  // namespace

Evaluation evaluate(const config::Scenario& scenario, const PerformanceData& performance,
                    const EvaluateSettings& settings) {
  const bool explain = settings.explain;
  Evaluation evaluation;
  const auto& catalog = scenario.catalog;
  const auto& model = scenario.model.model;
  evaluation.scenario_name = scenario.name;
  evaluation.scenario_file = scenario.file;
  evaluation.model = model;
  evaluation.weight_dtype = scenario.model.weight_dtype;
  evaluation.kv_dtype = scenario.model.kv_dtype;
  evaluation.expert_dtype = perf::expert_dtype_for(model, catalog, scenario.model.weight_dtype);
  evaluation.parameters = model::count_parameters(model);
  evaluation.engine_id = scenario.engine.id;
  evaluation.context_tokens =
      static_cast<double>(scenario.workload.input_tokens + scenario.workload.output_tokens);
  const auto& weight_dtype = catalog.dtype(evaluation.weight_dtype);
  const auto& expert_dtype = catalog.dtype(evaluation.expert_dtype);
  const auto& kv_dtype = catalog.dtype(evaluation.kv_dtype);
  const auto& sixteen_bit = catalog.dtype(catalog::Dtype::kBf16);
  evaluation.weight_bytes_total =
      model::weight_bytes(evaluation.parameters, weight_dtype, expert_dtype, sixteen_bit);

  if (explain) {
    add_assumption(evaluation, fmt::format("model {}", model.id),
                   fmt::format("{} layers, hidden {}, {:.2f}B parameters", model.num_layers,
                               model.hidden_size, evaluation.parameters.total() / 1e9),
                   model.provenance);
    add_assumption(evaluation, fmt::format("weights {}", catalog::dtype_name(weight_dtype.id)),
                   fmt::format("{} bits per value", weight_dtype.bits_per_value),
                   weight_dtype.provenance);
    if (expert_dtype.id != weight_dtype.id) {
      add_assumption(evaluation, fmt::format("experts {}", catalog::dtype_name(expert_dtype.id)),
                     fmt::format("{} bits per value", expert_dtype.bits_per_value),
                     expert_dtype.provenance);
    }
    add_assumption(evaluation, fmt::format("KV cache {}", catalog::dtype_name(kv_dtype.id)),
                   fmt::format("{} bits per value", kv_dtype.bits_per_value), kv_dtype.provenance);
    add_assumption(evaluation, fmt::format("engine {}", scenario.engine.id),
                   fmt::format("memory fraction {:.2f}, runtime overhead {}, max batch {}, {} "
                               "tokens per step",
                               scenario.engine.memory_fraction,
                               units::format_gib(scenario.engine.runtime_overhead_bytes),
                               scenario.engine.max_batch, scenario.engine.max_tokens_per_step),
                   scenario.engine.provenance);
    if (scenario.workload.requests_per_day == 0) {
      // Valid (a placeholder while sizing), but every per-token figure is then 0 / 0: say so
      // rather than let a zero cost per million tokens look like a bargain.
      evaluation.warnings.push_back(
          "workload.requests_per_day is 0: nothing is served, so no capacity is sized, costs that "
          "scale with traffic are 0 and cost per million tokens is not meaningful (shown as 0)");
    }
  }
  // Timed as the engine serves it (a copy only when that differs).
  std::optional<catalog::Model> unwindowed;
  if (perf::drops_sliding_window(model, scenario.engine)) {
    unwindowed = perf::as_served(model, scenario.engine);
  }
  const catalog::Model& served = unwindowed ? *unwindowed : model;
  if (explain && unwindowed) {
    evaluation.warnings.push_back(fmt::format(
        "engine {} does not apply {}'s {}-token sliding window by default: every layer is "
        "planned and timed with full attention (set the engine's window, then "
        "`engine: {{id: {}, applies_sliding_window: true}}`)",
        scenario.engine.id, model.id, model.sliding_window, scenario.engine.id));
  }
  if (explain && scenario.engine.dequantize_to_fp16_above_tokens > 0 &&
      std::min(weight_dtype.bits_per_value, expert_dtype.bits_per_value) < 16) {
    evaluation.warnings.push_back(fmt::format(
        "engine {}: GEMMs of more than {} rows dequantise the {} weights to fp16 (cuBLAS), as "
        "the llama.cpp builds of the fitted timing did (to mid-2024); builds that run quantised "
        "GEMMs on int8 tensor cores prefill faster: `engine: {{id: {}, "
        "dequantize_to_fp16_above_tokens: 0}}` prices that path, which no measurement in the "
        "data calibrates",
        scenario.engine.id, scenario.engine.dequantize_to_fp16_above_tokens,
        catalog::dtype_name(weight_dtype.id), scenario.engine.id));
  }
  if (explain && model.provenance.estimate) {
    evaluation.warnings.push_back(fmt::format("model {}: {}", model.id,
                                              model.provenance.estimate_reason));
  }

  std::vector<std::string> gpus_seen;
  const auto& options = settings.options ? *settings.options : scenario.options;
  evaluation.options.reserve(options.size());
  for (const auto& option : options) {
    OptionResult result;
    result.option = option;
    const catalog::Gpu* gpu = option.gpu.empty() ? nullptr : catalog.find_gpu(option.gpu);
    if (gpu == nullptr) {
      result.status = option.kind == config::OptionKind::kApi      ? "hosted API (no GPUs)"
                      : option.kind == config::OptionKind::kHybrid ? "see base and burst"
                                                                   : "no GPU";
      evaluation.options.push_back(std::move(result));
      continue;
    }
    result.gpu = *gpu;
    perf::MemoryPlanInput input;
    input.model = &served;
    input.gpu = gpu;
    input.engine = &scenario.engine;
    input.weight_dtype = &weight_dtype;
    input.expert_dtype = &expert_dtype;
    input.kv_dtype = &kv_dtype;
    input.sixteen_bit = &sixteen_bit;
    input.parallelism = {option.tp, option.pp, option.ep};
    input.context_tokens = evaluation.context_tokens;
    result.memory = explain ? perf::plan_memory(input) : perf::size_memory(input);
    result.status = result.memory->fits ? "fits" : "does not fit";
    if (result.memory->fits) {
      perf::Replica replica;
      replica.model = &served;
      replica.gpu = gpu;
      replica.profile = &perf::profile_for(performance.profiles, gpu->id);
      replica.engine = &scenario.engine;
      replica.weight_dtype = &weight_dtype;
      replica.expert_dtype = &expert_dtype;
      replica.kv_dtype = &kv_dtype;
      replica.sixteen_bit = &sixteen_bit;
      replica.parallelism = input.parallelism;
      if (const auto timing = performance.engine_timing.find(scenario.engine.id);
          timing != performance.engine_timing.end()) {
        replica.timing = timing->second;
      }
      const perf::Traffic traffic{static_cast<double>(scenario.workload.input_tokens),
                                  static_cast<double>(scenario.workload.output_tokens)};
      Performance result_performance;
      result_performance.calibrated = replica.profile->calibrated;
      result_performance.kv_concurrency = perf::max_concurrency(replica, traffic);
      result_performance.max_throughput = perf::serve_max_throughput(replica, traffic);
      if (settings.roofline_bound) {
        perf::ServingPoint bound = result_performance.max_throughput;
        bound.output_tokens_per_s = bound.roofline_output_tokens_per_s;
        bound.requests_per_s = bound.roofline_output_tokens_per_s / traffic.output_tokens;
        result_performance.at_targets = bound;
      } else {
        result_performance.at_targets = perf::best_under_targets(
            replica, traffic, {scenario.workload.slo.ttft_s, scenario.workload.slo.tpot_s});
      }
      if (!explain) {
        // numbers only
      } else if (!result_performance.at_targets) {
        result_performance.limited_by = "latency targets missed even at one request";
      } else if (result_performance.at_targets->concurrency >=
                 static_cast<double>(result_performance.kv_concurrency)) {
        result_performance.limited_by =
            result_performance.at_targets->kv_limited ? "KV-cache capacity" : "engine max batch";
      } else {
        result_performance.limited_by =
            fmt::format("latency targets ({}-bound step)",
                        perf::bound_name(result_performance.at_targets->bound));
      }
      if (explain && !replica.profile->calibrated) {
        evaluation.warnings.push_back(fmt::format(
            "option {}: GPU {} has no measured kernel profile; its performance uses the generic "
            "efficiency curve (uncalibrated)",
            option.name, gpu->id));
      }
      result.performance = result_performance;
    }
    if (explain &&
        std::find(gpus_seen.begin(), gpus_seen.end(), gpu->id) == gpus_seen.end()) {
      gpus_seen.push_back(gpu->id);
      add_assumption(evaluation, fmt::format("GPU {}", gpu->id),
                     fmt::format("{} memory, {}/s", units::format_gib(gpu->memory_bytes),
                                 units::format_bytes(gpu->memory_bandwidth_bytes_per_s)),
                     gpu->provenance);
      if (gpu->provenance.estimate) {
        evaluation.warnings.push_back(
            fmt::format("GPU {}: some datasheet figures are unverified estimates ({})", gpu->id,
                        gpu->provenance.estimate_reason));
      }
    }
    evaluation.options.push_back(std::move(result));
  }
  add_costs(scenario, evaluation, settings);
  if (explain && (!model.license.empty() || !model.publisher.empty())) {
    evaluation.assumptions.push_back(
        {"model licence and origin",
         fmt::format("{}; {} ({})", model.license.empty() ? "licence not stated" : model.license,
                     model.publisher, model.publisher_country),
         model.provenance.source, model.provenance.as_of, false});
  }
  return evaluation;
}

Evaluation recost(const config::Scenario& scenario, const Evaluation& evaluated,
                  const EvaluateSettings& settings) {
  Evaluation evaluation;
  evaluation.options.reserve(evaluated.options.size());
  for (const auto& result : evaluated.options) {
    OptionResult copy;
    copy.option = result.option;
    copy.gpu = result.gpu;
    copy.memory = result.memory;
    copy.performance = result.performance;
    copy.status = result.status;
    evaluation.options.push_back(std::move(copy));
  }
  add_costs(scenario, evaluation, settings);
  return evaluation;
}

}  // namespace tco::plan
