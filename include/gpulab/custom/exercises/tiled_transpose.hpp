// SPDX-License-Identifier: MIT
// Exercise (module 5): transpose a rows x cols matrix through a 32 x 33
// shared-memory tile, blocks of 32 x 8 threads.
#pragma once

#include <cuda/std/span>
#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

// out (cols x rows) = in (rows x cols) transposed, both row-major.
using transpose_fn = void (*)(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                              cuda::stream_ref s);

namespace reference {
void tiled_transpose(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                     cuda::stream_ref s);
}
namespace trainee {
void tiled_transpose(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                     cuda::stream_ref s);
}

check_report check_tiled_transpose(transpose_fn candidate, const check_options& options);

}  // namespace gpulab::exercises
