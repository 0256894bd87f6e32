// SPDX-License-Identifier: MIT
// Group sums for many keys by partitioning, the way database engines aggregate:
// first put the rows in order of a few bits of their key's hash, then sum each
// partition in a hash table small enough for shared memory.
//
// Why: the hash version (hash_table.cuh) makes every row probe and add into one
// 2M-slot, 40 MB table in L2: two global atomics and ~1.5 probes a row, ~0.7 ms for
// 20M rows. Here the rows move through DRAM twice more (~0.2 ms at 4 TB/s), but every
// probe and add of the summing is in shared memory: no global atomic a row is left.
//
//   1. partition_histogram  block b counts how many of its rows go to each partition
//                           (shared-memory counters), and writes its counts as column b
//                           of a partitions x blocks matrix
//   2. (CUB DeviceScan)     an exclusive sum over that matrix, partition by partition:
//                           entry (p, b) becomes where block b's rows of partition p start
//   3. partition_scatter    block b reads its rows again, a tile at a time; each tile is
//                           put in order of partition in shared memory (a counting sort),
//                           then written out in runs at its partitions' next free places
//   4. partition_aggregate  block p finds partition p's keys in a shared-memory table;
//                           each tile's rows are put in order of the thread that owns their
//                           slot (a counting sort again), and each owner adds its own rows:
//                           no float atomics. Then the block appends its groups to the
//                           outputs; a partition with more keys than its table holds falls
//                           back to a global hash table
//   5. fallback_read_out    the fallback table's groups appended too (when it was used)
//
// Measured on the H200 (20M rows, 1M keys): 1.52 ms for the first version, which wrote
// each row as it came and added with shared-memory float atomics; 1.15 ms for this one,
// against 0.74 ms for the hash version. Passes 3 and 4 still take ~0.54 ms each, where
// their bytes take ~0.15 and ~0.08 ms; loading the next tile during the sort (tried on a
// branch, not taken) bought 1-2%: they wait on their shared-memory work (docs/perf-notes.md,
// "The partitioned groupby, staged").
//
// The groups come out in no particular order: partition by partition as their blocks
// finish, the fallback table's last.
#pragma once

#include <cub/block/block_scan.cuh>

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/groupby.hpp"
#include "kernels/dataframe/groupby.cuh"
#include "kernels/dataframe/hash_table.cuh"

