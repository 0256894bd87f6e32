// SPDX-License-Identifier: MIT
// The checks the module's cases share: exact comparisons, and sums compared within
// a bound that any summation order keeps and a zeroed or halved sum breaks.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "gpulab/bench/case.hpp"
#include "gpulab/core/format.hpp"

namespace gpulab::dataframe {

// double's unit roundoff: each addition errs by at most this much of the partial sum.
inline constexpr double double_roundoff = 0x1p-53;

// How far two sums of `count` terms (in any order, each within count x 2^-53 x sum |terms|
// of the exact sum) may be apart: both errors.
inline double sum_tolerance(double count, double sum_of_magnitudes) {
  return 2.0 * (count + 1) * double_roundoff * sum_of_magnitudes;
}

// Equal, NaN equal to NaN (a missing value on both sides).
inline bool same_value(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

template <class T>
verification compare_values(std::span<const T> expected, std::span<const T> actual) {
  std::int64_t wrong = 0, first = -1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    bool same = false;
    if constexpr (std::is_floating_point_v<T>) same = same_value(expected[i], actual[i]);
    else same = expected[i] == actual[i];
    if (!same) {
      if (first < 0) first = static_cast<std::int64_t>(i);
      ++wrong;
    }
  }
  if (wrong == 0) return {true, "all " + std::to_string(expected.size()) + " equal", "exact"};
  return {false, std::to_string(wrong) + " of " + std::to_string(expected.size()) + " differ, first at row " +
                     std::to_string(first),
          "exact"};
}

// A sum of `count` non-negative terms (the course's values are in [0, 1): the sum is its
// own sum of magnitudes), and the mean it gives (one more rounding on each side).
inline bool sum_agrees(double expected, double actual, double count) {
  return std::fabs(expected - actual) <= sum_tolerance(count, std::fabs(expected));
}
inline bool mean_agrees(double expected, double actual, double count) {
  if (count == 0) return std::isnan(expected) && std::isnan(actual);
  return std::fabs(expected - actual) <= sum_tolerance(count, std::fabs(expected)) + 2 * double_roundoff * std::fabs(expected);
}

}  // namespace gpulab::dataframe
