// SPDX-License-Identifier: MIT
#include "gpulab/core/error.hpp"
#include "gpulab/exercises/block_sum.hpp"
#include "gpulab/exercises/check.hpp"
#include "gpulab/exercises/map_2d_index.hpp"
#include "gpulab/exercises/monte_carlo_pi.hpp"
#include "gpulab/exercises/pipelined_scale.hpp"
#include "gpulab/exercises/row_major_gemm.hpp"
#include "gpulab/exercises/saxpy_grid_stride.hpp"
#include "gpulab/exercises/tiled_matmul.hpp"
#include "gpulab/exercises/tiled_transpose.hpp"

namespace gpulab::exercises {

const std::vector<exercise_entry>& all_exercises() {
  static const std::vector<exercise_entry> entries = {
      {"map_2d_index", "device", "map a 2D grid of 16 x 16 blocks onto a matrix, with a bounds check",
       "kernels/exercises/map_2d_index.cuh",
       [](const check_options& o) { return check_map_2d_index(trainee::map_2d_index, o); }},
      {"pipelined_scale", "transfer", "overlap copies and a kernel with chunks on several streams",
       "kernels/exercises/pipelined_scale.cuh",
       [](const check_options& o) { return check_pipelined_scale(trainee::pipelined_scale, o); }},
      {"row_major_gemm", "linalg", "C = A B on row-major data with one cuBLAS call, no copies",
       "kernels/exercises/row_major_gemm.hpp",
       [](const check_options& o) { return check_row_major_gemm(trainee::row_major_gemm, o); }},
      {"tiled_matmul", "linalg", "a shared-memory tiled matrix multiply, compared with cuBLAS",
       "kernels/exercises/tiled_matmul.cuh",
       [](const check_options& o) { return check_tiled_matmul(trainee::tiled_matmul, o); }},
      {"monte_carlo_pi", "random", "per-thread Philox states, hit counting and a shared-memory block reduction",
       "kernels/exercises/monte_carlo_pi.cuh",
       [](const check_options& o) { return check_monte_carlo_pi(trainee::monte_carlo_pi, o); }},
      {"saxpy_grid_stride", "kernels", "saxpy with a grid-stride loop on a grid that does not grow with n",
       "kernels/exercises/saxpy_grid_stride.cuh",
       [](const check_options& o) { return check_saxpy_grid_stride(trainee::saxpy_grid_stride, o); }},
      {"block_sum", "kernels", "a sum: grid-stride loop, shared-memory tree per block, one atomicAdd per block",
       "kernels/exercises/block_sum.cuh", [](const check_options& o) { return check_block_sum(trainee::block_sum, o); }},
      {"tiled_transpose", "kernels", "a transpose through a 32 x 33 shared-memory tile, both accesses coalesced",
       "kernels/exercises/tiled_transpose.cuh",
       [](const check_options& o) { return check_tiled_transpose(trainee::tiled_transpose, o); }},
  };
  return entries;
}

const exercise_entry& find_exercise(const std::string& name) {
  for (const exercise_entry& e : all_exercises()) {
    if (e.name == name) return e;
  }
  std::string names;
  for (const exercise_entry& e : all_exercises()) names += (names.empty() ? "" : ", ") + e.name;
  throw usage_error("unknown exercise '" + name + "' (known: " + names + ")");
}

}  // namespace gpulab::exercises
