// SPDX-License-Identifier: MIT
// Planted wrong solutions of the kernel exercises of modules 5 and 6, launched
// exactly as the trainee's kernels are (see src/<id>/exercises/*.cu).
#include "exercises/planted_solutions.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"

namespace planted {

namespace ex = gpulab::exercises;

namespace {

// ---- saxpy
enum class saxpy_bug { one_per_element, inclusive_bound, ignores_block_index };

template <saxpy_bug Bug>
__global__ void saxpy_kernel(float a, const float* x, const float* y, float* r, long long n) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if constexpr (Bug == saxpy_bug::one_per_element) {
    if (i < n) r[i] = a * x[i] + y[i];
  } else if constexpr (Bug == saxpy_bug::inclusive_bound) {
    for (; i <= n; i += stride) r[i] = a * x[i] + y[i];  // reads and writes element n
  } else {
    for (i = threadIdx.x; i < n; i += stride) r[i] = a * x[i] + y[i];
  }
}

template <saxpy_bug Bug>
void saxpy_launch(float a, cuda::std::span<const float> x, cuda::std::span<const float> y, cuda::std::span<float> r,
                  cuda::stream_ref s) {
  saxpy_kernel<Bug><<<ex::saxpy_exercise_blocks(), 256, 0, s.get()>>>(a, x.data(), y.data(), r.data(),
                                                                      static_cast<long long>(r.size()));
  GPULAB_CHECK_LAUNCH();
}

// ---- block_sum
enum class sum_bug { tree_stops_early, one_element_per_thread, every_thread_adds };

template <sum_bug Bug>
__global__ void block_sum_kernel(const float* x, long long n, float* total) {
  __shared__ float partial[256];
  float sum = 0.0f;
  const long long first = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if constexpr (Bug == sum_bug::one_element_per_thread) {
    if (first < n) sum = x[first];
  } else {
    for (long long i = first; i < n; i += static_cast<long long>(gridDim.x) * blockDim.x) sum += x[i];
  }
  partial[threadIdx.x] = sum;
  __syncthreads();
  const int last_half = Bug == sum_bug::tree_stops_early ? 2 : 1;
  for (int half = blockDim.x / 2; half >= last_half; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (Bug == sum_bug::every_thread_adds || threadIdx.x == 0) atomicAdd(total, partial[0]);
}

template <sum_bug Bug>
void block_sum_launch(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s) {
  GPULAB_CUDA_TRY(cudaMemsetAsync(total.data(), 0, sizeof(float), s.get()));
  const auto n = static_cast<long long>(x.size());
  block_sum_kernel<Bug><<<ex::block_sum_blocks(n), ex::block_sum_threads, 0, s.get()>>>(x.data(), n, total.data());
  GPULAB_CHECK_LAUNCH();
}

// ---- tiled_transpose
enum class transpose_bug { blocks_not_swapped, no_write_check, tile_not_transposed };

template <transpose_bug Bug>
__global__ void transpose_kernel(const float* in, float* out, int rows, int cols) {
  __shared__ float tile[32][33];
  const int c = blockIdx.x * 32 + threadIdx.x;
  for (int k = threadIdx.y; k < 32; k += 8) {
    const int r = blockIdx.y * 32 + k;
    if (r < rows && c < cols) tile[k][threadIdx.x] = in[static_cast<long long>(r) * cols + c];
  }
  __syncthreads();
  const bool swap = Bug != transpose_bug::blocks_not_swapped;
  const int out_c = (swap ? blockIdx.y : blockIdx.x) * 32 + threadIdx.x;
  for (int k = threadIdx.y; k < 32; k += 8) {
    const int out_r = (swap ? blockIdx.x : blockIdx.y) * 32 + k;
    const float value = Bug == transpose_bug::tile_not_transposed ? tile[k][threadIdx.x] : tile[threadIdx.x][k];
    if (Bug == transpose_bug::no_write_check || (out_r < cols && out_c < rows)) {
      out[static_cast<long long>(out_r) * rows + out_c] = value;
    }
  }
}

template <transpose_bug Bug>
void transpose_launch(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                      cuda::stream_ref s) {
  const dim3 grid(gpulab::blocks_for(cols, 32), gpulab::blocks_for(rows, 32));
  transpose_kernel<Bug><<<grid, dim3(32, 8), 0, s.get()>>>(in.data(), out.data(), rows, cols);
  GPULAB_CHECK_LAUNCH();
}

// ---- privatized_histogram
enum class histogram_bug { only_block_zero_merges, race_on_shared_counters, left_closed_bins };

template <histogram_bug Bug>
__global__ void histogram_kernel(const double* x, long long n, const double* edges, int bins,
                                 unsigned long long* counts) {
  __shared__ unsigned int block_counts[ex::privatized_histogram_max_bins];
  for (int b = threadIdx.x; b < bins; b += blockDim.x) block_counts[b] = 0;
  __syncthreads();
  for (long long i = gpulab::global_thread_id(); i < n; i += gpulab::grid_thread_count()) {
    const double v = x[i];
    int bin = -1;
    if constexpr (Bug == histogram_bug::left_closed_bins) {
      if (v >= edges[0] && v < edges[bins]) {  // [e[j], e[j+1]): the first edge > v
        int lo = 1, hi = bins;
        while (lo < hi) {
          const int mid = (lo + hi) / 2;
          if (v < edges[mid]) hi = mid; else lo = mid + 1;
        }
        bin = lo - 1;
      }
    } else if (v > edges[0] && v <= edges[bins]) {  // (e[j], e[j+1]]: the first edge >= v
      int lo = 1, hi = bins;
      while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (v <= edges[mid]) hi = mid; else lo = mid + 1;
      }
      bin = lo - 1;
    }
    if (bin < 0) continue;
    if constexpr (Bug == histogram_bug::race_on_shared_counters) {
      ++block_counts[bin];  // load, add, store: another thread's store in between is lost
    } else {
      atomicAdd(&block_counts[bin], 1u);
    }
  }
  __syncthreads();
  if (Bug == histogram_bug::only_block_zero_merges && blockIdx.x != 0) return;
  for (int b = threadIdx.x; b < bins; b += blockDim.x) {
    if (block_counts[b] != 0) atomicAdd(&counts[b], static_cast<unsigned long long>(block_counts[b]));
  }
}

}  // namespace

