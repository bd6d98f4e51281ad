#pragma once
// Power and energy of GPU servers from their activity (llm-d-planner #70 / KV-planner form:
// idle power plus activity x (TDP - idle)), and carbon from grid intensity.

namespace tco::energy {

struct ServerPower {
  double gpu_tdp_w = 0;
  double gpu_idle_fraction = 0.3;  ///< idle draw as a fraction of TDP
  int gpus = 8;
  double host_w = 0;               ///< CPUs, memory, NICs, fans beyond the GPUs
};

/// Average IT power of one server whose GPUs are busy a fraction `activity` ∈ [0, 1].
[[nodiscard]] double server_power_w(const ServerPower& server, double activity);
/// Nameplate (provisioned) power of one server: every GPU at TDP plus the host.
[[nodiscard]] double server_max_power_w(const ServerPower& server);

/// Carbon of `energy_j` joules at `intensity_kg_per_j`.
[[nodiscard]] inline double carbon_kg(double energy_j, double intensity_kg_per_j) {
  return energy_j * intensity_kg_per_j;
}

}  // namespace tco::energy
