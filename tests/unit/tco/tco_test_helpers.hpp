#pragma once
// Small builders shared by the TCO tests: unit conversions written out so a reader can redo
// them, and a workload with a chosen demand per hour.

#include <cmath>
#include <vector>

#include "tco/capacity/demand.hpp"
#include "tco/tco/cost.hpp"
#include "tco/units/units.hpp"

namespace tco_test {

inline constexpr double kJoulesPerKwh = 3.6e6;

/// $/kWh -> $/J.
inline double usd_per_j(double usd_per_kwh) { return usd_per_kwh / kJoulesPerKwh; }
/// kg/kWh -> kg/J.
inline double kg_per_j(double kg_per_kwh) { return kg_per_kwh / kJoulesPerKwh; }
/// $/kW-month -> $/(W s); a month is 1/12 of a Julian year, so x 12 months gives back a year.
inline double usd_per_w_s(double usd_per_kw_month) {
  return usd_per_kw_month / 1000.0 / tco::units::kSecondsPerMonth;
}
/// $/h -> $/s.
inline double usd_per_s(double usd_per_hour) { return usd_per_hour / 3600.0; }

/// A workload with a flat profile, `requests_per_day`, in/out tokens, no redundancy or headroom.
/// Peak sizing at the median (z = 0) over an hour window, so the provisioned rate is the mean
/// plus 0.5 / 3600 req/s (the continuity term): replicas = ceil(λ/μ + tiny).
inline tco::cost::Workload flat_workload(double requests_per_day, double input_tokens,
                                         double output_tokens) {
  tco::cost::Workload workload;
  workload.demand.requests_per_day = requests_per_day;
  workload.demand.hourly_share = tco::capacity::named_profile("flat");
  workload.demand.peak_percentile = 0.5;
  workload.demand.sizing_window_s = 3600;
  workload.input_tokens = input_tokens;
  workload.output_tokens = output_tokens;
  workload.redundancy_replicas = 0;
  workload.headroom = 0;
  return workload;
}

/// On-prem inputs with every cost at zero except what a test sets.
inline tco::cost::OnpremInputs bare_onprem() {
  tco::cost::OnpremInputs onprem;
  onprem.gpu_price_usd = 0;
  onprem.gpus_per_node = 8;
  onprem.depreciation_years = 3;
  onprem.residual_fraction = 0;
  onprem.server.gpu_tdp_w = 700;
  onprem.server.gpu_idle_fraction = 0.3;
  onprem.server.host_w = 1'400;
  onprem.pue = 1.0;
  onprem.electricity_usd_per_j = 0;
  return onprem;
}

inline tco::cost::Finance finance(int years, double rate) {
  tco::cost::Finance out;
  out.horizon_years = years;
  out.discount_rate = rate;
  return out;
}

}  // namespace tco_test
