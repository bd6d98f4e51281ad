#pragma once
// Helpers shared by the calibrate sources (not public API).

#include <string>
#include <vector>

#include "tco/calibrate/calibrate.hpp"

namespace tco::calibrate {

/// interpret_row plus what the profile notes need to explain it.
struct DetailedUse {
  RowUse use;
  std::string size_rule;  ///< how the size was derived, when not read off the row
};

[[nodiscard]] DetailedUse interpret_row_detailed(const MicrobenchRow& row, const catalog::Gpu& gpu);

/// Half-decade bin of a size: k with 10^(k/2) <= size < 10^((k+1)/2).
[[nodiscard]] int size_bin(double size);

/// Median (mean of the middle two for an even count). Requires a non-empty vector.
[[nodiscard]] double median(std::vector<double> values);

}  // namespace tco::calibrate