void saxpy_one_per_element(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                           cuda::std::span<float> r, cuda::stream_ref s) {
  saxpy_launch<saxpy_bug::one_per_element>(a, x, y, r, s);
}
void saxpy_inclusive_bound(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                           cuda::std::span<float> r, cuda::stream_ref s) {
  saxpy_launch<saxpy_bug::inclusive_bound>(a, x, y, r, s);
}
void saxpy_ignores_block_index(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                               cuda::std::span<float> r, cuda::stream_ref s) {
  saxpy_launch<saxpy_bug::ignores_block_index>(a, x, y, r, s);
}
void block_sum_tree_stops_early(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s) {
  block_sum_launch<sum_bug::tree_stops_early>(x, total, s);
}
void block_sum_one_element_per_thread(cuda::std::span<const float> x, cuda::std::span<float> total,
                                      cuda::stream_ref s) {
  block_sum_launch<sum_bug::one_element_per_thread>(x, total, s);
}
void block_sum_every_thread_adds(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s) {
  block_sum_launch<sum_bug::every_thread_adds>(x, total, s);
}
void transpose_blocks_not_swapped(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                                  cuda::stream_ref s) {
  transpose_launch<transpose_bug::blocks_not_swapped>(in, rows, cols, out, s);
}
void transpose_no_write_check(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                              cuda::stream_ref s) {
  transpose_launch<transpose_bug::no_write_check>(in, rows, cols, out, s);
}
void transpose_tile_not_transposed(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                                   cuda::stream_ref s) {
  transpose_launch<transpose_bug::tile_not_transposed>(in, rows, cols, out, s);
}
void histogram_only_block_zero_merges(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                                      cuda::std::span<unsigned long long> counts, cuda::stream_ref s) {
  ex::launch_privatized_histogram(histogram_kernel<histogram_bug::only_block_zero_merges>, x, edges, counts, s);
}
void histogram_race_on_shared_counters(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                                       cuda::std::span<unsigned long long> counts, cuda::stream_ref s) {
  ex::launch_privatized_histogram(histogram_kernel<histogram_bug::race_on_shared_counters>, x, edges, counts, s);
}
void histogram_left_closed_bins(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                                cuda::std::span<unsigned long long> counts, cuda::stream_ref s) {
  ex::launch_privatized_histogram(histogram_kernel<histogram_bug::left_closed_bins>, x, edges, counts, s);
}

}  // namespace planted
