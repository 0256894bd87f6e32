// SPDX-License-Identifier: MIT
// Group sums, the lesson of the groupby step: the sum and the count of each
// group's values (a mean is one divided by the other), version by version.
//
//   global_atomics  one atomicAdd per row on its group's slot: the course's pitfall,
//                   20M rows on 5 keys queue up on 5 addresses
//   privatized      each thread keeps its own sums in shared memory (no atomics at all
//                   in the loop), the block merges them, one atomic per group per block;
//                   for few groups (values x groups <= 32)
//   registers       the same, each thread's sums in registers instead of shared memory;
//                   a row visits every group (registers cannot be indexed at run time),
//                   so for very few (groups <= 8), one launch per value column
//   sort_reduce     sort the rows by key (CUB radix sort, only the bits the keys use),
//                   then reduce each run of equal keys (CUB ReduceByKey)
//   hash            an open-addressing hash table whose trivially copyable ref is passed
//                   to the kernel: for many groups, where atomics rarely collide
//   thrust          the library one-liners: thrust::sort_by_key, thrust::reduce_by_key
//   partitioned     the rows put in order of their key's hash's top bits (a histogram, a
//                   scan, a scatter), then each partition summed in a shared-memory hash
//                   table: for many groups, without one global atomic per row (sparse keys)
//
// Dense keys are codes 0..groups-1 (a categorical column's; -1 or a masked row is a
// missing key, its row is left out); every version takes them. Sparse keys are any
// int64 (hash, sort_reduce, thrust, partitioned): the groups come out in the version's
// order (sort_reduce and thrust: by key; hash: by slot; partitioned: as blocks finish).
// Sums are in double, counts in uint32 (a table has fewer than 2^31 rows). Several
// float64 value columns (up to 4) are summed at once, as the pivot table needs; a
// missing value is left out of its column's sum and count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <span>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

enum class groupby_version { global_atomics, privatized, registers, sort_reduce, hash, thrust, partitioned };
const char* groupby_version_name(groupby_version v);  // "global_atomics", ...
std::vector<groupby_version> dense_groupby_versions();   // global_atomics, privatized, registers, sort_reduce, hash, thrust
std::vector<groupby_version> sparse_groupby_versions();  // hash, sort_reduce, thrust, partitioned

inline constexpr int max_group_values = 4;
inline constexpr int max_privatized_slots = 32;  // values x groups: one shared-memory copy per thread
inline constexpr int max_register_groups = 8;    // every group visited by every row

// The partitioned version's plan, fixed when its workspace is made. Each partition is
// summed in a shared-memory table of `table_slots` slots (8 bytes of key + 12 per value
// column each): the largest power of two within 96 KiB (two blocks an SM), so 4096 for
// 1 value column, 2048 for 2-3, 1024 for 4. `partitions` = 2^bits, the least power of
// two with, on average, at most table_slots / 2 keys (max_groups / partitions: a load
// <= 1/2 keeps probes short, and leaves room for the partitions that get more than their
// share) and at most 65536 rows a partition (enough blocks for the GPU with few groups);
// at most 8192 (the counters of passes 1 and 3 live in shared memory). 20M rows, 1M
// groups, 1 value: 4096 slots, 512 partitions of ~1950 keys. Past 8192 partitions x half
// their slots (4M groups with 1 value column, 1M with 4) the tables fill past 1/2, and
// partitions that overflow fall back to the global table: right, but slow.
struct partition_plan {
  int table_slots = 0;
  int partitions = 0;
  int bits = 0;  // partitions = 2^bits
};
inline constexpr int max_partitions = 8192;
partition_plan plan_partitions(std::int64_t rows, std::int64_t max_groups, int values);
// The partition the partitioned version puts a key in: the top plan.bits bits of its
// murmur3 hash (the kernels' function, here for tests that plant skewed keys).
int partition_of_key(std::int64_t key, const partition_plan& plan);

// Where a version writes, each [v * groups + g] (dense) or [v * max_groups + i] (sparse).
struct group_sums_output {
  double* sums = nullptr;
  std::uint32_t* counts = nullptr;
  double* means = nullptr;  // sum / count; NaN for a group with no value
};
// Sparse keys also say which key each group is, and how many groups there were.
struct sparse_groups_output {
  group_sums_output sums;
  std::int64_t* keys = nullptr;           // max_groups of them, in the version's order
  std::uint32_t* group_count = nullptr;   // one: the number of groups found (more than max_groups: too small)
};

