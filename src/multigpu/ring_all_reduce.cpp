// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/ring_all_reduce.hpp"

#include "gpulab/core/error.hpp"
#include "gpulab/multigpu/ring_schedule.hpp"

namespace gpulab::multigpu {

void ring_all_reduce_async(const float* send, float* recv, std::size_t count, float* scratch, communicator& comm,
                           cuda::stream_ref s) {
  const int rank = comm.rank();
  const int ranks = comm.size();
  const int next = ring_next(rank, ranks);
  const int previous = ring_previous(rank, ranks);
  // The ring works in place in `recv`: it starts as this rank's contribution.
  if (send != recv && count > 0) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(recv, send, count * sizeof(float), cudaMemcpyDeviceToDevice, s.get()));
  }
  // A chunk sent at a step is the chunk its receiver expects (the schedule
  // guarantees it), so an empty chunk (count < ranks) is skipped on both sides.
  for (int step = 0; step < ring_steps(ranks); ++step) {
    const ring_step at = reduce_scatter_step(rank, ranks, step);
    const chunk out = ring_chunk(count, ranks, at.send);
    const chunk in = ring_chunk(count, ranks, at.receive);
    // Send and receive in one group: every rank sends first, and outside a
    // group each send would wait for a receive that is queued after it.
    in_group(comm, [&] {
      if (out.count > 0) comm.send_async(recv + out.first, out.count, next, s);
      if (in.count > 0) comm.recv_async(scratch, in.count, previous, s);
    });
    // Stream order: the addition runs after the receive, and the next step's
    // receive into `scratch` after the addition.
    add_received_chunk_async(recv + in.first, scratch, in.count, s);
  }
  for (int step = 0; step < ring_steps(ranks); ++step) {
    const ring_step at = all_gather_step(rank, ranks, step);
    const chunk out = ring_chunk(count, ranks, at.send);
    const chunk in = ring_chunk(count, ranks, at.receive);
    in_group(comm, [&] {
      if (out.count > 0) comm.send_async(recv + out.first, out.count, next, s);
      if (in.count > 0) comm.recv_async(recv + in.first, in.count, previous, s);  // straight into place
    });
  }
}

}  // namespace gpulab::multigpu
