// SPDX-License-Identifier: MIT
// Group sums, version by version (kernels/dataframe/groupby.cuh, hash_table.cuh),
// the sort versions by CUB and by Thrust, and the CPU baselines.
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_reduce.cuh>
#include <omp.h>
#include <thrust/execution_policy.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/copy.h>
#include <thrust/reduce.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/groupby.hpp"
#include "groupby_partitioned.hpp"
#include "kernels/dataframe/groupby.cuh"
#include "kernels/dataframe/groupby_registers.cuh"
#include "kernels/dataframe/hash_table.cuh"

namespace gpulab::dataframe {

const char* groupby_version_name(groupby_version v) {
  switch (v) {
    case groupby_version::global_atomics: return "global_atomics";
    case groupby_version::privatized: return "privatized";
    case groupby_version::registers: return "registers";
    case groupby_version::sort_reduce: return "sort_reduce";
    case groupby_version::hash: return "hash";
    case groupby_version::thrust: return "thrust";
    case groupby_version::partitioned: return "partitioned";
  }
  return "?";
}

std::vector<groupby_version> dense_groupby_versions() {
  return {groupby_version::global_atomics, groupby_version::privatized, groupby_version::registers,
          groupby_version::sort_reduce, groupby_version::hash, groupby_version::thrust};
}
std::vector<groupby_version> sparse_groupby_versions() {
  return {groupby_version::hash, groupby_version::sort_reduce, groupby_version::thrust, groupby_version::partitioned};
}

namespace {

constexpr int block_size = 256;
constexpr int privatized_block_size = 128;  // 32 slots x 128 threads x 12 bytes = 48 KiB of shared memory
using kernels::sum_count;

bool sorts(groupby_version v) { return v == groupby_version::sort_reduce || v == groupby_version::thrust; }

// group_sums_registers for 1 .. max_register_groups groups: one kernel per count (its
// registers are arrays of that size), made at compile time, picked at run time.
using registers_kernel_type = void (*)(column_view<std::int32_t>, kernels::group_values, double*, std::uint32_t*);
template <int... Zero_based>
constexpr std::array<registers_kernel_type, sizeof...(Zero_based)> registers_kernels(
    std::integer_sequence<int, Zero_based...>) {
  return {kernels::group_sums_registers<privatized_block_size, Zero_based + 1>...};
}
registers_kernel_type registers_kernel(int groups) {
  static constexpr auto all = registers_kernels(std::make_integer_sequence<int, max_register_groups>{});
  return all[static_cast<std::size_t>(groups - 1)];  // 1 <= groups <= max_register_groups: checked by the caller
}

// The hash table's capacity: a power of two, at least twice the groups (load factor <= 1/2).
std::int64_t hash_capacity_for(std::int64_t max_groups) {
  return static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(std::max<std::int64_t>(2 * max_groups, 2))));
}

// Runs of equal sorted keys: at most groups + 1 for dense keys (the missing run), rows for sparse ones.
std::int64_t run_capacity(bool sparse, std::int64_t rows, std::int64_t max_groups) {
  return sparse ? std::max<std::int64_t>(rows, 1) : max_groups + 1;
}

// Keys sort by their low bits only: codes 0..groups and the all-ones "missing" key
// (whose low bits are all ones: above every code) need bit_width(groups) bits.
int dense_key_bits(int groups) { return std::max(1, static_cast<int>(std::bit_width(static_cast<unsigned>(groups)))); }

template <class K>
std::size_t cub_sort_bytes(std::int64_t rows) {
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(nullptr, bytes, static_cast<const K*>(nullptr),
                                                  static_cast<K*>(nullptr), static_cast<const std::int32_t*>(nullptr),
                                                  static_cast<std::int32_t*>(nullptr), rows));
  return bytes;
}
template <class K>
std::size_t cub_reduce_by_key_bytes(std::int64_t rows) {
  std::size_t bytes = 0;
  const auto terms = thrust::make_transform_iterator(thrust::counting_iterator<std::int64_t>(0), kernels::sorted_term{});
  GPULAB_CUDA_TRY(cub::DeviceReduce::ReduceByKey(nullptr, bytes, static_cast<const K*>(nullptr), static_cast<K*>(nullptr),
                                                 terms, static_cast<sum_count*>(nullptr),
                                                 static_cast<std::int32_t*>(nullptr), kernels::add_sum_count{}, rows));
  return bytes;
}

