// SPDX-License-Identifier: MIT
// Private to src/ml: the Gram matrix Z^T Z of a tall, narrow matrix (1M rows, 64
// columns): the normal equations' X^T X, PCA's covariance, Newton's Hessian.
//
// Why not one SYRK (or GEMM) with k = 1M: its output is one 64 x 64 tile, so the
// library gets a handful of thread blocks for the whole product (SYRK at 1M x 64
// measured 85 ms on an H200, 2026-12-03, where the bytes take 0.06 ms). Cutting the
// rows into chunks gives one independent product per chunk, a batched GEMM spreads
// them over every SM, and a last pass adds the partial Grams. The sums get better
// too: each float sum runs over one chunk, and the chunks are added in double.
#pragma once

#include <cstddef>
#include <cstdint>

#include "gpulab/linalg/blas.hpp"

namespace gpulab::ml::detail {

// Rows of Z per chunk: 1M rows make 256 products, about two per SM of an H200.
inline constexpr std::int64_t gram_chunk_rows = 4096;

// Floats of workspace that gram_async needs for a rows x columns Z.
std::size_t gram_workspace_floats(std::int64_t rows, int columns);

// out = alpha Z^T Z: the lower triangle, zeros above it, leading dimension ld.
// Z is column-major, rows x columns, leading dimension rows (rows <= 2^31 - 1).
// Enqueued on the cuBLAS handle's stream.
void gram_async(linalg::blas_handle& blas, const float* z, std::int64_t rows, int columns, float alpha, float* out,
                int ld, float* workspace);

}  // namespace gpulab::ml::detail
