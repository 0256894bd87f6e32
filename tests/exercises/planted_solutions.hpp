// SPDX-License-Identifier: MIT
// Wrong solutions a trainee could plausibly write. The checker must reject each.
#pragma once

#include "gpulab/custom/exercises/block_sum.hpp"
#include "gpulab/device/exercises/map_2d_index.hpp"
#include "gpulab/random/exercises/monte_carlo_pi.hpp"
#include "gpulab/transfer/exercises/pipelined_scale.hpp"
#include "gpulab/linalg/exercises/row_major_gemm.hpp"
#include "gpulab/custom/exercises/saxpy_grid_stride.hpp"
#include "gpulab/linalg/exercises/tiled_matmul.hpp"
#include "gpulab/custom/exercises/tiled_transpose.hpp"
#include "gpulab/dataframe/exercises/privatized_histogram.hpp"

namespace planted {

// map_2d_index with x and y swapped (x taken for the row) under the trainee's
// launch: right only when the grid is as many blocks wide as tall (square
// matrices); otherwise part of the matrix is never written.
void map_2d_index_transposed(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);
// map_2d_index that stores element (row, col) at col * rows + row (column-major).
void map_2d_index_column_major_store(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);
// map_2d_index without the bounds check: the edge blocks write outside the matrix.
void map_2d_index_no_bounds_check(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);
// pipelined_scale with chunk size n / chunks, rounded down: the tail is never processed (off by one).
void pipelined_scale_drops_tail(std::span<const float> host_in, std::span<float> host_out,
                                cuda::std::span<float> device, float factor, int chunks,
                                std::span<const cuda::stream_ref> streams);
// pipelined_scale that returns without waiting for its streams (a race with the caller).
void pipelined_scale_no_final_sync(std::span<const float> host_in, std::span<float> host_out,
                                   cuda::std::span<float> device, float factor, int chunks,
                                   std::span<const cuda::stream_ref> streams);

// monte_carlo_pi with every thread on subsequence 0: all threads throw the same darts.
void monte_carlo_pi_same_stream(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s);
// monte_carlo_pi where a thread with fewer than darts_per_thread darts throws none (off by one: the tail).
void monte_carlo_pi_drops_tail(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s);
// monte_carlo_pi whose shared-memory tree stops one step early (`half > 1`): block_hits[1], the odd
// threads' hits, is never added.
void monte_carlo_pi_tree_stops_early(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits,
                                     cuda::stream_ref s);

// row_major_gemm passing the row-major matrices to cuBLAS as they are (as if column-major).
void row_major_gemm_as_if_column_major(cublasHandle_t h, int m, int n, int k, const float* a, const float* b, float* c);
// row_major_gemm that computes the right product but stores C column-major (C^T in row-major terms).
void row_major_gemm_result_transposed(cublasHandle_t h, int m, int n, int k, const float* a, const float* b, float* c);
// row_major_gemm with B's leading dimension max(k, n) instead of n: cuBLAS accepts
// it, and it is wrong (a wrong number) only where k > n.
void row_major_gemm_wrong_leading_dimension(cublasHandle_t h, int m, int n, int k, const float* a, const float* b,
                                            float* c);

// tiled_matmul whose tile loop stops before a partial last tile (t0 + Tile <= k): off by one tile.
void tiled_matmul_drops_partial_tile(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s);
// tiled_matmul that stores without checking row < m and col < n.
void tiled_matmul_no_store_check(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s);
// tiled_matmul that indexes B as if it were column-major.
void tiled_matmul_b_column_major(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s);

// Module 5 (planted_kernel_solutions.cu). saxpy: one element per thread, no loop
// (the fixed grid leaves the rest unwritten); a loop that runs to i <= n; a loop
// that ignores blockIdx (every block does block 0's elements).
void saxpy_one_per_element(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                           cuda::std::span<float> r, cuda::stream_ref s);
void saxpy_inclusive_bound(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                           cuda::std::span<float> r, cuda::stream_ref s);
void saxpy_ignores_block_index(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                               cuda::std::span<float> r, cuda::stream_ref s);
// block_sum: the tree stops at half = 2 (partial[1] is lost); one element per
// thread (no grid-stride loop); every thread adds the block's total.
void block_sum_tree_stops_early(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s);
void block_sum_one_element_per_thread(cuda::std::span<const float> x, cuda::std::span<float> total,
                                      cuda::stream_ref s);
void block_sum_every_thread_adds(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s);
// tiled_transpose: the tile written back to the same block position (right on
// the diagonal only); no bounds check on the write; the tile copied untransposed.
void transpose_blocks_not_swapped(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                                  cuda::stream_ref s);
void transpose_no_write_check(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                              cuda::stream_ref s);
void transpose_tile_not_transposed(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                                   cuda::stream_ref s);

// Module 6 (planted_kernel_solutions.cu), launched by launch_privatized_histogram as the
// trainee's kernel is. privatized_histogram: only block 0 merges its counters into the
// histogram; plain ++ on the shared counters (a race: lanes adding to one bin at once
// keep one addition); left-closed bins [e[j], e[j+1]) (a value on an edge one bin up).
void histogram_only_block_zero_merges(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                                      cuda::std::span<unsigned long long> counts, cuda::stream_ref s);
void histogram_race_on_shared_counters(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                                       cuda::std::span<unsigned long long> counts, cuda::stream_ref s);
void histogram_left_closed_bins(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                                cuda::std::span<unsigned long long> counts, cuda::stream_ref s);

}  // namespace planted
