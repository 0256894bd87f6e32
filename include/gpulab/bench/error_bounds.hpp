// SPDX-License-Identifier: MIT
// How far a float sum may be from the exact one: the bound every summing
// case and checker of the kit verifies against (reductions, row and column
// sums, dot products, matrix products, the exercises).
#pragma once

namespace gpulab {

// float: a 24-bit significand rounded to nearest errs by at most 2^-24 of the result.
inline constexpr double float_unit_roundoff = 1.0 / (1 << 24);

// Each addition rounds by at most 2^-24 of its partial sum, and no partial sum
// exceeds sum |terms|: a float sum whose terms each go through at most
// `additions` additions (the longest chain of the order used: n - 1 for one
// running total, about log2(n) for a tree) is within
//   additions x 2^-24 x sum |terms|
// of the exact sum. A product rounded before it is added counts as one more.
constexpr double float_sum_error_bound(double additions, double sum_of_magnitudes) {
  return additions * float_unit_roundoff * sum_of_magnitudes;
}

}  // namespace gpulab
