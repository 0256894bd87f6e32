// SPDX-License-Identifier: MIT
// EXERCISE (module 5, kernels): a sum with a shared-memory tree in each block.
//
// Write the kernel below so that *total ends up holding x[0] + ... + x[n - 1].
// *total is zero when the kernel starts. The launch (already written, in
// src/exercises/block_sum.cu) uses blocks of block_sum_threads = 256 threads
// and at most four blocks per SM, so there may be far more elements than threads.
//
// Three steps:
//   1. each thread adds up its elements with a grid-stride loop (i = its global
//      index, step gridDim.x * blockDim.x, while i < n) into a register;
//   2. the block adds up its 256 values in a shared-memory array as a tree:
//      store them in partial[threadIdx.x] and wait (__syncthreads()); then for
//      half = 128, 64, ..., 1: thread t < half adds partial[t + half] to
//      partial[t], and every thread waits (__syncthreads()) before the next level;
//   3. thread 0 adds the block's total, partial[0], to *total with one atomicAdd.
//
// Check your solution with:   gpulab check block_sum
#pragma once

namespace gpulab::exercises::trainee_kernels {

static __global__ void block_sum(const float* x, long long n, float* total) {
  // TODO(trainee): the three steps above, with one value per thread of the block in
  //   __shared__ float partial[256];
  (void)x;
  (void)n;
  (void)total;
}

}  // namespace gpulab::exercises::trainee_kernels