void check_values(std::span<const column_view<double>> values, std::int64_t rows) {
  if (values.empty() || values.size() > static_cast<std::size_t>(max_group_values)) {
    throw usage_error("group sums: 1.." + std::to_string(max_group_values) + " value columns (got " +
                      std::to_string(values.size()) + ")");
  }
  for (const column_view<double>& v : values) {
    if (v.size != rows) {
      throw usage_error("group sums: keys have " + std::to_string(rows) + " rows, a value column " +
                        std::to_string(v.size));
    }
  }
}

kernels::group_values pack(std::span<const column_view<double>> values) {
  kernels::group_values packed;
  for (const column_view<double>& v : values) packed.column[packed.count++] = v;
  return packed;
}

void check_workspace(const groupby_workspace& work, groupby_version v, bool sparse, std::int64_t rows,
                     std::int64_t groups, int values) {
  if (work.version() != v || work.sparse() != sparse || rows > work.rows() || groups > work.max_groups() ||
      values > work.values()) {
    throw usage_error(std::string("group sums: the workspace was made for another version or smaller sizes (") +
                      groupby_version_name(v) + ", " + std::to_string(rows) + " rows)");
  }
}

template <class K>
kernels::hash_table_ref<K> table_of(groupby_workspace& work) {
  return {reinterpret_cast<K*>(work.table_keys.data()), work.table_sums.data(), work.table_counts.data(),
          work.hash_capacity()};
}

// Thrust takes its scratch from here: stream-ordered allocations, no device-wide synchronisation.
struct stream_allocator {
  using value_type = char;
  cudaStream_t stream;
  char* allocate(std::ptrdiff_t bytes) {
    void* p = nullptr;
    GPULAB_CUDA_TRY(cudaMallocAsync(&p, static_cast<std::size_t>(bytes), stream));
    return static_cast<char*>(p);
  }
  void deallocate(char* p, std::size_t) { (void)cudaFreeAsync(p, stream); }
};

// The sort versions: sort (keys, rows), then one ReduceByKey per value column into
// work.runs, the number of runs into work.run_count.
template <class K>
void sort_and_reduce(groupby_version v, const K* keys_to_sort, std::int64_t rows, int key_bits,
                     std::span<const column_view<double>> values, std::int64_t run_stride, groupby_workspace& work,
                     cuda::stream_ref s) {
  K* keys = reinterpret_cast<K*>(work.keys_in.data());
  K* sorted = reinterpret_cast<K*>(work.keys_sorted.data());
  K* unique = reinterpret_cast<K*>(work.unique_keys.data());
  auto* runs = reinterpret_cast<sum_count*>(work.runs.data());
  if (v == groupby_version::sort_reduce) {
    // [snippet:sort_reduce]
    std::size_t bytes = work.cub_scratch.size();
    GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(work.cub_scratch.data(), bytes, keys_to_sort, sorted,
                                                    work.rows_iota.data(), work.rows_sorted.data(), rows, 0, key_bits,
                                                    s.get()));
    for (std::size_t c = 0; c < values.size(); ++c) {
      const auto terms = thrust::make_transform_iterator(thrust::counting_iterator<std::int64_t>(0),
                                                         kernels::sorted_term{values[c], work.rows_sorted.data()});
      bytes = work.cub_scratch.size();
      GPULAB_CUDA_TRY(cub::DeviceReduce::ReduceByKey(work.cub_scratch.data(), bytes, sorted, unique, terms,
                                                     runs + c * run_stride, work.run_count.data(),
                                                     kernels::add_sum_count{}, rows, s.get()));
    }
    // [/snippet:sort_reduce]
    return;
  }
  // [snippet:thrust_groupby]
  stream_allocator scratch{s.get()};
  const auto policy = thrust::cuda::par_nosync(scratch).on(s.get());
  if (keys_to_sort != keys) thrust::copy(policy, keys_to_sort, keys_to_sort + rows, keys);  // sorted in place
  thrust::copy(policy, work.rows_iota.data(), work.rows_iota.data() + rows, work.rows_sorted.data());
  thrust::sort_by_key(policy, keys, keys + rows, work.rows_sorted.data());  // every bit of the keys
  std::int32_t run_count = 0;
  for (std::size_t c = 0; c < values.size(); ++c) {
    const auto terms = thrust::make_transform_iterator(thrust::counting_iterator<std::int64_t>(0),
                                                       kernels::sorted_term{values[c], work.rows_sorted.data()});
    const auto ends = thrust::reduce_by_key(policy, keys, keys + rows, terms, unique, runs + c * run_stride,
                                            thrust::equal_to<K>{}, kernels::add_sum_count{});
    run_count = static_cast<std::int32_t>(ends.first - unique);  // Thrust waited for the stream to say this
  }
  // [/snippet:thrust_groupby]
  GPULAB_CUDA_TRY(cudaMemcpyAsync(work.run_count.data(), &run_count, sizeof run_count, cudaMemcpyHostToDevice, s.get()));
  synchronize(s);  // run_count is a local: the copy must be done before it goes
}

}  // namespace

