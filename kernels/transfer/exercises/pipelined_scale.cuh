// SPDX-License-Identifier: MIT
// EXERCISE (module 2, transfer): overlap copies and compute with streams.
//
// Compute host_out[i] = factor * host_in[i] on the GPU, in `chunks` pieces:
//   - chunk c covers elements [c * chunk_size, min((c + 1) * chunk_size, n)),
//     with chunk_size = ceil(n / chunks), so the last chunk may be shorter;
//   - chunk c runs on streams[c % streams.size()]: copy it in with
//     cudaMemcpyAsync (host_in -> device), scale it in place with
//     gpulab::transfer::scale_async, copy it back (device -> host_out);
//   - return only when all of host_out has been written.
// host_in and host_out are pinned, so the copies really are asynchronous and
// chunks on different streams overlap.
//
// Wrap CUDA calls in GPULAB_CUDA_TRY(...) so that errors are not ignored.
// Check your solution with:   gpulab check pipelined_scale
#pragma once

#include <cuda_runtime_api.h>

#include <span>

#include "gpulab/core/error.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace gpulab::exercises::trainee {

void pipelined_scale(std::span<const float> host_in, std::span<float> host_out, cuda::std::span<float> device,
                     float factor, int chunks, std::span<const cuda::stream_ref> streams) {
  // TODO(trainee): split the work into chunks and queue copy in, transfer::scale_async and
  // copy out for each chunk on its stream; then wait for every stream.
  (void)host_in;
  (void)host_out;
  (void)device;
  (void)factor;
  (void)chunks;
  (void)streams;
}

}  // namespace gpulab::exercises::trainee
