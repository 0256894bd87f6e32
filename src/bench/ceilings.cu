// SPDX-License-Identifier: MIT
#include <algorithm>
#include <memory>

#include "gpulab/bench/ceilings.hpp"
#include "gpulab/bench/runner.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/bandwidth_kernels.cuh"
#include "gpulab/core/error.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"

namespace gpulab {
namespace {

// The read and write ceilings are measured in memory from cudaMalloc, not from the
// stream-ordered pool the cases use. Measured on the H200 (docs/perf-notes.md, "The read
// ceiling and the stream-ordered pool"): a pool block recycled from earlier frees read at
// 4000-4180 GB/s where a fresh cudaMalloc block read at 4530-4630, and cases in pool memory
// then beat the "ceiling" (row_sums_block_per_row at 105.5%). A ceiling is the most the
// memory gives, so it is measured where the memory gives the most.
struct cuda_free {
  void operator()(void* p) const noexcept { cudaFree(p); }
};
using fresh_allocation = std::unique_ptr<void, cuda_free>;

fresh_allocation allocate_fresh(std::size_t bytes) {
  void* p = nullptr;
  detail::throw_if_allocation_failed(cudaMalloc(&p, bytes), bytes, "a ceiling buffer", "cudaMalloc", __FILE__,
                                     __LINE__);
  return fresh_allocation(p);
}

}  // namespace

memory_ceilings measure_memory_ceilings(cuda::stream_ref s, std::size_t bytes) {
  constexpr int block_size = 256, vectors_per_thread = 4, rounds = 2;
  bytes = bytes / 16 * 16;  // whole 16-byte vectors
  memory_ceilings c;
  c.bytes = bytes;
  if (bytes == 0) return c;
  c.copy_gbs = measure_device_copy_bandwidth(s, bytes);  // the same measurement as the report's peak
  const fresh_allocation source = allocate_fresh(bytes);
  const fresh_allocation target = allocate_fresh(bytes);
  device_buffer<int> sink(1, s);
  // every word 0x5A5A5A5A: the XOR of four words is 0, never -1, so the read kernel never writes
  GPULAB_CUDA_TRY(cudaMemsetAsync(source.get(), 0x5A, bytes, s.get()));
  const auto n_vectors = static_cast<std::int64_t>(bytes / 16);
  const auto tile = static_cast<std::int64_t>(block_size) * vectors_per_thread;
  const auto blocks = static_cast<unsigned>((n_vectors + tile - 1) / tile);
  const auto gbs = [&](const std::vector<double>& times_ms) {
    return static_cast<double>(bytes) / (summarize(times_ms).median_ms * 1e-3) / 1e9;
  };
  const auto* in = static_cast<const int4*>(source.get());
  auto* out = static_cast<int4*>(target.get());
  // Best of two rounds, each the median of 10 after 3 warm-ups: one slow round (another
  // process, a clock still rising) does not set the ceiling.
  for (int round = 0; round < rounds; ++round) {
    c.read_gbs = std::max(c.read_gbs, gbs(time_on_stream(s, 3, 10, [&] {
      read_tiled_vectorized<vectors_per_thread><<<blocks, block_size, 0, s.get()>>>(in, n_vectors, -1, sink.data());
      GPULAB_CHECK_LAUNCH();
    })));
    c.write_gbs = std::max(c.write_gbs, gbs(time_on_stream(s, 3, 10, [&] {
      write_tiled_vectorized<vectors_per_thread><<<blocks, block_size, 0, s.get()>>>(out, n_vectors,
                                                                                    int4{1, 2, 3, 4});
      GPULAB_CHECK_LAUNCH();
    })));
  }
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));  // before the fresh buffers are freed
  return c;
}

}  // namespace gpulab