groupby_workspace::groupby_workspace(groupby_version v, bool sparse, std::int64_t rows, std::int64_t max_groups,
                                     int values, cuda::stream_ref s)
    : version_(v), sparse_(sparse), rows_(rows), max_groups_(max_groups), values_(values) {
  if (rows < 0 || rows > max_rows) throw usage_error("group sums: 0.." + std::to_string(max_rows) + " rows");
  if (max_groups < 1) throw usage_error("group sums: at least 1 group");
  if (!sparse && max_groups > std::numeric_limits<std::int32_t>::max() / 2) {
    throw usage_error("group sums: dense keys are int32 codes (got " + std::to_string(max_groups) + " groups)");
  }
  if (sparse && (v == groupby_version::global_atomics || v == groupby_version::privatized ||
                 v == groupby_version::registers)) {
    throw usage_error(std::string("group sums: ") + groupby_version_name(v) +
                      " needs dense keys (codes 0..groups-1); use hash, sort_reduce, thrust or partitioned");
  }
  if (!sparse && v == groupby_version::partitioned) {
    throw usage_error("group sums: partitioned is for sparse int64 keys (many groups); for codes use privatized or hash");
  }
  if (v == groupby_version::partitioned) plan_ = plan_partitions(rows, max_groups, values);
  errors = device_buffer<std::uint32_t>(1, s);
  errors.fill_bytes_async(0, s);
  if (sorts(v)) {
    const std::size_t key_bytes = sparse ? sizeof(std::int64_t) : sizeof(std::uint32_t);
    const std::int64_t runs_max = run_capacity(sparse, rows, max_groups);
    keys_in = device_buffer<std::byte>(checked_multiply(static_cast<std::uint64_t>(rows), key_bytes, "sort keys"), s);
    keys_sorted = device_buffer<std::byte>(keys_in.size(), s);
    rows_iota = device_buffer<std::int32_t>(static_cast<std::size_t>(rows), s);
    rows_sorted = device_buffer<std::int32_t>(static_cast<std::size_t>(rows), s);
    unique_keys = device_buffer<std::byte>(static_cast<std::size_t>(runs_max) * key_bytes, s);
    runs = device_buffer<std::byte>(static_cast<std::size_t>(runs_max) * values * sizeof(sum_count), s);
    run_count = device_buffer<std::int32_t>(1, s);
    if (rows > 0) {
      thrust::sequence(thrust::cuda::par_nosync.on(s.get()), rows_iota.data(), rows_iota.data() + rows);
    }
    if (v == groupby_version::sort_reduce) {
      const std::size_t bytes = sparse ? std::max(cub_sort_bytes<std::int64_t>(rows), cub_reduce_by_key_bytes<std::int64_t>(rows))
                                       : std::max(cub_sort_bytes<std::uint32_t>(rows), cub_reduce_by_key_bytes<std::uint32_t>(rows));
      cub_scratch = device_buffer<std::byte>(std::max<std::size_t>(bytes, 1), s);
    }
  }
  if (v == groupby_version::hash || v == groupby_version::partitioned) {  // partitioned: its fallback table
    hash_capacity_ = hash_capacity_for(max_groups);
    const auto capacity = static_cast<std::size_t>(hash_capacity_);
    table_keys = device_buffer<std::byte>(capacity * (sparse ? sizeof(std::int64_t) : sizeof(std::int32_t)), s);
    table_sums = device_buffer<double>(capacity * values, s);
    table_counts = device_buffer<std::uint32_t>(capacity * values, s);
  }
  if (v == groupby_version::partitioned) detail::prepare_partitioned_workspace(*this, s);
}

