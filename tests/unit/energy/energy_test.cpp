// Server power from GPU activity (tco_methods.md §2.4: idle draw plus activity x (TDP - idle),
// the llm-d-planner #70 / KV-planner form TDP x (0.3 + 0.7 u)), nameplate power, and carbon.
#include <catch2/catch.hpp>

#include "tco/energy/energy.hpp"

using tco::energy::carbon_kg;
using tco::energy::server_max_power_w;
using tco::energy::server_power_w;
using tco::energy::ServerPower;

namespace {

/// An HGX H100-like node: 8 GPUs of 700 W TDP, idle at 30 % of TDP, 1,400 W of host.
ServerPower hgx() {
  ServerPower server;
  server.gpu_tdp_w = 700;
  server.gpu_idle_fraction = 0.3;
  server.gpus = 8;
  server.host_w = 1'400;
  return server;
}

}  // namespace

TEST_CASE("energy: server power at activity 0, 0.5 and 1", "[tco]") {
  const auto server = hgx();
  // Activity 0:   8 x 700 x 0.3 + 1,400                     = 1,680 + 1,400 = 3,080 W.
  CHECK(server_power_w(server, 0.0) == Approx(3'080.0));
  // Activity 0.5: 8 x 700 x (0.3 + 0.7 x 0.5) + 1,400 = 8 x 700 x 0.65 + 1,400
  //                                                         = 3,640 + 1,400 = 5,040 W.
  CHECK(server_power_w(server, 0.5) == Approx(5'040.0));
  // Activity 1:   8 x 700 x 1.0 + 1,400                     = 5,600 + 1,400 = 7,000 W.
  CHECK(server_power_w(server, 1.0) == Approx(7'000.0));
  // Linear in activity: the midpoint is the mean of the ends, (3,080 + 7,000) / 2 = 5,040.
  CHECK(server_power_w(server, 0.5) ==
        Approx((server_power_w(server, 0.0) + server_power_w(server, 1.0)) / 2));
  // Activity is clamped to [0, 1].
  CHECK(server_power_w(server, -0.2) == Approx(3'080.0));
  CHECK(server_power_w(server, 1.7) == Approx(7'000.0));
}

TEST_CASE("energy: KV-planner form TDP x (0.3 + 0.7 u) for a bare GPU", "[tco]") {
  ServerPower gpu;
  gpu.gpu_tdp_w = 1'000;
  gpu.gpu_idle_fraction = 0.3;
  gpu.gpus = 1;
  gpu.host_w = 0;
  // u = 0.4: 1,000 x (0.3 + 0.7 x 0.4) = 1,000 x 0.58 = 580 W.
  CHECK(server_power_w(gpu, 0.4) == Approx(580.0));
}

TEST_CASE("energy: nameplate power is every GPU at TDP plus the host", "[tco]") {
  auto server = hgx();
  // 8 x 700 + 1,400 = 7,000 W, the same as activity 1.
  CHECK(server_max_power_w(server) == Approx(7'000.0));
  CHECK(server_max_power_w(server) == Approx(server_power_w(server, 1.0)));
  // DGX H100 nameplate 10.2 kW: 8 x 700 + 4,600 W host = 10,200 W.
  server.host_w = 4'600;
  CHECK(server_max_power_w(server) == Approx(10'200.0));
  // Nameplate does not depend on the idle fraction.
  server.gpu_idle_fraction = 0.5;
  CHECK(server_max_power_w(server) == Approx(10'200.0));
}

TEST_CASE("energy: carbon is energy times grid intensity", "[tco]") {
  // 1 kWh = 3.6e6 J; Germany 381 g/kWh = 0.381 kg / 3.6e6 J.
  // 1,000 kWh x 0.381 kg/kWh = 381 kg.
  CHECK(carbon_kg(1'000 * 3.6e6, 0.381 / 3.6e6) == Approx(381.0));
}
