// SPDX-License-Identifier: MIT
#include "gpulab/bench/l2_flush.hpp"
#include "gpulab/core/bandwidth_kernels.cuh"
#include "gpulab/core/error.hpp"

namespace gpulab {
namespace {
constexpr int block_size = 256, vectors_per_thread = 4;
}  // namespace

l2_flusher::l2_flusher(std::size_t bytes_of_l2, cuda::stream_ref s)
    : buffer_(2 * bytes_of_l2 / 16 * 16, s), sink_(bytes_of_l2 > 0 ? 1 : 0, s) {
  // Filled once so that the reads see written memory; 0x5A: the XOR the read kernel
  // folds is 0, never the -1 that would make it write the sink.
  if (buffer_.size() > 0) buffer_.fill_bytes_async(0x5A, s);
}

void l2_flusher::flush(cuda::stream_ref s) {
  if (buffer_.size() == 0) return;
  const auto n_vectors = static_cast<std::int64_t>(buffer_.size() / 16);
  const auto tile = static_cast<std::int64_t>(block_size) * vectors_per_thread;
  const auto blocks = static_cast<unsigned>((n_vectors + tile - 1) / tile);
  read_tiled_vectorized<vectors_per_thread><<<blocks, block_size, 0, s.get()>>>(
      reinterpret_cast<const int4*>(buffer_.data()), n_vectors, -1, sink_.data());
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab
