// SPDX-License-Identifier: MIT
// Group sums through an open-addressing hash table (linear probing), the way
// cuDF groups by many keys. The table lives in device memory as plain arrays;
// kernels get a hash_table_ref: pointers and the capacity, trivially copyable,
// passed by value (cuCollections' "ref" idea, cut down to what the lesson needs).
//
//   insert  each row finds its key's slot (claiming a free one with compareAndSwap)
//           and adds its value with atomicAdd. With many groups the rows spread over
//           many slots and the atomics rarely wait; with 5 groups they queue as in
//           group_sums_global_atomics.
//   read    dense keys: each group looks its slot up; sparse keys: the occupied slots
//           are packed into the outputs (a block-wide scan gives each its place).
#pragma once

#include <cub/block/block_scan.cuh>

#include <cstdint>
#include <limits>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/groupby.hpp"
#include "kernels/dataframe/groupby.cuh"

namespace gpulab::dataframe::kernels {

// atomicCAS for the two key types. The built-in (not cuda::atomic_ref, whose inline
// assembly takes a generic address) lets the compiler see that a table in shared memory
// is in shared memory: atom.shared.cas, not the generic atom.cas.
__device__ inline std::int32_t compare_and_swap(std::int32_t* at, std::int32_t expected, std::int32_t desired) {
  return atomicCAS(at, expected, desired);
}
__device__ inline std::int64_t compare_and_swap(std::int64_t* at, std::int64_t expected, std::int64_t desired) {
  return static_cast<std::int64_t>(atomicCAS(reinterpret_cast<unsigned long long*>(at),
                                             static_cast<unsigned long long>(expected),
                                             static_cast<unsigned long long>(desired)));
}

// [snippet:hash_table_ref]
template <class K>
struct hash_table_ref {
  K* keys;                 // `capacity` slots; empty_key where free
  double* sums;            // [v * capacity + slot]
  std::uint32_t* counts;   // likewise
  std::int64_t capacity;   // a power of two, at least twice the number of groups
  static constexpr K empty_key = std::numeric_limits<K>::min();

  // murmur3's 64-bit finalizer: neighbouring keys land far apart. (Host too: the
  // partitioned version's host side says which partition a key goes to with it.)
  __host__ __device__ static std::uint64_t hash(K key) {
    std::uint64_t h = static_cast<std::uint64_t>(key);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
  }

  // The slot of `key`, inserting it if it is new; -1 when the table is full.
  __device__ std::int64_t find_or_insert(K key) const {
    std::int64_t slot = static_cast<std::int64_t>(hash(key) & static_cast<std::uint64_t>(capacity - 1));
    for (std::int64_t probe = 0; probe < capacity; ++probe) {
      // A plain read first: most rows find their key. Volatile: read now, not reused from
      // an earlier read (a slot may be claimed meanwhile; a key, once there, stays).
      K current = *static_cast<volatile K*>(&keys[slot]);
      if (current == empty_key) {
        current = compare_and_swap(&keys[slot], empty_key, key);  // current: what was there
        if (current == empty_key) return slot;                   // we claimed it
      }
      if (current == key) return slot;  // ours, or claimed by another row with the same key just now
      slot = (slot + 1) & (capacity - 1);  // another key: try the next slot
    }
    return -1;
  }