namespace gpulab::dataframe::kernels {

using sparse_table = hash_table_ref<std::int64_t>;

// [snippet:partition_of]
// A key's partition: the top `bits` bits of its hash. The table inside a partition
// picks the slot with the low bits, so the two choices do not depend on each other.
__host__ __device__ inline std::uint32_t partition_of(std::int64_t key, int bits) {
  if (bits == 0) return 0;  // one partition (and a shift by 64 would be undefined)
  return static_cast<std::uint32_t>(sparse_table::hash(key) >> (64 - bits));
}
// [/snippet:partition_of]

// The rows of this block in passes 1 and 3: the rows cut into gridDim.x contiguous
// chunks, block b the b-th. Both passes must give a block the same rows (the scan
// gave each (partition, block) exactly the room its rows need).
struct row_range {
  std::int64_t begin, end;
};
__device__ inline row_range block_rows(std::int64_t rows) {
  const std::int64_t chunk = (rows + gridDim.x - 1) / gridDim.x;
  const std::int64_t begin = static_cast<std::int64_t>(blockIdx.x) * chunk;
  const std::int64_t end = begin + chunk;
  return {begin < rows ? begin : rows, end < rows ? end : rows};
}

// Pass 1: each thread loads this many keys before it counts any of them (more bytes in
// flight; its only other work is one shared atomic a key). Passes 3 and 4 take fewer rows
// a thread (RowsPerThread): they keep whole rows in registers, and two blocks an SM.
inline constexpr int partition_rows_per_step = 4;

// [snippet:partition_record]
// A row in partition order is one record: its key and its values in 16-byte pieces,
// [key, x0] [x1, x2] [x3, -], each written and read with one 16-byte access. With one
// value column a record is one piece: pass 3 makes one scattered write a row, not two.
__host__ __device__ constexpr int record_pieces(int values) { return (values + 2) / 2; }
inline constexpr int max_record_pieces = record_pieces(max_group_values);

struct record_row {
  std::int64_t key;
  double x[max_group_values];  // NaN: missing
};

__device__ inline void store_record(longlong2* records, std::int64_t at, int pieces, const record_row& row) {
  std::int64_t words[2 * max_record_pieces] = {};  // key, x0, x1, x2, x3, 0
  words[0] = row.key;
#pragma unroll
  for (int v = 0; v < max_group_values; ++v) words[1 + v] = __double_as_longlong(row.x[v]);
#pragma unroll  // to the compile-time maximum: words[] stays in registers
  for (int k = 0; k < max_record_pieces; ++k) {
    if (k < pieces) records[at * pieces + k] = make_longlong2(words[2 * k], words[2 * k + 1]);
  }
}

__device__ inline record_row load_record(const longlong2* records, std::int64_t at, int pieces) {
  std::int64_t words[2 * max_record_pieces] = {};
#pragma unroll
  for (int k = 0; k < max_record_pieces; ++k) {
    if (k >= pieces) continue;
    const longlong2 piece = __ldcs(records + at * pieces + k);  // read once: evict first
    words[2 * k] = piece.x;
    words[2 * k + 1] = piece.y;
  }
  record_row row;
  row.key = words[0];
#pragma unroll
  for (int v = 0; v < max_group_values; ++v) row.x[v] = __longlong_as_double(words[1 + v]);
  return row;
}
// [/snippet:partition_record]

// [snippet:partition_histogram]
// Pass 1. Shared memory: `partitions` counters. block_counts[p * gridDim.x + b] = how many
// rows of block b go to partition p; one more entry at the end is set to 0, so that the
// exclusive sum of the matrix ends with the total number of rows. It also zeroes the run's
// three counters, which later passes add to (three memsets fewer to launch and wait for).
template <int BlockSize>
__global__ void __launch_bounds__(BlockSize)
    partition_histogram(column_view<std::int64_t> keys, int partitions, int bits, std::uint32_t* block_counts,
                        std::uint32_t* group_count, std::uint32_t* errors, std::uint32_t* fallbacks) {
  extern __shared__ std::uint32_t partition_rows_of_block[];
  for (int p = threadIdx.x; p < partitions; p += BlockSize) partition_rows_of_block[p] = 0;
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    *group_count = 0;
    *errors = 0;
    *fallbacks = 0;
  }
  __syncthreads();
  const row_range mine = block_rows(keys.size);
  for (std::int64_t base = mine.begin; base < mine.end; base += partition_rows_per_step * BlockSize) {
    std::int64_t key[partition_rows_per_step];
#pragma unroll
    for (int j = 0; j < partition_rows_per_step; ++j) {  // all the loads first
      const std::int64_t i = base + j * BlockSize + threadIdx.x;
      key[j] = i < mine.end ? keys.data[i] : 0;
    }
#pragma unroll
    for (int j = 0; j < partition_rows_per_step; ++j) {
      if (base + j * BlockSize + threadIdx.x >= mine.end) continue;
      atomicAdd(&partition_rows_of_block[partition_of(key[j], bits)], 1u);
    }
  }
  __syncthreads();
  for (int p = threadIdx.x; p < partitions; p += BlockSize) {
    block_counts[static_cast<std::int64_t>(p) * gridDim.x + blockIdx.x] = partition_rows_of_block[p];
  }
  if (blockIdx.x == 0 && threadIdx.x == 0) block_counts[static_cast<std::int64_t>(partitions) * gridDim.x] = 0;
}
// [/snippet:partition_histogram]

