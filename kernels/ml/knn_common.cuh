// SPDX-License-Identifier: MIT
// Small kernels every kNN version shares: squared row norms, the first k keys of
// each sorted row (or of a few sorted lists) turned into ids and distances, the
// count of NaN/Inf values.
#pragma once

#include <cstdint>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/launch.cuh"
#include "gpulab/ml/knn_key.hpp"

namespace gpulab::ml::kernels {

// Rows a warp takes at a time in knn_row_norms: their loads are in flight together,
// so a warp waits for memory once per 4 rows (measured 0.6% off knn_fused on an H100).
constexpr int knn_row_norms_rows_per_warp = 4;

// norms[i] = |row i|^2 in float, a warp per 4 rows (lanes read neighbouring features).
// Lane l sums features l, l+32, ...; the shuffle tree then adds the lanes in a
// fixed order: the order depends on the feature index only, never on the row's
// position, so identical rows get bitwise equal norms (gpulab/ml/knn_distance.hpp).
static __global__ void knn_row_norms(const float* __restrict__ m, std::int64_t rows, std::int64_t d,
                              float* __restrict__ norms) {
  constexpr int batch = knn_row_norms_rows_per_warp;
  const std::int64_t warp = global_thread_id() / 32;
  const int lane = static_cast<int>(threadIdx.x % 32);
  for (std::int64_t first = batch * warp; first < rows; first += batch * (grid_thread_count() / 32)) {
    float sum[batch] = {};
    for (std::int64_t j = lane; j < d; j += 32) {
      float x[batch];  // all loads first, then the products
#pragma unroll
      for (int r = 0; r < batch; ++r) x[r] = first + r < rows ? m[(first + r) * d + j] : 0.0f;
#pragma unroll
      for (int r = 0; r < batch; ++r) sum[r] = fmaf(x[r], x[r], sum[r]);
    }
#pragma unroll
    for (int r = 0; r < batch; ++r) {
      const float norm = warp_sum(sum[r]);  // lane 0's: the fixed tree (offsets 16, 8, 4, 2, 1)
      if (lane == 0 && first + r < rows) norms[first + r] = norm;
    }
  }
}

// *largest = the largest norm's bits (norms are >= 0: their bits order as they do; *largest
// starts at 0). The TF32 filter's bound and the small-k kernel's cheap test use it.
static __global__ void knn_largest_norm(const float* __restrict__ norms, std::int64_t n, unsigned* largest) {
  unsigned most = 0;
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) most = max(most, __float_as_uint(norms[i]));
  most = warp_max(most);
  if (threadIdx.x % 32 == 0) atomicMax(largest, most);
}

// Row q of `sorted` holds `stride` keys in ascending order; its first k become
// ids[q * k + j] and distances[q * k + j]. An empty key there would mean fewer
// than k rows were searched: it is written as id -1 (the checks then fail loudly).
static __global__ void knn_take_first(const std::uint64_t* __restrict__ sorted, std::int64_t rows, std::int64_t stride, int k,
                               std::int32_t* __restrict__ ids, float* __restrict__ distances) {
  for (std::int64_t i = global_thread_id(); i < rows * k; i += grid_thread_count()) {
    const std::int64_t q = i / k, j = i % k;
    const std::uint64_t key = sorted[q * stride + j];
    ids[i] = key == knn_empty_key ? -1 : static_cast<std::int32_t>(knn_key_id(key));
    distances[i] = knn_key_distance(key);
  }
}

// The first k keys of a query's `lists` sorted lists of c keys (query q's at [q][lists][c],
// empty keys after a list's end) into ids[q * k + j] and distances, as knn_take_first
// writes them from one sorted row. The fused search's splits each hand over such a list,
// so their union needs no sort, only a merge: one warp a query, lane s holds the head of
// list s (at most 32 lists); each of k rounds takes the warp's smallest head (keys are
// distinct: the id is in the key) and that lane moves on to its list's next key.
constexpr int knn_merge_max_lists = 32;
// [snippet:knn_merge_lists]
static __global__ void knn_merge_lists(const std::uint64_t* __restrict__ keys, std::int64_t rows,
                                       int lists, int c, int k, std::int32_t* __restrict__ ids,
                                       float* __restrict__ distances) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  for (std::int64_t q = global_thread_id() / 32; q < rows; q += grid_thread_count() / 32) {
    const std::uint64_t* list = keys + (q * lists + (lane < lists ? lane : 0)) * c;  // lane s's
    int next = 0;  // the head's place in the list
    std::uint64_t head = lane < lists ? list[0] : knn_empty_key;
    for (int j = 0; j < k; ++j) {
      const std::uint64_t smallest = warp_min(head);  // the warp's smallest head, in every lane
      if (lane == 0) {
        const std::uint32_t id = knn_key_id(smallest);
        ids[q * k + j] = smallest == knn_empty_key ? -1 : static_cast<std::int32_t>(id);
        distances[q * k + j] = knn_key_distance(smallest);
      }
      if (head == smallest && head != knn_empty_key) head = ++next < c ? list[next] : knn_empty_key;
    }
  }
}
// [/snippet:knn_merge_lists]

// *count += the values among m[0..size) that are NaN, Inf or larger in magnitude than `limit`
// (knn_largest_value, knn_cpu.hpp). NaN fails every comparison: !(|v| <= limit) counts it.
static __global__ void knn_count_out_of_range(const float* __restrict__ m, std::int64_t size, float limit,
                                              unsigned long long* __restrict__ count) {
  unsigned long long bad = 0;
  for (std::int64_t i = global_thread_id(); i < size; i += grid_thread_count()) bad += fabsf(m[i]) <= limit ? 0 : 1;
  for (int offset = 16; offset > 0; offset /= 2) bad += __shfl_down_sync(0xffffffffu, bad, offset);
  if (threadIdx.x % 32 == 0 && bad > 0) atomicAdd(count, bad);
}

}  // namespace gpulab::ml::kernels
