// SPDX-License-Identifier: MIT
// Summary statistics of repeated timings. We report the median (robust to the
// occasional slow run), and min and max so that the spread is visible.
#pragma once

#include <vector>

namespace gpulab {

struct timing_summary {
  double median_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
  int count = 0;
};

// Throws usage_error on an empty sample.
timing_summary summarize(std::vector<double> samples_ms);

}  // namespace gpulab
