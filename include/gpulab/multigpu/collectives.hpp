// SPDX-License-Identifier: MIT
// `gpulab-multigpu collectives`: all_reduce, all_gather, broadcast and
// reduce_scatter timed over sizes from 8 B up, as nccl-tests measures them,
// each result verified (collective_data.hpp).
//   size   nccl-tests' size: the buffer of all_reduce and broadcast, the whole
//          gathered buffer of all_gather, the whole input of reduce_scatter;
//   algbw  size / time;
//   busbw  algbw x the fraction of the data each link carries, so that the
//          number compares with the link's speed whatever the rank count:
//          2 (n - 1) / n for all_reduce, (n - 1) / n for all_gather and
//          reduce_scatter, 1 for broadcast (0 on one rank: nothing travels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <string>
#include <vector>

#include "gpulab/multigpu/communicator.hpp"

namespace gpulab::multigpu {

enum class collective { all_reduce, all_gather, broadcast, reduce_scatter };
std::string to_string(collective op);
const std::vector<collective>& all_collectives();
double bus_bandwidth_factor(collective op, int ranks);

// 8 B, 16 B, ... doubling up to `max_bytes` (and max_bytes itself when it is no power of two).
std::vector<std::size_t> collective_sizes(std::size_t max_bytes);

struct collective_row {
  collective op = collective::all_reduce;
  std::size_t bytes = 0;  // nccl-tests' size (above)
  std::size_t count = 0;  // float32 elements per rank's buffer (the smaller one)
  double median_ms = 0.0;  // the slowest rank's median
  double algbw_gbs = 0.0;
  double busbw_gbs = 0.0;
  std::size_t differing = 0;  // elements that differ from the expected result, all ranks
  [[nodiscard]] bool verified() const { return differing == 0; }
};

// float32, sum. `bytes` rounds down to whole elements (a multiple of the rank
// count for all_gather and reduce_scatter); 0 elements is a row of zeros.
// Output poisoned, `warm_up` + `repeats` runs timed with events, then verified.
// Collective over `comm`.
collective_row run_collective(collective op, std::size_t bytes, communicator& comm, cuda::stream_ref s, int repeats,
                              std::uint64_t seed, int warm_up = 2);

// The table, one row per line (header first), as `collectives` prints it.
std::string collectives_table_header();
std::string format_collective_row(const collective_row& row);

}  // namespace gpulab::multigpu
