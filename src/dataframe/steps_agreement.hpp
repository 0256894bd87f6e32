// SPDX-License-Identifier: MIT
// Whether the six steps gave the same result on both backends (the pandas_steps demo's
// `same result` column): codes exactly, every number within what the order of its sum may
// change. The bound of a number is built from the magnitudes of the terms behind it, not
// from the number itself: with the course's data (values in [0, 1)) the two are the same,
// but a file's columns (--input) may cancel, and the mean of centred values sits near 0
// while its rounding is that of values near 1.
#pragma once

#include <cstdint>
#include <vector>

#include "gpulab/dataframe/table.hpp"

namespace gpulab::dataframe {

// What one step left, on the host, for the comparison of the two backends.
struct step_result {
  std::vector<double> numbers;
  std::vector<std::int32_t> codes;
};

// The tolerance of each number of each step, in course_steps' order (column mean, row mean,
// derived column, cut, groupby mean of A by label, pivot table of A, B, C by label), from the
// table after the steps (A, B, C, D and label; a CPU table) and the steps' own results (the
// groups present, in their order):
//   a mean of n terms:      2 (n + 1) u sum|x| / n + 2 u |mean|   (u = 2^-53; sum_tolerance)
//   D = 2.1 A + 3.5 B:      2 (2 + 1) u (|2.1 A| + |3.5 B|)       (NVRTC contracts it to an FMA)
// and 0 where the number is NaN on both sides (a row or group with no value).
std::vector<std::vector<double>> step_tolerances(const table& df, const std::vector<step_result>& results);

// Codes equal, and each pair of numbers equal (NaN equal to NaN) or within its tolerance.
bool agree(const step_result& a, const step_result& b, const std::vector<double>& tolerances);

}  // namespace gpulab::dataframe
