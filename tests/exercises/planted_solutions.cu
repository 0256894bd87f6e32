// SPDX-License-Identifier: MIT
#include <curand_kernel.h>

#include <algorithm>

#include "exercises/planted_solutions.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace planted {

namespace {
__global__ void transposed_kernel(int* out, int rows, int cols) {
  const int row = blockIdx.x * blockDim.x + threadIdx.x;  // x used for rows: wrong
  const int col = blockIdx.y * blockDim.y + threadIdx.y;
  if (row < rows && col < cols) out[row * cols + col] = row * cols + col;
}

__global__ void column_major_store_kernel(int* out, int rows, int cols) {
  const int col = blockIdx.x * blockDim.x + threadIdx.x;
  const int row = blockIdx.y * blockDim.y + threadIdx.y;
  if (row < rows && col < cols) out[col * rows + row] = row * cols + col;  // stored column-major: wrong
}

__global__ void no_bounds_check_kernel(int* out, int rows, int cols) {
  const int col = blockIdx.x * blockDim.x + threadIdx.x;
  const int row = blockIdx.y * blockDim.y + threadIdx.y;
  (void)rows;
  out[row * cols + col] = row * cols + col;  // no `if`: the edge blocks write past the matrix
}

// The trainee's launch (src/device/exercises/map_2d_index.cu): x across the columns.
void launch_16x16(void (*kernel)(int*, int, int), int* out, int rows, int cols, cuda::stream_ref s) {
  const dim3 block(16, 16);
  const dim3 grid((cols + 15) / 16, (rows + 15) / 16);
  kernel<<<grid, block, 0, s.get()>>>(out, rows, cols);
  GPULAB_CHECK_LAUNCH();
}

void pipeline(std::span<const float> in, std::span<float> out, cuda::std::span<float> device, float factor,
              std::size_t chunk_size, int chunks, std::span<const cuda::stream_ref> streams, bool wait) {
  for (int c = 0; c < chunks; ++c) {
    const std::size_t begin = c * chunk_size;
    if (begin >= in.size()) break;
    const std::size_t count = std::min(chunk_size, in.size() - begin);
    const cuda::stream_ref s = streams[c % streams.size()];
    GPULAB_CUDA_TRY(cudaMemcpyAsync(device.data() + begin, in.data() + begin, count * 4, cudaMemcpyHostToDevice, s.get()));
    gpulab::transfer::scale_async({device.data() + begin, count}, {device.data() + begin, count}, factor, s);
    GPULAB_CUDA_TRY(cudaMemcpyAsync(out.data() + begin, device.data() + begin, count * 4, cudaMemcpyDeviceToHost, s.get()));
  }
  if (wait) {
    for (const cuda::stream_ref s : streams) GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  }
}
}  // namespace

void map_2d_index_transposed(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s) {
  launch_16x16(transposed_kernel, out.data(), rows, cols, s);
}

void map_2d_index_column_major_store(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s) {
  launch_16x16(column_major_store_kernel, out.data(), rows, cols, s);
}

void map_2d_index_no_bounds_check(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s) {
  launch_16x16(no_bounds_check_kernel, out.data(), rows, cols, s);
}

void pipelined_scale_drops_tail(std::span<const float> host_in, std::span<float> host_out,
                                cuda::std::span<float> device, float factor, int chunks,
                                std::span<const cuda::stream_ref> streams) {
  const std::size_t chunk_size = std::max<std::size_t>(1, host_in.size() / chunks);  // rounds down
  pipeline(host_in, host_out, device, factor, chunk_size, chunks, streams, true);
}

void pipelined_scale_no_final_sync(std::span<const float> host_in, std::span<float> host_out,
                                   cuda::std::span<float> device, float factor, int chunks,
                                   std::span<const cuda::stream_ref> streams) {
  const std::size_t chunk_size = (host_in.size() + chunks - 1) / chunks;
  pipeline(host_in, host_out, device, factor, chunk_size, chunks, streams, false);
}

