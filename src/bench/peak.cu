// SPDX-License-Identifier: MIT
#include <algorithm>

#include "gpulab/bench/runner.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"

namespace gpulab {

double measure_device_copy_bandwidth(cuda::stream_ref s, std::size_t bytes) {
  device_buffer<unsigned char> source(bytes, s);
  device_buffer<unsigned char> target(bytes, s);
  source.fill_bytes_async(0x5A, s);
  const auto times = time_on_stream(s, 3, 10, [&] {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(target.data(), source.data(), bytes, cudaMemcpyDeviceToDevice, s.get()));
  });
  const double median_ms = summarize(times).median_ms;
  return 2.0 * static_cast<double>(bytes) / (median_ms * 1e-3) / 1e9;  // read + write
}

}  // namespace gpulab