// [snippet:partition_scatter]
// Pass 3. Block b reads its rows again, a tile of BlockSize x RowsPerThread rows at a
// time, and writes each row's record at the next free place of its partition. The
// records are not written as they come: a warp's 32 rows go to ~32 partitions, and 32
// scattered 16-byte writes leave partly written L2 lines that DRAM must merge (the first
// version did that). The tile is first put in order of partition in
// shared memory, one radix-sort step: count each partition's rows (a shared atomic gives
// each row its rank), an exclusive scan of the counts gives each partition its start in
// the tile, each row goes to start + rank. Then consecutive threads write consecutive
// records of a partition: runs of about tile / partitions rows (2 at 512 partitions), and
// each run continues where the block's last run of that partition stopped, so L2 fills
// whole sectors before they go to DRAM.
//
// Shared memory: the staged records (tile x pieces x 16 bytes) first, then next[p] (where
// this block's next row of partition p goes in `records`: its scanned start, then moved
// on by each tile), count[p] and start[p] of the tile, and each staged row's partition.
// A missing value (masked, or NaN) is written as NaN, so pass 4 needs the value only. A
// key equal to the tables' empty mark is counted in `errors` (it still moves, and pass 4
// leaves it out).
template <int BlockSize, int RowsPerThread>
__global__ void __launch_bounds__(BlockSize, 2)  // two blocks an SM: at most 64 registers
    partition_scatter(column_view<std::int64_t> keys, group_values values, int partitions, int bits,
                      const std::uint32_t* offsets, longlong2* records, std::uint32_t* errors) {
  constexpr int tile_rows = BlockSize * RowsPerThread;
  using block_scan = cub::BlockScan<std::uint32_t, BlockSize>;
  __shared__ typename block_scan::TempStorage scan_storage;
  extern __shared__ longlong2 staged[];  // [tile_rows * pieces]
  const int pieces = record_pieces(values.count);
  auto* next = reinterpret_cast<std::uint32_t*>(staged + tile_rows * pieces);
  std::uint32_t* count = next + partitions;
  std::uint32_t* start = count + partitions;
  auto* staged_partition = reinterpret_cast<std::uint16_t*>(start + partitions);  // partitions <= 8192
  for (int p = threadIdx.x; p < partitions; p += BlockSize) {
    next[p] = offsets[static_cast<std::int64_t>(p) * gridDim.x + blockIdx.x];
    count[p] = 0;
  }
  const row_range mine = block_rows(keys.size);
  std::uint32_t empty_marks = 0;
  for (std::int64_t base = mine.begin; base < mine.end; base += tile_rows) {
    // [/snippet:partition_scatter]
    // [snippet:partition_scatter_tile]
    record_row row[RowsPerThread];
    std::uint32_t partition[RowsPerThread], rank[RowsPerThread];
#pragma unroll
    for (int j = 0; j < RowsPerThread; ++j) {  // all the loads first; read once: evict first
      const std::int64_t i = base + j * BlockSize + threadIdx.x;
      const bool inside = i < mine.end;
      row[j].key = inside ? __ldcs(keys.data + i) : 0;
#pragma unroll  // to the compile-time maximum: values.column[] stays out of local memory
      for (int v = 0; v < max_group_values; ++v) {
        row[j].x[v] = 0.0;
        if (v >= values.count || !inside) continue;
        const double value = __ldcs(values.column[v].data + i);
        row[j].x[v] = values.column[v].present(i, value) ? value : nan_value();
      }
    }
    __syncthreads();  // count[] is zero and next[] moved on (the last tile's end, or the start)
#pragma unroll
    for (int j = 0; j < RowsPerThread; ++j) {
      if (base + j * BlockSize + threadIdx.x >= mine.end) continue;
      partition[j] = partition_of(row[j].key, bits);
      rank[j] = atomicAdd(&count[partition[j]], 1u);  // this row's place among its partition's
      if (row[j].key == sparse_table::empty_key) ++empty_marks;
    }
    __syncthreads();
    std::uint32_t carry = 0;  // start[] = exclusive sum of count[], BlockSize partitions at a time
    for (int first = 0; first < partitions; first += BlockSize) {
      const int p = first + static_cast<int>(threadIdx.x);
      std::uint32_t before = 0, total = 0;
      block_scan(scan_storage).ExclusiveSum(p < partitions ? count[p] : 0u, before, total);
      if (p < partitions) start[p] = carry + before;
      carry += total;
      __syncthreads();  // scan_storage is used again
    }
#pragma unroll
    for (int j = 0; j < RowsPerThread; ++j) {
      if (base + j * BlockSize + threadIdx.x >= mine.end) continue;
      const std::uint32_t at = start[partition[j]] + rank[j];
      store_record(staged, at, pieces, row[j]);
      staged_partition[at] = static_cast<std::uint16_t>(partition[j]);
    }
    __syncthreads();
    // Staged record s belongs to partition q = staged_partition[s]; it is the
    // (s - start[q])-th of q's rows in this tile: consecutive s, consecutive places.
    const int rows_here = static_cast<int>(carry);
    for (int e = threadIdx.x; e < rows_here * pieces; e += BlockSize) {
      const int s = e / pieces, k = e % pieces;
      const std::uint32_t q = staged_partition[s];
      const std::int64_t at = static_cast<std::int64_t>(next[q]) + (s - static_cast<int>(start[q]));
      records[at * pieces + k] = staged[e];
    }
    __syncthreads();  // every place read before next[] moves on
    for (int p = threadIdx.x; p < partitions; p += BlockSize) {
      next[p] += count[p];
      count[p] = 0;
    }
    // [/snippet:partition_scatter_tile]
  }
  if (empty_marks > 0) atomicAdd(errors, empty_marks);
}

