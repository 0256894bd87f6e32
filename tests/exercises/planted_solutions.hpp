// SPDX-License-Identifier: MIT
// Wrong solutions a trainee could plausibly write. The checker must reject each.
#pragma once

#include "gpulab/exercises/map_2d_index.hpp"
#include "gpulab/exercises/pipelined_scale.hpp"

namespace planted {

// map_2d_index with x and y swapped: right only for square matrices.
void map_2d_index_transposed(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);
// map_2d_index without the bounds check: the edge blocks write outside the matrix.
void map_2d_index_no_bounds_check(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);
// pipelined_scale with chunk size n / chunks, rounded down: the tail is never processed (off by one).
void pipelined_scale_drops_tail(std::span<const float> host_in, std::span<float> host_out,
                                cuda::std::span<float> device, float factor, int chunks,
                                std::span<const cuda::stream_ref> streams);
// pipelined_scale that returns without waiting for its streams (a race with the caller).
void pipelined_scale_no_final_sync(std::span<const float> host_in, std::span<float> host_out,
                                   cuda::std::span<float> device, float factor, int chunks,
                                   std::span<const cuda::stream_ref> streams);

}  // namespace planted