std::size_t groupby_workspace::bytes_needed(groupby_version v, bool sparse, std::int64_t rows, std::int64_t max_groups,
                                            int values) {
  const auto n = static_cast<std::uint64_t>(std::max<std::int64_t>(rows, 0));
  const std::uint64_t key_bytes = sparse ? 8 : 4;
  std::uint64_t bytes = std::uint64_t{1} << 20;
  if (sorts(v)) {
    const auto runs_max = static_cast<std::uint64_t>(run_capacity(sparse, rows, max_groups));
    bytes += checked_multiply(n, 2 * key_bytes + 2 * sizeof(std::int32_t), "groupby workspace");
    bytes += checked_multiply(runs_max, key_bytes + static_cast<std::uint64_t>(values) * sizeof(sum_count),
                              "groupby workspace");
    // CUB's radix sort keeps its own copy of the keys and rows, plus small histograms;
    // Thrust's scratch is about the same.
    bytes += checked_multiply(n, key_bytes + sizeof(std::int32_t), "groupby workspace") + (std::uint64_t{64} << 20);
  }
  if (v == groupby_version::hash || v == groupby_version::partitioned) {
    const auto capacity = static_cast<std::uint64_t>(hash_capacity_for(max_groups));
    bytes += checked_multiply(capacity, key_bytes + static_cast<std::uint64_t>(values) * 12, "groupby workspace");
  }
  if (v == groupby_version::partitioned && sparse) bytes += detail::partitioned_bytes_needed(rows, max_groups, values);
  return static_cast<std::size_t>(bytes);
}

std::uint32_t groupby_workspace::read_partition_fallbacks(cuda::stream_ref s) const {
  if (version_ != groupby_version::partitioned) return 0;
  std::uint32_t count = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&count, partition_fallbacks.data(), sizeof count, cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return count;
}

std::uint32_t groupby_workspace::read_errors(cuda::stream_ref s) const {
  std::uint32_t count = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&count, errors.data(), sizeof count, cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return count;
}

