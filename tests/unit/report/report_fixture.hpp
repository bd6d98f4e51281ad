#pragma once
// A hand-built evaluation for the document reporters: an on-prem H100 option that fits, with two
// years of cash flows, an API option, and a cloud option excluded by the air gap. Names carry a
// pipe and markup characters so escaping is exercised.

#include "tco/plan/evaluate.hpp"

namespace tco::test {

inline plan::OptionResult onprem_h100() {
  plan::OptionResult r;
  r.option.name = "onprem|h100";
  r.option.kind = config::OptionKind::kOnprem;
  r.option.gpu = "h100-sxm";
  r.option.tp = 2;
  catalog::Gpu gpu;
  gpu.id = "h100-sxm";
  gpu.tdp_w = 700;
  r.gpu = gpu;
  perf::MemoryPlan memory;
  memory.capacity_bytes = 80.0 * 1073741824.0;
  memory.usable_bytes = 72.0 * 1073741824.0;
  memory.weights_bytes = 34.0 * 1073741824.0;
  memory.activation_bytes = 1.0 * 1073741824.0;
  memory.runtime_overhead_bytes = 3.0 * 1073741824.0;
  memory.kv_budget_bytes = 34.0 * 1073741824.0;
  memory.kv_bytes_per_sequence = 0.125 * 1073741824.0;
  memory.max_sequences = 272;
  memory.fits = true;
  memory.verdict = "fits: KV budget 34.0 GiB holds 272 sequences of 1800 tokens";
  r.memory = memory;
  plan::Performance performance;
  performance.calibrated = true;
  perf::ServingPoint point;
  point.concurrency = 100;
  point.output_tokens_per_s = 1500;
  point.ttft_s = 0.25;
  point.tpot_s = 0.05;
  point.roofline_output_tokens_per_s = 3000;
  performance.at_targets = point;
  performance.max_throughput = point;
  performance.max_throughput.output_tokens_per_s = 1800;
  performance.limited_by = "latency targets";
  r.performance = performance;
  cost::OptionCost c;
  cost::YearFlow y1;
  y1.year = 1;
  y1.capex = 600e3;
  y1.maintenance = 30e3;
  y1.energy = 20e3;
  y1.staff = 50e3;
  y1.facility_energy_j = 100e3 * 3.6e6;  // 100 MWh
  y1.carbon_kg = 40e3;
  y1.gpus = 16;
  y1.nodes = 2;
  y1.utilisation = 0.5;
  cost::YearFlow y2 = y1;
  y2.year = 2;
  y2.capex = 0;
  c.years = {y1, y2};
  c.total_usd = 800e3;
  c.npv_usd = 750e3;
  c.eac_usd = 400e3;
  c.usd_per_million_tokens = 1.25;
  c.usd_per_million_output_tokens = 7.5;
  for (int month = 0; month <= 24; ++month) {
    c.cumulative_by_month.push_back(600e3 + 100e3 * month / 12.0);
  }
  r.cost = c;
  r.break_even_month["api"] = std::nullopt;
  r.status = "fits";
  return r;
}

inline plan::OptionResult api() {
  plan::OptionResult r;
  r.option.name = "api";
  r.option.kind = config::OptionKind::kApi;
  r.option.offer = "deepinfra/llama-3.1-70b";
  cost::OptionCost c;
  cost::YearFlow y1;
  y1.year = 1;
  y1.api = 300e3;
  cost::YearFlow y2 = y1;
  y2.year = 2;
  c.years = {y1, y2};
  c.total_usd = 600e3;
  c.npv_usd = 550e3;
  c.eac_usd = 300e3;
  c.usd_per_million_tokens = 0.9;
  c.usd_per_million_output_tokens = 5.4;
  for (int month = 0; month <= 24; ++month) c.cumulative_by_month.push_back(25e3 * month);
  r.cost = c;
  r.break_even_month["onprem|h100"] = 0;
  r.status = "hosted API (no GPUs)";
  return r;
}

inline plan::OptionResult excluded_cloud() {
  plan::OptionResult r;
  r.option.name = "cloud-p5";
  r.option.kind = config::OptionKind::kCloud;
  r.excluded = "air-gapped: cloud options are not allowed";
  r.status = "excluded";
  return r;
}

inline plan::Evaluation report_evaluation() {
  plan::Evaluation e;
  e.scenario_name = "Report <test> & co";
  e.scenario_file = "report.yaml";
  e.model.id = "llama-3.1-70b";
  e.engine_id = "vllm";
  e.context_tokens = 1800;
  e.horizon_years = 2;
  e.discount_rate = 0.07;
  e.options = {onprem_h100(), api(), excluded_cloud()};
  e.warnings = {"the h100-sxm purchase price is old"};
  e.assumptions = {{"electricity", "0.10 USD/kWh", "EIA table 5.6.A", "2026-01-01", false}};
  return e;
}

}  // namespace tco::test
