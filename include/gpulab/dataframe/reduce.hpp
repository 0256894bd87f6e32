// SPDX-License-Identifier: MIT
// Reductions of one column (pandas' count, sum, mean, min, max, std), missing
// values skipped: one pass gives count, sum, min, max and the sum of squared
// deviations from a given centre; std takes a second pass centred on the mean
// (two passes: no cancellation, unlike sum(x^2) - n mean^2).
#pragma once

#include <cmath>
#include <cstdint>
#include <cuda/stream_ref>

#include "gpulab/core/host_device.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

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

// The GPU's scratch: one partial per block and the counter that finds the last
// block, which combines them (one kernel, no second launch). Made once, used every run.
class stats_workspace {
 public:
  explicit stats_workspace(cuda::stream_ref s);
  [[nodiscard]] column_stats* result() noexcept { return result_.data(); }
  [[nodiscard]] const device_buffer<column_stats>& result_buffer() const noexcept { return result_; }
  column_stats* partials() noexcept { return partials_.data(); }
  unsigned* blocks_done() noexcept { return blocks_done_.data(); }
  static constexpr unsigned max_blocks = 2048;

 private:
  device_buffer<column_stats> partials_, result_;
  device_buffer<unsigned> blocks_done_;  // zero between launches: the last block resets it
};

// *work.result() = the stats of x around `centre`, queued on s.
template <class T>
void column_stats_async(column_view<T> x, double centre, stats_workspace& work, cuda::stream_ref s);
// The same on the CPU (OpenMP over every core).
template <class T>
column_stats column_stats_cpu(column_view<T> x, double centre);

// Reads the GPU's result (waits for s).
column_stats read_stats(const stats_workspace& work, cuda::stream_ref s);

// pandas' std: sqrt(squared deviations from the mean / (count - 1)); NaN for fewer than 2 values.
double sample_std(const column_stats& around_mean);

}  // namespace gpulab::dataframe
