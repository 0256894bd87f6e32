// SPDX-License-Identifier: MIT
// Launches of kernels/custom/memory_patterns.cuh (static kernels: this file has its own copy).
#include <cstdint>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/memory_patterns.hpp"
#include "kernels/custom/memory_patterns.cuh"

namespace gpulab::custom {

namespace {

constexpr int block_size = 256;
constexpr int tile = 32;
constexpr int tile_block_rows = 8;  // transposes: blocks of 32 x 8 threads, 4 elements each
constexpr int wide_tile = 64;       // transpose_wide_tile: 64 x 64 tiles, the same 32 x 8 threads, 16 elements each
constexpr int rows_per_block = 64;  // column_sums_tiled: each thread adds 64 rows, then one atomic per column

void require_shape(cuda::std::span<const float> m, int rows, int cols, std::size_t out_size, std::size_t out_expected,
                   const char* what) {
  if (rows < 0 || cols < 0 || m.size() != static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) ||
      out_size != out_expected) {
    throw usage_error(std::string(what) + ": a " + std::to_string(rows) + " x " + std::to_string(cols) +
                      " matrix needs " + std::to_string(static_cast<std::size_t>(rows) * cols) + " elements (got " +
                      std::to_string(m.size()) + ") and " + std::to_string(out_expected) + " outputs (got " +
                      std::to_string(out_size) + ")");
  }
}

bool float4_ready(const float* p, int cols) { return cols % 4 == 0 && is_16_byte_aligned(p); }

}  // namespace

const char* transpose_version_name(transpose_version v) {
  switch (v) {
    case transpose_version::naive: return "transpose_naive";
    case transpose_version::tiled: return "transpose_tiled";
    case transpose_version::tiled_padded: return "transpose_tiled_padded";
    case transpose_version::wide_tile: return "transpose_wide_tile";
  }
  return "?";
}

void row_sums_async(line_sums_version v, cuda::std::span<const float> m, int rows, int cols,
                    cuda::std::span<float> sums, cuda::stream_ref s) {
  require_shape(m, rows, cols, sums.size(), static_cast<std::size_t>(rows), "row sums");
  if (rows == 0) return;
  if (v == line_sums_version::cooperative && float4_ready(m.data(), cols)) {
    GPULAB_CUDA_TRY(cudaMemsetAsync(sums.data(), 0, sums.size_bytes(), s.get()));
    kernels::row_sums_block_per_row<<<rows, block_size, 0, s.get()>>>(reinterpret_cast<const float4*>(m.data()),
                                                                       cols / 4, sums.data());
  } else {
    kernels::row_sums_thread_per_row<<<blocks_for(rows, 128), 128, 0, s.get()>>>(m.data(), rows, cols, sums.data());
  }
  GPULAB_CHECK_LAUNCH();
}

void column_sums_async(line_sums_version v, cuda::std::span<const float> m, int rows, int cols,
                       cuda::std::span<float> sums, cuda::stream_ref s) {
  require_shape(m, rows, cols, sums.size(), static_cast<std::size_t>(cols), "column sums");
  if (cols == 0) return;
  if (v == line_sums_version::cooperative && float4_ready(m.data(), cols)) {
    GPULAB_CUDA_TRY(cudaMemsetAsync(sums.data(), 0, sums.size_bytes(), s.get()));
    const int vectors = cols / 4;
    const dim3 grid(blocks_for(vectors, block_size), static_cast<unsigned>((rows + rows_per_block - 1) / rows_per_block));
    if (rows > 0) {
      kernels::column_sums_tiled<rows_per_block><<<grid, block_size, 0, s.get()>>>(
          reinterpret_cast<const float4*>(m.data()), rows, vectors, sums.data());
    }
  } else {
    kernels::column_sums_thread_per_column<<<blocks_for(cols, 128), 128, 0, s.get()>>>(m.data(), rows, cols,
                                                                                         sums.data());
  }
  GPULAB_CHECK_LAUNCH();
}

void transpose_async(transpose_version v, cuda::std::span<const float> in, int rows, int cols,
                     cuda::std::span<float> out, cuda::stream_ref s) {
  require_shape(in, rows, cols, out.size(), in.size(), "transpose");
  if (rows == 0 || cols == 0) return;
  const dim3 block(tile, tile_block_rows);
  const dim3 grid(blocks_for(cols, tile), blocks_for(rows, tile));
  switch (v) {
    case transpose_version::naive:
      kernels::transpose_naive<tile, tile_block_rows><<<grid, block, 0, s.get()>>>(in.data(), out.data(), rows, cols);
      break;
    case transpose_version::tiled:
      kernels::transpose_tiled<tile, tile_block_rows, 0><<<grid, block, 0, s.get()>>>(in.data(), out.data(), rows, cols);
      break;
    case transpose_version::tiled_padded:
      kernels::transpose_tiled<tile, tile_block_rows, 1><<<grid, block, 0, s.get()>>>(in.data(), out.data(), rows, cols);
      break;
    case transpose_version::wide_tile: {  // the same threads per block, a tile four times as large
      const dim3 wide_grid(blocks_for(cols, wide_tile), blocks_for(rows, wide_tile));
      kernels::transpose_wide_tile<wide_tile, tile_block_rows>
          <<<wide_grid, block, 0, s.get()>>>(in.data(), out.data(), rows, cols);
      break;
    }
  }
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::custom
