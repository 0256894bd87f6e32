// SPDX-License-Identifier: MIT
// Host launchers of module 7's kernels (kernels/ml/*.cuh). Plain C++:
// the module, the apps and the host tests include this without nvcc.
#pragma once

#include <cuda/std/span>
#include <cuda/stream_ref>

namespace gpulab::ml {

// out[i] = 2 * in[i] for every i < in.size(), queued on `s`.
// Throws usage_error when `out` is shorter than `in`.
void scale_by_two_async(cuda::std::span<const float> in, cuda::std::span<float> out, cuda::stream_ref s);

}  // namespace gpulab::ml
