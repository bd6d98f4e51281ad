#include "tco/units/units.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace tco::units {
namespace {

struct UnitSpelling {
  std::string_view spelling;
  double to_si;
};

// Money is stored in USD; energy in joules; so USD/kWh -> USD/J divides by 3.6e6.
constexpr std::array kBytesUnits{
    UnitSpelling{"B", 1.0},       UnitSpelling{"kB", 1e3},          UnitSpelling{"KB", 1e3},
    UnitSpelling{"MB", 1e6},      UnitSpelling{"GB", 1e9},          UnitSpelling{"TB", 1e12},
    UnitSpelling{"KiB", 1024.0},  UnitSpelling{"MiB", 1048576.0},   UnitSpelling{"GiB", kGiB},
    UnitSpelling{"TiB", kGiB * 1024.0}};
constexpr std::array kBandwidthUnits{
    UnitSpelling{"B/s", 1.0},        UnitSpelling{"kB/s", 1e3},  UnitSpelling{"MB/s", 1e6},
    UnitSpelling{"GB/s", 1e9},       UnitSpelling{"TB/s", 1e12}, UnitSpelling{"MiB/s", 1048576.0},
    UnitSpelling{"GiB/s", kGiB},     UnitSpelling{"Gbit/s", 1e9 / 8}, UnitSpelling{"Gb/s", 1e9 / 8}};
constexpr std::array kFlopsUnits{
    UnitSpelling{"FLOP/s", 1.0},   UnitSpelling{"GFLOP/s", 1e9},  UnitSpelling{"TFLOP/s", 1e12},
    UnitSpelling{"PFLOP/s", 1e15}, UnitSpelling{"FLOPS", 1.0},    UnitSpelling{"GFLOPS", 1e9},
    UnitSpelling{"TFLOPS", 1e12},  UnitSpelling{"PFLOPS", 1e15},  UnitSpelling{"TOPS", 1e12},
    UnitSpelling{"POPS", 1e15}};
constexpr std::array kSecondsUnits{UnitSpelling{"ns", 1e-9}, UnitSpelling{"us", 1e-6},
                                   UnitSpelling{"µs", 1e-6}, UnitSpelling{"ms", 1e-3},
                                   UnitSpelling{"s", 1.0},   UnitSpelling{"min", 60.0},
                                   UnitSpelling{"h", 3600.0}};
constexpr std::array kWattsUnits{UnitSpelling{"W", 1.0}, UnitSpelling{"kW", 1e3},
                                 UnitSpelling{"MW", 1e6}};
constexpr std::array kFractionUnits{UnitSpelling{"%", 0.01}};
constexpr std::array kMoneyUnits{UnitSpelling{"USD", 1.0}, UnitSpelling{"kUSD", 1e3},
                                 UnitSpelling{"k USD", 1e3}, UnitSpelling{"MUSD", 1e6},
                                 UnitSpelling{"M USD", 1e6}};
constexpr std::array kMoneyPerHourUnits{UnitSpelling{"USD/h", 1.0 / 3600.0},
                                        UnitSpelling{"USD/hour", 1.0 / 3600.0},
                                        UnitSpelling{"USD/month", 1.0 / kSecondsPerMonth},
                                        UnitSpelling{"USD/year", 1.0 / kSecondsPerYear}};
constexpr std::array kMoneyPerEnergyUnits{UnitSpelling{"USD/kWh", 1.0 / kJoulesPerKwh},
                                          UnitSpelling{"USD/MWh", 1.0 / (1e3 * kJoulesPerKwh)}};
constexpr std::array kMoneyPerPowerMonthUnits{
    UnitSpelling{"USD/kW/month", 1.0 / (1e3 * kSecondsPerMonth)},
    UnitSpelling{"USD/kW-month", 1.0 / (1e3 * kSecondsPerMonth)}};
constexpr std::array kCarbonUnits{UnitSpelling{"g/kWh", 1e-3 / kJoulesPerKwh},
                                  UnitSpelling{"kg/kWh", 1.0 / kJoulesPerKwh},
                                  UnitSpelling{"kg/MWh", 1.0 / (1e3 * kJoulesPerKwh)},
                                  UnitSpelling{"gCO2/kWh", 1e-3 / kJoulesPerKwh}};
constexpr std::array kPerMtokUnits{UnitSpelling{"USD/Mtok", 1.0},
                                   UnitSpelling{"USD/M tokens", 1.0},
                                   UnitSpelling{"USD/1M tokens", 1.0}};

template <std::size_t N>
std::vector<UnitSpelling> as_vector(const std::array<UnitSpelling, N>& units) {
  return {units.begin(), units.end()};
}

std::vector<UnitSpelling> units_for(Dimension dimension) {
  switch (dimension) {
    case Dimension::kBytes: return as_vector(kBytesUnits);
    case Dimension::kBytesPerSecond: return as_vector(kBandwidthUnits);
    case Dimension::kFlopsPerSecond: return as_vector(kFlopsUnits);
    case Dimension::kSeconds: return as_vector(kSecondsUnits);
    case Dimension::kWatts: return as_vector(kWattsUnits);
    case Dimension::kFraction: return as_vector(kFractionUnits);
    case Dimension::kMoney: return as_vector(kMoneyUnits);
    case Dimension::kMoneyPerHour: return as_vector(kMoneyPerHourUnits);
    case Dimension::kMoneyPerEnergy: return as_vector(kMoneyPerEnergyUnits);
    case Dimension::kMoneyPerPowerMonth: return as_vector(kMoneyPerPowerMonthUnits);
    case Dimension::kCarbonIntensity: return as_vector(kCarbonUnits);
    case Dimension::kMoneyPerMillionTokens: return as_vector(kPerMtokUnits);
  }
  return {};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// number x to_si, but for decimal prefixes the text is read again with the exponent shifted, so
// that "2.039 TB/s" is exactly 2039000000000 (2.039 * 1e12 would be 2039000000000.0002).
double scaled(std::string_view digits, double number, double to_si) {
  const double exponent = std::round(std::log10(to_si));
  if (std::pow(10.0, exponent) != to_si || digits.find_first_of("eE") != std::string_view::npos) {
    return number * to_si;
  }
  const std::string text = fmt::format("{}e{}", digits, static_cast<int>(exponent));
  double value = 0.0;
  const auto [last, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && last == text.data() + text.size() ? value : number * to_si;
}

// Amounts in another currency get their own message: we do not convert at a hidden rate.
bool names_foreign_currency(std::string_view text) {
  return text.find("EUR") != std::string_view::npos || text.find("GBP") != std::string_view::npos ||
         text.find("€") != std::string_view::npos || text.find("£") != std::string_view::npos;
}

// Normalises currency spellings so "$2.49/h", "2.49 $/h" and "2.49 USD/h" all read as USD.
std::string normalise_unit(std::string_view unit) {
  std::string out(trim(unit));
  if (const auto pos = out.find('$'); pos != std::string::npos) out.replace(pos, 1, "USD");
  return out;
}

}  // namespace

std::string_view si_unit_name(Dimension dimension) {
  switch (dimension) {
    case Dimension::kBytes: return "bytes";
    case Dimension::kBytesPerSecond: return "bytes/s";
    case Dimension::kFlopsPerSecond: return "FLOP/s";
    case Dimension::kSeconds: return "s";
    case Dimension::kWatts: return "W";
    case Dimension::kFraction: return "fraction";
    case Dimension::kMoney: return "USD";
    case Dimension::kMoneyPerHour: return "USD/s";
    case Dimension::kMoneyPerEnergy: return "USD/J";
    case Dimension::kMoneyPerPowerMonth: return "USD/(W·s)";
    case Dimension::kCarbonIntensity: return "kg/J";
    case Dimension::kMoneyPerMillionTokens: return "USD/Mtok";
  }
  return "";
}

std::string_view unit_examples(Dimension dimension) {
  switch (dimension) {
    case Dimension::kBytes: return "'80 GiB', '141 GB'";
    case Dimension::kBytesPerSecond: return "'3.35 TB/s', '900 GB/s'";
    case Dimension::kFlopsPerSecond: return "'989 TFLOP/s', '1979 TOPS'";
    case Dimension::kSeconds: return "'60 ms', '2 s'";
    case Dimension::kWatts: return "'700 W', '10 kW'";
    case Dimension::kFraction: return "'30 %' or 0.3";
    case Dimension::kMoney: return "'31250 USD', '1.5 M USD', '$1.5M'";
    case Dimension::kMoneyPerHour: return "'2.49 USD/h'";
    case Dimension::kMoneyPerEnergy: return "'0.12 USD/kWh'";
    case Dimension::kMoneyPerPowerMonth: return "'190 USD/kW/month'";
    case Dimension::kCarbonIntensity: return "'380 g/kWh'";
    case Dimension::kMoneyPerMillionTokens: return "'0.60 USD/Mtok'";
  }
  return "";
}

ParsedQuantity parse_quantity(std::string_view text, Dimension dimension,
                              std::string_view bare_number_unit) {
  const std::string_view trimmed = trim(text);
  std::string_view body = trimmed;
  bool leading_dollar = false;
  if (!body.empty() && body.front() == '$') {  // "$2.49/h" -> 2.49 USD/h
    leading_dollar = true;
    body.remove_prefix(1);
  }
  double number = 0.0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), number);
  if (ec != std::errc() || !std::isfinite(number)) {
    if (names_foreign_currency(trimmed)) {
      return {std::nullopt,
              fmt::format("'{}': only USD amounts are accepted; convert at your own rate "
                          "(e.g. {})",
                          trimmed, unit_examples(dimension))};
    }
    return {std::nullopt, fmt::format("'{}' is not a number with a unit (expected e.g. {})",
                                      trimmed, unit_examples(dimension))};
  }
  std::string unit = normalise_unit(body.substr(static_cast<std::size_t>(end - body.data())));
  // "$2.49/h" -> "USD/h"; "$1.5M" -> "M USD"; "$31k" -> "k USD".
  if (leading_dollar) {
    unit = unit.empty() ? "USD" : unit.front() == '/' ? "USD" + unit : unit + " USD";
  }
  if (unit.empty()) {
    if (dimension == Dimension::kFraction) return {number, {}};
    if (bare_number_unit.empty()) {
      return {std::nullopt, fmt::format("'{}' needs a unit (e.g. {})", trimmed,
                                        unit_examples(dimension))};
    }
    unit = std::string(bare_number_unit);
  }
  const std::string_view digits = body.substr(0, static_cast<std::size_t>(end - body.data()));
  for (const auto& candidate : units_for(dimension)) {
    if (unit == candidate.spelling) return {scaled(digits, number, candidate.to_si), {}};
  }
  if (names_foreign_currency(unit)) {
    return {std::nullopt,
            fmt::format("'{}': only USD amounts are accepted; convert at your own rate "
                        "(e.g. {})",
                        trimmed, unit_examples(dimension))};
  }
  return {std::nullopt, fmt::format("'{}': unknown unit '{}' (expected e.g. {})", trimmed, unit,
                                    unit_examples(dimension))};
}