  // The slot of `key`, or -1 when it is not there.
  __device__ std::int64_t find(K key) const {
    std::int64_t slot = static_cast<std::int64_t>(hash(key) & static_cast<std::uint64_t>(capacity - 1));
    for (std::int64_t probe = 0; probe < capacity; ++probe) {
      const K current = keys[slot];
      if (current == key) return slot;
      if (current == empty_key) return -1;
      slot = (slot + 1) & (capacity - 1);
    }
    return -1;
  }
};
// [/snippet:hash_table_ref]

// Every slot free, every sum and count 0, the error and group counters 0.
template <class K>
__global__ void hash_table_clear(hash_table_ref<K> table, int values, std::uint32_t* errors,
                                 std::uint32_t* group_count) {
  for (std::int64_t s = global_thread_id(); s < table.capacity; s += grid_thread_count()) {
    table.keys[s] = hash_table_ref<K>::empty_key;
    for (int v = 0; v < values; ++v) {
      table.sums[v * table.capacity + s] = 0;
      table.counts[v * table.capacity + s] = 0;
    }
  }
  if (global_thread_id() == 0) {
    *errors = 0;
    if (group_count != nullptr) *group_count = 0;
  }
}

// [snippet:hash_insert]
// Dense: a key is valid in 0..groups-1; sparse: any key but the empty mark (an error).
template <class K, bool Dense>
__global__ void hash_insert(column_view<K> keys, int groups, group_values values,
                            hash_table_ref<K> table, std::uint32_t* errors) {
  for (std::int64_t i = global_thread_id(); i < keys.size; i += grid_thread_count()) {
    const K key = keys.data[i];
    if (!validity_bit(keys.validity, i)) continue;
    if constexpr (Dense) {
      if (key < 0 || key >= groups) continue;  // a missing code
    } else if (key == hash_table_ref<K>::empty_key) {
      atomicAdd(errors, 1u);  // the one key the table cannot hold
      continue;
    }
    // [/snippet:hash_insert]
    // [snippet:hash_insert_sums]
    const std::int64_t slot = table.find_or_insert(key);
    if (slot < 0) {
      atomicAdd(errors, 1u);  // full: more groups than the table was made for
      continue;
    }
#pragma unroll  // to the compile-time maximum: values.column[v] with a run-time v would copy
    for (int v = 0; v < max_group_values; ++v) {  // the kernel's arguments to local memory
      if (v >= values.count) break;
      const double x = values.column[v].data[i];
      if (!values.column[v].present(i, x)) continue;
      // The result is unused: the compiler issues a fire-and-forget reduction.
      atomicAdd(&table.sums[v * table.capacity + slot], x);
      atomicAdd(&table.counts[v * table.capacity + slot], 1u);
    }
  }
}
// [/snippet:hash_insert_sums]

// Dense outputs: group g looks itself up (absent: 0, 0, NaN).
static __global__ void dense_from_table(hash_table_ref<std::int32_t> table, int groups, int values,
                                        group_sums_output out) {
  const int g = static_cast<int>(global_thread_id());
  if (g >= groups) return;
  const std::int64_t slot = table.find(g);
  for (int v = 0; v < values; ++v) {
    const double sum = slot >= 0 ? table.sums[v * table.capacity + slot] : 0.0;
    const std::uint32_t count = slot >= 0 ? table.counts[v * table.capacity + slot] : 0u;
    out.sums[v * groups + g] = sum;
    out.counts[v * groups + g] = count;
    out.means[v * groups + g] = count > 0 ? sum / count : nan_value();
  }
}

// Sparse outputs: the occupied slots packed together. Each block counts its occupied
// slots with a block-wide scan, takes a range of outputs with one atomicAdd, and each
// thread writes its slot at its place in the range.
template <int BlockSize>
__global__ void sparse_from_table(hash_table_ref<std::int64_t> table, std::int64_t max_groups, int values,
                                  sparse_groups_output out) {
  using block_scan = cub::BlockScan<std::uint32_t, BlockSize>;
  __shared__ typename block_scan::TempStorage scan_storage;
  __shared__ std::uint32_t block_start;
  const std::int64_t slot = static_cast<std::int64_t>(blockIdx.x) * BlockSize + threadIdx.x;
  const bool occupied = slot < table.capacity && table.keys[slot] != hash_table_ref<std::int64_t>::empty_key;
  std::uint32_t offset = 0, block_total = 0;
  block_scan(scan_storage).ExclusiveSum(occupied ? 1u : 0u, offset, block_total);
  if (threadIdx.x == 0) block_start = atomicAdd(out.group_count, block_total);
  __syncthreads();
  const std::int64_t i = static_cast<std::int64_t>(block_start) + offset;
  if (!occupied || i >= max_groups) return;  // past max_groups: group_count tells the caller
  out.keys[i] = table.keys[slot];
  for (int v = 0; v < values; ++v) {
    const double sum = table.sums[v * table.capacity + slot];
    const std::uint32_t count = table.counts[v * table.capacity + slot];
    out.sums.sums[v * max_groups + i] = sum;
    out.sums.counts[v * max_groups + i] = count;
    out.sums.means[v * max_groups + i] = count > 0 ? sum / count : nan_value();
  }
}

}  // namespace gpulab::dataframe::kernels