// What one version needs on the GPU besides its inputs and outputs: made once (in
// setup, untimed), used every run. Sized for `rows` rows, up to `max_groups` groups
// (dense: the number of codes) and `values` value columns.
class groupby_workspace {
 public:
  groupby_workspace(groupby_version v, bool sparse, std::int64_t rows, std::int64_t max_groups, int values,
                    cuda::stream_ref s);
  // The device bytes a workspace of these sizes takes at most (for a case's memory check).
  static std::size_t bytes_needed(groupby_version v, bool sparse, std::int64_t rows, std::int64_t max_groups,
                                  int values);

  [[nodiscard]] groupby_version version() const noexcept { return version_; }
  [[nodiscard]] bool sparse() const noexcept { return sparse_; }
  [[nodiscard]] std::int64_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::int64_t max_groups() const noexcept { return max_groups_; }
  [[nodiscard]] int values() const noexcept { return values_; }
  [[nodiscard]] std::int64_t hash_capacity() const noexcept { return hash_capacity_; }
  [[nodiscard]] const partition_plan& partitions() const noexcept { return plan_; }
  // The hash table's complaints (a full table, a key equal to its empty mark); waits for s.
  [[nodiscard]] std::uint32_t read_errors(cuda::stream_ref s) const;
  // partitioned: how many partitions of the last run had more keys than their shared-memory
  // table and were summed in the global fallback table instead; waits for s.
  [[nodiscard]] std::uint32_t read_partition_fallbacks(cuda::stream_ref s) const;

  // The buffers (each version uses its own few).
  device_buffer<std::byte> keys_in, keys_sorted;   // sort: the keys to sort, then sorted (8 bytes a row)
  device_buffer<std::int32_t> rows_iota, rows_sorted;  // sort: 0, 1, 2, ... and the rows in key order
  device_buffer<std::byte> unique_keys;                // sort: one key per run of equal keys
  device_buffer<std::byte> runs;                       // sort: each run's (sum, count), per value column
  device_buffer<std::int32_t> run_count;               // sort: how many runs
  device_buffer<std::byte> cub_scratch;
  device_buffer<std::byte> table_keys;                 // hash (partitioned: its fallback): the slots' keys
  device_buffer<double> table_sums;                    // hash: [v * capacity + slot]
  device_buffer<std::uint32_t> table_counts;
  device_buffer<std::uint32_t> errors;
  device_buffer<std::byte> partition_records;          // partitioned: each row's key and values, in partition order
  device_buffer<std::uint32_t> partition_block_rows;   // partitioned: partitions x blocks + 1 counts
  device_buffer<std::uint32_t> partition_offsets;      // partitioned: their exclusive sum
  device_buffer<std::uint32_t> partition_fallbacks;    // partitioned: partitions summed in the fallback table

 private:
  groupby_version version_;
  bool sparse_;
  std::int64_t rows_, max_groups_;
  int values_;
  std::int64_t hash_capacity_ = 0;
  partition_plan plan_;
};

// Dense keys: out[v * groups + g] for every code g < groups, queued on s (the thrust
// version waits for s: Thrust returns the number of runs to the host). privatized
// refuses values x groups > 32 (usage_error).
void group_sums_dense_async(groupby_version v, column_view<std::int32_t> codes, int groups,
                            std::span<const column_view<double>> values, const group_sums_output& out,
                            groupby_workspace& work, cuda::stream_ref s);
// Sparse keys: int64 keys without a validity mask and never INT64_MIN (the hash tables'
// empty mark: counted in read_errors); out has room for work.max_groups() groups.
// partitioned also refuses dense keys (usage_error).
void group_sums_sparse_async(groupby_version v, column_view<std::int64_t> keys,
                             std::span<const column_view<double>> values, const sparse_groups_output& out,
                             groupby_workspace& work, cuda::stream_ref s);

// The CPU baselines (OpenMP): dense with one partial array per thread, merged in thread order.
void group_sums_dense_cpu(column_view<std::int32_t> codes, int groups, std::span<const column_view<double>> values,
                          double* sums, std::uint32_t* counts, double* means);
// Sparse with one open-addressing table per thread, merged; the groups in no particular order.
struct sparse_groups {
  std::vector<std::int64_t> keys;
  std::vector<double> sums;           // [v * keys.size() + i]
  std::vector<std::uint32_t> counts;  // likewise
  std::vector<double> means;
};
sparse_groups group_sums_sparse_cpu(column_view<std::int64_t> keys, std::span<const column_view<double>> values);

}  // namespace gpulab::dataframe
