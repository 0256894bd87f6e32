// SPDX-License-Identifier: MIT
// Group sums on dense keys, privatized one step further than group_sums_privatized
// (groupby.cuh): each thread keeps its (value, group) sums and counts in registers.
//
// Why: the shared-memory version adds a row with a load and a store of its slot's sum and
// of its count, four shared-memory accesses a row beside the row's own loads. Registers
// cost none. But a register cannot be indexed at run time, so a row cannot be added to
// "group c": it visits every group, sum[g] += (g == c ? x : 0). The number of groups is a
// template parameter, the work a row grows with it, and so do the registers: one value
// column a launch (the host launches one per column), at most 8 groups. This pays for a
// few groups, such as the course's groupby (1 value x 5 labels); for the pivot table's 3
// columns the codes are read 3 times.
//
// Measured (.gpu/groupby_ab.cu, 20M rows, 5 labels, % of the 1 GiB read ceiling, one run
// each): on the H200 the shared-memory version 75.2%, this one 81.1%; on an H100 80.6-80.9%
// and 83.4-84.1%.
#pragma once

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "kernels/dataframe/groupby.cuh"

namespace gpulab::dataframe::kernels {

// [snippet:group_sums_registers]
// One value column (values.count == 1); sums[g], counts[g] for g < Groups. Launched as
// group_sums_privatized is: after zero_group_sums (or the previous column's launch), before
// group_means, with launch_dependent.
template <int BlockSize, int Groups>
__global__ void __launch_bounds__(BlockSize, 1024 / BlockSize)
    group_sums_registers(column_view<std::int32_t> codes, group_values values, double* sums,
                         std::uint32_t* counts) {
  let_next_grid_launch();  // the next launch may be placed on the SMs now (it waits for us)
  double sum[Groups] = {};
  std::uint32_t count[Groups] = {};
  for_each_row<1>(codes, values, [&](std::int64_t i, std::int32_t c, const double* x) {
    if (!dense_key(codes, Groups, i, c) || !values.column[0].present(i, x[0])) return;
#pragma unroll  // every group, a compile-time index each: the arrays stay in registers
    for (int g = 0; g < Groups; ++g) {
      const bool mine = g == c;
      sum[g] += mine ? x[0] : 0.0;
      count[g] += mine ? 1u : 0u;
    }
  });
  // [/snippet:group_sums_registers]
  // [snippet:group_sums_registers_merge]
  // Merge: a warp's 32 copies by shuffles, then the block's warps through shared memory;
  // one atomic per group per block, once the launch before has finished (the zeroing,
  // or the previous column: its writes are to other groups' slots, so only the zeroing matters).
  // Not gpulab::add_block_sum once per group: it sums one value, and its shared slots are
  // reused, so each call needs its barrier; 5 groups cost 15 barriers where this costs one,
  // and on an H100 the case ran 6% slower that way (0.0901 ms against 0.0845, one run).
  constexpr int warps = BlockSize / 32;
  __shared__ double warp_sums[warps][Groups];
  __shared__ std::uint32_t warp_counts[warps][Groups];
  const int lane = static_cast<int>(threadIdx.x % 32), warp = static_cast<int>(threadIdx.x / 32);
#pragma unroll
  for (int g = 0; g < Groups; ++g) {
    for (int offset = 16; offset > 0; offset /= 2) {
      sum[g] += __shfl_down_sync(0xffffffffu, sum[g], offset);
      count[g] += __shfl_down_sync(0xffffffffu, count[g], offset);
    }
    if (lane == 0) {
      warp_sums[warp][g] = sum[g];
      warp_counts[warp][g] = count[g];
    }
  }
  __syncthreads();
  wait_for_prior_grid();
  for (int g = static_cast<int>(threadIdx.x); g < Groups; g += BlockSize) {
    double block_sum = 0;
    std::uint32_t block_count = 0;
    for (int w = 0; w < warps; ++w) {
      block_sum += warp_sums[w][g];
      block_count += warp_counts[w][g];
    }
    if (block_count > 0) {
      atomicAdd(&sums[g], block_sum);
      atomicAdd(&counts[g], block_count);
    }
  }
  // [/snippet:group_sums_registers_merge]
}

}  // namespace gpulab::dataframe::kernels