void group_sums_dense_async(groupby_version v, column_view<std::int32_t> codes, int groups,
                            std::span<const column_view<double>> values, const group_sums_output& out,
                            groupby_workspace& work, cuda::stream_ref s) {
  check_values(values, codes.size);
  check_workspace(work, v, false, codes.size, groups, static_cast<int>(values.size()));
  const kernels::group_values packed = pack(values);
  const int slots = packed.count * groups;
  if (v == groupby_version::privatized && slots > max_privatized_slots) {
    throw usage_error("group sums privatized: " + std::to_string(packed.count) + " values x " +
                      std::to_string(groups) + " groups is more than " + std::to_string(max_privatized_slots) +
                      " slots per thread (use hash or sort_reduce)");
  }
  if (v == groupby_version::registers && (groups < 1 || groups > max_register_groups)) {
    throw usage_error("group sums registers: " + std::to_string(groups) + " groups; it takes 1 to " +
                      std::to_string(max_register_groups) + " (for more use privatized, hash or sort_reduce)");
  }
  const std::int64_t rows = codes.size;
  const unsigned slot_blocks = blocks_for(slots, block_size);
  switch (v) {
    case groupby_version::global_atomics: {
      GPULAB_CUDA_TRY(cudaMemsetAsync(out.sums, 0, slots * sizeof(double), s.get()));
      GPULAB_CUDA_TRY(cudaMemsetAsync(out.counts, 0, slots * sizeof(std::uint32_t), s.get()));
      if (rows > 0) {
        const unsigned grid = occupancy_grid_size(kernels::group_sums_global_atomics, block_size);
        kernels::group_sums_global_atomics<<<grid, block_size, 0, s.get()>>>(codes, groups, packed, out.sums,
                                                                             out.counts);
        GPULAB_CHECK_LAUNCH();
      }
      kernels::group_means<<<slot_blocks, block_size, 0, s.get()>>>(out.sums, out.counts, out.means, slots);
      GPULAB_CHECK_LAUNCH();
      return;
    }
    case groupby_version::privatized: {
      // [snippet:group_sums_privatized_launch]
      // Three short kernels whose launch gaps weigh against a ~50 us read: each after the
      // first may start early (programmatic dependent launch, core/dependent_launch.cuh).
      kernels::zero_group_sums<<<slot_blocks, block_size, 0, s.get()>>>(out.sums, out.counts, slots);
      GPULAB_CHECK_LAUNCH();
      if (rows > 0) {
        const std::size_t shared = static_cast<std::size_t>(slots) * privatized_block_size *
                                   (sizeof(double) + sizeof(std::uint32_t));
        const auto kernel = kernels::group_sums_privatized<privatized_block_size>;
        const unsigned grid = occupancy_grid_size(kernel, privatized_block_size, shared);
        launch_dependent(kernel, grid, privatized_block_size, shared, s.get(), codes, groups, packed, out.sums,
                         out.counts);
      }
      launch_dependent(kernels::group_means, slot_blocks, block_size, 0, s.get(),
                       static_cast<const double*>(out.sums), static_cast<const std::uint32_t*>(out.counts),
                       out.means, slots);
      // [/snippet:group_sums_privatized_launch]
      return;
    }
    case groupby_version::registers: {
      // The privatized version's three launches, with one sums launch per value column
      // (each a pass over the codes and its column), into its own groups' slots.
      kernels::zero_group_sums<<<slot_blocks, block_size, 0, s.get()>>>(out.sums, out.counts, slots);
      GPULAB_CHECK_LAUNCH();
      if (rows > 0) {
        const auto kernel = registers_kernel(groups);
        const unsigned grid = occupancy_grid_size(kernel, privatized_block_size);
        for (int v = 0; v < packed.count; ++v) {
          kernels::group_values column;
          column.column[0] = packed.column[v];
          column.count = 1;
          launch_dependent(kernel, grid, privatized_block_size, 0, s.get(), codes, column, out.sums + v * groups,
                           out.counts + v * groups);
        }
      }
      launch_dependent(kernels::group_means, slot_blocks, block_size, 0, s.get(),
                       static_cast<const double*>(out.sums), static_cast<const std::uint32_t*>(out.counts),
                       out.means, slots);
      return;
    }
    case groupby_version::sort_reduce:
    case groupby_version::thrust: {
      auto* keys = reinterpret_cast<std::uint32_t*>(work.keys_in.data());
      if (rows > 0) {
        kernels::dense_sort_keys<<<occupancy_grid_size(kernels::dense_sort_keys, block_size), block_size, 0,
                                   s.get()>>>(codes, groups, keys);
        GPULAB_CHECK_LAUNCH();
        sort_and_reduce<std::uint32_t>(v, keys, rows, dense_key_bits(groups), values, groups + 1, work, s);
      } else {
        GPULAB_CUDA_TRY(cudaMemsetAsync(work.run_count.data(), 0, sizeof(std::int32_t), s.get()));
      }
      kernels::dense_from_runs<<<blocks_for(groups, block_size), block_size, 0, s.get()>>>(
          reinterpret_cast<const std::uint32_t*>(work.unique_keys.data()),
          reinterpret_cast<const sum_count*>(work.runs.data()), groups + 1, work.run_count.data(), groups,
          packed.count, out);
      GPULAB_CHECK_LAUNCH();
      return;
    }
    case groupby_version::hash: {
      const auto table = table_of<std::int32_t>(work);
      kernels::hash_table_clear<<<blocks_for(table.capacity, block_size), block_size, 0, s.get()>>>(
          table, packed.count, work.errors.data(), nullptr);
      GPULAB_CHECK_LAUNCH();
      if (rows > 0) {
        const auto kernel = kernels::hash_insert<std::int32_t, true>;
        kernel<<<occupancy_grid_size(kernel, block_size), block_size, 0, s.get()>>>(codes, groups, packed, table,
                                                                                   work.errors.data());
        GPULAB_CHECK_LAUNCH();
      }
      kernels::dense_from_table<<<blocks_for(groups, block_size), block_size, 0, s.get()>>>(table, groups,
                                                                                            packed.count, out);
      GPULAB_CHECK_LAUNCH();
      return;
    }
    case groupby_version::partitioned:  // its workspace refuses dense keys: check_workspace stops it first
      throw usage_error("group sums: partitioned is for sparse int64 keys");
  }
}

