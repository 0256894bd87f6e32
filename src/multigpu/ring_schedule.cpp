// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/ring_schedule.hpp"

#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::multigpu {

namespace {

int modulo(int value, int ranks) { return ((value % ranks) + ranks) % ranks; }

void require_ranks(int ranks) {
  if (ranks < 1) throw usage_error("a ring needs at least one rank, not " + std::to_string(ranks));
}

}  // namespace

chunk ring_chunk(std::size_t count, int ranks, int index) {
  require_ranks(ranks);
  const auto i = static_cast<std::size_t>(modulo(index, ranks));
  const std::size_t base = count / static_cast<std::size_t>(ranks);
  const std::size_t extra = count % static_cast<std::size_t>(ranks);
  return {i * base + std::min(i, extra), base + (i < extra ? 1 : 0)};
}

std::size_t largest_ring_chunk(std::size_t count, int ranks) { return ring_chunk(count, ranks, 0).count; }

int ring_next(int rank, int ranks) {
  require_ranks(ranks);
  return modulo(rank + 1, ranks);
}

int ring_previous(int rank, int ranks) {
  require_ranks(ranks);
  return modulo(rank - 1, ranks);
}

ring_step reduce_scatter_step(int rank, int ranks, int step) {
  require_ranks(ranks);
  return {modulo(rank - step, ranks), modulo(rank - step - 1, ranks)};
}

ring_step all_gather_step(int rank, int ranks, int step) {
  require_ranks(ranks);
  return {modulo(rank + 1 - step, ranks), modulo(rank - step, ranks)};
}

}  // namespace gpulab::multigpu
