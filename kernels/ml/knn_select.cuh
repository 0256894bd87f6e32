// SPDX-License-Identifier: MIT
// The running top-c of one query, kept by one warp: "threshold and collect".
//
// The warp keeps the best c keys seen so far as a sorted list in global memory
// (two copies, ping-pong) and the current threshold (the c-th best key, or
// "empty" while fewer than c are known). A new distance is only a candidate if
// its key is below the threshold: after the first few tiles almost none is, so
// the common case costs one comparison. Candidates go to a buffer in shared
// memory; when it fills, the warp sorts it (bitonic) and merges it with the list
// (every key's rank in the union is its position plus the number of keys of the
// other sorted array below it), which gives the new list and threshold.
// Keys are (distance bits, id), all distinct, so ranks never collide and the
// tie rule holds by construction. Works for any c; k up to 1024 (and the 2048
// candidates of tf32_rerank) is what the module uses.
#pragma once

#include <cstdint>

#include "gpulab/ml/knn_key.hpp"

namespace gpulab::ml::kernels {

constexpr unsigned full_warp = 0xffffffffu;

// How many of sorted[0..size) are smaller than key (binary search).
__device__ inline int count_smaller(const std::uint64_t* sorted, int size, std::uint64_t key) {
  int low = 0, high = size;
  while (low < high) {
    const int mid = (low + high) / 2;
    if (sorted[mid] < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

// [snippet:warp_bitonic_sort]
// Ascending sort of keys[0..size) (size a power of two) by the 32 lanes of a warp:
// log2(size) (log2(size) + 1) / 2 rounds of independent compare-exchanges.
__device__ inline void warp_bitonic_sort(std::uint64_t* keys, int size) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  for (int block = 2; block <= size; block *= 2) {
    for (int stride = block / 2; stride > 0; stride /= 2) {
      for (int i = lane; i < size / 2; i += 32) {
        const int low = 2 * stride * (i / stride) + i % stride, high = low + stride;
        const bool ascending = (low & block) == 0;  // the direction of this bitonic half
        const std::uint64_t a = keys[low], b = keys[high];
        if ((a > b) == ascending) {
          keys[low] = b;
          keys[high] = a;
        }
      }
      __syncwarp();
    }
  }
}
// [/snippet:warp_bitonic_sort]

// One query's running top-c (the warp-uniform part lives in registers).
struct running_top {
  std::uint64_t* lists = nullptr;  // global: list 0 then list 1, c keys each
  int capacity = 0;                 // c
  int size = 0;                     // keys in the current list (< c until c rows were seen)
  int current = 0;                  // which list is current
  std::uint64_t threshold = knn_empty_key;  // a key must be below this to matter
  [[nodiscard]] __device__ const std::uint64_t* list() const { return lists + current * capacity; }
};

// [snippet:merge_candidates]
// Merge the `count` candidates of `buffer` (shared, room for the next power of
// two) into the query's list; all 32 lanes call it. The buffer is free afterwards.
__device__ inline void merge_candidates(std::uint64_t* buffer, int count, running_top& top) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  int padded = 1;
  while (padded < count) padded *= 2;
  for (int i = count + lane; i < padded; i += 32) buffer[i] = knn_empty_key;
  __syncwarp();
  warp_bitonic_sort(buffer, padded);
  const std::uint64_t* old_list = top.list();
  std::uint64_t* new_list = top.lists + (1 - top.current) * top.capacity;
  // Rank in the union = own position + keys of the other array below it; keep ranks < c.
  for (int i = lane; i < count; i += 32) {
    const int rank = i + count_smaller(old_list, top.size, buffer[i]);
    if (rank < top.capacity) new_list[rank] = buffer[i];
  }
  for (int j = lane; j < top.size; j += 32) {
    const int rank = j + count_smaller(buffer, count, old_list[j]);
    if (rank < top.capacity) new_list[rank] = old_list[j];
  }
  __syncwarp();  // the new list is complete and visible to every lane (and the buffer may be refilled)
  top.size = min(top.capacity, top.size + count);
  top.current = 1 - top.current;
  top.threshold = top.size == top.capacity ? new_list[top.capacity - 1] : knn_empty_key;
}
// [/snippet:merge_candidates]

// [snippet:collect_candidates]
// Each lane offers `Per` keys; those below the threshold are appended to the
// buffer, in lane order (a ballot and a population count give each its slot).
template <int Per>
__device__ inline void collect_candidates(const std::uint64_t (&keys)[Per], const running_top& top,
                                          std::uint64_t* buffer, int& count) {
  const unsigned lanes_before = (1u << (threadIdx.x % 32)) - 1u;
#pragma unroll
  for (int p = 0; p < Per; ++p) {
    const bool keep = keys[p] < top.threshold;
    const unsigned kept = __ballot_sync(full_warp, keep);
    if (keep) buffer[count + __popc(kept & lanes_before)] = keys[p];
    count += __popc(kept);
  }
  __syncwarp();
}
// [/snippet:collect_candidates]

}  // namespace gpulab::ml::kernels
