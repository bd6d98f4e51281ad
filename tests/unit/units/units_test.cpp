// parse_quantity: every dimension and spelling the scenario and catalog files use, converted to SI
// (bytes, bytes/s, FLOP/s, s, W, fraction, USD, USD/s, USD/J, USD/(W·s), kg/J, USD/Mtok), and
// the exact texts of the rejections.
#include <catch2/catch.hpp>

#include <string>

#include "tco/units/units.hpp"

using tco::units::Dimension;
using tco::units::parse_quantity;

namespace {

double si(std::string_view text, Dimension dimension, std::string_view bare_unit = {}) {
  const auto parsed = parse_quantity(text, dimension, bare_unit);
  INFO("'" << text << "' was rejected: " << parsed.error);
  REQUIRE(parsed.value_si.has_value());
  CHECK(parsed.error.empty());
  return *parsed.value_si;
}

std::string rejection(std::string_view text, Dimension dimension,
                      std::string_view bare_unit = {}) {
  const auto parsed = parse_quantity(text, dimension, bare_unit);
  INFO("'" << text << "' was accepted as " << parsed.value_si.value_or(0.0));
  REQUIRE_FALSE(parsed.value_si.has_value());
  return parsed.error;
}

// 365.25 days x 24 h x 3600 s = 31,557,600 s per (Julian) year; a month is 1/12 of it.
constexpr double kYear = 31'557'600.0;
constexpr double kMonth = kYear / 12.0;  // 2,629,800 s

}  // namespace

