// One self-contained HTML file: inline CSS, the report's tables (shared rows with the table and
// Markdown formats) and four inline SVG charts. No scripts, fonts, images or links to fetch, so
// it opens offline and can be attached to a ticket as is.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "evaluation_tables.hpp"
#include "uncertainty_report.hpp"
#include "tco/report/documents.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

namespace {

// Okabe-Ito palette: distinguishable with colour-vision deficiency.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#56B4E9", "#D55E00", "#F0E442", "#000000"};
constexpr std::size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

constexpr double kWidth = 760;
constexpr double kLeft = 150;  // room for option names and axis labels
constexpr double kRight = 20;
constexpr double kTop = 30;
constexpr double kBottom = 40;

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_table(const Rows& rows) {
  std::string out = "<table>\n<tr>";
  for (const auto& text : rows.front()) out += "<th>" + escape(text) + "</th>";
  out += "</tr>\n";
  for (std::size_t r = 1; r < rows.size(); ++r) {
    out += "<tr>";
    for (const auto& text : rows[r]) out += "<td>" + escape(text) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

/// A "nice" axis step (1, 2 or 5 x 10^k) giving about `ticks` intervals up to `max`.
double nice_step(double max, int ticks) {
  if (max <= 0) return 1;
  const double raw = max / ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * power) return m * power;
  }
  return 10 * power;
}

std::string svg_open(const std::string& id, const std::string& title, double height) {
  return fmt::format(
      "<figure>\n<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\">\n"
      "<title>{}</title>\n"
      "<text x=\"{:.0f}\" y=\"18\" class=\"chart-title\">{}</text>\n",
      id, kWidth, height, kWidth, height, escape(title), kLeft, escape(title));
}

/// Swatches and names from (kLeft, y), wrapping onto a second line when the first is full.
std::string legend(const std::vector<std::string>& names, double y) {
  std::string out;
  double x = kLeft;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (x + 24 + 7.0 * static_cast<double>(names[i].size()) > kWidth - kRight) {
      x = kLeft;
      y += 14;
    }
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\">{}</text>\n",
        x, y, kPalette[i % kPaletteSize], x + 14, y + 9, escape(names[i]));
    x += 24 + 7.0 * static_cast<double>(names[i].size());
  }
  return out;
}

std::vector<const plan::OptionResult*> costed(const plan::Evaluation& evaluation) {
  std::vector<const plan::OptionResult*> out;
  for (const auto& result : evaluation.options) {
    if (result.excluded.empty() && result.cost && !result.cost->years.empty()) {
      out.push_back(&result);
    }
  }
  return out;
}

/// Cumulative undiscounted cost per option, month by month over the horizon.
std::string cumulative_chart(const plan::Evaluation& evaluation) {
  const auto options = costed(evaluation);
  const double height = 334;
  std::string out =
      svg_open("chart-cumulative-cost", "Cumulative cost per option (undiscounted, USD)", height);
  double max_cost = 0;
  std::size_t months = 1;
  for (const auto* result : options) {
    for (const double value : result->cost->cumulative_by_month) {
      max_cost = std::max(max_cost, value);
    }
    months = std::max(months, result->cost->cumulative_by_month.size() - 1);
  }
  const double step = nice_step(max_cost, 5);
  const double top = std::max(step, std::ceil(max_cost / step) * step);
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = height - kTop - kBottom - 34;
  auto x_of = [&](double month) { return kLeft + plot_w * month / static_cast<double>(months); };
  auto y_of = [&](double usd) { return kTop + plot_h * (1 - usd / top); };
  for (double tick = 0; tick <= top + step / 2; tick += step) {
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
        "class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" "
        "text-anchor=\"end\">{}</text>\n",
        kLeft, y_of(tick), kLeft + plot_w, y_of(tick), kLeft - 6, y_of(tick) + 4,
        escape(units::format_money(tick)));
  }
  for (int year = 0; year <= evaluation.horizon_years; ++year) {
    const double x = x_of(12.0 * year);
    if (12.0 * year > static_cast<double>(months)) break;
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"middle\">"
        "year {}</text>\n",
        x, kTop + plot_h + 16, year);
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < options.size(); ++i) {
    const auto& series = options[i]->cost->cumulative_by_month;
    std::string points;
    for (std::size_t m = 0; m < series.size(); ++m) {
      points += fmt::format("{}{:.1f},{:.1f}", m == 0 ? "" : " ", x_of(static_cast<double>(m)),
                            y_of(series[m]));
    }
    out += fmt::format(
        "<polyline class=\"series\" data-option=\"{}\" fill=\"none\" "
        "stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n",
        escape(options[i]->option.name), kPalette[i % kPaletteSize], points);
    names.push_back(options[i]->option.name);
  }
  out += legend(names, height - 32);
  return out + "</svg>\n</figure>\n";
}

