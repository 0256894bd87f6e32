// SPDX-License-Identifier: MIT
// The launch of kernels/multigpu/monte_carlo_pi.cuh.
#include <algorithm>

#include "gpulab/core/launch.cuh"
#include "gpulab/multigpu/monte_carlo_pi.hpp"
#include "kernels/multigpu/monte_carlo_pi.cuh"

namespace gpulab::multigpu {

void count_pi_hits_async(const pi_samples& samples, subsequence_range range, std::uint64_t seed,
                         unsigned long long* hits, cuda::stream_ref s) {
  require_valid(samples);
  range.end = std::min(range.end, samples.subsequences());  // no subsequence past the last dart
  if (range.size() == 0) return;  // a rank with no subsequence adds nothing
  constexpr int block_size = 256;
  // One thread per subsequence, up to what the GPU keeps resident (a grid-stride loop does the rest).
  const auto blocks = std::min<std::uint64_t>((range.size() + block_size - 1) / block_size,
                                              occupancy_grid_size(kernels::count_subsequence_hits, block_size));
  kernels::count_subsequence_hits<<<static_cast<unsigned>(blocks), block_size, 0, s.get()>>>(
      seed, range.begin, range.end, samples.darts, samples.darts_per_subsequence, hits);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::multigpu
