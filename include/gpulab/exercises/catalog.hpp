// SPDX-License-Identifier: MIT
// The list of the kit's exercises: names, modules and the files trainees edit.
// Plain data, no checker code, so that `gpulab list` can show the exercises
// without linking them (a skeleton that does not compile breaks only the
// checker: gpulab-check and `gpulab check`, which runs it).
#pragma once

#include <array>
#include <string_view>

namespace gpulab::exercises {

struct exercise_info {
  std::string_view name;
  std::string_view module_name;  // the module id: device, transfer, linalg, random, custom, dataframe, ml, multigpu
  std::string_view summary;
  std::string_view file;  // what the trainee edits
};

inline constexpr std::array<exercise_info, 11> catalog = {{
    {"map_2d_index", "device", "map a 2D grid of 16 x 16 blocks onto a matrix, with a bounds check",
     "kernels/device/exercises/map_2d_index.cuh"},
    {"pipelined_scale", "transfer", "overlap copies and a kernel with chunks on several streams",
     "kernels/transfer/exercises/pipelined_scale.cuh"},
    {"row_major_gemm", "linalg", "C = A B on row-major data with one cuBLAS call, no copies",
     "kernels/linalg/exercises/row_major_gemm.hpp"},
    {"tiled_matmul", "linalg", "a shared-memory tiled matrix multiply, compared with cuBLAS",
     "kernels/linalg/exercises/tiled_matmul.cuh"},
    {"monte_carlo_pi", "random", "per-thread Philox states, hit counting and a shared-memory block reduction",
     "kernels/random/exercises/monte_carlo_pi.cuh"},
    {"saxpy_grid_stride", "custom", "saxpy with a grid-stride loop on a grid that does not grow with n",
     "kernels/custom/exercises/saxpy_grid_stride.cuh"},
    {"block_sum", "custom", "a sum: grid-stride loop, shared-memory tree per block, one atomicAdd per block",
     "kernels/custom/exercises/block_sum.cuh"},
    {"tiled_transpose", "custom", "a transpose through a 32 x 33 shared-memory tile, both accesses coalesced",
     "kernels/custom/exercises/tiled_transpose.cuh"},
    {"privatized_histogram", "dataframe",
     "a histogram with pandas cut bins: per-block counters in shared memory, one atomic per bin per block",
     "kernels/dataframe/exercises/privatized_histogram.cuh"},
    {"kmeans_assign", "ml",
     "the fused k-means assignment: nearest centroid (ties: smallest index) and per-block sums, one pass",
     "kernels/ml/exercises/kmeans_assign.cuh"},
    {"halo_exchange", "multigpu",
     "the slab decomposition's halo exchange: grouped ncclSend/ncclRecv on a stream of its own, ordered by events",
     "kernels/multigpu/exercises/halo_exchange.hpp"},
}};

}  // namespace gpulab::exercises
