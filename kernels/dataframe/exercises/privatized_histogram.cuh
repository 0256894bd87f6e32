// SPDX-License-Identifier: MIT
// EXERCISE (module 6, dataframe): a histogram with privatized counters.
//
// Write the kernel below so that counts[j] ends up holding how many of the n
// values x[i] fall in bin j, with pandas `cut` semantics: the edges
// e[0] < e[1] < ... < e[bins] give RIGHT-closed bins (e[j], e[j+1]]; a value
// equal to e[j+1] belongs to bin j, a value equal to e[0] to no bin; values at
// or below e[0], above e[bins], and NaN are not counted. counts[0..bins) are
// zero when the kernel starts. The launch (already written, in
// src/dataframe/exercises/privatized_histogram.cu) uses blocks of
// privatized_histogram_threads = 256 threads and at most 8 blocks per SM, so
// there may be far more values than threads; 1 <= bins <= 1024.
//
// One global atomicAdd per value would serialize: 20M values on 5 bins all hit
// the same 5 addresses. Instead each block counts in its own copy of the bins
// in shared memory and adds them to counts once at the end. Four steps:
//   1. zero the block's counters: block_counts[b] = 0 for b < bins (there may
//      be more bins than threads: loop b = threadIdx.x, b += blockDim.x), then
//      __syncthreads() so no thread counts before every counter is zero;
//   2. a grid-stride loop over the values (i = the global index, step
//      gridDim.x * blockDim.x, while i < n): find x[i]'s bin, and if it has one,
//      atomicAdd(&block_counts[bin], 1u). Threads of a block share the counters,
//      so a plain ++ loses counts when two of them add to one bin at once;
//   3. __syncthreads(): every thread of the block has finished counting;
//   4. merge: for b < bins (the same loop as in 1), add block_counts[b] to
//      counts[b] with one atomicAdd, skipping zeros. Every block merges.
//
// Finding the bin: if !(v > e[0] && v <= e[bins]) the value has no bin (NaN
// fails both comparisons); otherwise the bin is j such that e[j] < v <= e[j+1],
// found by a binary search for the first edge >= v (lo = 1, hi = bins; while
// lo < hi: mid = (lo + hi) / 2; v <= e[mid] ? hi = mid : lo = mid + 1; then
// bin = lo - 1). Compare in double: 0.2 as a float is not the edge 0.2.
// (kernels/dataframe/cut.cuh and cut_code in include/gpulab/dataframe/cut.hpp are
// the module's version of the bin search.)
//
// Check your solution with:   gpulab check privatized_histogram
#pragma once

namespace gpulab::exercises::trainee_kernels {

static __global__ void privatized_histogram(const double* x, long long n, const double* edges, int bins,
                                            unsigned long long* counts) {
  // TODO(trainee): the four steps above, with the block's counters in
  //   __shared__ unsigned int block_counts[1024];
  (void)x;
  (void)n;
  (void)edges;
  (void)bins;
  (void)counts;
}

}  // namespace gpulab::exercises::trainee_kernels