// The scatter's dynamic shared memory (partition_scatter's layout).
__host__ __device__ constexpr std::size_t scatter_shared_bytes(int tile_rows, int partitions, int values) {
  return static_cast<std::size_t>(tile_rows) * record_pieces(values) * sizeof(longlong2) +
         3 * static_cast<std::size_t>(partitions) * sizeof(std::uint32_t) + tile_rows * sizeof(std::uint16_t);
}

// [snippet:partition_aggregate]
// Pass 4, one block per partition. Partition p's rows are [offsets[p * scatter_blocks],
// offsets[(p + 1) * scatter_blocks]). Shared memory: the table of `table_slots` slots
// (a power of two, a multiple of BlockSize): keys, then sums [v * slots + slot], then
// counts, the same hash_table_ref as the global table, pointed at shared memory.
//
// When a key finds the table full (more distinct keys than slots), the block drops its
// table and sums the whole partition into the global `fallback` table instead: a key
// lives in one partition only, so it is summed in one table only. `fallbacks` counts
// such partitions; a full fallback table counts in `errors`.
template <int BlockSize, int RowsPerThread>
__global__ void __launch_bounds__(BlockSize, 2)  // two blocks an SM: at most 64 registers
    partition_aggregate(const longlong2* records, int values, const std::uint32_t* offsets, int scatter_blocks,
                        int table_slots, sparse_table fallback, std::int64_t max_groups, sparse_groups_output out,
                        std::uint32_t* errors, std::uint32_t* fallbacks) {
  using block_scan = cub::BlockScan<std::uint32_t, BlockSize>;
  __shared__ typename block_scan::TempStorage scan_storage;
  __shared__ std::uint32_t block_start;
  extern __shared__ std::int64_t partition_table_words[];

  const std::int64_t p = blockIdx.x;
  const std::int64_t begin = offsets[p * scatter_blocks];
  const std::int64_t end = offsets[(p + 1) * scatter_blocks];
  if (begin == end) return;  // an empty partition (the whole block leaves)

  const std::int64_t slots = table_slots;
  const int pieces = record_pieces(values);
  const sparse_table table{partition_table_words, reinterpret_cast<double*>(partition_table_words + slots),
                           reinterpret_cast<std::uint32_t*>(partition_table_words + slots + values * slots), slots};
  for (std::int64_t s = threadIdx.x; s < slots; s += BlockSize) {
    table.keys[s] = sparse_table::empty_key;
    for (int v = 0; v < values; ++v) {
      table.sums[v * slots + s] = 0.0;
      table.counts[v * slots + s] = 0u;
    }
  }
  __syncthreads();

  // [snippet:partition_sum_in_shared]
  // The sums without float atomics. Shared-memory atomicAdd on doubles is a compare-and-swap
  // loop on this GPU; when every row used one, ncu counted 9 of 32 threads of a warp active
  // on average (the first version of this pass: 0.66 ms). Instead, slot s belongs to thread
  // s % BlockSize, and only its owner adds to it: each tile's rows are put in order of owner
  // (a counting sort in shared memory, one integer atomic a row, as partition_scatter does
  // by partition), then each owner adds its rows with plain loads and stores.
  __shared__ std::uint32_t owner_rows[BlockSize], owner_start[BlockSize];
  __shared__ std::uint16_t staged_slot[RowsPerThread * BlockSize];  // table_slots <= 65536
  __shared__ double staged_x[RowsPerThread * BlockSize];
  owner_rows[threadIdx.x] = 0;
  __syncthreads();
  // [/snippet:partition_sum_in_shared]
  // [snippet:partition_sum_loop]
  // Tiles of RowsPerThread x BlockSize rows, a thread's rows all loaded before any is used
  // (more bytes in flight). Every thread walks every tile, so after the lookups the block
  // can agree whether the table is full: one barrier that also ORs (no flag in shared
  // memory that one thread polls while another sets it: racecheck calls that a race).
  bool table_full = false;
  for (std::int64_t tile = begin; tile < end; tile += RowsPerThread * BlockSize) {
    record_row row[RowsPerThread];
    std::int64_t slot[RowsPerThread];  // -1: no row (past the end, or the empty mark)
    bool fits = true;
#pragma unroll
    for (int j = 0; j < RowsPerThread; ++j) {
      const std::int64_t i = tile + j * BlockSize + threadIdx.x;
      row[j] = i < end ? load_record(records, i, pieces) : record_row{sparse_table::empty_key, {}};
    }
#pragma unroll
    for (int j = 0; j < RowsPerThread; ++j) {
      slot[j] = -1;
      if (row[j].key == sparse_table::empty_key) continue;  // counted in errors by pass 3
      slot[j] = table.find_or_insert(row[j].key);
      fits = fits && slot[j] >= 0;
    }
    if (__syncthreads_or(!fits)) {  // some thread's key found the table full
      table_full = true;
      break;
    }
    // [/snippet:partition_sum_loop]
    // [snippet:partition_owner_order]
    std::uint32_t rank[RowsPerThread];  // each row's place among its owner's rows
#pragma unroll
    for (int j = 0; j < RowsPerThread; ++j) {
      if (slot[j] >= 0) rank[j] = atomicAdd(&owner_rows[slot[j] % BlockSize], 1u);
    }
    __syncthreads();
    const std::uint32_t owned = owner_rows[threadIdx.x];  // this thread's rows in the tile
    std::uint32_t owned_start = 0;
    block_scan(scan_storage).ExclusiveSum(owned, owned_start);
    owner_start[threadIdx.x] = owned_start;
    __syncthreads();
    std::uint32_t place[RowsPerThread];
#pragma unroll
    for (int j = 0; j < RowsPerThread; ++j) {
      if (slot[j] < 0) continue;
      place[j] = owner_start[slot[j] % BlockSize] + rank[j];
      staged_slot[place[j]] = static_cast<std::uint16_t>(slot[j]);
    }
    // [/snippet:partition_owner_order]
    // [snippet:partition_owner_adds]
#pragma unroll  // to the compile-time maximum: row[j].x[v] stays in registers
    for (int v = 0; v < max_group_values; ++v) {
      if (v >= values) break;  // the same for every thread: the barriers below are safe
#pragma unroll
      for (int j = 0; j < RowsPerThread; ++j) {
        if (slot[j] >= 0) staged_x[place[j]] = row[j].x[v];
      }
      __syncthreads();
      // The owner's rows, which touch its slots only: plain loads and stores.
      for (std::uint32_t r = owned_start; r < owned_start + owned; ++r) {
        const double x = staged_x[r];
        if (x != x) continue;  // missing (pass 3 wrote NaN)
        const int s = staged_slot[r];
        table.sums[v * slots + s] += x;
        ++table.counts[v * slots + s];
      }
      __syncthreads();  // staged_x is written again
    }
    owner_rows[threadIdx.x] = 0;  // the next tile's first barrier comes before its atomics
    // [/snippet:partition_owner_adds]
  }

  if (table_full) {  // the same value for every thread: the barrier gave it to all
    for (std::int64_t i = begin + threadIdx.x; i < end; i += BlockSize) {
      const record_row row = load_record(records, i, pieces);
      if (row.key == sparse_table::empty_key) continue;
      const std::int64_t slot = fallback.find_or_insert(row.key);
      if (slot < 0) {
        atomicAdd(errors, 1u);  // the fallback table is full too: more groups than max_groups
        continue;
      }
#pragma unroll
      for (int v = 0; v < max_group_values; ++v) {
        if (v >= values) break;
        const double x = row.x[v];
        if (x != x) continue;
        atomicAdd(&fallback.sums[v * fallback.capacity + slot], x);
        atomicAdd(&fallback.counts[v * fallback.capacity + slot], 1u);
      }
    }
    if (threadIdx.x == 0) atomicAdd(fallbacks, 1u);
    return;
  }

  // Append the groups: thread t owns slots t, t + BlockSize, ...; a block-wide scan of
  // how many each holds gives its place, one atomicAdd the block's range.
  std::uint32_t held = 0;
  for (std::int64_t s = threadIdx.x; s < slots; s += BlockSize) {
    if (table.keys[s] != sparse_table::empty_key) ++held;
  }
  std::uint32_t offset = 0, block_total = 0;
  block_scan(scan_storage).ExclusiveSum(held, offset, block_total);
  if (threadIdx.x == 0) block_start = atomicAdd(out.group_count, block_total);
  __syncthreads();
  std::int64_t at = static_cast<std::int64_t>(block_start) + offset;
  for (std::int64_t s = threadIdx.x; s < slots; s += BlockSize) {
    if (table.keys[s] == sparse_table::empty_key) continue;
    if (at < max_groups) {  // past max_groups: group_count tells the caller
      out.keys[at] = table.keys[s];
      for (int v = 0; v < values; ++v) {
        const double sum = table.sums[v * slots + s];
        const std::uint32_t count = table.counts[v * slots + s];
        out.sums.sums[v * max_groups + at] = sum;
        out.sums.counts[v * max_groups + at] = count;
        out.sums.means[v * max_groups + at] = count > 0 ? sum / count : nan_value();
      }
    }
    ++at;
  }
}
// [/snippet:partition_aggregate]

