// SPDX-License-Identifier: MIT
// The ring all-reduce's schedule, the part that needs no GPU: which chunk each
// rank sends and receives at each step. The buffer of `count` elements is cut
// into `ranks` chunks; the ranks form a ring (rank r sends to r + 1 and
// receives from r - 1, modulo ranks):
//
//   reduce-scatter, steps 0 .. ranks - 2: rank r sends chunk r - step and
//     receives chunk r - step - 1, which it adds to its own copy. After the
//     last step, rank r holds chunk r + 1 summed over every rank.
//   all-gather, steps 0 .. ranks - 2: rank r sends chunk r + 1 - step (summed)
//     and receives chunk r - step, which it stores. After the last step every
//     rank holds every summed chunk.
//
// Each rank sends 2 (ranks - 1) / ranks of the buffer in all, whatever the
// number of ranks: why the ring's (and NCCL's) bus bandwidth is algbw x 2 (n - 1) / n.
#pragma once

#include <cstddef>

namespace gpulab::multigpu {

// Elements [first, first + count) of the buffer.
struct chunk {
  std::size_t first = 0;
  std::size_t count = 0;
  friend bool operator==(const chunk&, const chunk&) = default;
};

// Chunk `index` of a buffer of `count` elements cut into `ranks` chunks:
// count / ranks each, the first count % ranks one element more. `index` is
// taken modulo ranks (negative ones too), as the schedule's arithmetic needs.
chunk ring_chunk(std::size_t count, int ranks, int index);

// The largest chunk: the scratch a rank needs for one received chunk.
std::size_t largest_ring_chunk(std::size_t count, int ranks);

int ring_next(int rank, int ranks);
int ring_previous(int rank, int ranks);

// The chunk indices of one step of one rank.
struct ring_step {
  int send = 0;
  int receive = 0;
  friend bool operator==(const ring_step&, const ring_step&) = default;
};
ring_step reduce_scatter_step(int rank, int ranks, int step);
ring_step all_gather_step(int rank, int ranks, int step);

// Steps of each phase: ranks - 1 (none on one rank: the result is the input).
inline int ring_steps(int ranks) { return ranks - 1; }

}  // namespace gpulab::multigpu
