// SPDX-License-Identifier: MIT
// The kNN classifier: each query takes the label most frequent among its k
// neighbours, ties to the smallest label. One warp per query: the lanes count
// the neighbours' labels into the warp's histogram in shared memory (atomics on
// shared memory are cheap), then find its largest bin.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::ml::kernels {

// [snippet:knn_vote]
// Shared memory: (blockDim.x / 32) x classes ints. A neighbour id < 0 or a label
// outside 0..classes-1 makes the prediction -1 (visible, never a wrong vote).
static __global__ void knn_vote(const std::int32_t* __restrict__ ids, std::int64_t m, int k,
                         const std::int32_t* __restrict__ labels, std::int64_t label_count, int classes,
                         std::int32_t* __restrict__ predictions) {
  extern __shared__ int votes[];
  const int lane = static_cast<int>(threadIdx.x % 32);
  int* mine = votes + (threadIdx.x / 32) * classes;
  for (std::int64_t q = global_thread_id() / 32; q < m; q += grid_thread_count() / 32) {
    for (int c = lane; c < classes; c += 32) mine[c] = 0;
    __syncwarp();
    bool invalid = false;
    for (int j = lane; j < k; j += 32) {
      const std::int32_t id = ids[q * k + j];
      const std::int32_t label = id >= 0 && id < label_count ? labels[id] : -1;
      if (label >= 0 && label < classes) atomicAdd(&mine[label], 1);
      else invalid = true;
    }
    invalid = __any_sync(0xffffffffu, invalid);
    __syncwarp();
    // Each lane scans its bins in increasing order (a strictly larger count wins,
    // so the first, smallest label keeps a tie), then the lanes compare.
    int best_votes = -1, best_label = classes;
    for (int c = lane; c < classes; c += 32) {
      if (mine[c] > best_votes) {
        best_votes = mine[c];
        best_label = c;
      }
    }
    for (int offset = 16; offset > 0; offset /= 2) {
      const int other_votes = __shfl_xor_sync(0xffffffffu, best_votes, offset);
      const int other_label = __shfl_xor_sync(0xffffffffu, best_label, offset);
      if (other_votes > best_votes || (other_votes == best_votes && other_label < best_label)) {
        best_votes = other_votes;
        best_label = other_label;
      }
    }
    if (lane == 0) predictions[q] = invalid ? -1 : best_label;
    __syncwarp();  // the histogram is cleared for the next query only after everyone read it
  }
}
// [/snippet:knn_vote]

}  // namespace gpulab::ml::kernels
