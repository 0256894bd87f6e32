// SPDX-License-Identifier: MIT
// Module 5 `custom`: memory access patterns (kernels/custom/memory_patterns.cuh) -
// row and column sums of a row-major matrix, and transposes.
#pragma once

#include <cuda/std/span>
#include <cuda/stream_ref>

namespace gpulab::custom {

enum class line_sums_version {
  thread_per_line,  // the course's: one thread per row (uncoalesced) or per column (coalesced)
  cooperative,      // many threads per line: a block per row; float4 column strips for columns
};
// sums[r] = sum of row r / sums[c] = sum of column c, of a row-major rows x cols matrix.
// The cooperative versions need cols % 4 == 0 and 16-byte alignment; otherwise they
// fall back to thread_per_line.
void row_sums_async(line_sums_version v, cuda::std::span<const float> m, int rows, int cols,
                    cuda::std::span<float> sums, cuda::stream_ref s);
void column_sums_async(line_sums_version v, cuda::std::span<const float> m, int rows, int cols,
                       cuda::std::span<float> sums, cuda::stream_ref s);

// wide_tile: a 64 x 65 padded tile, 16 floats per thread (4 in the 32 x 33 one).
enum class transpose_version { naive, tiled, tiled_padded, wide_tile };
const char* transpose_version_name(transpose_version v);
// out (cols x rows) = in (rows x cols) transposed, both row-major.
void transpose_async(transpose_version v, cuda::std::span<const float> in, int rows, int cols,
                     cuda::std::span<float> out, cuda::stream_ref s);

}  // namespace gpulab::custom
