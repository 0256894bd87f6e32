// SPDX-License-Identifier: MIT
// Group sums on dense keys (codes 0..groups-1), the versions that need no library:
//
//   group_sums_global_atomics  every row adds its value with atomicAdd on its group's
//                              slot in global memory. With 5 groups, 20M rows queue on
//                              5 addresses: each atomic waits for the one before.
//   group_sums_privatized      each thread owns one copy of every (value, group) slot in
//                              shared memory and adds to it with plain loads and stores
//                              (shared-memory atomics on doubles are compare-and-swap
//                              loops); at the end the block merges its threads' copies
//                              and adds each slot to global memory once.
//
// And the last steps of the sort and hash versions (groupby.cu): turning runs of
// sorted keys, or hash-table slots, into the outputs.
#pragma once

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/groupby.hpp"
#include "kernels/dataframe/four_rows.cuh"

namespace gpulab::dataframe::kernels {

// The value columns, by value (a kernel argument).
struct group_values {
  column_view<double> column[max_group_values];
  int count = 0;
};

__device__ __forceinline__ bool dense_key(column_view<std::int32_t> codes, int groups, std::int64_t i,
                                          std::int32_t c) {
  return c >= 0 && c < groups && validity_bit(codes.validity, i);
}

__device__ __forceinline__ double nan_value() { return __longlong_as_double(0x7ff8000000000000LL); }

// [snippet:group_sums_global_atomics]
static __global__ void group_sums_global_atomics(column_view<std::int32_t> codes, int groups,
                                                 group_values values, double* sums,
                                                 std::uint32_t* counts) {
  for (std::int64_t i = global_thread_id(); i < codes.size; i += grid_thread_count()) {
    const std::int32_t c = codes.data[i];
    if (!dense_key(codes, groups, i, c)) continue;
#pragma unroll  // to the compile-time maximum: keeps values.column[] out of local memory
    for (int v = 0; v < max_group_values; ++v) {
      if (v >= values.count) break;
      const double x = values.column[v].data[i];
      if (!values.column[v].present(i, x)) continue;
      atomicAdd(&sums[v * groups + c], x);  // 20M of these on 5 addresses: they serialize
      atomicAdd(&counts[v * groups + c], 1u);
    }
  }
}
// [/snippet:group_sums_global_atomics]

// Every row once, as the kit's memory-bound kernels walk a table: a thread takes four rows at
// a time (grid-stride), issues all their loads (codes, and each value column 16 bytes at a
// time) before any add, then calls add_row(i, code, values of row i) for each; the last
// size % 4 rows go to block 0. The value loops run to the compile-time maximum so that x[]
// stays in registers (an array indexed by a run-time count lives in local memory); a kernel
// that reads fewer columns says how many (MaxValues), and keeps fewer registers.
// [snippet:group_sums_loop]
template <int MaxValues = max_group_values, class AddRow>
__device__ __forceinline__ void for_each_row(column_view<std::int32_t> codes,
                                             const group_values& values, AddRow&& add_row) {
  const std::int64_t quads = codes.size / 4;
  for (std::int64_t q = global_thread_id(); q < quads; q += grid_thread_count()) {
    const four<std::int32_t> c = load_four(codes.data, q);  // all loads of four rows, then the adds
    four<double> x[MaxValues];
#pragma unroll
    for (int v = 0; v < MaxValues; ++v) {
      if (v < values.count) x[v] = load_four(values.column[v].data, q);
    }
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      double row[MaxValues];
#pragma unroll
      for (int v = 0; v < MaxValues; ++v) row[v] = v < values.count ? x[v].v[k] : 0.0;
      add_row(4 * q + k, c.v[k], row);
    }
  }
  const std::int64_t tail = 4 * quads + threadIdx.x;  // the last size % 4 rows, by block 0
  if (blockIdx.x == 0 && tail < codes.size) {
    double row[MaxValues];
#pragma unroll
    for (int v = 0; v < MaxValues; ++v)
      row[v] = v < values.count ? values.column[v].data[tail] : 0.0;
    add_row(tail, codes.data[tail], row);
  }
}
// [/snippet:group_sums_loop]

// [snippet:group_sums_privatized]
// Shared memory: slots x BlockSize doubles, then slots x BlockSize counts, slot = v * groups + g;
// thread t owns entries [slot * BlockSize + t]: consecutive threads, consecutive words.
// __launch_bounds__: at least 1024 threads per SM, so at most 64 registers a thread
// (60 used, no spills: ptxas -v). Left free, ptxas took 76 and an SM ran 768 threads:
// fewer loads in flight.
// Launched with launch_dependent (core/dependent_launch.cuh) after zero_group_sums: its blocks
// stream the columns while the zeroing still runs, and wait for it only before their atomics.
template <int BlockSize>
__global__ void __launch_bounds__(BlockSize, 1024 / BlockSize)
    group_sums_privatized(column_view<std::int32_t> codes, int groups, group_values values,
                          double* sums, std::uint32_t* counts) {
  let_next_grid_launch();  // group_means may be placed on the SMs now (it waits for us)
  extern __shared__ double shared[];
  const int slots = values.count * groups;
  double* my_sums = shared;
  std::uint32_t* my_counts = reinterpret_cast<std::uint32_t*>(shared + slots * BlockSize);
  for (int s = 0; s < slots; ++s) {
    my_sums[s * BlockSize + threadIdx.x] = 0;
    my_counts[s * BlockSize + threadIdx.x] = 0;
  }
  // [/snippet:group_sums_privatized]
  // [snippet:group_sums_add_row]
  // Adds row i (code c) to this thread's own slots: no other thread touches them.
  auto add_row = [&](std::int64_t i, std::int32_t c, const double* x) {
    if (!dense_key(codes, groups, i, c)) return;
#pragma unroll
    for (int v = 0; v < max_group_values; ++v) {
      if (v >= values.count || !values.column[v].present(i, x[v])) continue;
      my_sums[(v * groups + c) * BlockSize + threadIdx.x] += x[v];
      ++my_counts[(v * groups + c) * BlockSize + threadIdx.x];
    }
  };
  // [/snippet:group_sums_add_row]
  for_each_row(codes, values, add_row);
  // [snippet:group_sums_merge]
  __syncthreads();
  // The columns were written before zero_group_sums started (it was launched the ordinary
  // way), so they could be read without waiting; the sums and counts are its own writes.
  wait_for_prior_grid();
  // Merge: warp w adds up slots w, w + warps, ...; its lanes each take every 32nd copy.
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int s = warp; s < slots; s += BlockSize / 32) {
    double sum = 0;
    std::uint32_t count = 0;
    for (int t = lane; t < BlockSize; t += 32) {
      sum += my_sums[s * BlockSize + t];
      count += my_counts[s * BlockSize + t];
    }
    for (int offset = 16; offset > 0; offset /= 2) {
      sum += __shfl_down_sync(0xffffffff, sum, offset);
      count += __shfl_down_sync(0xffffffff, count, offset);
    }
    if (lane == 0 && count > 0) {  // one atomic per slot per block
      atomicAdd(&sums[s], sum);
      atomicAdd(&counts[s], count);
    }
  }
}
// [/snippet:group_sums_merge]