// Pass 5: the fallback table's groups appended like sparse_from_table's, and each slot
// read is cleared again, so that the next run finds the table empty without clearing
// all its slots (2M slots for 1M keys: ~0.013 ms, most runs never touch the table).
// When no partition fell back, the table was not touched: every block leaves at once.
template <int BlockSize>
__global__ void fallback_read_out(sparse_table table, const std::uint32_t* fallbacks, std::int64_t max_groups,
                                  int values, sparse_groups_output out) {
  using block_scan = cub::BlockScan<std::uint32_t, BlockSize>;
  __shared__ typename block_scan::TempStorage scan_storage;
  __shared__ std::uint32_t block_start;
  if (*fallbacks == 0) return;
  // The same trip count for every thread of a block: the barriers inside are safe.
  for (std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * BlockSize; base < table.capacity;
       base += static_cast<std::int64_t>(gridDim.x) * BlockSize) {
    const std::int64_t slot = base + threadIdx.x;
    const bool occupied = slot < table.capacity && table.keys[slot] != sparse_table::empty_key;
    std::uint32_t offset = 0, block_total = 0;
    block_scan(scan_storage).ExclusiveSum(occupied ? 1u : 0u, offset, block_total);
    if (threadIdx.x == 0) block_start = atomicAdd(out.group_count, block_total);
    __syncthreads();
    const std::int64_t i = static_cast<std::int64_t>(block_start) + offset;
    if (occupied) {
      if (i < max_groups) {
        out.keys[i] = table.keys[slot];
        for (int v = 0; v < values; ++v) {
          const double sum = table.sums[v * table.capacity + slot];
          const std::uint32_t count = table.counts[v * table.capacity + slot];
          out.sums.sums[v * max_groups + i] = sum;
          out.sums.counts[v * max_groups + i] = count;
          out.sums.means[v * max_groups + i] = count > 0 ? sum / count : nan_value();
        }
      }
      table.keys[slot] = sparse_table::empty_key;  // clear for the next run
      for (int v = 0; v < values; ++v) {
        table.sums[v * table.capacity + slot] = 0.0;
        table.counts[v * table.capacity + slot] = 0u;
      }
    }
    __syncthreads();  // block_start and scan_storage are used again by the next tile
  }
}

}  // namespace gpulab::dataframe::kernels
