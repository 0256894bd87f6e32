// SPDX-License-Identifier: MIT
// EXERCISE (module 1, device): map a 2D grid of threads onto a matrix.
//
// Write the kernel below so that every element of the rows x cols matrix `out`
// (row-major: element (row, col) lives at out[row * cols + col]) receives its own
// linear index row * cols + col.
//
// The launch (already written, in src/exercises/map_2d_index.cu) uses 16 x 16
// blocks and rounds the grid up, so some threads fall outside the matrix:
// they must not write anything.
//
// Hints: blockIdx, blockDim and threadIdx have .x and .y; let x run along the
// columns so that neighbouring threads write neighbouring addresses.
//
// Check your solution with:   gpulab check map_2d_index
#pragma once

namespace gpulab::exercises::trainee_kernels {

static __global__ void map_2d_index(int* out, int rows, int cols) {
  // TODO(trainee): compute this thread's column and row from the block and
  // thread indices, and write out[row * cols + col] = row * cols + col when the
  // element exists.
  (void)out;
  (void)rows;
  (void)cols;
}

}  // namespace gpulab::exercises::trainee_kernels
