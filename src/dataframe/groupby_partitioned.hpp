// SPDX-License-Identifier: MIT
// The partitioned group sums' host side (groupby_partitioned.cu), for groupby.cu:
// the workspace's extra buffers and the run. Kernels: kernels/dataframe/partitioned_groupby.cuh.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <span>

#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/groupby.hpp"

namespace gpulab::dataframe::detail {

// Passes 1 and 3 run two 512-thread blocks per SM at most (groupby_partitioned.cu says
// why), and fewer for few rows (at least 4096 rows a block). The most there can be, for
// bytes_needed (which must answer without a device):
inline constexpr int max_partition_pass_blocks = 1024;
int partition_pass_blocks(std::int64_t rows);

// The device bytes of the partitioned version's own buffers, at most.
std::size_t partitioned_bytes_needed(std::int64_t rows, std::int64_t max_groups, int values);

// Makes work's partition buffers and clears its fallback table (already allocated
// as the hash version's table, work.hash_capacity() slots).
void prepare_partitioned_workspace(groupby_workspace& work, cuda::stream_ref s);

// The run: checked by group_sums_sparse_async before it comes here.
void group_sums_partitioned_async(column_view<std::int64_t> keys, std::span<const column_view<double>> values,
                                  const sparse_groups_output& out, groupby_workspace& work, cuda::stream_ref s);

}  // namespace gpulab::dataframe::detail
