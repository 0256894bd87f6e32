// SPDX-License-Identifier: MIT
// The ring all-reduce's schedule, without a GPU: the chunks cover the buffer
// once, a chunk sent at a step is the one its receiver expects, and the whole
// ring simulated on the host (every rank a vector, every step's sends read
// before any receive lands) gives every rank the sum, for 1 to 9 ranks and
// buffers smaller than, equal to and larger than the rank count.
#include "gpulab/multigpu/ring_schedule.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "gpulab/bench/inputs.hpp"

namespace {

using namespace gpulab::multigpu;

TEST(multigpu_ring_schedule, ChunksCoverTheBufferOnce) {
  for (const std::size_t count : {0u, 1u, 2u, 5u, 31u, 1000003u}) {
    for (int ranks = 1; ranks <= 9; ++ranks) {
      std::size_t next = 0;
      for (int c = 0; c < ranks; ++c) {
        const chunk part = ring_chunk(count, ranks, c);
        EXPECT_EQ(part.first, next) << count << " on " << ranks << ", chunk " << c;
        next += part.count;
        EXPECT_LE(part.count, largest_ring_chunk(count, ranks));
      }
      EXPECT_EQ(next, count) << count << " on " << ranks;
    }
  }
  EXPECT_EQ(ring_chunk(10, 4, -1), ring_chunk(10, 4, 3));  // indices wrap, negative ones too
  EXPECT_EQ(ring_chunk(10, 4, 0), (chunk{0, 3}));
  EXPECT_EQ(ring_chunk(10, 4, 3), (chunk{8, 2}));
}

TEST(multigpu_ring_schedule, WhatARankSendsIsWhatItsNextExpects) {
  for (int ranks = 1; ranks <= 9; ++ranks) {
    for (int rank = 0; rank < ranks; ++rank) {
      const int next = ring_next(rank, ranks);
      EXPECT_EQ(ring_previous(next, ranks), rank);
      for (int step = 0; step < ring_steps(ranks); ++step) {
        EXPECT_EQ(reduce_scatter_step(rank, ranks, step).send, reduce_scatter_step(next, ranks, step).receive);
        EXPECT_EQ(all_gather_step(rank, ranks, step).send, all_gather_step(next, ranks, step).receive);
      }
    }
  }
  EXPECT_EQ(ring_steps(1), 0);
  EXPECT_EQ(reduce_scatter_step(0, 4, 0), (ring_step{0, 3}));
  EXPECT_EQ(all_gather_step(0, 4, 0), (ring_step{1, 0}));
}

// The ring on the host, with integer data (exact): returns every rank's buffer.
// `steps` per phase: the schedule's own count unless a test cuts it short.
std::vector<std::vector<std::int64_t>> simulate_ring(std::size_t count, int ranks, int steps) {
  std::vector<std::vector<std::int64_t>> buffers(static_cast<std::size_t>(ranks), std::vector<std::int64_t>(count));
  for (int r = 0; r < ranks; ++r) {
    for (std::size_t i = 0; i < count; ++i) {
      buffers[static_cast<std::size_t>(r)][i] =
          static_cast<std::int64_t>(gpulab::splitmix64(static_cast<std::uint64_t>(r) * 1000003 + i) % 2001) - 1000;
    }
  }
  const auto run_phase = [&](bool reduce) {
    for (int step = 0; step < steps; ++step) {
      // What each rank sends this step, taken before anything lands.
      std::vector<std::vector<std::int64_t>> sent(static_cast<std::size_t>(ranks));
      for (int r = 0; r < ranks; ++r) {
        const ring_step at = reduce ? reduce_scatter_step(r, ranks, step) : all_gather_step(r, ranks, step);
        const chunk out = ring_chunk(count, ranks, at.send);
        const auto& mine = buffers[static_cast<std::size_t>(r)];
        sent[static_cast<std::size_t>(r)].assign(mine.begin() + static_cast<std::ptrdiff_t>(out.first),
                                                 mine.begin() + static_cast<std::ptrdiff_t>(out.first + out.count));
      }
      for (int r = 0; r < ranks; ++r) {
        const ring_step at = reduce ? reduce_scatter_step(r, ranks, step) : all_gather_step(r, ranks, step);
        const chunk in = ring_chunk(count, ranks, at.receive);
        const auto& received = sent[static_cast<std::size_t>(ring_previous(r, ranks))];
        EXPECT_EQ(received.size(), in.count);
        auto& mine = buffers[static_cast<std::size_t>(r)];
        for (std::size_t i = 0; i < in.count && i < received.size(); ++i) {
          mine[in.first + i] = reduce ? mine[in.first + i] + received[i] : received[i];
        }
      }
    }
  };
  run_phase(true);
  run_phase(false);
  return buffers;
}

TEST(multigpu_ring_schedule, TheSimulatedRingGivesEveryRankTheSum) {
  for (const std::size_t count : {1u, 2u, 5u, 8u, 31u, 1000u}) {
    for (int ranks = 1; ranks <= 9; ++ranks) {
      std::vector<std::int64_t> sum(count, 0);
      for (int r = 0; r < ranks; ++r) {
        for (std::size_t i = 0; i < count; ++i) {
          sum[i] += static_cast<std::int64_t>(gpulab::splitmix64(static_cast<std::uint64_t>(r) * 1000003 + i) % 2001) -
                    1000;
        }
      }
      const auto buffers = simulate_ring(count, ranks, ring_steps(ranks));
      for (int r = 0; r < ranks; ++r) {
        EXPECT_EQ(buffers[static_cast<std::size_t>(r)], sum) << count << " elements on " << ranks << ", rank " << r;
      }
    }
  }
}

// The simulation can fail: with one step less in each phase, some rank has
// an element that is not the sum (on 2 or more ranks).
TEST(multigpu_ring_schedule, OneStepShortIsNotTheSum) {
  for (int ranks = 2; ranks <= 9; ++ranks) {
    const std::size_t count = 31;
    const auto full = simulate_ring(count, ranks, ring_steps(ranks));
    const auto short_one = simulate_ring(count, ranks, ring_steps(ranks) - 1);
    EXPECT_NE(short_one, full) << ranks << " ranks";
  }
}

}  // namespace
