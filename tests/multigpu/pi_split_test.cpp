// SPDX-License-Identifier: MIT
// Module 8's data-parallel pi, without a GPU: how the darts are divided. Every
// subsequence goes to exactly one rank, in order, on any number of ranks, and
// the darts of all ranks add up to the darts asked for (the last subsequence
// may be short) -- what makes the divided count equal one process's count.
#include "gpulab/multigpu/pi_split.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "gpulab/core/error.hpp"

namespace {

using namespace gpulab::multigpu;

TEST(multigpu_pi_split, SubsequencesCoverTheDartsOnce) {
  EXPECT_EQ((pi_samples{.darts = 4096}).subsequences(), 1u);
  EXPECT_EQ((pi_samples{.darts = 4097}).subsequences(), 2u);
  EXPECT_EQ((pi_samples{.darts = 1, .darts_per_subsequence = 97}).subsequences(), 1u);
  EXPECT_EQ((pi_samples{.darts = 1000003, .darts_per_subsequence = 97}).subsequences(), 10310u);  // 97 * 10309 = 999973
}

TEST(multigpu_pi_split, EverySubsequenceHasOneRankInOrder) {
  for (const std::uint64_t subsequences : {0ull, 1ull, 2ull, 7ull, 97ull, 10310ull, 262144ull}) {
    for (int ranks = 1; ranks <= 9; ++ranks) {
      std::uint64_t next = 0;  // the first subsequence no rank has yet
      std::uint64_t smallest = subsequences, largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const subsequence_range mine = subsequences_of_rank(subsequences, r, ranks);
        EXPECT_EQ(mine.begin, next) << subsequences << " on " << ranks << ", rank " << r;
        next = mine.begin + mine.size();
        smallest = std::min(smallest, mine.size());
        largest = std::max(largest, mine.size());
      }
      EXPECT_EQ(next, subsequences) << subsequences << " on " << ranks;
      EXPECT_LE(largest - smallest, 1u) << "balanced: " << subsequences << " on " << ranks;
    }
  }
  // 10 on 4 ranks: 3, 3, 2, 2.
  EXPECT_EQ(subsequences_of_rank(10, 0, 4), (subsequence_range{0, 3}));
  EXPECT_EQ(subsequences_of_rank(10, 1, 4), (subsequence_range{3, 6}));
  EXPECT_EQ(subsequences_of_rank(10, 3, 4), (subsequence_range{8, 10}));
  // More ranks than subsequences: the last ranks have none.
  EXPECT_EQ(subsequences_of_rank(2, 3, 4).size(), 0u);
}

TEST(multigpu_pi_split, DartsOfAllRanksAddUpToTheDartsAskedFor) {
  for (const pi_samples samples : {pi_samples{.darts = 1000003, .darts_per_subsequence = 97},
                                   pi_samples{.darts = 4096 * 64}, pi_samples{.darts = 5},
                                   pi_samples{.darts = 127, .darts_per_subsequence = 1}}) {
    for (int ranks = 1; ranks <= 9; ++ranks) {
      std::uint64_t total = 0;
      for (int r = 0; r < ranks; ++r) total += darts_in(samples, subsequences_of_rank(samples.subsequences(), r, ranks));
      EXPECT_EQ(total, samples.darts) << samples.darts << " darts on " << ranks;
    }
  }
  // The short last subsequence: 1000003 = 97 * 10309 + 30.
  const pi_samples odd{.darts = 1000003, .darts_per_subsequence = 97};
  EXPECT_EQ(darts_in(odd, {10309, 10310}), 30u);
  EXPECT_EQ(darts_in(odd, {0, 1}), 97u);
  EXPECT_EQ(darts_in(odd, {5, 5}), 0u);
}

TEST(multigpu_pi_split, BadInputIsRefused) {
  EXPECT_THROW(require_valid(pi_samples{.darts = 0}), gpulab::usage_error);
  EXPECT_THROW(require_valid(pi_samples{.darts = max_pi_darts + 1}), gpulab::usage_error);
  EXPECT_THROW(require_valid(pi_samples{.darts = 10, .darts_per_subsequence = 0}), gpulab::usage_error);
  EXPECT_NO_THROW(require_valid(pi_samples{.darts = max_pi_darts}));
  EXPECT_THROW(subsequences_of_rank(10, 4, 4), gpulab::usage_error);
  EXPECT_THROW(subsequences_of_rank(10, 0, 0), gpulab::usage_error);
}

}  // namespace
