// SPDX-License-Identifier: MIT
// Group sums for many keys by partitioning (kernels/dataframe/partitioned_groupby.cuh):
// the plan, the workspace's buffers and the five passes, queued on one stream.
//
// What it should cost, 20M rows, 1M keys, one value column (H200, ~4 TB/s):
//   pass 1 reads the keys                          160 MB   0.04 ms
//   pass 3 reads keys and values, writes records   640 MB   0.16 ms (whole sectors: staged)
//   pass 4 reads them again, writes 1M groups      348 MB   0.09 ms
//   the scan (512 x 264 counts, in L2)                      ~0.005 ms
// ~1.15 GB moved: ~0.29 ms if every pass ran at the copy rate. The first version (2048
// partitions, records written as they came, 1024-slot tables summed with float atomics)
// took 1.52 ms, this one 1.15: see docs/perf-notes.md, "The partitioned groupby, staged".
#include <cub/device/device_scan.cuh>

#include <algorithm>
#include <bit>
#include <string>

#include "groupby_partitioned.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "kernels/dataframe/partitioned_groupby.cuh"

namespace gpulab::dataframe {

namespace {

// Passes 1 and 3: two 512-thread blocks per SM (one, when 8192 partitions' counters fill
// shared memory), so that one block's loads overlap the other's sorting and writing
// (pass 3 works a tile at a time, between barriers).
constexpr int pass_block_size = 512;
constexpr int pass_blocks_per_sm = 2;
constexpr int scatter_rows_per_thread = 2;  // a tile of 1024 rows
constexpr int scatter_tile_rows = pass_block_size * scatter_rows_per_thread;
constexpr int aggregate_block_size = 512;   // pass 4: one block per partition, two per SM
constexpr int aggregate_rows_per_thread = 2;
constexpr int fallback_block_size = 256;
constexpr int min_rows_per_pass_block = 4096;
constexpr std::int64_t max_rows_per_partition = 65536;   // on average: enough blocks in pass 4
constexpr std::size_t table_bytes_budget = 96 * 1024;    // a partition's shared-memory table: two per SM

constexpr auto histogram_kernel = kernels::partition_histogram<pass_block_size>;
constexpr auto scatter_kernel = kernels::partition_scatter<pass_block_size, scatter_rows_per_thread>;
constexpr auto aggregate_kernel = kernels::partition_aggregate<aggregate_block_size, aggregate_rows_per_thread>;

std::size_t table_bytes(int slots, int values) {
  return static_cast<std::size_t>(slots) * (sizeof(std::int64_t) + values * (sizeof(double) + sizeof(std::uint32_t)));
}

// The scan runs over partitions x blocks counts and one more (0): the total at the end.
std::int64_t matrix_items(const partition_plan& plan, int blocks) {
  return static_cast<std::int64_t>(plan.partitions) * blocks + 1;
}

std::size_t scan_bytes(std::int64_t items) {
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceScan::ExclusiveSum(nullptr, bytes, static_cast<const std::uint32_t*>(nullptr),
                                                static_cast<std::uint32_t*>(nullptr), static_cast<int>(items)));
  return bytes;
}

kernels::sparse_table fallback_table_of(groupby_workspace& work) {
  return {reinterpret_cast<std::int64_t*>(work.table_keys.data()), work.table_sums.data(), work.table_counts.data(),
          work.hash_capacity()};
}

}  // namespace

partition_plan plan_partitions(std::int64_t rows, std::int64_t max_groups, int values) {
  if (values < 1 || values > max_group_values) {
    throw usage_error("group sums partitioned: 1.." + std::to_string(max_group_values) + " value columns (got " +
                      std::to_string(values) + ")");
  }
  if (rows < 0 || max_groups < 1) throw usage_error("group sums partitioned: rows >= 0 and at least 1 group");
  partition_plan plan;
  plan.table_slots = static_cast<int>(std::bit_floor(table_bytes_budget / table_bytes(1, values)));
  const std::int64_t keys_per_partition = plan.table_slots / 2;
  const std::int64_t for_keys = (max_groups + keys_per_partition - 1) / keys_per_partition;
  const std::int64_t for_rows = (rows + max_rows_per_partition - 1) / max_rows_per_partition;
  const auto wanted = static_cast<std::uint64_t>(std::max<std::int64_t>({1, for_keys, for_rows}));
  plan.partitions = static_cast<int>(std::min<std::uint64_t>(std::bit_ceil(wanted), max_partitions));
  plan.bits = std::countr_zero(static_cast<unsigned>(plan.partitions));
  return plan;
}

int partition_of_key(std::int64_t key, const partition_plan& plan) {
  return static_cast<int>(kernels::partition_of(key, plan.bits));
}

