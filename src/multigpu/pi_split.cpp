// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/pi_split.hpp"

#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::multigpu {

std::uint64_t pi_samples::subsequences() const {
  return darts_per_subsequence == 0 ? 0 : (darts + darts_per_subsequence - 1) / darts_per_subsequence;
}

subsequence_range subsequences_of_rank(std::uint64_t subsequences, int rank, int ranks) {
  if (ranks < 1 || rank < 0 || rank >= ranks) {
    throw usage_error("rank " + std::to_string(rank) + " is not one of " + std::to_string(ranks) + " ranks");
  }
  const auto r = static_cast<std::uint64_t>(rank);
  const std::uint64_t base = subsequences / static_cast<std::uint64_t>(ranks);
  const std::uint64_t extra = subsequences % static_cast<std::uint64_t>(ranks);  // the first `extra` ranks take one more
  const std::uint64_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

std::uint64_t darts_in(const pi_samples& samples, subsequence_range range) {
  if (range.size() == 0) return 0;
  const std::uint64_t begin = range.begin * samples.darts_per_subsequence;
  const std::uint64_t end = std::min(samples.darts, range.end * samples.darts_per_subsequence);
  return end > begin ? end - begin : 0;
}

void require_valid(const pi_samples& samples) {
  if (samples.darts == 0) throw usage_error("--darts: 0 darts estimate nothing: give at least 1");
  if (samples.darts > max_pi_darts) {
    throw usage_error("--darts: " + std::to_string(samples.darts) + " darts are more than the " +
                      std::to_string(max_pi_darts) + " (2^40) this command takes");
  }
  if (samples.darts_per_subsequence == 0) throw usage_error("pi: 0 darts per subsequence");
}

}  // namespace gpulab::multigpu
