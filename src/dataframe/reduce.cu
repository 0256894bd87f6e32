// SPDX-License-Identifier: MIT
// Launches of kernels/dataframe/reduce.cuh, and the CPU version of the same passes.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/reduce.hpp"
#include "kernels/dataframe/reduce.cuh"

namespace gpulab::dataframe {

namespace {
constexpr int block_size = 256;

// Enough blocks to fill the GPU once (a grid-stride loop), at most one per partial.
template <class T, class Stats>
void column_reduce_async(column_view<T> x, double centre, reduce_workspace<Stats>& work, cuda::stream_ref s) {
  // The kernel reads 16-byte vectors: every column of the kit starts 256-byte aligned
  // (cudaMallocAsync), a view into the middle of a buffer may not.
  if (!is_16_byte_aligned(x.data)) throw usage_error("column reduction: the column's data must be 16-byte aligned");
  const auto kernel = kernels::column_reduce_kernel<T, Stats>;
  const unsigned grid = std::min(occupancy_grid_size(kernel, block_size), reduce_workspace<Stats>::max_blocks);
  kernel<<<grid, block_size, 0, s.get()>>>(x, centre, work.partials(), work.blocks_done(), work.result());
  GPULAB_CHECK_LAUNCH();
}

// Each thread reduces a contiguous share; the shares are merged in thread order.
template <class T, class Stats>
Stats column_reduce_cpu(column_view<T> x, double centre) {
  std::vector<Stats> partial(static_cast<std::size_t>(omp_get_max_threads()));
#pragma omp parallel
  {
    Stats mine;
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < x.size; ++i) {
      if (x.present(i, x.data[i])) mine.add(static_cast<double>(x.data[i]), centre);
    }
    partial[static_cast<std::size_t>(omp_get_thread_num())] = mine;
  }
  Stats all;
  for (const Stats& p : partial) all.merge(p);
  return all;
}

template <class Stats>
Stats read_result(const reduce_workspace<Stats>& work, cuda::stream_ref s) {
  return download(work.result_buffer(), s).front();
}

}  // namespace

template <class T>
void column_sum_async(column_view<T> x, sum_workspace& work, cuda::stream_ref s) {
  column_reduce_async(x, 0.0, work, s);
}
template <class T>
void column_stats_async(column_view<T> x, double centre, stats_workspace& work, cuda::stream_ref s) {
  column_reduce_async(x, centre, work, s);
}
template <class T>
column_sum column_sum_cpu(column_view<T> x) {
  return column_reduce_cpu<T, column_sum>(x, 0.0);
}
template <class T>
column_stats column_stats_cpu(column_view<T> x, double centre) {
  return column_reduce_cpu<T, column_stats>(x, centre);
}
column_sum read_sum(const sum_workspace& work, cuda::stream_ref s) { return read_result(work, s); }
column_stats read_stats(const stats_workspace& work, cuda::stream_ref s) { return read_result(work, s); }

double sample_std(const column_stats& around_mean) {
  if (around_mean.count < 2) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(around_mean.squared_deviations / static_cast<double>(around_mean.count - 1));
}

#define GPULAB_DATAFRAME_STATS(T)                                                                  \
  template void column_sum_async<T>(column_view<T>, sum_workspace&, cuda::stream_ref);             \
  template void column_stats_async<T>(column_view<T>, double, stats_workspace&, cuda::stream_ref); \
  template column_sum column_sum_cpu<T>(column_view<T>);                                           \
  template column_stats column_stats_cpu<T>(column_view<T>, double);
GPULAB_DATAFRAME_STATS(double)
GPULAB_DATAFRAME_STATS(float)
GPULAB_DATAFRAME_STATS(std::int64_t)
GPULAB_DATAFRAME_STATS(std::int32_t)
#undef GPULAB_DATAFRAME_STATS

}  // namespace gpulab::dataframe