namespace detail {

int partition_pass_blocks(std::int64_t rows) {
  const std::int64_t for_rows = std::max<std::int64_t>(1, (rows + min_rows_per_pass_block - 1) / min_rows_per_pass_block);
  return static_cast<int>(std::min<std::int64_t>({for_rows, pass_blocks_per_sm * sm_count(), max_partition_pass_blocks}));
}

std::size_t partitioned_bytes_needed(std::int64_t rows, std::int64_t max_groups, int values) {
  const partition_plan plan = plan_partitions(rows, max_groups, values);
  const auto n = static_cast<std::uint64_t>(rows);
  std::uint64_t bytes = checked_multiply(n, static_cast<std::uint64_t>(kernels::record_pieces(values)) * sizeof(longlong2),
                                         "groupby workspace");  // the rows in partition order
  const auto items = static_cast<std::uint64_t>(matrix_items(plan, max_partition_pass_blocks));
  bytes += 2 * items * sizeof(std::uint32_t);  // the counts and their sum
  bytes += items * sizeof(std::uint32_t) + (std::uint64_t{1} << 20);  // CUB's scan scratch, generously
  return static_cast<std::size_t>(bytes);
}

void prepare_partitioned_workspace(groupby_workspace& work, cuda::stream_ref s) {
  const partition_plan& plan = work.partitions();
  const auto items = static_cast<std::size_t>(matrix_items(plan, partition_pass_blocks(work.rows())));
  work.partition_records = device_buffer<std::byte>(
      static_cast<std::size_t>(work.rows()) * kernels::record_pieces(work.values()) * sizeof(longlong2), s);
  work.partition_block_rows = device_buffer<std::uint32_t>(items, s);
  work.partition_offsets = device_buffer<std::uint32_t>(items, s);
  work.partition_fallbacks = device_buffer<std::uint32_t>(1, s);
  work.partition_fallbacks.fill_bytes_async(0, s);
  work.cub_scratch = device_buffer<std::byte>(std::max<std::size_t>(scan_bytes(static_cast<std::int64_t>(items)), 1), s);
  // The fallback table starts empty; after that, pass 5 leaves it empty (fallback_read_out).
  const kernels::sparse_table fallback = fallback_table_of(work);
  kernels::hash_table_clear<<<blocks_for(fallback.capacity, fallback_block_size), fallback_block_size, 0,
                              s.get()>>>(fallback, work.values(), work.errors.data(), nullptr);
  GPULAB_CHECK_LAUNCH();
}

void group_sums_partitioned_async(column_view<std::int64_t> keys, std::span<const column_view<double>> values,
                                  const sparse_groups_output& out, groupby_workspace& work, cuda::stream_ref s) {
  kernels::group_values packed;
  for (const column_view<double>& v : values) packed.column[packed.count++] = v;
  const partition_plan& plan = work.partitions();
  const std::int64_t rows = keys.size;
  if (rows == 0) {  // no pass runs: the counters are zeroed here (pass 1 zeroes them otherwise)
    GPULAB_CUDA_TRY(cudaMemsetAsync(out.group_count, 0, sizeof(std::uint32_t), s.get()));
    GPULAB_CUDA_TRY(cudaMemsetAsync(work.errors.data(), 0, sizeof(std::uint32_t), s.get()));
    GPULAB_CUDA_TRY(cudaMemsetAsync(work.partition_fallbacks.data(), 0, sizeof(std::uint32_t), s.get()));
    return;
  }

  const int blocks = detail::partition_pass_blocks(rows);
  const std::int64_t items = matrix_items(plan, blocks);
  if (static_cast<std::size_t>(items) > work.partition_offsets.size()) {  // rows <= work.rows(): cannot happen
    throw usage_error("group sums partitioned: the workspace's partition counts are too small");
  }
  auto* records = reinterpret_cast<longlong2*>(work.partition_records.data());  // 16-byte aligned (cudaMallocAsync)
  const std::size_t counters_bytes = static_cast<std::size_t>(plan.partitions) * sizeof(std::uint32_t);

  // [snippet:partitioned_passes]
  histogram_kernel<<<blocks, pass_block_size, counters_bytes, s.get()>>>(
      keys, plan.partitions, plan.bits, work.partition_block_rows.data(), out.group_count, work.errors.data(),
      work.partition_fallbacks.data());
  GPULAB_CHECK_LAUNCH();
  std::size_t bytes = work.cub_scratch.size();
  GPULAB_CUDA_TRY(cub::DeviceScan::ExclusiveSum(work.cub_scratch.data(), bytes, work.partition_block_rows.data(),
                                                work.partition_offsets.data(), static_cast<int>(items), s.get()));
  // Past 48 KiB of dynamic shared memory a kernel must say so before its launch.
  const std::size_t scatter_shared = kernels::scatter_shared_bytes(scatter_tile_rows, plan.partitions, packed.count);
  const std::size_t table_shared = table_bytes(plan.table_slots, packed.count);
  allow_dynamic_shared_memory(scatter_kernel, scatter_shared);
  allow_dynamic_shared_memory(aggregate_kernel, table_shared);
  scatter_kernel<<<blocks, pass_block_size, scatter_shared, s.get()>>>(
      keys, packed, plan.partitions, plan.bits, work.partition_offsets.data(), records, work.errors.data());
  GPULAB_CHECK_LAUNCH();
  const kernels::sparse_table fallback = fallback_table_of(work);
  aggregate_kernel<<<plan.partitions, aggregate_block_size, table_shared, s.get()>>>(
      records, packed.count, work.partition_offsets.data(), blocks, plan.table_slots, fallback, work.max_groups(), out,
      work.errors.data(), work.partition_fallbacks.data());
  GPULAB_CHECK_LAUNCH();
  const unsigned read_out_blocks = std::min<unsigned>(blocks_for(fallback.capacity, fallback_block_size),
                                                      static_cast<unsigned>(4 * sm_count()));
  kernels::fallback_read_out<fallback_block_size><<<read_out_blocks, fallback_block_size, 0, s.get()>>>(
      fallback, work.partition_fallbacks.data(), work.max_groups(), packed.count, out);
  GPULAB_CHECK_LAUNCH();
  // [/snippet:partitioned_passes]
}

}  // namespace detail

}  // namespace gpulab::dataframe