/// Horizontal stacked bars: the categories of `parts` per row, scaled to the largest row total.
struct Bar {
  std::string label;
  std::vector<double> parts;
  std::string note;  ///< printed after the bar
};

std::string stacked_bars(const std::string& id, const std::string& title,
                         const std::vector<std::string>& categories, const std::vector<Bar>& bars,
                         const std::function<std::string(double)>& format_value) {
  const double row_h = 26;
  const double height = kTop + row_h * static_cast<double>(bars.size()) + 64;
  std::string out = svg_open(id, title, height);
  double max_total = 0;
  for (const auto& bar : bars) {
    double total = 0;
    for (const double part : bar.parts) total += std::max(0.0, part);
    max_total = std::max(max_total, total);
  }
  const double plot_w = kWidth - kLeft - kRight - 90;
  for (std::size_t r = 0; r < bars.size(); ++r) {
    const double y = kTop + row_h * static_cast<double>(r);
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"end\">{}"
        "</text>\n",
        kLeft - 6, y + 15, escape(bars[r].label));
    double x = kLeft;
    double total = 0;
    for (std::size_t c = 0; c < bars[r].parts.size(); ++c) {
      const double value = std::max(0.0, bars[r].parts[c]);
      total += value;
      if (value <= 0 || max_total <= 0) continue;
      const double w = plot_w * value / max_total;
      out += fmt::format(
          "<rect class=\"bar\" data-option=\"{}\" data-category=\"{}\" "
          "data-value=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"18\" fill=\"{}\"><title>{}: {}</title></rect>\n",
          escape(bars[r].label), escape(categories[c]), value, x, y + 2, w,
          kPalette[c % kPaletteSize], escape(categories[c]), escape(format_value(value)));
      x += w;
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\">{}{}</text>\n", x + 6,
                       y + 15, escape(format_value(total)),
                       bars[r].note.empty() ? "" : " " + escape(bars[r].note));
  }
  out += legend(categories, height - 36);
  return out + "</svg>\n</figure>\n";
}

std::string cost_breakdown_chart(const plan::Evaluation& evaluation) {
  const std::vector<std::string> categories{"capex net of resale",
                                            "maintenance",
                                            "energy",
                                            "colocation",
                                            "staff",
                                            "licences",
                                            "cloud",
                                            "api"};
  std::vector<Bar> bars;
  for (const auto* result : costed(evaluation)) {
    Bar bar{result->option.name, std::vector<double>(categories.size(), 0.0), ""};
    for (const auto& year : result->cost->years) {
      bar.parts[0] += year.capex - year.residual;
      bar.parts[1] += year.maintenance;
      bar.parts[2] += year.energy;
      bar.parts[3] += year.colocation;
      bar.parts[4] += year.staff;
      bar.parts[5] += year.licences;
      bar.parts[6] += year.cloud;
      bar.parts[7] += year.api;
    }
    bars.push_back(std::move(bar));
  }
  return stacked_bars(
      "chart-cost-breakdown",
      fmt::format("Cost by category over {} years (undiscounted, USD)", evaluation.horizon_years),
      categories, bars, [](double v) { return units::format_money(v); });
}