// sums = 0, counts = 0 before the privatized version's atomics: a kernel rather than two
// memsets, so that the groupby after it may start early (programmatic dependent launch).
static __global__ void zero_group_sums(double* sums, std::uint32_t* counts, int slots) {
  let_next_grid_launch();
  for (std::int64_t s = global_thread_id(); s < slots; s += grid_thread_count()) {
    sums[s] = 0;
    counts[s] = 0;
  }
}

// means = sums / counts (NaN for an empty group), for the atomic versions. Launched after
// the privatized kernel with launch_dependent: it waits for the sums (a no-op otherwise).
static __global__ void group_means(const double* sums, const std::uint32_t* counts, double* means, int slots) {
  wait_for_prior_grid();
  const int s = static_cast<int>(global_thread_id());
  if (s < slots) means[s] = counts[s] > 0 ? sums[s] / counts[s] : nan_value();
}

// The sort versions' runs: one (sum, count) per run of equal keys and value column.
struct sum_count {
  double sum;
  std::uint32_t count;
};
struct add_sum_count {
  __host__ __device__ sum_count operator()(const sum_count& a, const sum_count& b) const {
    return {a.sum + b.sum, a.count + b.count};
  }
};
// The value at sorted position p as a (sum, count) term: (x, 1), or (0, 0) when missing.
struct sorted_term {
  column_view<double> values;
  const std::int32_t* rows;  // the rows in key order
  __host__ __device__ sum_count operator()(std::int64_t p) const {
    const std::int32_t row = rows[p];
    const double x = values.data[row];
    return values.present(row, x) ? sum_count{x, 1u} : sum_count{0.0, 0u};
  }
};

// Dense sort keys: the code, or all ones (sorts last, never a group) for a missing key.
static __global__ void dense_sort_keys(column_view<std::int32_t> codes, int groups, std::uint32_t* keys) {
  for (std::int64_t i = global_thread_id(); i < codes.size; i += grid_thread_count()) {
    const std::int32_t c = codes.data[i];
    keys[i] = c >= 0 && c < groups && validity_bit(codes.validity, i) ? static_cast<std::uint32_t>(c) : ~0u;
  }
}

// Dense outputs from runs: group g finds its run by binary search over the sorted
// unique keys (an absent group gets 0, 0, NaN). runs[v * run_stride + r].
static __global__ void dense_from_runs(const std::uint32_t* unique_keys, const sum_count* runs,
                                       std::int64_t run_stride, const std::int32_t* run_count, int groups, int values,
                                       group_sums_output out) {
  const int g = static_cast<int>(global_thread_id());
  if (g >= groups) return;
  int lo = 0, hi = *run_count;  // the first run whose key is >= g
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (unique_keys[mid] < static_cast<std::uint32_t>(g)) lo = mid + 1; else hi = mid;
  }
  const bool found = lo < *run_count && unique_keys[lo] == static_cast<std::uint32_t>(g);
  for (int v = 0; v < values; ++v) {
    const sum_count r = found ? runs[v * run_stride + lo] : sum_count{0.0, 0u};
    out.sums[v * groups + g] = r.sum;
    out.counts[v * groups + g] = r.count;
    out.means[v * groups + g] = r.count > 0 ? r.sum / r.count : nan_value();
  }
}

// Sparse outputs from runs: run r is group r (keys are already in order).
static __global__ void sparse_from_runs(const std::int64_t* unique_keys, const sum_count* runs,
                                        std::int64_t run_stride, const std::int32_t* run_count,
                                        std::int64_t max_groups, int values, sparse_groups_output out) {
  const std::int64_t r = global_thread_id();
  const std::int64_t n = *run_count;
  if (r == 0) *out.group_count = static_cast<std::uint32_t>(n);
  if (r >= n || r >= max_groups) return;
  out.keys[r] = unique_keys[r];
  for (int v = 0; v < values; ++v) {
    const sum_count s = runs[v * run_stride + r];
    out.sums.sums[v * max_groups + r] = s.sum;
    out.sums.counts[v * max_groups + r] = s.count;
    out.sums.means[v * max_groups + r] = s.count > 0 ? s.sum / s.count : nan_value();
  }
}

}  // namespace gpulab::dataframe::kernels