void group_sums_sparse_async(groupby_version v, column_view<std::int64_t> keys,
                             std::span<const column_view<double>> values, const sparse_groups_output& out,
                             groupby_workspace& work, cuda::stream_ref s) {
  check_values(values, keys.size);
  check_workspace(work, v, true, keys.size, 1, static_cast<int>(values.size()));
  if (keys.validity != nullptr) throw usage_error("group sums: sparse keys must have no missing values");
  const kernels::group_values packed = pack(values);
  const std::int64_t rows = keys.size;
  const std::int64_t max_groups = work.max_groups();
  if (v == groupby_version::hash) {
    const auto table = table_of<std::int64_t>(work);
    kernels::hash_table_clear<<<blocks_for(table.capacity, block_size), block_size, 0, s.get()>>>(
        table, packed.count, work.errors.data(), out.group_count);
    GPULAB_CHECK_LAUNCH();
    if (rows > 0) {
      const auto kernel = kernels::hash_insert<std::int64_t, false>;
      kernel<<<occupancy_grid_size(kernel, block_size), block_size, 0, s.get()>>>(keys, 0, packed, table,
                                                                                 work.errors.data());
      GPULAB_CHECK_LAUNCH();
    }
    kernels::sparse_from_table<block_size><<<blocks_for(table.capacity, block_size), block_size, 0, s.get()>>>(
        table, max_groups, packed.count, out);
    GPULAB_CHECK_LAUNCH();
    return;
  }
  if (v == groupby_version::partitioned) {
    detail::group_sums_partitioned_async(keys, values, out, work, s);
    return;
  }
  if (v != groupby_version::sort_reduce && v != groupby_version::thrust) {
    throw usage_error(std::string("group sums: ") + groupby_version_name(v) + " needs dense keys");
  }
  const std::int64_t run_stride = run_capacity(true, work.rows(), max_groups);
  if (rows > 0) {
    sort_and_reduce<std::int64_t>(v, keys.data, rows, 64, values, run_stride, work, s);
  } else {
    GPULAB_CUDA_TRY(cudaMemsetAsync(work.run_count.data(), 0, sizeof(std::int32_t), s.get()));
  }
  const std::int64_t threads = std::max<std::int64_t>(std::min(rows, max_groups), 1);
  kernels::sparse_from_runs<<<blocks_for(threads, block_size), block_size, 0, s.get()>>>(
      reinterpret_cast<const std::int64_t*>(work.unique_keys.data()),
      reinterpret_cast<const sum_count*>(work.runs.data()), run_stride, work.run_count.data(), max_groups,
      packed.count, out);
  GPULAB_CHECK_LAUNCH();
}

// ------------------------------------------------------------------ CPU baselines
void group_sums_dense_cpu(column_view<std::int32_t> codes, int groups, std::span<const column_view<double>> values,
                          double* sums, std::uint32_t* counts, double* means) {
  check_values(values, codes.size);
  const auto slots = static_cast<std::size_t>(values.size()) * groups;
  const int threads = omp_get_max_threads();
  std::vector<double> thread_sums(slots * threads, 0.0);
  std::vector<std::uint32_t> thread_counts(slots * threads, 0);
#pragma omp parallel
  {
    double* my_sums = thread_sums.data() + slots * omp_get_thread_num();
    std::uint32_t* my_counts = thread_counts.data() + slots * omp_get_thread_num();
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < codes.size; ++i) {
      const std::int32_t c = codes.data[i];
      if (c < 0 || c >= groups || !validity_bit(codes.validity, i)) continue;
      for (std::size_t v = 0; v < values.size(); ++v) {
        const double x = values[v].data[i];
        if (!values[v].present(i, x)) continue;
        my_sums[v * groups + c] += x;
        ++my_counts[v * groups + c];
      }
    }
  }
  for (std::size_t s = 0; s < slots; ++s) {  // merged in thread order: the same result every run
    double sum = 0;
    std::uint32_t count = 0;
    for (int t = 0; t < threads; ++t) {
      sum += thread_sums[slots * t + s];
      count += thread_counts[slots * t + s];
    }
    sums[s] = sum;
    counts[s] = count;
    means[s] = count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
  }
}