std::string format_bytes(double bytes) {
  if (bytes >= 1e12) return fmt::format("{:.2f} TB", bytes / 1e12);
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.0f} B", bytes);
}

std::string format_gib(double bytes) { return fmt::format("{:.1f} GiB", bytes / kGiB); }

std::string format_seconds(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.1f} us", seconds * 1e6);
  if (seconds < 1.0) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string format_money(double usd) {
  const double magnitude = std::fabs(usd);
  if (magnitude >= 1e6) return fmt::format("${:.2f}M", usd / 1e6);
  if (magnitude >= 1e3) return fmt::format("${:.1f}k", usd / 1e3);
  return fmt::format("${:.2f}", usd);
}

std::string format_quantity(double value_si, Dimension dimension) {
  switch (dimension) {
    case Dimension::kBytes: return format_gib(value_si);
    case Dimension::kBytesPerSecond: return fmt::format("{:.4g} GB/s", value_si / 1e9);
    case Dimension::kFlopsPerSecond: return fmt::format("{:.4g} TFLOP/s", value_si / 1e12);
    case Dimension::kSeconds: return format_seconds(value_si);
    case Dimension::kWatts:
      return value_si >= 1e3 ? fmt::format("{:.4g} kW", value_si / 1e3)
                             : fmt::format("{:.4g} W", value_si);
    case Dimension::kFraction: return fmt::format("{:.4g} %", value_si * 100);
    case Dimension::kMoney: return fmt::format("{:.2f} USD", value_si);
    case Dimension::kMoneyPerHour: return fmt::format("{:.4g} USD/h", value_si * 3600);
    case Dimension::kMoneyPerEnergy:
      return fmt::format("{:.4g} USD/kWh", value_si * kJoulesPerKwh);
    case Dimension::kMoneyPerPowerMonth:
      return fmt::format("{:.5g} USD/kW/month", value_si * 1e3 * kSecondsPerMonth);
    case Dimension::kCarbonIntensity:
      return fmt::format("{:.4g} g/kWh", value_si * 1e3 * kJoulesPerKwh);
    case Dimension::kMoneyPerMillionTokens: return fmt::format("{:.4g} USD/Mtok", value_si);
  }
  return fmt::format("{}", value_si);
}

}  // namespace tco::units