TEST_CASE("bytes: decimal and binary prefixes", "[units]") {
  CHECK(si("80 GiB", Dimension::kBytes) == 80.0 * 1024 * 1024 * 1024);  // 85,899,345,920 B
  CHECK(si("80 GiB", Dimension::kBytes) == 85'899'345'920.0);
  CHECK(si("141 GB", Dimension::kBytes) == 141e9);
  CHECK(si("81559 MiB", Dimension::kBytes) == 81559.0 * 1048576);  // H100 SXM as reported
  CHECK(si("1 TiB", Dimension::kBytes) == 1099511627776.0);
  CHECK(si("2 TB", Dimension::kBytes) == 2e12);
  CHECK(si("512 KiB", Dimension::kBytes) == 524288.0);
  CHECK(si("3 kB", Dimension::kBytes) == 3000.0);
  CHECK(si("3 KB", Dimension::kBytes) == 3000.0);
  CHECK(si("7 MB", Dimension::kBytes) == 7e6);
  CHECK(si("100 B", Dimension::kBytes) == 100.0);
  // Spaces are optional and surrounding white space is ignored.
  CHECK(si("80GiB", Dimension::kBytes) == 85'899'345'920.0);
  CHECK(si("  80   GiB  ", Dimension::kBytes) == 85'899'345'920.0);
  CHECK(si("3.5 GiB", Dimension::kBytes) == Approx(3.5 * 1073741824.0));
  CHECK(si("1e3 B", Dimension::kBytes) == 1000.0);
}

TEST_CASE("bandwidth, FLOP/s, seconds and watts", "[units]") {
  CHECK(si("3.35 TB/s", Dimension::kBytesPerSecond) == Approx(3.35e12));
  CHECK(si("900 GB/s", Dimension::kBytesPerSecond) == Approx(900e9));
  CHECK(si("1 GiB/s", Dimension::kBytesPerSecond) == 1073741824.0);
  CHECK(si("400 Gbit/s", Dimension::kBytesPerSecond) == Approx(50e9));  // 400e9 bits / 8
  CHECK(si("400 Gb/s", Dimension::kBytesPerSecond) == Approx(50e9));

  CHECK(si("989.5 TFLOP/s", Dimension::kFlopsPerSecond) == Approx(989.5e12));
  CHECK(si("989.5 TFLOPS", Dimension::kFlopsPerSecond) == Approx(989.5e12));
  CHECK(si("1979 TOPS", Dimension::kFlopsPerSecond) == Approx(1979e12));
  CHECK(si("2.5 PFLOP/s", Dimension::kFlopsPerSecond) == Approx(2.5e15));
  CHECK(si("19.5 TFLOP/s", Dimension::kFlopsPerSecond) == Approx(19.5e12));
  CHECK(si("500 GFLOP/s", Dimension::kFlopsPerSecond) == Approx(500e9));

  CHECK(si("60 ms", Dimension::kSeconds) == Approx(0.060));
  CHECK(si("2 s", Dimension::kSeconds) == 2.0);
  CHECK(si("250 us", Dimension::kSeconds) == Approx(250e-6));
  CHECK(si("250 µs", Dimension::kSeconds) == Approx(250e-6));
  CHECK(si("40 ns", Dimension::kSeconds) == Approx(40e-9));
  CHECK(si("5 min", Dimension::kSeconds) == 300.0);
  CHECK(si("1.5 h", Dimension::kSeconds) == 5400.0);

  CHECK(si("700 W", Dimension::kWatts) == 700.0);
  CHECK(si("10 kW", Dimension::kWatts) == 10'000.0);
  CHECK(si("1.2 MW", Dimension::kWatts) == Approx(1.2e6));
}

TEST_CASE("fractions: percent or a bare fraction", "[units]") {
  CHECK(si("30 %", Dimension::kFraction) == Approx(0.30));
  CHECK(si("30%", Dimension::kFraction) == Approx(0.30));
  CHECK(si("95 %", Dimension::kFraction) == Approx(0.95));
  CHECK(si("-10 %", Dimension::kFraction) == Approx(-0.10));
  // A bare number is already a fraction: 0.3, not 0.3 %.
  CHECK(si("0.3", Dimension::kFraction) == Approx(0.3));
  CHECK(si("1", Dimension::kFraction) == 1.0);
}

TEST_CASE("money: USD and $, per hour, per energy, per kW-month, per million tokens",
          "[units]") {
  CHECK(si("31250 USD", Dimension::kMoney) == 31250.0);
  CHECK(si("$31250", Dimension::kMoney) == 31250.0);
  CHECK(si("1.5 M USD", Dimension::kMoney) == Approx(1.5e6));
  CHECK(si("$1.5M", Dimension::kMoney) == Approx(1.5e6));
  CHECK(si("$31k", Dimension::kMoney) == Approx(31e3));
  CHECK(si("250 kUSD", Dimension::kMoney) == Approx(250e3));

  // 2.49 USD per hour = 2.49 / 3600 USD/s = 6.9167e-4 USD/s.
  const double per_second = 2.49 / 3600.0;
  CHECK(si("2.49 USD/h", Dimension::kMoneyPerHour) == Approx(per_second));
  CHECK(si("$2.49/h", Dimension::kMoneyPerHour) == Approx(per_second));
  CHECK(si("2.49 $/h", Dimension::kMoneyPerHour) == Approx(per_second));
  CHECK(si("2.49 USD/hour", Dimension::kMoneyPerHour) == Approx(per_second));
  // 1,000 USD per month = 1000 / 2,629,800 s.
  CHECK(si("1000 USD/month", Dimension::kMoneyPerHour) == Approx(1000.0 / kMonth));
  CHECK(si("12000 USD/year", Dimension::kMoneyPerHour) == Approx(12000.0 / kYear));

  // 0.12 USD per kWh = 0.12 / 3.6e6 USD/J = 3.3333e-8 USD/J.
  CHECK(si("0.12 USD/kWh", Dimension::kMoneyPerEnergy) == Approx(0.12 / 3.6e6));
  CHECK(si("$0.12/kWh", Dimension::kMoneyPerEnergy) == Approx(0.12 / 3.6e6));
  CHECK(si("120 USD/MWh", Dimension::kMoneyPerEnergy) == Approx(0.12 / 3.6e6));

  // 190 USD per kW per month = 190 / (1000 W x 2,629,800 s) = 7.2248e-8 USD/(W·s).
  CHECK(si("190 USD/kW/month", Dimension::kMoneyPerPowerMonth) == Approx(190.0 / (1e3 * kMonth)));
  CHECK(si("190 USD/kW-month", Dimension::kMoneyPerPowerMonth) ==
        Approx(190.0 / (1e3 * kMonth)));
  CHECK(si("$190/kW/month", Dimension::kMoneyPerPowerMonth) == Approx(190.0 / (1e3 * kMonth)));

  CHECK(si("0.6 USD/Mtok", Dimension::kMoneyPerMillionTokens) == Approx(0.6));
  CHECK(si("$0.6/Mtok", Dimension::kMoneyPerMillionTokens) == Approx(0.6));
  CHECK(si("0.6 USD/M tokens", Dimension::kMoneyPerMillionTokens) == Approx(0.6));
}

TEST_CASE("carbon intensity", "[units]") {
  // 380 g per kWh = 0.380 kg / 3.6e6 J = 1.0556e-7 kg/J.
  CHECK(si("380 g/kWh", Dimension::kCarbonIntensity) == Approx(0.380 / 3.6e6));
  CHECK(si("380 gCO2/kWh", Dimension::kCarbonIntensity) == Approx(0.380 / 3.6e6));
  CHECK(si("0.38 kg/kWh", Dimension::kCarbonIntensity) == Approx(0.380 / 3.6e6));
  CHECK(si("380 kg/MWh", Dimension::kCarbonIntensity) == Approx(0.380 / 3.6e6));
}

TEST_CASE("a bare number needs a unit unless the key names one", "[units]") {
  // Where the key names its unit (e.g. a hypothetical `memory_gib`), the number is in that unit.
  CHECK(si("80", Dimension::kBytes, "GiB") == 85'899'345'920.0);
  CHECK(si("60", Dimension::kSeconds, "ms") == Approx(0.060));
  CHECK(si("700", Dimension::kWatts, "W") == 700.0);
  // A written unit still wins over the key's unit.
  CHECK(si("2 s", Dimension::kSeconds, "ms") == 2.0);

  CHECK(rejection("80", Dimension::kBytes) == "'80' needs a unit (e.g. '80 GiB', '141 GB')");
  CHECK(rejection("60", Dimension::kSeconds) == "'60' needs a unit (e.g. '60 ms', '2 s')");
  CHECK(rejection(" 700 ", Dimension::kWatts) == "'700' needs a unit (e.g. '700 W', '10 kW')");
  CHECK(rejection("2.49", Dimension::kMoneyPerHour) == "'2.49' needs a unit (e.g. '2.49 USD/h')");
}

TEST_CASE("rejected quantities name the text and the expected spelling", "[units]") {
  CHECK(rejection("60 parsecs", Dimension::kSeconds) ==
        "'60 parsecs': unknown unit 'parsecs' (expected e.g. '60 ms', '2 s')");
  CHECK(rejection("80 gib", Dimension::kBytes) ==
        "'80 gib': unknown unit 'gib' (expected e.g. '80 GiB', '141 GB')");
  // Right unit, wrong dimension.
  CHECK(rejection("3.35 TB/s", Dimension::kBytes) ==
        "'3.35 TB/s': unknown unit 'TB/s' (expected e.g. '80 GiB', '141 GB')");
  CHECK(rejection("700 W", Dimension::kFraction) ==
        "'700 W': unknown unit 'W' (expected e.g. '30 %' or 0.3)");
  CHECK(rejection("GiB", Dimension::kBytes) ==
        "'GiB' is not a number with a unit (expected e.g. '80 GiB', '141 GB')");
  CHECK(rejection("", Dimension::kWatts) ==
        "'' is not a number with a unit (expected e.g. '700 W', '10 kW')");
  CHECK(rejection("inf W", Dimension::kWatts) ==
        "'inf W' is not a number with a unit (expected e.g. '700 W', '10 kW')");
  CHECK(rejection("nan GiB", Dimension::kBytes) ==
        "'nan GiB' is not a number with a unit (expected e.g. '80 GiB', '141 GB')");
}

TEST_CASE("only USD is accepted", "[units]") {
  CHECK(rejection("0.25 EUR/kWh", Dimension::kMoneyPerEnergy) ==
        "'0.25 EUR/kWh': only USD amounts are accepted; convert at your own rate "
        "(e.g. '0.12 USD/kWh')");
  CHECK(rejection("2.10 EUR/h", Dimension::kMoneyPerHour) ==
        "'2.10 EUR/h': only USD amounts are accepted; convert at your own rate "
        "(e.g. '2.49 USD/h')");
  CHECK(rejection("30000 GBP", Dimension::kMoney) ==
        "'30000 GBP': only USD amounts are accepted; convert at your own rate "
        "(e.g. '31250 USD', '1.5 M USD', '$1.5M')");
  // A leading euro sign is a currency problem too, not "not a number".
  CHECK(rejection("€0.25/kWh", Dimension::kMoneyPerEnergy) ==
        "'€0.25/kWh': only USD amounts are accepted; convert at your own rate "
        "(e.g. '0.12 USD/kWh')");
}

TEST_CASE("names of SI units and examples exist for every dimension", "[units]") {
  for (const auto dimension :
       {Dimension::kBytes, Dimension::kBytesPerSecond, Dimension::kFlopsPerSecond,
        Dimension::kSeconds, Dimension::kWatts, Dimension::kFraction, Dimension::kMoney,
        Dimension::kMoneyPerHour, Dimension::kMoneyPerEnergy, Dimension::kMoneyPerPowerMonth,
        Dimension::kCarbonIntensity, Dimension::kMoneyPerMillionTokens}) {
    CHECK_FALSE(tco::units::si_unit_name(dimension).empty());
    CHECK_FALSE(tco::units::unit_examples(dimension).empty());
  }
}

TEST_CASE("human-readable formatting for the table report", "[units]") {
  using namespace tco::units;
  CHECK(format_gib(80.0 * kGiB) == "80.0 GiB");
  CHECK(format_bytes(72.7e9) == "72.7 GB");
  CHECK(format_bytes(3.35e12) == "3.35 TB");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_seconds(0.0123) == "12.3 ms");
  CHECK(format_seconds(1.2) == "1.20 s");
  CHECK(format_seconds(25e-6) == "25.0 us");
  CHECK(format_money(12345) == "$12.3k");
  CHECK(format_money(4.56e6) == "$4.56M");
  CHECK(format_money(2.5) == "$2.50");
}

TEST_CASE("decimal prefixes convert exactly", "[units]") {
  // 2.039 x 1e12 in binary floating point is 2039000000000.0002; the parser reads "2.039e12".
  CHECK(si("2.039 TB/s", Dimension::kBytesPerSecond) == 2'039'000'000'000.0);
  CHECK(si("1.555 TB/s", Dimension::kBytesPerSecond) == 1'555'000'000'000.0);
  CHECK(si("19.5 TFLOP/s", Dimension::kFlopsPerSecond) == 19'500'000'000'000.0);
  CHECK(si("0.3 ms", Dimension::kSeconds) == 0.3e-3);
  // An exponent in the number itself is multiplied out.
  CHECK(si("2.5e3 GB", Dimension::kBytes) == Approx(2.5e12));
}
