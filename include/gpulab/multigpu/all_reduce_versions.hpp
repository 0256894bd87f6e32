// SPDX-License-Identifier: MIT
// `gpulab-multigpu allreduce`: one all-reduce (float32, sum) done four ways over
// the same buffer on every rank, side by side:
//   - mpi (host-staged): the communicator's MPI backend on an MPI that is not
//     CUDA-aware: device -> pinned host, MPI_Allreduce, host -> device;
//   - mpi (CUDA-aware): MPI_Allreduce on the device pointers, where
//     MPIX_Query_cuda_support says the MPI can (else the row says why not);
//   - nccl: ncclAllReduce;
//   - ring: the hand-written ring (ring_all_reduce.hpp) over a communicator's
//     grouped send/recv (NCCL's where built with NCCL).
// Each result is compared exactly with the sum the host computes from every
// rank's data (collective_data.hpp: multiples of 1/8, exact in any order);
// algbw and busbw as in `collectives` (busbw = algbw x 2 (n - 1) / n). On one
// rank every version is a copy of the input: the rows still run and verify.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <functional>
#include <string>
#include <vector>

#include "gpulab/multigpu/communicator.hpp"

namespace gpulab::multigpu {

struct all_reduce_row {
  std::string version;  // "mpi (host-staged)", "mpi (CUDA-aware)", "nccl", "ring (nccl send/recv)"
  bool ran = false;
  std::string not_run_because;  // when !ran: "not CUDA-aware (...)"
  std::size_t count = 0;        // float32 elements
  std::size_t bytes = 0;
  double median_ms = 0.0;  // the slowest rank's median
  double algbw_gbs = 0.0;
  double busbw_gbs = 0.0;
  std::size_t differing = 0;  // elements that differ from the expected sum, all ranks
  [[nodiscard]] bool verified() const { return ran && differing == 0; }
};

// out[0, count) = sum over ranks of in[0, count), queued on the stream.
using all_reduce_call = std::function<void(const float* in, float* out, std::size_t count, cuda::stream_ref s)>;

// Runs `call` on `count` seeded floats per rank into a poisoned output,
// verifies, times (`repeats` after 2 warm-ups), re-verifies. `comm` is the
// communicator of the version (its size, its rank's data; the verdict and the
// slowest rank's time are agreed through it). First checks that every rank has
// the same count (else all_ranks_error on every rank, before any transfer that
// would wait forever). Collective over `comm`.
all_reduce_row run_all_reduce_version(const std::string& version, const all_reduce_call& call, communicator& comm,
                                      std::size_t count, cuda::stream_ref s, int repeats, std::uint64_t seed);

// A row for a version that cannot run here, saying why.
all_reduce_row not_run(const std::string& version, const std::string& why);

// The table, as `allreduce` prints it.
std::string all_reduce_table_header();
std::string format_all_reduce_row(const all_reduce_row& row);
// The rows as JSON (--output FILE).
std::string all_reduce_json(const std::vector<all_reduce_row>& rows, int ranks);

}  // namespace gpulab::multigpu
