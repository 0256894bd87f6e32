// SPDX-License-Identifier: MIT
// Exercise (module 1): write the 2D index-mapping kernel.
//   out[row * cols + col] = row * cols + col  for every row < rows, col < cols,
// launched on a 2D grid of 16 x 16 blocks (x along columns). Nothing outside the
// matrix may be written.
#pragma once

#include <cuda/std/span>
#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

using map_2d_index_fn = void (*)(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);

namespace reference {
void map_2d_index(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);
}
namespace trainee {
void map_2d_index(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);
}

check_report check_map_2d_index(map_2d_index_fn candidate, const check_options& options);

}  // namespace gpulab::exercises