namespace {

// A growing open-addressing table on the host: key -> (sum, count) per value column.
class host_group_table {
 public:
  explicit host_group_table(int values) : values_(values) { resize(1024); }
  std::size_t find_or_insert(std::int64_t key) {
    if (2 * (size_ + 1) > keys_.size()) resize(2 * keys_.size());
    std::size_t slot = slot_of(key);
    while (used_[slot] && keys_[slot] != key) slot = (slot + 1) & (keys_.size() - 1);
    if (!used_[slot]) {
      used_[slot] = 1;
      keys_[slot] = key;
      ++size_;
    }
    return slot;
  }
  void add(std::size_t slot, int v, double sum, std::uint32_t count) {
    sums_[v * keys_.size() + slot] += sum;
    counts_[v * keys_.size() + slot] += count;
  }
  std::size_t capacity() const { return keys_.size(); }
  bool used(std::size_t slot) const { return used_[slot] != 0; }
  std::int64_t key(std::size_t slot) const { return keys_[slot]; }
  double sum(std::size_t slot, int v) const { return sums_[v * keys_.size() + slot]; }
  std::uint32_t count(std::size_t slot, int v) const { return counts_[v * keys_.size() + slot]; }
  std::size_t size() const { return size_; }

 private:
  std::size_t slot_of(std::int64_t key) const {
    std::uint64_t h = static_cast<std::uint64_t>(key);  // the GPU table's murmur3 finalizer
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return static_cast<std::size_t>(h) & (keys_.size() - 1);
  }
  void resize(std::size_t capacity) {
    host_group_table bigger(values_, capacity);
    for (std::size_t s = 0; s < keys_.size(); ++s) {
      if (!used_[s]) continue;
      const std::size_t to = bigger.find_or_insert(keys_[s]);
      for (int v = 0; v < values_; ++v) bigger.add(to, v, sum(s, v), count(s, v));
    }
    *this = std::move(bigger);
  }
  host_group_table(int values, std::size_t capacity)
      : values_(values), keys_(capacity), used_(capacity, 0), sums_(capacity * values, 0.0), counts_(capacity * values, 0) {}

  int values_;
  std::vector<std::int64_t> keys_;
  std::vector<unsigned char> used_;
  std::vector<double> sums_;
  std::vector<std::uint32_t> counts_;
  std::size_t size_ = 0;
};

}  // namespace

sparse_groups group_sums_sparse_cpu(column_view<std::int64_t> keys, std::span<const column_view<double>> values) {
  check_values(values, keys.size);
  const int value_count = static_cast<int>(values.size());
  std::vector<host_group_table> tables;
  for (int t = 0; t < omp_get_max_threads(); ++t) tables.emplace_back(value_count);
#pragma omp parallel
  {
    host_group_table& mine = tables[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < keys.size; ++i) {
      if (!validity_bit(keys.validity, i)) continue;
      const std::size_t slot = mine.find_or_insert(keys.data[i]);
      for (int v = 0; v < value_count; ++v) {
        const double x = values[v].data[i];
        if (values[v].present(i, x)) mine.add(slot, v, x, 1);
      }
    }
  }
  host_group_table all(value_count);  // the threads' tables merged, in thread order
  for (const host_group_table& t : tables) {
    for (std::size_t s = 0; s < t.capacity(); ++s) {
      if (!t.used(s)) continue;
      const std::size_t to = all.find_or_insert(t.key(s));
      for (int v = 0; v < value_count; ++v) all.add(to, v, t.sum(s, v), t.count(s, v));
    }
  }
  sparse_groups out;
  const std::size_t n = all.size();
  out.sums.resize(n * value_count);
  out.counts.resize(n * value_count);
  out.means.resize(n * value_count);
  for (std::size_t s = 0; s < all.capacity(); ++s) {
    if (!all.used(s)) continue;
    const std::size_t i = out.keys.size();
    out.keys.push_back(all.key(s));
    for (int v = 0; v < value_count; ++v) {
      out.sums[v * n + i] = all.sum(s, v);
      out.counts[v * n + i] = all.count(s, v);
      out.means[v * n + i] = out.counts[v * n + i] > 0 ? out.sums[v * n + i] / out.counts[v * n + i]
                                                        : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return out;
}

}  // namespace gpulab::dataframe
