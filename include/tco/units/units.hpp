#pragma once
// Quantities with units, as written in scenario and catalog files ("80 GiB", "3.35 TB/s").
// Internally everything is SI: bytes, seconds, FLOP, watts, joules, US dollars, kilograms.
// Values are converted exactly once, when a file is read; the unit lives in the variable
// name from then on (memory_bytes, tpot_s, energy_price_usd_per_j).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tco::units {

/// What a quantity measures; decides which unit spellings are accepted.
enum class Dimension {
  kBytes,                 ///< B, kB, MB, GB, TB, KiB, MiB, GiB, TiB
  kBytesPerSecond,        ///< B/s, GB/s, TB/s, GiB/s
  kFlopsPerSecond,        ///< FLOP/s, GFLOP/s, TFLOP/s, PFLOP/s (also TFLOPS, TOPS)
  kSeconds,               ///< ns, us, ms, s, min, h
  kWatts,                 ///< W, kW, MW
  kFraction,              ///< "30 %" -> 0.30, or a bare number already a fraction
  kMoney,                 ///< USD (also k USD, M USD)
  kMoneyPerHour,          ///< USD/h
  kMoneyPerEnergy,        ///< USD/kWh, USD/MWh
  kMoneyPerPowerMonth,    ///< USD/kW/month
  kCarbonIntensity,       ///< g/kWh, kg/kWh, kg/MWh
  kMoneyPerMillionTokens, ///< USD/Mtok (per million tokens)
};

/// Name of the SI unit the dimension is stored in, for messages and schema docs.
[[nodiscard]] std::string_view si_unit_name(Dimension dimension);
/// Example spellings accepted for a dimension, for error messages and the JSON schema.
[[nodiscard]] std::string_view unit_examples(Dimension dimension);

struct ParsedQuantity {
  std::optional<double> value_si;  ///< set on success
  std::string error;               ///< why the text was rejected, when value_si is empty
};

/// Parses "<number> <unit>" into SI. A bare number is accepted only when
/// `bare_number_unit` is given (the key names its unit, e.g. `memory_gib`): the number is
/// then read in that unit. Currency: USD only (also "$"), see README "Units".
[[nodiscard]] ParsedQuantity parse_quantity(std::string_view text, Dimension dimension,
                                            std::string_view bare_number_unit = {});

// SI conversions used by the rest of the code (one place, cited where not exact).
inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerYear = 365.25 * 24 * 3600.0;  // Julian year
inline constexpr double kSecondsPerMonth = kSecondsPerYear / 12.0;
inline constexpr double kJoulesPerKwh = 3.6e6;
inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

/// Human-readable formatting, for the table reporter only (machine output stays SI).
[[nodiscard]] std::string format_bytes(double bytes);        ///< "70.6 GB" style (decimal) or GiB
[[nodiscard]] std::string format_gib(double bytes);          ///< "65.7 GiB"
[[nodiscard]] std::string format_seconds(double seconds);    ///< "12.3 ms", "1.20 s"
[[nodiscard]] std::string format_money(double usd);          ///< "$12.3k", "$4.56M"
/// An SI value in the dimension's customary unit ("0.0806 USD/kWh", "7 %", "4.6 kW").
[[nodiscard]] std::string format_quantity(double value_si, Dimension dimension);

}  // namespace tco::units
