// SPDX-License-Identifier: MIT
// EXERCISE (module 5, kernels): saxpy with a grid-stride loop.
//
// Write the kernel below so that r[i] = a * x[i] + y[i] for every i < n.
//
// The launch (already written, in src/exercises/saxpy_grid_stride.cu) starts a
// FIXED number of threads: two blocks of 256 per SM, far fewer than n when n is
// large. One element per thread is therefore not enough: each thread starts at
// its global index and steps by the total number of threads in the grid until
// it passes n.
//
// Hints: the grid has gridDim.x * blockDim.x threads. n may exceed 2^31: do the
// index arithmetic in 64 bits (long long). Do not write r[n] or beyond.
//
// Check your solution with:   gpulab check saxpy_grid_stride
#pragma once

namespace gpulab::exercises::trainee_kernels {

static __global__ void saxpy_grid_stride(float a, const float* x, const float* y, float* r, long long n) {
  // TODO(trainee): a grid-stride loop over i, writing r[i] = a * x[i] + y[i].
  (void)a;
  (void)x;
  (void)y;
  (void)r;
  (void)n;
}

}  // namespace gpulab::exercises::trainee_kernels
