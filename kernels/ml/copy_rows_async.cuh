// SPDX-License-Identifier: MIT
// A tile of matrix rows into shared memory by cp.async, 16 bytes a copy, with no
// registers in between: what the register-tiled k-means kernels and the TF32 kNN
// filter stream their data through.
#pragma once

#include <cuda_pipeline.h>

#include <cstdint>

namespace gpulab::ml::kernels {

// Rows first .. first + Rows - 1 of the row-major matrix x (d floats a row, d % 4 == 0,
// 16-byte aligned) into `to`, each row `stride` floats apart (a multiple of 4); rows at
// or past `end` are zero-filled (no bytes read; their source is x itself, so that no
// address past the data is used: compute-sanitizer checks it). Columns d .. stride - 1
// are never written. Not committed: the caller commits, after any copies of its own.
//
// The tile's rows are contiguous in x: piece e (e = threadIdx.x, + Threads, ...) is the
// 16 bytes 4 e floats past the first row, and goes to row e / (d / 4), column
// 4 (e % (d / 4)). Row and column are stepped, not divided, and the destination advances
// by constants: in the TF32 kNN filter, a loop that recomputed both 64-bit addresses from
// the row and column was a third of the pass's instructions (ncu, H200).
template <int Threads, int Rows>
__device__ __forceinline__ void copy_rows_async(float* to, int stride, const float* x, std::int64_t first,
                                                std::int64_t end, int d) {
  const int pieces_a_row = d / 4;
  const int rows_here = end - first < Rows ? static_cast<int>(end - first) : Rows;
  const int row_step = Threads / pieces_a_row, piece_step = Threads % pieces_a_row;
  int row = static_cast<int>(threadIdx.x) / pieces_a_row, piece = static_cast<int>(threadIdx.x) % pieces_a_row;
  const float4* tile_start = reinterpret_cast<const float4*>(x + first * d);
  int from = static_cast<int>(threadIdx.x);  // the piece's index: a pointer is formed only for a row here
  float* place = to + row * stride + 4 * piece;
  while (row < Rows) {
    const bool here = row < rows_here;
    __pipeline_memcpy_async(place, here ? tile_start + from : reinterpret_cast<const float4*>(x), 16, here ? 0 : 16);
    from += Threads;
    row += row_step;
    piece += piece_step;
    place += row_step * stride + 4 * piece_step;
    if (piece >= pieces_a_row) {  // past the row's last piece: the next row's first ones
      piece -= pieces_a_row;
      ++row;
      place += stride - 4 * pieces_a_row;
    }
  }
}

}  // namespace gpulab::ml::kernels
