// SPDX-License-Identifier: MIT
// Data-parallel Monte Carlo pi, the part that needs no GPU: which darts a rank
// throws. The darts are fixed before they are divided: dart i belongs to
// Philox subsequence i / darts_per_subsequence (curand_init(seed, subsequence, 0)),
// and each rank takes a contiguous range of subsequences. So the darts of all
// ranks together are the same darts on 1, 2 or 7 ranks, and their hit count is
// the same integer: the divided count is checked against one process's count
// bit for bit.
//
// Why subsequences and not "seed = rank": two Philox streams of different seeds
// have no guarantee of being independent; the subsequences of one seed are
// disjoint stretches (2^66 numbers apart) of one well-tested stream, and a thread
// jumps to its own in O(1).
#pragma once

#include <cstdint>

namespace gpulab::multigpu {

struct pi_samples {
  std::uint64_t darts = 0;
  // One GPU thread draws one subsequence at a time: 4096 darts keeps enough
  // subsequences to fill a GPU (1G darts: 262144 of them) while curand_init's
  // cost is spread over many darts.
  std::uint64_t darts_per_subsequence = 4096;
  // ceil(darts / darts_per_subsequence): the last one may hold fewer darts.
  [[nodiscard]] std::uint64_t subsequences() const;
};

// Subsequences [begin, end).
struct subsequence_range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  [[nodiscard]] std::uint64_t size() const { return end > begin ? end - begin : 0; }
  friend bool operator==(const subsequence_range&, const subsequence_range&) = default;
};

// Rank `rank`'s share of `subsequences`: subsequences / ranks each, the first
// subsequences % ranks ranks one more (as slab.hpp cuts rows). With more ranks
// than subsequences the last ranks get none (and count 0 hits).
subsequence_range subsequences_of_rank(std::uint64_t subsequences, int rank, int ranks);

// The darts in subsequences `range` (the last subsequence may be short).
std::uint64_t darts_in(const pi_samples& samples, subsequence_range range);

// The largest count the pi command takes (about a minute on one H200 at the
// measured ~2e10 darts/s is 2^40; the hits of one rank stay far below 2^63).
inline constexpr std::uint64_t max_pi_darts = std::uint64_t{1} << 40;

// Throws usage_error when `samples` has no dart, more than max_pi_darts, or 0 darts per subsequence.
void require_valid(const pi_samples& samples);

}  // namespace gpulab::multigpu
