// SPDX-License-Identifier: MIT
// The chunked Gram matrix: one batched GEMM over row chunks, then a sum in double
// (why: src/ml/gram.hpp).
#include "gram.hpp"

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/linalg/layout.hpp"
#include "kernels/ml/gram.cuh"

namespace gpulab::ml::detail {

std::size_t gram_workspace_floats(std::int64_t rows, int columns) {
  const std::int64_t chunks = (rows + gram_chunk_rows - 1) / gram_chunk_rows;
  return static_cast<std::size_t>(chunks) * static_cast<std::size_t>(columns) * static_cast<std::size_t>(columns);
}

void gram_async(linalg::blas_handle& blas, const float* z, std::int64_t rows, int columns, float alpha, float* out,
                int ld, float* workspace) {
  const int c = columns, ld_z = static_cast<int>(rows), chunk = static_cast<int>(gram_chunk_rows);
  const std::int64_t full = rows / gram_chunk_rows;
  const int rest = static_cast<int>(rows % gram_chunk_rows);
  const long long gram_floats = static_cast<long long>(c) * c;
  // [snippet:chunked_gram]
  // Chunk p is rows [p * chunk, (p + 1) * chunk) of Z; its transpose is the same
  // memory read row-major. Partial p = chunk^T chunk, c x c, at workspace + p c^2.
  if (full > 0) {
    linalg::gemm_strided_batched_async<float>(blas, 1.0f, linalg::row_major<const float>(z, c, chunk, ld_z), chunk,
                                              linalg::column_major<const float>(z, chunk, c, ld_z), chunk, 0.0f,
                                              linalg::column_major<float>(workspace, c, c, c), gram_floats,
                                              static_cast<int>(full));
  }
  if (rest > 0) {  // the last, shorter chunk
    const float* tail = z + full * gram_chunk_rows;
    linalg::gemm_async<float>(blas, 1.0f, linalg::row_major<const float>(tail, c, rest, ld_z),
                              linalg::column_major<const float>(tail, rest, c, ld_z), 0.0f,
                              linalg::column_major<float>(workspace + full * gram_floats, c, c, c));
  }
  const int count = static_cast<int>(full) + (rest > 0 ? 1 : 0);
  constexpr unsigned block = 256;
  kernels::sum_partial_grams<<<blocks_for(gram_floats, block), block, 0, blas.stream().get()>>>(workspace, count, c,
                                                                                               alpha, out, ld);
  // [/snippet:chunked_gram]
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::ml::detail
