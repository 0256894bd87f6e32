// SPDX-License-Identifier: MIT
// Where k-means' split_tf32 kernel (kernels/ml/kmeans_wgmma.cuh) keeps things in shared
// memory, and which feature each k-step of its product takes: plain functions that both
// sides use, the kernel to write its operands, the host tests (tests/ml/kmeans_wgmma_layout_test.cpp)
// to check them against the rule by which wgmma reads a K-major operand with the 128-byte
// swizzle (kernels/ml/wgmma_tf32.cuh).
//
// The features' order. A product sums over the features in any order both operands share.
// Thread 4 g + t of a warp holds columns t and t + 4 of each k-step of its rows (wgmma's A
// fragments), so k-step s, column kk is feature 16 (s / 2) + 4 (kk % 4) + 2 (s % 2) + kk / 4:
// over the k-steps a thread's values are features 16 p + 4 t .. 16 p + 4 t + 3, whole float4s
// it loads from the row in global memory (component 2 (s % 2) + kk / 4 of float4 p = s / 2).
//
// The centroids (B): -2 c as TF32, K-major, 128-byte swizzle: a block of 64 centroids x 32
// positions (4 k-steps of 8), 128 bytes a centroid, 8 KB; centroids past 64 in further chunks,
// features past 32 in a second block. Position 8 (s % 4) + kk of centroid c's row, 16-byte
// chunk (position / 4) stored at chunk ^ (c % 8).
#pragma once

#include "gpulab/core/host_device.hpp"

namespace gpulab::ml {

inline constexpr int wgmma_kmeans_tile_rows = 64;     // points a warpgroup's tile (wgmma's M)
inline constexpr int wgmma_kmeans_chunk = 64;         // centroids a wgmma (N)
inline constexpr int wgmma_kmeans_max_d = 64;         // two blocks of 32 features
inline constexpr int wgmma_kmeans_max_threads = 256;  // two warpgroups a block at most
inline constexpr int wgmma_kmeans_block_bytes = wgmma_kmeans_chunk * 128;  // 64 centroids x 32 TF32

// k-step s, column kk of the product: which feature.
GPULAB_HOST_DEVICE constexpr int kmeans_wgmma_feature(int s, int kk) {
  return 16 * (s / 2) + 4 * (kk % 4) + 2 * (s % 2) + kk / 4;
}
// The k-steps for d features: 2, 4 or 8 (an even count: a thread's values are whole float4s).
GPULAB_HOST_DEVICE constexpr int kmeans_wgmma_k_steps(int d) { return d <= 16 ? 2 : d <= 32 ? 4 : 8; }

// Where k-step s starts inside a chunk's B operand: feature block s / 4, + 32 bytes a step
// inside its 128-byte rows (the descriptor's start address; the swizzle is the hardware's).
GPULAB_HOST_DEVICE constexpr int kmeans_wgmma_k_step_offset(int s) {
  return (s / 4) * wgmma_kmeans_block_bytes + (s % 4) * 32;
}
// The byte offset in B of centroid c's value at `position` (k-step position / 8, column
// position % 8), with `feature_blocks` blocks of 32 positions a chunk.
GPULAB_HOST_DEVICE constexpr int kmeans_wgmma_b_offset(int c, int position, int feature_blocks) {
  const int row = c % wgmma_kmeans_chunk, in_row = position % 32;
  const int block = c / wgmma_kmeans_chunk * feature_blocks + position / 32;
  return (block * wgmma_kmeans_chunk + row) * 128 + (((in_row / 4) ^ (row % 8)) << 4) + 4 * (in_row % 4);
}

// Shared memory, in bytes from a 1024-byte boundary: B hi and B lo ([chunk][feature block]
// [64 centroids][128 B]), |c|^2 (+infinity past k), the exact centroids (row-major, for the
// inertia), then each warp's sums (k x d floats) and counts (k), rounded to 16 bytes.
struct kmeans_wgmma_layout {
  int k, d, warps;
  GPULAB_HOST_DEVICE int chunks() const { return (k + wgmma_kmeans_chunk - 1) / wgmma_kmeans_chunk; }
  GPULAB_HOST_DEVICE int feature_blocks() const { return d <= 32 ? 1 : 2; }
  GPULAB_HOST_DEVICE int operand_bytes() const { return chunks() * feature_blocks() * wgmma_kmeans_block_bytes; }
  GPULAB_HOST_DEVICE int b_hi() const { return 0; }
  GPULAB_HOST_DEVICE int b_lo() const { return operand_bytes(); }
  GPULAB_HOST_DEVICE int norms() const { return 2 * operand_bytes(); }
  GPULAB_HOST_DEVICE int exact() const { return norms() + 4 * wgmma_kmeans_chunk * chunks(); }
  GPULAB_HOST_DEVICE int warp_floats() const { return (k * d + k + 3) / 4 * 4; }
  GPULAB_HOST_DEVICE int warp_sums(int warp) const { return exact() + 4 * k * d + 4 * warp * warp_floats(); }
  // Plus 1 KB of slack: dynamic shared memory is promised 16-byte alignment only.
  GPULAB_HOST_DEVICE int bytes() const { return warp_sums(warps) + 1024; }
};

}  // namespace gpulab::ml
