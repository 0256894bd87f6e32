// SPDX-License-Identifier: MIT
// k-means' per-block sums at small d: each warp its own sums, no block barrier (taken where
// d <= 16 and they fit: warp_sums_fit in src/ml/kmeans_lloyd.cu says why, with the measurements).
//
// block_partials (kmeans_common.cuh) sorts each tile by cluster and gives every sum (c, j) one
// owner thread: four block barriers a tile, and at 1M x 16, k = 8 only 128 of the block's 512
// threads add while the rest wait. Here a warp adds its own 32 rows, reading them again (from
// the L1 cache: the warp has just loaded them) in row-major order, 32 consecutive floats a
// step: lane l of a step holds feature j of row r, and adds it to sum (label of r, j) of the
// warp's own copy. The label comes from the row's lane by a shuffle. Lanes that hold one
// feature of two rows of one cluster would add to the same sum in the same step: each warp
// keeps kmeans_warp_sum_copies(d) copies, row r adding to copy r % copies (the layout header
// says why that is enough). Counts: a warp's lanes with one label are found by
// __match_any_sync and their first lane adds them. At the end the block adds the copies,
// in a fixed order (the same bits every run), and writes its partial as block_partials does.
//
// The same members as block_partials, so that the fused kernel takes either (kmeans_fused.cuh).
#pragma once

#include <cstdint>

#include "gpulab/ml/kmeans_warp_sums_layout.hpp"

namespace gpulab::ml::kernels {

// [snippet:kmeans_warp_sums]
struct warp_partials {
  float* sums;            // warps x copies x k x d
  unsigned int* counts;   // warps x k
  int copies;

  __device__ static warp_partials in_shared(float* shared, int k, int d) {
    const int warps = static_cast<int>(blockDim.x) / 32, copies = kmeans_warp_sum_copies(d);
    float* sums = shared;
    return {sums, reinterpret_cast<unsigned int*>(sums + warps * copies * k * d), copies};
  }
  __device__ void zero(int k, int d) {
    const int warps = static_cast<int>(blockDim.x) / 32;
    for (int e = threadIdx.x; e < warps * copies * k * d; e += blockDim.x) sums[e] = 0.0f;
    for (int e = threadIdx.x; e < warps * k; e += blockDim.x) counts[e] = 0u;
  }
  // [/snippet:kmeans_warp_sums]
  // The block's tiles of blockDim.x points, a grid-stride loop (one point a thread, as in
  // block_partials::add_tiles, but no thread waits here for another warp).
  template <class LabelOf>
  __device__ void add_tiles(const float* x, std::int64_t n, int k, int d, LabelOf label_of) {
    const int lane = static_cast<int>(threadIdx.x % 32), warp = static_cast<int>(threadIdx.x / 32);
    float* my_sums = sums + warp * copies * k * d;
    unsigned int* my_counts = counts + warp * k;
    // Where lane l starts (row l / d, feature l % d) and how far a step of 32 floats moves it:
    // divided once, then stepped (a division by a run-time d is some 20 instructions).
    const int first_r = lane / d, first_j = lane % d, step_r = 32 / d, step_j = 32 % d;
    const std::int64_t tile_step = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
    for (std::int64_t tile = static_cast<std::int64_t>(blockIdx.x) * blockDim.x; tile < n; tile += tile_step) {
      const std::int64_t i = tile + threadIdx.x;
      const int label = i < n ? label_of(i) : -1;  // -1: no point, past the end
      add_warp_rows(x, (tile + 32 * warp) * d, label, my_sums, my_counts, k, d, first_r, first_j, step_r, step_j);
    }
  }
  // [snippet:kmeans_warp_sums_add]
  // The warp's 32 rows start at x[first]; this lane's row has `label` (-1: no row, and no read).
  __device__ void add_warp_rows(const float* x, std::int64_t first, int label, float* my_sums,
                                unsigned int* my_counts, int k, int d, int r, int j, int step_r,
                                int step_j) const {
    const unsigned peers = __match_any_sync(0xffffffffu, label);  // the lanes with this label
    if (label >= 0 && static_cast<int>(threadIdx.x % 32) == __ffs(static_cast<int>(peers)) - 1) {
      my_counts[label] += static_cast<unsigned>(__popc(peers));  // one lane a label: no race
    }
    const int lane = static_cast<int>(threadIdx.x % 32);
    for (int step = 0; step < d; ++step) {  // 32 d floats: the warp's rows, 32 a step
      const int row_label = __shfl_sync(0xffffffffu, label, r);  // r < 32: every lane takes part
      if (row_label >= 0) {
        my_sums[((r & (copies - 1)) * k + row_label) * d + j] += x[first + 32 * step + lane];
      }
      __syncwarp();  // this step's adds are seen by the next step's lanes (maybe on the same sum)
      r += step_r;
      j += step_j;
      if (j >= d) {
        j -= d;
        ++r;
      }
    }
  }
  // [/snippet:kmeans_warp_sums_add]
  // After a __syncthreads(): the block's sums, copies and warps added in a fixed order, to
  // its own slot of the partials.
  __device__ void write_out(int k, int d, float* partial_sums, unsigned int* partial_counts) const {
    const int warps = static_cast<int>(blockDim.x) / 32, kd = k * d;
    const std::int64_t block = blockIdx.x;
    for (int e = threadIdx.x; e < kd; e += blockDim.x) {
      float total = 0.0f;
      for (int c = 0; c < warps * copies; ++c) total += sums[c * kd + e];
      partial_sums[block * kd + e] = total;
    }
    for (int c = threadIdx.x; c < k; c += blockDim.x) {
      unsigned int total = 0u;
      for (int w = 0; w < warps; ++w) total += counts[w * k + c];
      partial_counts[block * k + c] = total;
    }
  }
};

}  // namespace gpulab::ml::kernels