std::string memory_chart(const plan::Evaluation& evaluation) {
  const std::vector<std::string> categories{"weights", "activation workspace", "runtime overhead",
                                            "KV cache budget", "reserved (not usable)"};
  std::vector<Bar> bars;
  for (const auto& result : evaluation.options) {
    if (!result.memory) continue;
    const auto& m = *result.memory;
    const double kv = std::max(0.0, m.kv_budget_bytes);
    bars.push_back({fmt::format("{}", result.option.name),
                    {m.weights_bytes, m.activation_bytes, m.runtime_overhead_bytes, kv,
                     std::max(0.0, m.capacity_bytes - m.usable_bytes)},
                    m.fits ? "" : "(does not fit)"});
  }
  return stacked_bars("chart-memory-plan", "Memory plan per GPU (GiB)", categories, bars,
                      [](double v) { return units::format_gib(v); });
}

/// Output tokens/s per replica against TPOT: the point at the latency targets and the
/// all-KV-slots-busy point, joined, per option.
std::string throughput_chart(const plan::Evaluation& evaluation) {
  const double height = 334;
  std::string out =
      svg_open("chart-throughput-latency",
               "Throughput against latency per replica (output tokens/s vs TPOT)", height);
  std::vector<const plan::OptionResult*> options;
  double max_tokens = 0;
  double max_tpot = 0;
  for (const auto& result : evaluation.options) {
    if (!result.performance) continue;
    options.push_back(&result);
    const auto& p = *result.performance;
    max_tokens = std::max(max_tokens, p.max_throughput.output_tokens_per_s);
    max_tpot = std::max(max_tpot, p.max_throughput.tpot_s);
    if (p.at_targets) {
      max_tokens = std::max(max_tokens, p.at_targets->output_tokens_per_s);
      max_tpot = std::max(max_tpot, p.at_targets->tpot_s);
    }
  }
  const double y_step = nice_step(max_tokens, 5);
  const double y_top = std::max(y_step, std::ceil(max_tokens / y_step) * y_step);
  const double x_step = nice_step(max_tpot * 1e3, 6);
  const double x_top = std::max(x_step, std::ceil(max_tpot * 1e3 / x_step) * x_step);
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = height - kTop - kBottom - 34;
  auto x_of = [&](double tpot_s) { return kLeft + plot_w * tpot_s * 1e3 / x_top; };
  auto y_of = [&](double tokens) { return kTop + plot_h * (1 - tokens / y_top); };
  for (double tick = 0; tick <= y_top + y_step / 2; tick += y_step) {
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
        "class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" "
        "text-anchor=\"end\">{:.0f} tok/s</text>\n",
        kLeft, y_of(tick), kLeft + plot_w, y_of(tick), kLeft - 6, y_of(tick) + 4, tick);
  }
  for (double tick = 0; tick <= x_top + x_step / 2; tick += x_step) {
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"middle\">"
        "{:g} ms</text>\n",
        x_of(tick / 1e3), kTop + plot_h + 16, tick);
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < options.size(); ++i) {
    const auto& p = *options[i]->performance;
    const char* colour = kPalette[i % kPaletteSize];
    const std::string name = escape(options[i]->option.name);
    const auto& top = p.max_throughput;
    if (p.at_targets) {
      const auto& at = *p.at_targets;
      out += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
          "stroke=\"{}\" stroke-dasharray=\"4 3\"/>\n",
          x_of(at.tpot_s), y_of(at.output_tokens_per_s), x_of(top.tpot_s),
          y_of(top.output_tokens_per_s), colour);
      out += fmt::format(
          "<circle class=\"point at-targets\" data-option=\"{}\" cx=\"{:.1f}\" "
          "cy=\"{:.1f}\" r=\"5\" fill=\"{}\"><title>{} at the targets: {:.0f} "
          "tok/s, TPOT {}, TTFT {}</title></circle>\n",
          name, x_of(at.tpot_s), y_of(at.output_tokens_per_s), colour, name, at.output_tokens_per_s,
          escape(units::format_seconds(at.tpot_s)), escape(units::format_seconds(at.ttft_s)));
    }
    out += fmt::format(
        "<circle class=\"point max-throughput\" data-option=\"{}\" cx=\"{:.1f}\" "
        "cy=\"{:.1f}\" r=\"5\" fill=\"white\" stroke=\"{}\" stroke-width=\"2\">"
        "<title>{} all KV slots busy: {:.0f} tok/s, TPOT {}</title></circle>\n",
        name, x_of(top.tpot_s), y_of(top.output_tokens_per_s), colour, name,
        top.output_tokens_per_s, escape(units::format_seconds(top.tpot_s)));
    names.push_back(options[i]->option.name);
  }
  out += legend(names, height - 32);
  out += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\" text-anchor=\"end\">"
      "filled: at the latency targets; open: all KV slots busy</text>\n",
      kWidth - kRight, height - 4);
  return out + "</svg>\n</figure>\n";
}

