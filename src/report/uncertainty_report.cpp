// The Monte Carlo section of `tco-plan run --samples`: formatting only.
#include "uncertainty_report.hpp"

#include <fmt/format.h>

#include "tco/report/report.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

namespace {

std::string range(const explore::Percentiles& p, bool money) {
  if (money) {
    return fmt::format("{} / {} / {}", units::format_money(p.p10), units::format_money(p.p50),
                       units::format_money(p.p90));
  }
  return fmt::format("{:.3f} / {:.3f} / {:.3f}", p.p10, p.p50, p.p90);
}

const explore::OptionUncertainty* find(const explore::Uncertainty& uncertainty,
                                       const std::string& option) {
  for (const auto& entry : uncertainty.options) {
    if (entry.option == option) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string uncertainty_title(const explore::Uncertainty& uncertainty) {
  return fmt::format("Uncertainty: {} Monte Carlo samples (seed {}) over {}", uncertainty.samples,
                     uncertainty.seed, fmt::join(uncertainty.drivers, ", "));
}

std::vector<std::vector<std::string>> uncertainty_rows(const explore::Uncertainty& uncertainty) {
  std::vector<std::vector<std::string>> rows{{"option", "TCO P10/P50/P90", "NPV P10/P50/P90",
                                              "$/M tokens P10/P50/P90", "P(cheapest)"}};
  for (const auto& option : uncertainty.options) {
    rows.push_back({option.option, range(option.total_usd, true), range(option.npv_usd, true),
                    range(option.usd_per_million_tokens, false),
                    fmt::format("{:.0f} %", 100.0 * option.probability_cheapest)});
  }
  return rows;
}

std::vector<std::vector<std::string>> tornado_rows(const explore::OptionUncertainty& option) {
  std::vector<std::vector<std::string>> rows{
      {"driver", "P10 .. P90", "NPV at P10 .. P90", "swing"}};
  for (const auto& bar : option.tornado) {
    if (bar.swing_usd() == 0) continue;  // a driver this option does not depend on
    rows.push_back({bar.driver, fmt::format("{:.4g} .. {:.4g}", bar.value_low, bar.value_high),
                    fmt::format("{} .. {}", units::format_money(bar.npv_at_low_usd),
                                units::format_money(bar.npv_at_high_usd)),
                    units::format_money(bar.swing_usd())});
  }
  return rows;
}

std::string uncertainty_table(const explore::Uncertainty& uncertainty) {
  std::string out = "\n" + uncertainty_title(uncertainty) + "\n";
  out += align_columns(uncertainty_rows(uncertainty));
  out += "\nSensitivity of NPV (each driver alone at its P10 and P90; largest swing first)\n";
  for (const auto& option : uncertainty.options) {
    out += fmt::format("  {}\n", option.option);
    for (const auto& bar : option.tornado) {
      if (bar.swing_usd() == 0) continue;  // a driver this option does not depend on
      out += fmt::format("    {:<18} {:>8.4g} .. {:<8.4g}  NPV {} .. {}  (swing {})\n",
                         bar.driver, bar.value_low, bar.value_high,
                         units::format_money(bar.npv_at_low_usd),
                         units::format_money(bar.npv_at_high_usd),
                         units::format_money(bar.swing_usd()));
    }
  }
  return out;
}

nlohmann::ordered_json uncertainty_json(const explore::Uncertainty& uncertainty) {
  using nlohmann::ordered_json;
  auto percentiles = [](const explore::Percentiles& p) {
    return ordered_json{{"p10", p.p10}, {"p50", p.p50}, {"p90", p.p90}};
  };
  ordered_json options = ordered_json::array();
  for (const auto& option : uncertainty.options) {
    ordered_json tornado = ordered_json::array();
    for (const auto& bar : option.tornado) {
      tornado.push_back({{"driver", bar.driver},
                         {"value_p10", bar.value_low},
                         {"value_p90", bar.value_high},
                         {"npv_at_p10_usd", bar.npv_at_low_usd},
                         {"npv_at_p90_usd", bar.npv_at_high_usd},
                         {"swing_usd", bar.swing_usd()}});
    }
    options.push_back({{"option", option.option},
                       {"samples_costed", option.samples_costed},
                       {"total_usd", percentiles(option.total_usd)},
                       {"npv_usd", percentiles(option.npv_usd)},
                       {"usd_per_million_tokens", percentiles(option.usd_per_million_tokens)},
                       {"probability_cheapest", option.probability_cheapest},
                       {"tornado", tornado}});
  }
  return {{"samples", uncertainty.samples},
          {"seed", uncertainty.seed},
          {"drivers", uncertainty.drivers},
          {"options", options}};
}

void append_uncertainty_columns(std::vector<std::vector<std::string>>& rows,
                                const explore::Uncertainty& uncertainty) {
  const std::vector<std::string> header{
      "total_p10_usd",  "total_p50_usd",  "total_p90_usd",
      "npv_p10_usd",    "npv_p50_usd",    "npv_p90_usd",
      "usd_per_million_tokens_p10", "usd_per_million_tokens_p50", "usd_per_million_tokens_p90",
      "probability_cheapest", "top_driver", "top_driver_swing_usd"};
  rows.front().insert(rows.front().end(), header.begin(), header.end());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto* option = find(uncertainty, rows[r].front());
    if (option == nullptr) {
      rows[r].resize(rows.front().size());
      continue;
    }
    for (const auto* p : {&option->total_usd, &option->npv_usd, &option->usd_per_million_tokens}) {
      for (const double value : {p->p10, p->p50, p->p90}) {
        rows[r].push_back(fmt::format("{}", value));
      }
    }
    rows[r].push_back(fmt::format("{}", option->probability_cheapest));
    rows[r].push_back(option->tornado.empty() ? "" : option->tornado.front().driver);
    rows[r].push_back(option->tornado.empty()
                          ? ""
                          : fmt::format("{}", option->tornado.front().swing_usd()));
  }
}

void append_uncertainty_rows(std::vector<std::vector<std::string>>& rows,
                             const explore::Uncertainty& uncertainty) {
  for (const auto& option : uncertainty.options) {
    auto add = [&](const std::string& metric, const char* unit, double value) {
      rows.push_back({option.option, "0", metric, unit, fmt::format("{}", value)});
    };
    const std::pair<const char*, const explore::Percentiles*> metrics[] = {
        {"total", &option.total_usd}, {"npv", &option.npv_usd}};
    for (const auto& [name, p] : metrics) {
      add(fmt::format("{}_p10", name), "USD", p->p10);
      add(fmt::format("{}_p50", name), "USD", p->p50);
      add(fmt::format("{}_p90", name), "USD", p->p90);
    }
    add("cost_per_million_tokens_p10", "USD/Mtok", option.usd_per_million_tokens.p10);
    add("cost_per_million_tokens_p50", "USD/Mtok", option.usd_per_million_tokens.p50);
    add("cost_per_million_tokens_p90", "USD/Mtok", option.usd_per_million_tokens.p90);
    add("probability_cheapest", "fraction", option.probability_cheapest);
    for (const auto& bar : option.tornado) {
      add("npv_swing_" + bar.driver, "USD", bar.swing_usd());
    }
  }
}

}  // namespace tco::report
