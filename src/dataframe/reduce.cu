// SPDX-License-Identifier: MIT
// Launches of kernels/dataframe/reduce.cuh, and the CPU version of the same pass.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/reduce.hpp"
#include "kernels/dataframe/reduce.cuh"

namespace gpulab::dataframe {

namespace {
constexpr int block_size = 256;
}  // namespace

stats_workspace::stats_workspace(cuda::stream_ref s)
    : partials_(max_blocks, s), result_(1, s), blocks_done_(1, s) {
  blocks_done_.fill_bytes_async(0, s);
}

template <class T>
void column_stats_async(column_view<T> x, double centre, stats_workspace& work, cuda::stream_ref s) {
  // Enough blocks to fill the GPU once (a grid-stride loop), at most one per partial.
  const unsigned grid = std::min(occupancy_grid_size(kernels::column_stats_kernel<T>, block_size),
                                 stats_workspace::max_blocks);
  kernels::column_stats_kernel<T><<<grid, block_size, 0, s.get()>>>(x, centre, work.partials(), work.blocks_done(),
                                                                    work.result());
  GPULAB_CHECK_LAUNCH();
}

template <class T>
column_stats column_stats_cpu(column_view<T> x, double centre) {
  // Each thread sums a contiguous share; the shares are merged in thread order.
  std::vector<column_stats> partial(static_cast<std::size_t>(omp_get_max_threads()));
#pragma omp parallel
  {
    column_stats mine;
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < x.size; ++i) {
      if (x.present(i, x.data[i])) mine.add(static_cast<double>(x.data[i]), centre);
    }
    partial[static_cast<std::size_t>(omp_get_thread_num())] = mine;
  }
  column_stats all;
  for (const column_stats& p : partial) all.merge(p);
  return all;
}

column_stats read_stats(const stats_workspace& work, cuda::stream_ref s) {
  column_stats out;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&out, work.result_buffer().data(), sizeof out, cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return out;
}

double sample_std(const column_stats& around_mean) {
  if (around_mean.count < 2) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(around_mean.squared_deviations / static_cast<double>(around_mean.count - 1));
}

#define GPULAB_DATAFRAME_STATS(T)                                                                           \
  template void column_stats_async<T>(column_view<T>, double, stats_workspace&, cuda::stream_ref); \
  template column_stats column_stats_cpu<T>(column_view<T>, double);
GPULAB_DATAFRAME_STATS(double)
GPULAB_DATAFRAME_STATS(float)
GPULAB_DATAFRAME_STATS(std::int64_t)
GPULAB_DATAFRAME_STATS(std::int32_t)
#undef GPULAB_DATAFRAME_STATS

}  // namespace gpulab::dataframe
