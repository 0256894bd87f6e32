// SPDX-License-Identifier: MIT
#include "gpulab/bench/statistics.hpp"

#include <algorithm>
#include <numeric>

#include "gpulab/core/error.hpp"

namespace gpulab {

timing_summary summarize(std::vector<double> samples_ms) {
  if (samples_ms.empty()) throw usage_error("summarize: no samples");
  std::sort(samples_ms.begin(), samples_ms.end());
  const std::size_t n = samples_ms.size();
  timing_summary s;
  s.count = static_cast<int>(n);
  s.min_ms = samples_ms.front();
  s.max_ms = samples_ms.back();
  s.median_ms = n % 2 == 1 ? samples_ms[n / 2] : 0.5 * (samples_ms[n / 2 - 1] + samples_ms[n / 2]);
  s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) / static_cast<double>(n);
  return s;
}

}  // namespace gpulab