/// Horizontal interval bars on one money axis from 0 (or the lowest value) to the largest:
/// [low, high] per row with a tick at `mid` (the P50, or the deterministic NPV for a tornado).
struct Interval {
  std::string label;
  double low = 0;
  double mid = 0;
  double high = 0;
  std::string note;
};

std::string interval_chart(const std::string& id, const std::string& title,
                           const std::vector<Interval>& rows) {
  const double row_h = 24;
  const double height = kTop + row_h * static_cast<double>(rows.size()) + kBottom;
  std::string out = svg_open(id, title, height);
  double lo = 0;
  double hi = 0;
  for (const auto& row : rows) {
    lo = std::min({lo, row.low, row.high});
    hi = std::max({hi, row.low, row.high});
  }
  if (hi <= lo) hi = lo + 1;
  const double plot_w = kWidth - kLeft - kRight - 60;
  auto x_of = [&](double value) { return kLeft + plot_w * (value - lo) / (hi - lo); };
  const double axis_y = kTop + row_h * static_cast<double>(rows.size()) + 4;
  const double step = nice_step(hi - lo, 5);
  for (double tick = std::ceil(lo / step) * step; tick <= hi + step * 1e-9; tick += step) {
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
        "<text x=\"{0:.1f}\" y=\"{3:.1f}\" class=\"axis\" text-anchor=\"middle\">{4}</text>\n",
        x_of(tick), kTop, axis_y, axis_y + 14, escape(units::format_money(tick)));
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const double y = kTop + row_h * static_cast<double>(r);
    const double x0 = x_of(std::min(row.low, row.high));
    const double x1 = x_of(std::max(row.low, row.high));
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"end\">{}</text>\n"
        "<rect class=\"interval\" data-label=\"{}\" data-low=\"{}\" data-high=\"{}\" "
        "x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"14\" fill=\"{}\">"
        "<title>{}: {} .. {}{}</title></rect>\n"
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#000\" "
        "stroke-width=\"2\"/>\n",
        kLeft - 6, y + 13, escape(row.label), escape(row.label), row.low, row.high, x0, y + 2,
        std::max(1.0, x1 - x0), kPalette[r % kPaletteSize], escape(row.label),
        escape(units::format_money(row.low)), escape(units::format_money(row.high)),
        row.note.empty() ? "" : " " + escape(row.note), x_of(row.mid), y, x_of(row.mid), y + 18);
  }
  return out + "</svg>\n</figure>\n";
}

