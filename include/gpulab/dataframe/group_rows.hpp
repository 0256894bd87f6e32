// SPDX-License-Identifier: MIT
// The rows of a table in groups, for groupby(keys).agg(...) and pivot_table on any
// key columns and any aggregation: every row gets one 64-bit key made of its key
// columns' values (mixed radix: (k1 - min1) * range2 * range3 + (k2 - min2) * range3
// + ..., so key order is the key columns' order), the rows are sorted by it (radix
// sort: only the bits the keys use), and each run of equal keys is a group, reduced
// on its own (CUB's segmented reduction on the GPU). The fast versions for one
// aggregation on few groups are the lesson's (groupby.hpp); this is the general path.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

enum class agg_func { mean, sum, count, min, max };
const char* agg_func_name(agg_func f);  // "mean", ...

// The composite key of a row with a missing key value: sorts last, never a group.
inline constexpr std::uint64_t missing_group_key = ~std::uint64_t{0};

// composite[i] += (key[i] - min) * stride, or missing_group_key where key[i] is missing
// (a negative code of a categorical column counts as missing). composite starts at 0.
template <class K>
void add_key_digits_async(column_view<K> key, bool categorical, std::int64_t min, std::uint64_t stride,
                          std::uint64_t* composite, cuda::stream_ref s);
template <class K>
void add_key_digits_cpu(column_view<K> key, bool categorical, std::int64_t min, std::uint64_t stride,
                        std::uint64_t* composite);

// The smallest and largest value of an integer key column, exactly (a double would
// round int64 keys past 2^53); {0, -1} when every value is missing. Waits for s.
struct key_min_max {
  std::int64_t min = 0, max = -1;
};
template <class K>
key_min_max min_max_of(column_view<K> key, cuda::stream_ref s);
template <class K>
key_min_max min_max_of_cpu(column_view<K> key);

// The groups: their composite keys in ascending order, and where each starts in the
// sorted rows (offsets has one more entry: the end of the last group).
struct grouped_rows {
  std::vector<std::uint64_t> keys;
  std::vector<std::int32_t> offsets;
  device_buffer<std::int32_t> sorted_rows_gpu;  // on the GPU backend
  device_buffer<std::int32_t> offsets_gpu;
  std::vector<std::int32_t> sorted_rows_cpu;    // on the CPU backend
};
// The rows sorted by their composite keys (`key_bits` low bits matter), grouped (waits for s).
grouped_rows group_rows(const std::uint64_t* composite, std::int64_t rows, int key_bits, cuda::stream_ref s);
grouped_rows group_rows_cpu(std::vector<std::uint64_t> composite, int key_bits);

// One aggregation of a value column per group (NaN for a group with no value present;
// count is a count of present values), on the host.
template <class T>
std::vector<double> aggregate_groups(column_view<T> values, const grouped_rows& groups, agg_func f, cuda::stream_ref s);
template <class T>
std::vector<double> aggregate_groups_cpu(column_view<T> values, const grouped_rows& groups, agg_func f);

}  // namespace gpulab::dataframe