namespace {

enum class pi_bug { same_stream, drops_tail, tree_stops_early };

// The reference solution with one bug planted.
template <pi_bug Bug>
__global__ void monte_carlo_pi_with_bug(std::uint64_t seed, std::uint64_t darts, std::uint64_t per_thread,
                                        unsigned long long* hits) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  const std::uint64_t begin = t * per_thread;
  std::uint64_t end = begin + per_thread < darts ? begin + per_thread : darts;
  if (Bug == pi_bug::drops_tail && begin + per_thread > darts) end = begin;  // a short tail is skipped
  unsigned my_hits = 0;
  if (begin < darts) {
    curandStatePhilox4_32_10_t state;
    curand_init(seed, Bug == pi_bug::same_stream ? 0 : t, 0, &state);
    for (std::uint64_t i = begin; i < end; ++i) {
      const float x = curand_uniform(&state);
      const float y = curand_uniform(&state);
      if (x * x + y * y < 1.0f) ++my_hits;
    }
  }
  __shared__ unsigned long long block_hits[gpulab::exercises::monte_carlo_pi_block_size];
  block_hits[threadIdx.x] = my_hits;
  __syncthreads();
  const int last = Bug == pi_bug::tree_stops_early ? 1 : 0;
  for (int half = blockDim.x / 2; half > last; half /= 2) {
    if (threadIdx.x < half) block_hits[threadIdx.x] += block_hits[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) atomicAdd(hits, block_hits[0]);
}

template <pi_bug Bug>
void launch_pi_with_bug(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s) {
  using namespace gpulab::exercises;
  monte_carlo_pi_with_bug<Bug><<<monte_carlo_pi_blocks(darts), monte_carlo_pi_block_size, 0, s.get()>>>(
      seed, darts, monte_carlo_pi_darts_per_thread, hits);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace

void monte_carlo_pi_same_stream(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s) {
  launch_pi_with_bug<pi_bug::same_stream>(seed, darts, hits, s);
}

void monte_carlo_pi_drops_tail(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s) {
  launch_pi_with_bug<pi_bug::drops_tail>(seed, darts, hits, s);
}

void monte_carlo_pi_tree_stops_early(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits,
                                     cuda::stream_ref s) {
  launch_pi_with_bug<pi_bug::tree_stops_early>(seed, darts, hits, s);
}

// ---------------------------------------------------------------- module 3
void row_major_gemm_as_if_column_major(cublasHandle_t h, int m, int n, int k, const float* a, const float* b, float* c) {
  const float one = 1, zero = 0;
  GPULAB_CUBLAS_TRY(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, a, m, b, k, &zero, c, m));
}

void row_major_gemm_result_transposed(cublasHandle_t h, int m, int n, int k, const float* a, const float* b, float* c) {
  const float one = 1, zero = 0;
  GPULAB_CUBLAS_TRY(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_T, m, n, k, &one, a, k, b, n, &zero, c, m));
}

void row_major_gemm_wrong_leading_dimension(cublasHandle_t h, int m, int n, int k, const float* a, const float* b,
                                            float* c) {
  const float one = 1, zero = 0;
  // B's row count k as its leading dimension, raised to n where cuBLAS refused a
  // smaller one (ldb >= n): always legal, right only while k <= n.
  const int ldb = std::max(k, n);
  GPULAB_CUBLAS_TRY(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, ldb, a, k, &zero, c, n));
}

namespace {
enum class tiled_bug { drops_partial_tile, no_store_check, b_column_major };

template <tiled_bug Bug>
__global__ void buggy_tiled_matmul(const float* a, const float* b, float* c, int m, int n, int k) {
  constexpr int tile = gpulab::exercises::tiled_matmul_tile;
  __shared__ float a_tile[tile][tile];
  __shared__ float b_tile[tile][tile];
  const int row = blockIdx.y * tile + threadIdx.y, col = blockIdx.x * tile + threadIdx.x;
  float sum = 0.0f;
  for (int t0 = 0; Bug == tiled_bug::drops_partial_tile ? t0 + tile <= k : t0 < k; t0 += tile) {
    const int a_col = t0 + threadIdx.x, b_row = t0 + threadIdx.y;
    a_tile[threadIdx.y][threadIdx.x] = row < m && a_col < k ? a[row * k + a_col] : 0.0f;
    const int b_index = Bug == tiled_bug::b_column_major ? col * k + b_row : b_row * n + col;
    b_tile[threadIdx.y][threadIdx.x] = b_row < k && col < n ? b[b_index] : 0.0f;
    __syncthreads();
    for (int i = 0; i < tile; ++i) sum += a_tile[threadIdx.y][i] * b_tile[i][threadIdx.x];
    __syncthreads();
  }
  if (Bug == tiled_bug::no_store_check || (row < m && col < n)) c[row * n + col] = sum;
}

template <tiled_bug Bug>
void launch_buggy(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s) {
  constexpr int tile = gpulab::exercises::tiled_matmul_tile;
  buggy_tiled_matmul<Bug><<<dim3((n + tile - 1) / tile, (m + tile - 1) / tile), dim3(tile, tile), 0, s.get()>>>(
      a, b, c, m, n, k);
  GPULAB_CHECK_LAUNCH();
}
}  // namespace

void tiled_matmul_drops_partial_tile(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s) {
  launch_buggy<tiled_bug::drops_partial_tile>(a, b, c, m, n, k, s);
}
void tiled_matmul_no_store_check(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s) {
  launch_buggy<tiled_bug::no_store_check>(a, b, c, m, n, k, s);
}
void tiled_matmul_b_column_major(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s) {
  launch_buggy<tiled_bug::b_column_major>(a, b, c, m, n, k, s);
}

}  // namespace planted