/// The Monte Carlo section (`run --samples`): the P10-P90 range of NPV per option and the
/// tornado of the option most often cheapest, beside the same tables as the other formats.
std::string uncertainty_section(const plan::Evaluation& evaluation) {
  const auto& uncertainty = *evaluation.uncertainty;
  std::string out = "<h2>" + escape(uncertainty_title(uncertainty)) + "</h2>\n";
  out += html_table(uncertainty_rows(uncertainty));
  std::vector<Interval> ranges;
  const explore::OptionUncertainty* likeliest = nullptr;
  for (const auto& option : uncertainty.options) {
    ranges.push_back({option.option, option.npv_usd.p10, option.npv_usd.p50, option.npv_usd.p90,
                      fmt::format("(P50 {})", units::format_money(option.npv_usd.p50))});
    if (likeliest == nullptr || option.probability_cheapest > likeliest->probability_cheapest) {
      likeliest = &option;
    }
  }
  out += interval_chart("chart-npv-range", "NPV per option, P10 to P90 (tick: P50), USD", ranges);
  if (likeliest == nullptr) return out;
  // The tornado moves one driver at a time from the deterministic inputs: tick at that NPV.
  double deterministic_npv = likeliest->npv_usd.p50;
  for (const auto& result : evaluation.options) {
    if (result.option.name == likeliest->option && result.cost) {
      deterministic_npv = result.cost->npv_usd;
    }
  }
  std::vector<Interval> bars;
  for (const auto& bar : likeliest->tornado) {
    if (bar.swing_usd() == 0) continue;
    bars.push_back({bar.driver, bar.npv_at_low_usd, deterministic_npv, bar.npv_at_high_usd,
                    fmt::format("(driver {:.4g} .. {:.4g})", bar.value_low, bar.value_high)});
  }
  out += interval_chart("chart-tornado",
                        "Sensitivity of NPV, " + likeliest->option +
                            ": each driver alone at its P10 and P90 (tick: deterministic), USD",
                        bars);
  for (const auto& option : uncertainty.options) {
    out += "<h3>Sensitivity of NPV: " + escape(option.option) + "</h3>\n" +
           html_table(tornado_rows(option));
  }
  return out;
}

constexpr const char* kStyle =
    R"(body{font-family:sans-serif;margin:2em;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f2f2f2}
.chart-title{font-size:14px;font-weight:bold}
.axis,.legend{font-size:11px;fill:#333}
.grid{stroke:#ddd;stroke-width:1}
figure{margin:1em 0}
.warning{color:#8a5300}
)";

}  // namespace

std::string render_html(const plan::Evaluation& evaluation) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
                     escape(evaluation.scenario_name), kStyle);
  out += fmt::format("<h1>{}</h1>\n<p><code>{}</code></p>\n<ul>\n",
                     escape(evaluation.scenario_name), escape(evaluation.scenario_file));
  for (const auto& [label, text] : header_lines(evaluation)) {
    out += fmt::format("<li><b>{}</b>: {}</li>\n", escape(label), escape(text));
  }
  out += "</ul>\n<h2>Summary</h2>\n" + html_table(summary_rows(evaluation));
  out += "<h2>Charts</h2>\n";
  out += cumulative_chart(evaluation);
  out += cost_breakdown_chart(evaluation);
  out += throughput_chart(evaluation);
  out += memory_chart(evaluation);
  out += "<h2>Memory plan per GPU</h2>\n" + html_table(memory_rows(evaluation));
  out += "<h2>Performance per replica at the latency targets</h2>\n" +
         html_table(performance_rows(evaluation));
  out += fmt::format("<h2>{}</h2>\n", escape(cost_title(evaluation))) +
         html_table(cost_rows(evaluation));
  if (evaluation.uncertainty) out += uncertainty_section(evaluation);
  const auto break_even = break_even_lines(evaluation);
  if (!break_even.empty()) {
    out += "<h3>Break-even (cumulative cost at or below the other option)</h3>\n<ul>\n";
    for (const auto& [name, text] : break_even) {
      out += fmt::format("<li><b>{}</b>: {}</li>\n", escape(name), escape(text));
    }
    out += "</ul>\n";
  }
  if (!evaluation.warnings.empty()) {
    out += "<h2>Warnings</h2>\n<ul class=\"warning\">\n";
    for (const auto& warning : evaluation.warnings) out += "<li>" + escape(warning) + "</li>\n";
    out += "</ul>\n";
  }
  Rows assumptions{{"assumption", "value", "source", "as of"}};
  for (const auto& a : evaluation.assumptions) {
    assumptions.push_back({a.name, a.value + (a.estimate ? " (estimate)" : ""),
                           a.source.empty() ? "-" : a.source, a.as_of.empty() ? "-" : a.as_of});
  }
  out += "<h2>Assumptions</h2>\n" + html_table(assumptions);
  return out + "</body>\n</html>\n";
}

}  // namespace tco::report
