// Sampling, re-costing and the summaries of the Monte Carlo.
#include "tco/explore/monte_carlo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tco/capacity/demand.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/explore/parallel.hpp"

namespace tco::explore {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  // Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014).
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}


/// Options whose spread is reported: costed and allowed by the constraints.
bool reported(const plan::OptionResult& result) { return result.cost && result.excluded.empty(); }

}  // namespace

double quantile(const config::UncertainInput& input, double p) {
  p = std::clamp(p, 1e-12, 1 - 1e-12);
  if (input.distribution == "normal") {
    return std::max(0.0, input.mean + input.sd * capacity::normal_quantile(p));
  }
  const double width = input.high - input.low;
  if (input.distribution == "triangular" && width > 0) {
    // Inverse CDF of the triangular distribution (low a, mode c, high b).
    const double split = (input.mode - input.low) / width;
    return p < split ? input.low + std::sqrt(p * width * (input.mode - input.low))
                     : input.high - std::sqrt((1 - p) * width * (input.high - input.mode));
  }
  return input.low + p * width;
}

std::mt19937_64 sample_generator(std::uint64_t seed, std::uint64_t index) {
  return std::mt19937_64(splitmix64(splitmix64(seed) ^ index));
}

double uniform01(std::mt19937_64& generator) {
  return static_cast<double>(generator() >> 11) * 0x1.0p-53;
}

plan::CostFactors factors_for(const std::vector<config::UncertainInput>& inputs,
                              const std::vector<double>& values) {
  plan::CostFactors factors;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const std::string& driver = inputs[k].driver;
    const double value = values[k];
    if (driver == "gpu_price") factors.gpu_price = value;
    else if (driver == "cloud_price") factors.cloud_price = value;
    else if (driver == "api_price") factors.api_price = value;
    else if (driver == "electricity_price") factors.electricity_price = value;
    else if (driver == "requests_per_day") factors.requests_per_day = value;
    else if (driver == "throughput") factors.throughput = value;
    else if (driver == "demand_growth") factors.demand_growth = value;
    // A normal's tail can pass the declines' meaningful range (a price below zero): hold them
    // at the bounds finance: accepts.
    else if (driver == "api_price_decline") factors.api_price_decline = std::clamp(value, 0.0, 0.99);
    else if (driver == "gpu_price_decline") factors.gpu_price_decline = std::clamp(value, -0.5, 0.99);
    else if (driver == "cloud_price_decline") {
      factors.cloud_price_decline = std::clamp(value, 0.0, 0.99);
    }
    else if (driver == "hardware_life") factors.hardware_life_years = value;
  }
  return factors;
}

Percentiles percentiles(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  auto at = [&](double p) {
    const double position = p * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    const double weight = position - static_cast<double>(below);
    return values[below] + weight * (values[above] - values[below]);
  };
  return {at(0.1), at(0.5), at(0.9)};
}

Uncertainty run_monte_carlo(const config::Scenario& scenario, const plan::Evaluation& evaluated,
                            long long samples, std::uint64_t seed, int threads) {
  const auto& inputs = scenario.uncertainty;
  if (inputs.empty()) {
    throw config::InputError(fmt::format(
        "{}: error: --samples needs an `uncertainty:` section with at least one driver (see "
        "`tco-plan schema`)\n",
        scenario.file));
  }
  Uncertainty out;
  out.samples = samples;
  out.seed = seed;
  for (const auto& input : inputs) out.drivers.push_back(input.driver);
  const std::size_t option_count = evaluated.options.size();
  const auto count = static_cast<std::size_t>(samples);
  const double missing = std::numeric_limits<double>::quiet_NaN();
  // [option][sample]; NaN where the option could not be costed in that sample.
  std::vector<std::vector<double>> total(option_count, std::vector<double>(count, missing));
  auto npv = total;
  auto per_mtok = total;
  std::vector<int> cheapest(count, -1);
  plan::EvaluateSettings settings;
  settings.explain = false;
  parallel_for(count, threads, [&](std::size_t i) {
    auto generator = sample_generator(seed, i);
    std::vector<double> values;
    values.reserve(inputs.size());
    for (const auto& input : inputs) values.push_back(quantile(input, uniform01(generator)));
    plan::EvaluateSettings local = settings;
    local.factors = factors_for(inputs, values);
    const auto sample = plan::recost(scenario, evaluated, local);
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t o = 0; o < option_count; ++o) {
      const auto& result = sample.options[o];
      if (!reported(result)) continue;
      total[o][i] = result.cost->total_usd;
      npv[o][i] = result.cost->npv_usd;
      per_mtok[o][i] = result.cost->usd_per_million_tokens;
      if (result.cost->npv_usd < best) {
        best = result.cost->npv_usd;
        cheapest[i] = static_cast<int>(o);
      }
    }
  });

  // Tornado: each driver alone at its P10 and P90, the others at their deterministic value.
  std::vector<std::vector<TornadoBar>> bars(option_count);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    std::vector<config::UncertainInput> one{inputs[k]};
    const double low = quantile(inputs[k], 0.1);
    const double high = quantile(inputs[k], 0.9);
    settings.factors = factors_for(one, {low});
    const auto at_low = plan::recost(scenario, evaluated, settings);
    settings.factors = factors_for(one, {high});
    const auto at_high = plan::recost(scenario, evaluated, settings);
    for (std::size_t o = 0; o < option_count; ++o) {
      if (!reported(at_low.options[o]) || !reported(at_high.options[o])) continue;
      bars[o].push_back({inputs[k].driver, low, high, at_low.options[o].cost->npv_usd,
                         at_high.options[o].cost->npv_usd});
    }
  }

  for (std::size_t o = 0; o < option_count; ++o) {
    if (!reported(evaluated.options[o])) continue;
    OptionUncertainty option;
    option.option = evaluated.options[o].option.name;
    auto present = [&](const std::vector<double>& values) {
      std::vector<double> kept;
      kept.reserve(values.size());
      for (const double value : values) {
        if (!std::isnan(value)) kept.push_back(value);
      }
      return kept;
    };
    const auto kept_npv = present(npv[o]);
    option.samples_costed = static_cast<long long>(kept_npv.size());
    option.total_usd = percentiles(present(total[o]));
    option.npv_usd = percentiles(kept_npv);
    option.usd_per_million_tokens = percentiles(present(per_mtok[o]));
    const auto wins = std::count(cheapest.begin(), cheapest.end(), static_cast<int>(o));
    option.probability_cheapest =
        count == 0 ? 0.0 : static_cast<double>(wins) / static_cast<double>(count);
    option.tornado = bars[o];
    std::stable_sort(option.tornado.begin(), option.tornado.end(),
                     [](const TornadoBar& a, const TornadoBar& b) {
                       return a.swing_usd() > b.swing_usd();
                     });
    out.options.push_back(std::move(option));
  }
  return out;
}

}  // namespace tco::explore
