// SPDX-License-Identifier: MIT
// Exercise (module 2): an asynchronous copy-compute-copy pipeline.
//   host_out[i] = factor * host_in[i], for all i < host_in.size(),
// computed on the GPU in `chunks` pieces spread round-robin over `streams`
// (chunk c on streams[c % streams.size()]): copy the chunk in, scale it with
// gpulab::scale_async, copy it back. `device` has room for all elements. Return
// only when every element of host_out is written.
#pragma once

#include <cuda/std/span>
#include <cuda/stream_ref>
#include <span>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

using pipelined_scale_fn = void (*)(std::span<const float> host_in, std::span<float> host_out,
                                    cuda::std::span<float> device, float factor, int chunks,
                                    std::span<const cuda::stream_ref> streams);

namespace reference {
void pipelined_scale(std::span<const float> host_in, std::span<float> host_out, cuda::std::span<float> device,
                     float factor, int chunks, std::span<const cuda::stream_ref> streams);
}
namespace trainee {
void pipelined_scale(std::span<const float> host_in, std::span<float> host_out, cuda::std::span<float> device,
                     float factor, int chunks, std::span<const cuda::stream_ref> streams);
}

check_report check_pipelined_scale(pipelined_scale_fn candidate, const check_options& options);

}  // namespace gpulab::exercises
