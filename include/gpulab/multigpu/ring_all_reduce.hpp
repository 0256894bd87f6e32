// SPDX-License-Identifier: MIT
// A hand-written ring all-reduce on the GPU (ring_schedule.hpp says which chunk
// goes where): ranks - 1 steps of reduce-scatter, then ranks - 1 of all-gather,
// each step one group of the communicator's send/recv (ncclSend/ncclRecv, or
// MPI) and, in the reduce-scatter, one small kernel adding the received chunk.
// It is what NCCL's ring algorithm does, without NCCL's pipelining of each
// chunk in slices, its several rings and its fused copy-and-reduce kernels:
// the lesson is the schedule; `allreduce` shows what the rest is worth.
#pragma once

#include <cstddef>
#include <cuda/stream_ref>

#include "gpulab/multigpu/communicator.hpp"

namespace gpulab::multigpu {

// mine[0, count) += received[0, count), on the current GPU. Launches one kernel.
void add_received_chunk_async(float* mine, const float* received, std::size_t count, cuda::stream_ref s);

// recv[i] = sum over all ranks of send[i], i < count (send == recv: in place).
// `scratch` holds largest_ring_chunk(count, comm.size()) floats. Every rank
// must pass the same count (the app checks it on every rank first). Queued on
// `s` (NCCL) or done when it returns (MPI backend). Collective over `comm`.
void ring_all_reduce_async(const float* send, float* recv, std::size_t count, float* scratch, communicator& comm,
                           cuda::stream_ref s);

}  // namespace gpulab::multigpu
