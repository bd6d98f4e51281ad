// Curves from samples (half-decade medians) and the saturating-curve fit reported with them.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "internal.hpp"

namespace tco::calibrate {

int size_bin(double size) {
  if (!(size > 0)) throw std::invalid_argument("size_bin: size must be positive");
  return static_cast<int>(std::floor(2.0 * std::log10(size)));
}

double median(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median of no values");
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2;
}

namespace {

/// For fixed s_half (as log10) and exponent, u = u_max * shape(s) is linear in u_max: solve it by
/// least squares (Eigen QR) and return the residual sum of squares.
double residual_for(const Eigen::VectorXd& log_sizes, const Eigen::VectorXd& utilisation,
                    double log10_s_half, double exponent, double& u_max) {
  const Eigen::VectorXd shape =
      (1.0 + ((log10_s_half - log_sizes.array()) * exponent * std::log(10.0)).exp()).inverse();
  const Eigen::MatrixXd design = shape;
  u_max = design.colPivHouseholderQr().solve(utilisation)(0);
  return (utilisation - u_max * shape).squaredNorm();
}

struct Best {
  double x = 0;  // log10(s_half)
  double p = 1;  // exponent
  double residual = std::numeric_limits<double>::infinity();
};

/// Exhaustive search of (x, p) on a grid, keeping the first minimum (deterministic).
void search(const Eigen::VectorXd& log_sizes, const Eigen::VectorXd& utilisation, double x_low,
            double x_high, double x_step, double p_low, double p_high, double p_step, Best& best) {
  const int nx = static_cast<int>(std::lround((x_high - x_low) / x_step));
  const int np = static_cast<int>(std::lround((p_high - p_low) / p_step));
  double u_max = 0;
  for (int i = 0; i <= nx; ++i) {
    for (int j = 0; j <= np; ++j) {
      const double x = x_low + x_step * i;
      const double p = p_low + p_step * j;
      const double residual = residual_for(log_sizes, utilisation, x, p, u_max);
      if (residual < best.residual) best = {x, p, residual};
    }
  }
}

}  // namespace

std::optional<perf::CurveFit> fit_saturating(const std::vector<double>& sizes,
                                             const std::vector<double>& utilisation) {
  if (sizes.size() != utilisation.size()) {
    throw std::invalid_argument("fit_saturating: sizes and utilisation differ in length");
  }
  if (sizes.size() < 4) return std::nullopt;  // three parameters and at least one residual
  const auto [smallest, largest] = std::minmax_element(sizes.begin(), sizes.end());
  if (!(*smallest > 0) || *largest < *smallest * std::sqrt(10.0)) return std::nullopt;

  const auto n = static_cast<Eigen::Index>(sizes.size());
  const Eigen::VectorXd log_sizes =
      Eigen::Map<const Eigen::VectorXd>(sizes.data(), n).array().log10();
  const Eigen::VectorXd u = Eigen::Map<const Eigen::VectorXd>(utilisation.data(), n);
  // s_half from 10^4 below the smallest sample (flat over the data) to 10x above the largest
  // (still rising); exponent from 0.25 (slow rise) to 4 (a step).
  constexpr double kPLow = 0.25;
  constexpr double kPHigh = 4.0;
  const double x_low = std::floor(log_sizes.minCoeff()) - 4;
  const double x_high = std::ceil(log_sizes.maxCoeff()) + 1;
  Best best;
  search(log_sizes, u, x_low, x_high, 0.05, kPLow, kPHigh, 0.05, best);
  // Two finer passes around the best grid point.
  for (const double step : {0.005, 0.0005}) {
    const Best centre = best;
    search(log_sizes, u, std::max(x_low, centre.x - 10 * step),
           std::min(x_high, centre.x + 10 * step), step, std::max(kPLow, centre.p - 10 * step),
           std::min(kPHigh, centre.p + 10 * step), step, best);
  }
  double u_max = 0;
  const double residual = residual_for(log_sizes, u, best.x, best.p, u_max);
  const Eigen::VectorXd shape =
      (1.0 + ((best.x - log_sizes.array()) * best.p * std::log(10.0)).exp()).inverse();

  perf::CurveFit fit;
  fit.u_max = round_significant(u_max);
  fit.s_half = round_significant(std::pow(10.0, best.x));
  fit.exponent = round_significant(best.p, 3);
  fit.rms = round_significant(std::sqrt(residual / static_cast<double>(n)), 3);
  fit.max_abs = round_significant((u - u_max * shape).cwiseAbs().maxCoeff(), 3);
  fit.samples = static_cast<int>(n);
  return fit;
}

perf::UtilisationCurve curve_from_samples(const std::vector<std::pair<double, double>>& samples,
                                          double saturated_from) {
  // Bin key: the half decade, or one key above every bin for the saturated regime.
  constexpr int kSaturatedBin = std::numeric_limits<int>::max();
  std::map<int, std::pair<std::vector<double>, std::vector<double>>> bins;
  std::vector<double> sizes;
  std::vector<double> utilisation;
  for (const auto& [size, value] : samples) {
    const bool saturated = saturated_from > 0 && size >= saturated_from;
    auto& bin = bins[saturated ? kSaturatedBin : size_bin(size)];
    bin.first.push_back(saturated ? saturated_from : size);
    bin.second.push_back(value);
    sizes.push_back(saturated ? saturated_from : size);
    utilisation.push_back(value);
  }
  perf::UtilisationCurve curve;
  for (const auto& [bin, values] : bins) {
    curve.sizes.push_back(median(values.first));
    curve.utilisation.push_back(round_significant(median(values.second)));
  }
  curve.fit = fit_saturating(sizes, utilisation);
  return curve;
}

}  // namespace tco::calibrate
