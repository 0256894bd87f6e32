// SPDX-License-Identifier: MIT
#include "gpulab/bench/ceilings.hpp"
#include "gpulab/bench/runner.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/bandwidth_kernels.cuh"
#include "gpulab/core/error.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"

namespace gpulab {

memory_ceilings measure_memory_ceilings(cuda::stream_ref s, std::size_t bytes) {
  constexpr int block_size = 256, vectors_per_thread = 4;
  bytes = bytes / 16 * 16;  // whole 16-byte vectors
  memory_ceilings c;
  c.bytes = bytes;
  if (bytes == 0) return c;
  device_buffer<unsigned char> source(bytes, s);
  device_buffer<unsigned char> target(bytes, s);
  device_buffer<int> sink(1, s);
  source.fill_bytes_async(0x5A, s);  // every word 0x5A5A5A5A: the XOR of four words is 0, never -1
  const auto n_vectors = static_cast<std::int64_t>(bytes / 16);
  const auto tile = static_cast<std::int64_t>(block_size) * vectors_per_thread;
  const auto blocks = static_cast<unsigned>((n_vectors + tile - 1) / tile);
  const auto gbs = [](double moved, const std::vector<double>& times_ms) {
    return moved / (summarize(times_ms).median_ms * 1e-3) / 1e9;
  };
  c.copy_gbs = measure_device_copy_bandwidth(s, bytes);  // the same measurement as the report's peak
  const auto* in = reinterpret_cast<const int4*>(source.data());
  c.read_gbs = gbs(static_cast<double>(bytes), time_on_stream(s, 3, 10, [&] {
                     read_tiled_vectorized<vectors_per_thread><<<blocks, block_size, 0, s.get()>>>(in, n_vectors, -1,
                                                                                                    sink.data());
                     GPULAB_CHECK_LAUNCH();
                   }));
  auto* out = reinterpret_cast<int4*>(target.data());
  c.write_gbs = gbs(static_cast<double>(bytes), time_on_stream(s, 3, 10, [&] {
                      write_tiled_vectorized<vectors_per_thread><<<blocks, block_size, 0, s.get()>>>(
                          out, n_vectors, int4{1, 2, 3, 4});
                      GPULAB_CHECK_LAUNCH();
                    }));
  return c;
}

}  // namespace gpulab
