// SPDX-License-Identifier: MIT
// Reductions of one column (pandas' count, sum, mean, min, max, std), missing
// values skipped, in two flavours of one pass:
//  - column_sum: count and sum, all that count, sum and mean need (pandas' mean);
//  - column_stats: count, sum, min, max and the sum of squared deviations from a
//    given centre; std takes a second pass centred on the mean (two passes: no
//    cancellation, unlike sum(x^2) - n mean^2).
// Both run through one kernel (kernels/dataframe/reduce.cuh): what a pass keeps
// per value is its cost once the loads are fast (docs/perf-notes.md, session 29).
#pragma once

#include <cmath>
#include <cstdint>
#include <cuda/stream_ref>

#include "gpulab/core/host_device.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

// [snippet:column_sum]
struct column_sum {
  double sum = 0;
  unsigned long long count = 0;  // values present

  GPULAB_HOST_DEVICE void add(double x, double /*centre: a sum has none*/) {
    sum += x;
    ++count;
  }
  GPULAB_HOST_DEVICE void merge(const column_sum& o) {
    sum += o.sum;
    count += o.count;
  }
};
// [/snippet:column_sum]

struct column_stats {
  double sum = 0;
  double squared_deviations = 0;  // sum of (x - centre)^2
  double min = INFINITY;          // +inf and -inf while no value was seen
  double max = -INFINITY;
  unsigned long long count = 0;   // values present

  GPULAB_HOST_DEVICE void add(double x, double centre) {
    sum += x;
    const double d = x - centre;
    squared_deviations += d * d;
    min = x < min ? x : min;
    max = x > max ? x : max;
    ++count;
  }
  GPULAB_HOST_DEVICE void merge(const column_stats& o) {
    sum += o.sum;
    squared_deviations += o.squared_deviations;
    min = o.min < min ? o.min : min;
    max = o.max > max ? o.max : max;
    count += o.count;
  }
};

// The GPU's scratch for a pass that keeps `Stats` (column_sum or column_stats): one
// partial per block and the counter that finds the last block, which combines them
// (one kernel, no second launch). Made once, used every run.
template <class Stats>
class reduce_workspace {
 public:
  explicit reduce_workspace(cuda::stream_ref s) : partials_(max_blocks, s), result_(1, s), blocks_done_(1, s) {
    blocks_done_.fill_bytes_async(0, s);
  }
  [[nodiscard]] Stats* result() noexcept { return result_.data(); }
  [[nodiscard]] const device_buffer<Stats>& result_buffer() const noexcept { return result_; }
  Stats* partials() noexcept { return partials_.data(); }
  unsigned* blocks_done() noexcept { return blocks_done_.data(); }
  static constexpr unsigned max_blocks = 2048;

 private:
  device_buffer<Stats> partials_, result_;
  device_buffer<unsigned> blocks_done_;  // zero between launches: the last block resets it
};
using sum_workspace = reduce_workspace<column_sum>;
using stats_workspace = reduce_workspace<column_stats>;

// *work.result() = the count and sum of x, queued on s.
template <class T>
void column_sum_async(column_view<T> x, sum_workspace& work, cuda::stream_ref s);
// *work.result() = the stats of x around `centre`, queued on s.
template <class T>
void column_stats_async(column_view<T> x, double centre, stats_workspace& work, cuda::stream_ref s);
// The same on the CPU (OpenMP over every core).
template <class T>
column_sum column_sum_cpu(column_view<T> x);
template <class T>
column_stats column_stats_cpu(column_view<T> x, double centre);

// Reads the GPU's result (waits for s).
column_sum read_sum(const sum_workspace& work, cuda::stream_ref s);
column_stats read_stats(const stats_workspace& work, cuda::stream_ref s);

// pandas' std: sqrt(squared deviations from the mean / (count - 1)); NaN for fewer than 2 values.
double sample_std(const column_stats& around_mean);

}  // namespace gpulab::dataframe
