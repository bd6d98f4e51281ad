#include "tco/energy/energy.hpp"

#include <algorithm>

namespace tco::energy {

double server_power_w(const ServerPower& server, double activity) {
  const double busy = std::clamp(activity, 0.0, 1.0);
  const double gpu_w =
      server.gpu_tdp_w * (server.gpu_idle_fraction + (1.0 - server.gpu_idle_fraction) * busy);
  return server.gpus * gpu_w + server.host_w;
}

double server_max_power_w(const ServerPower& server) {
  return server.gpus * server.gpu_tdp_w + server.host_w;
}

}  // namespace tco::energy
