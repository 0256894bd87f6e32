// SPDX-License-Identifier: MIT
// k-means on the GPU: the launchers of kernels/ml/kmeans_*.cuh, Lloyd's
// iterations (lloyd_runner), k-means++, fit and predict.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/stream.hpp"
#include "gpulab/linalg/resources.hpp"
#include "gpulab/ml/kmeans.hpp"
#include "gpulab/ml/kmeans_lloyd.hpp"
#include "gpulab/ml/kmeans_plus_plus.hpp"
#include "gpulab/ml/kmeans_warp_sums_layout.hpp"
#include "gpulab/ml/kmeans_wgmma_layout.hpp"
#include "kernels/ml/kmeans_fused.cuh"
#include "kernels/ml/kmeans_fused_tiles.cuh"
#include "kernels/ml/kmeans_gemm.cuh"
#include "kernels/ml/kmeans_naive.cuh"
#include "kernels/ml/kmeans_plus_plus.cuh"
#include "kernels/ml/kmeans_tf32.cuh"
#include "kernels/ml/kmeans_update.cuh"
#include "kmeans_wgmma.hpp"

namespace gpulab::ml {

namespace {

constexpr unsigned block_size = kmeans_block_threads;  // also the points of accumulate_by_label's tile
constexpr unsigned fused_block_size = kmeans_fused_block_threads;  // also the points of the fused kernel's tile
static_assert(kmeans_fused_block_threads <= kernels::fused_max_threads, "past the fused kernel's __launch_bounds__");
// The assignment's grid (one partial per block) fills the GPU and stays at most this:
// the update then sums at most 4096 partials per centroid value.
constexpr unsigned max_partial_blocks = 4096;

// Blocks for a grid-stride loop over `items`: enough to fill every SM, no more than the items need.
template <class Kernel>
unsigned grid_for(Kernel kernel, std::int64_t items, std::size_t shared_bytes = 0, unsigned cap = max_partial_blocks,
                  unsigned threads = block_size) {
  const unsigned needed = std::max(1u, static_cast<unsigned>(std::min<std::int64_t>(
                                           (items + threads - 1) / threads, std::int64_t{cap})));
  return std::min(needed, occupancy_grid_size(kernel, static_cast<int>(threads), shared_bytes));
}

// The rows of x are packed (row-major, no padding): what every kernel here indexes.
void require_packed_rows(linalg::matrix_view<const float> x, const char* what) {
  if (x.extent(0) > 0 && x.extent(1) > 0 && (x.stride(1) != 1 || x.stride(0) != x.extent(1))) {
    throw usage_error(std::string(what) + ": the matrix must be row-major and packed (stride " +
                      std::to_string(x.stride(0)) + ", " + std::to_string(x.stride(1)) + " for " +
                      std::to_string(x.extent(0)) + " x " + std::to_string(x.extent(1)) + ")");
  }
}

std::size_t partials_bytes(unsigned blocks, std::int64_t d, int k) {
  return blocks * (static_cast<std::size_t>(k) * static_cast<std::size_t>(d) * sizeof(float) +
                   static_cast<std::size_t>(k) * sizeof(std::uint32_t) + sizeof(double));
}

// Calls launch(std::integral_constant<int, MaxD>{}) with the smallest feature bound
// >= d that the kernels are compiled for (kmeans_common.cuh, point_features); past
// 64 features, MaxD = 0: the kernels read each row from memory instead of registers.
template <class Launch>
void with_feature_bound(int d, Launch&& launch) {
  if (d <= 8) {
    launch(std::integral_constant<int, 8>{});
  } else if (d <= 16) {
    launch(std::integral_constant<int, 16>{});
  } else if (d <= 32) {
    launch(std::integral_constant<int, 32>{});
  } else if (d <= 64) {
    launch(std::integral_constant<int, 64>{});
  } else {
    launch(std::integral_constant<int, 0>{});
  }
}

// What the faster kernels below need: whole float4 rows (d a multiple of 4 up to their
// max_d, x 16-byte aligned), and their shared memory within what a block may opt in to
// (opt_in_fits, core/launch.cuh: the dynamic part plus the kernel's static one).
bool float4_rows(int d, int max_d, const float* x) {
  return d % 4 == 0 && d <= max_d && (reinterpret_cast<std::uintptr_t>(x) & 15u) == 0;
}

// [snippet:kmeans_warp_sums_choice]
// The plain fused kernel keeps each warp's own sums (kmeans_warp_sums.cuh) where they pay and
// fit: d <= 16 (a warp reads its rows again in d steps; measured on an H100, one pass: 1.15x at
// 1M x 16, k = 8, 1.20x at d = 8, but 0.96x at d = 32 and 0.81x at d = 64, where the block's
// owners add more rows a barrier) and within what a block gets without opting in (1M x 16,
// k = 8 takes 17 KB). Elsewhere the block's sums with the tile sorted by cluster
// (block_partials, kmeans_common.cuh).
constexpr int warp_sums_max_d = 16;
std::size_t warp_sums_shared_bytes(int k, int d) {
  return static_cast<std::size_t>(k) * static_cast<std::size_t>(d) * sizeof(float) +  // the centroids
         kmeans_warp_sums_bytes(k, d, static_cast<int>(fused_block_size));
}
bool warp_sums_fit(int k, int d) {
  return d <= warp_sums_max_d && warp_sums_shared_bytes(k, d) <= kmeans_shared_budget;
}
// [/snippet:kmeans_warp_sums_choice]

// Calls launch(kernels::fused_assign_accumulate<MaxD, Sums>) with the sums the runner chose.
template <int MaxD, class Launch>
void with_fused_kernel(bool warp_sums, Launch&& launch) {
  if (warp_sums) {
    launch(kernels::fused_assign_accumulate<MaxD, kernels::warp_partials>);
  } else {
    launch(kernels::fused_assign_accumulate<MaxD, kernels::block_partials>);
  }
}

// [snippet:kmeans_tiles_choice]
// The fused version's register-tiled kernel (kmeans_fused_tiles.cuh) is taken when it
// pays and fits: k >= 32 (below, most of its 64 centroids a pass would be padding),
// whole float4 rows, d <= 64 (its tiles), and its shared memory within the opt-in
// limit. The shapes k-means accepts are still those of the plain fused kernel
// (kmeans_shared_memory_problem): this is a faster path for some of them, not a wider one.
constexpr int tiles_min_k = 32;
std::size_t fused_tiles_shared_bytes(int k, int d) {
  const kernels::tiles_layout layout{kernels::tiles_padded_k(k), d};
  return static_cast<std::size_t>(layout.floats(k)) * sizeof(float);  // dynamic: the kernel's static is apart
}
bool fused_tiles_fit(int k, int d, const float* x) {
  if (k < tiles_min_k || !float4_rows(d, kernels::tiles_max_d, x)) return false;
  return opt_in_fits(kernel_attributes(kernels::fused_tiles_assign_accumulate), fused_tiles_shared_bytes(k, d));
}
// [/snippet:kmeans_tiles_choice]

// [snippet:kmeans_tf32_choice]
// The tf32 version's kernel (kmeans_tf32.cuh) needs TF32 tensor cores (sm_80 and later),
// whole float4 rows, d <= 64 (a warp's points as A fragments) and its shared memory within
// the opt-in limit. Elsewhere the version runs the fused version's kernels, so it takes
// every shape the fused one takes.
std::size_t tf32_shared_bytes(int k, int d) {
  const kernels::tf32_layout layout{k, d};
  return static_cast<std::size_t>(layout.floats()) * sizeof(float);  // dynamic: the kernel's static is apart
}
bool tf32_fit(int k, int d, const float* x) {
  if (!float4_rows(d, kernels::tf32_max_d, x) || current_compute_capability().major < 8) return false;
  const cudaFuncAttributes kernel = kernel_attributes(kernels::tf32_assign_accumulate);
  // A build without sm_80+ code for this GPU runs it from the compute_75 PTX: the stub.
  return kernel.ptxVersion >= 80 && opt_in_fits(kernel, tf32_shared_bytes(k, d));
}
// [/snippet:kmeans_tf32_choice]

}  // namespace

std::string kmeans_shared_memory_problem(kmeans_version version, std::int64_t k, std::int64_t d) {
  const std::size_t bytes = kmeans_shared_bytes(version, k, d);
  if (bytes <= kmeans_shared_budget) return "";
  return std::string("kmeans_") + kmeans_version_name(version) + ": k = " + std::to_string(k) + " centroids of " +
         std::to_string(d) + " features need " + std::to_string(bytes) + " bytes of shared memory per block, past the " +
         std::to_string(kmeans_shared_budget) +
         (kmeans_one_pass(version) ? " a block gets (kmeans_gemm keeps only the sums there)" : " a block gets");
}

// ------------------------------------------------------------------ lloyd_runner
lloyd_runner::lloyd_runner(kmeans_version version, linalg::matrix_view<const float> x, int k,
                           linalg::blas_handle* blas, cuda::stream_ref s)
    : version_(version), x_(x.data_handle()), n_(x.extent(0)), d_(static_cast<int>(x.extent(1))), k_(k), blas_(blas) {
  require_packed_rows(x, "k-means");
  kmeans_params p;
  p.k = k;
  validate_kmeans(p, n_, d_);
  if (const std::string problem = kmeans_shared_memory_problem(version_, k_, d_); !problem.empty()) {
    throw usage_error(problem);
  }
  const auto kd = static_cast<std::size_t>(k_) * static_cast<std::size_t>(d_);
  // The split_tf32 version's wgmma kernel where it runs (compute capability 9.0 and its shapes).
  const detail::kmeans_wgmma_launch wgmma =
      version_ == kmeans_version::split_tf32 && float4_rows(d_, wgmma_kmeans_max_d, x_)
          ? detail::prepare_kmeans_wgmma(n_, d_, k_, max_partial_blocks)
          : detail::kmeans_wgmma_launch{};
  if (wgmma.threads > 0) {
    wgmma_threads_ = wgmma.threads;
    wgmma_shared_bytes_ = wgmma.shared_bytes;
    blocks_ = wgmma.blocks;
  } else if (version_ == kmeans_version::tf32 && tf32_fit(k_, d_, x_)) {
    tf32_shared_bytes_ = tf32_shared_bytes(k_, d_);
    allow_dynamic_shared_memory(kernels::tf32_assign_accumulate, tf32_shared_bytes_);
    blocks_ = grid_for(kernels::tf32_assign_accumulate, n_, tf32_shared_bytes_, max_partial_blocks,
                       kernels::tf32_threads);
  } else if (kmeans_one_pass(version_) && fused_tiles_fit(k_, d_, x_)) {
    tiles_shared_bytes_ = fused_tiles_shared_bytes(k_, d_);
    allow_dynamic_shared_memory(kernels::fused_tiles_assign_accumulate, tiles_shared_bytes_);
    blocks_ = grid_for(kernels::fused_tiles_assign_accumulate, n_, tiles_shared_bytes_, max_partial_blocks,
                       kernels::tiles_threads);
  } else if (kmeans_one_pass(version_)) {
    warp_sums_ = warp_sums_fit(k_, d_);
    with_feature_bound(d_, [&](auto bound) {
      with_fused_kernel<decltype(bound)::value>(warp_sums_, [&](auto kernel) {
        blocks_ = grid_for(kernel, n_, shared_bytes(), max_partial_blocks, fused_block_size);
      });
    });
  } else {
    with_feature_bound(d_, [&](auto bound) {
      blocks_ = grid_for(kernels::accumulate_by_label<decltype(bound)::value>, n_, shared_bytes());
    });
    distances_ = device_buffer<float>(static_cast<std::size_t>(n_) * static_cast<std::size_t>(k_), s);
  }
  if (version_ == kmeans_version::gemm) {
    if (blas_ == nullptr) throw usage_error("k-means gemm version: no cuBLAS handle given");
    centroid_norms_ = device_buffer<float>(static_cast<std::size_t>(k_), s);
  }
  partial_sums_ = device_buffer<float>(blocks_ * kd, s);
  partial_counts_ = device_buffer<std::uint32_t>(blocks_ * static_cast<std::size_t>(k_), s);
  partial_inertia_ = device_buffer<double>(blocks_, s);
  next_centroids_ = device_buffer<float>(kd, s);
  stats_ = device_buffer<double>(2, s);
  rescored_ = device_buffer<unsigned long long>(1, s);
  rescored_.fill_bytes_async(0, s);
}

std::size_t lloyd_runner::shared_bytes() const noexcept {
  return warp_sums_ ? warp_sums_shared_bytes(k_, d_) : kmeans_shared_bytes(version_, k_, d_);
}

std::size_t lloyd_runner::device_bytes(kmeans_version version, std::int64_t n, std::int64_t d, int k) {
  // At most this many partials: the fused version's tiles are 256 points (register-tiled kernel) or 512,
  // the split_tf32 version's 64 a warpgroup (its blocks hold one or two).
  const std::int64_t threads = version == kmeans_version::split_tf32 ? 64 : block_size;
  const auto blocks = static_cast<unsigned>(std::min<std::int64_t>((n + threads - 1) / threads, max_partial_blocks));
  std::size_t bytes = partials_bytes(blocks, d, k) + static_cast<std::size_t>(k) * static_cast<std::size_t>(d) * 4 + 72;
  if (!kmeans_one_pass(version)) bytes += static_cast<std::size_t>(n) * static_cast<std::size_t>(k) * 4;
  if (version == kmeans_version::gemm) bytes += static_cast<std::size_t>(k) * 4;
  return bytes;
}

void lloyd_runner::assign_and_accumulate(const float* centroids, std::int32_t* labels, cuda::stream_ref s) {
  const cudaStream_t st = s.get();
  if (wgmma_threads_ > 0) {  // set only for the split_tf32 version (the constructor)
    detail::launch_kmeans_wgmma({wgmma_threads_, wgmma_shared_bytes_, blocks_}, x_, n_, d_, centroids, k_, labels,
                                partial_sums_.data(), partial_counts_.data(), partial_inertia_.data(), st);
    return;
  }
  if (tf32_shared_bytes_ > 0) {  // set only for the tf32 version (the constructor)
    launch_dependent(kernels::tf32_assign_accumulate, blocks_, kernels::tf32_threads, tf32_shared_bytes_, st, x_, n_,
                     d_, centroids, k_, labels, partial_sums_.data(), partial_counts_.data(), partial_inertia_.data(),
                     rescored_.data());
    return;
  }
  if (tiles_shared_bytes_ > 0) {  // set only for the one-pass versions (the constructor)
    launch_dependent(kernels::fused_tiles_assign_accumulate, blocks_, kernels::tiles_threads, tiles_shared_bytes_,
                     st, x_, n_, d_, centroids, k_, labels, partial_sums_.data(), partial_counts_.data(),
                     partial_inertia_.data());
    return;
  }
  if (kmeans_one_pass(version_)) {
    with_feature_bound(d_, [&](auto bound) {
      with_fused_kernel<decltype(bound)::value>(warp_sums_, [&](auto kernel) {
        // Programmatic dependent launch (core/dependent_launch.cuh): this grid is launched
        // while the update before it still runs, and waits on the SMs for it to finish.
        launch_dependent(kernel, blocks_, fused_block_size, shared_bytes(), st, x_, n_, d_, centroids, k_, labels,
                         partial_sums_.data(), partial_counts_.data(), partial_inertia_.data());
      });
    });
    return;
  }
  const std::int64_t pairs = n_ * k_;
  if (version_ == kmeans_version::naive) {
    kernels::distance_matrix<<<grid_for(kernels::distance_matrix, pairs, 0, 1u << 20), block_size, 0, st>>>(
        x_, n_, d_, centroids, k_, distances_.data());
    GPULAB_CHECK_LAUNCH();
    kernels::argmin_rows<<<grid_for(kernels::argmin_rows, n_, 0, 1u << 20), block_size, 0, st>>>(
        distances_.data(), n_, k_, labels);
    GPULAB_CHECK_LAUNCH();
  } else {
    // [snippet:kmeans_gemm_call]
    kernels::squared_norms<<<1, block_size, 0, st>>>(centroids, k_, d_, centroid_norms_.data());
    GPULAB_CHECK_LAUNCH();
    // dots (n x k, row-major) = X (n x d, row-major) C^T; C (k x d, row-major) read
    // as column-major with leading dimension d is C^T (d x k): no copy, no transpose.
    const auto n = static_cast<int>(n_);
    linalg::gemm_async<float>(*blas_, 1.0f, linalg::row_major<const float>(x_, n, d_),
                              linalg::column_major<const float>(centroids, d_, k_, d_), 0.0f,
                              linalg::row_major<float>(distances_.data(), n, k_));
    const unsigned grid = grid_for(kernels::argmin_expanded, n_, 0, 1u << 20);
    kernels::argmin_expanded<<<grid, block_size, 0, st>>>(distances_.data(), n_, k_,
                                                          centroid_norms_.data(), labels);
    GPULAB_CHECK_LAUNCH();
    // [/snippet:kmeans_gemm_call]
  }
  with_feature_bound(d_, [&](auto bound) {
    kernels::accumulate_by_label<decltype(bound)::value><<<blocks_, block_size, shared_bytes(), st>>>(
        x_, n_, d_, centroids, k_, labels, partial_sums_.data(), partial_counts_.data(), partial_inertia_.data());
  });
  GPULAB_CHECK_LAUNCH();
}

// [snippet:kmeans_lloyd_loop]
int lloyd_runner::run_async(float* centroids, std::int32_t* labels, int max_iterations,
                            double tolerance, cuda::stream_ref s) {
  if (labels == nullptr) throw usage_error("k-means: no labels buffer");
  const cudaStream_t st = s.get();
  const std::size_t kd = static_cast<std::size_t>(k_) * static_cast<std::size_t>(d_);
  const dim3 update_grid(blocks_for(static_cast<std::int64_t>(kd), kernels::update_lanes));
  const dim3 update_block(kernels::update_lanes, kernels::update_warps);
  float* current = centroids;              // the two buffers take turns: no copy per iteration
  float* next = next_centroids_.data();
  int iterations = 0;
  rescored_.fill_bytes_async(0, s);  // counts this run's passes
  while (iterations < max_iterations) {
    // The iterations need labels only where the update reads them back (naive, gemm).
    assign_and_accumulate(current, kmeans_one_pass(version_) ? nullptr : labels, s);
    // launch_dependent (core/dependent_launch.cuh): starts while the assignment still runs
    launch_dependent(kernels::update_centroids, update_grid, update_block, 0, st,
                     partial_sums_.data(), partial_counts_.data(), blocks_, k_, d_, current, next);
    std::swap(current, next);
    ++iterations;
    // [/snippet:kmeans_lloyd_loop]
    // [snippet:kmeans_lloyd_wait]
    if (tolerance > 0) {  // the only place the host waits: to decide whether to go on
      kernels::finish_iteration<<<1, kernels::finish_threads, 0, st>>>(
          partial_inertia_.data(), blocks_, next, current, k_, d_, stats_.data());
      GPULAB_CHECK_LAUNCH();
      double largest_squared_shift = 0;
      GPULAB_CUDA_TRY(cudaMemcpyAsync(&largest_squared_shift, stats_.data() + 1, sizeof(double),
                                      cudaMemcpyDeviceToHost, st));
      synchronize(s);
      if (std::sqrt(largest_squared_shift) <= tolerance) break;
    }
  }
  if (current != centroids) {  // the last update went to the other buffer
    GPULAB_CUDA_TRY(
        cudaMemcpyAsync(centroids, current, kd * sizeof(float), cudaMemcpyDeviceToDevice, st));
  }
  // Every point labelled with the final centroids, and their inertia (no shift: old = new).
  assign_and_accumulate(centroids, labels, s);
  kernels::finish_iteration<<<1, kernels::finish_threads, 0, st>>>(
      partial_inertia_.data(), blocks_, centroids, centroids, k_, d_, stats_.data());
  GPULAB_CHECK_LAUNCH();
  return iterations;
}
// [/snippet:kmeans_lloyd_wait]

unsigned long long lloyd_runner::rescored(cuda::stream_ref s) const { return download(rescored_, s).front(); }

// ------------------------------------------------------------------ checks
void require_finite(linalg::matrix_view<const float> x, cuda::stream_ref s, const std::string& what) {
  require_packed_rows(x, what.c_str());
  const std::int64_t count = x.extent(0) * x.extent(1);
  if (count == 0) return;
  device_buffer<unsigned long long> first(1, s);
  first.fill_bytes_async(0xFF, s);
  kernels::first_non_finite<<<grid_for(kernels::first_non_finite, count, 0, 1u << 20), block_size, 0, s.get()>>>(
      x.data_handle(), count, first.data());
  GPULAB_CHECK_LAUNCH();
  const unsigned long long at = download(first, s).front();
  if (at == std::numeric_limits<unsigned long long>::max()) return;
  float value = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&value, x.data_handle() + at, sizeof value, cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  const auto cols = static_cast<unsigned long long>(x.extent(1));
  throw numerical_error(what + ": row " + std::to_string(at / cols) + ", column " + std::to_string(at % cols) +
                        " is " + (std::isnan(value) ? "NaN" : "Inf") + "; the data must be finite");
}

// ------------------------------------------------------------------ k-means++
void kmeans_plus_plus_async(linalg::matrix_view<const float> x, int k, std::uint64_t seed,
                            cuda::std::span<float> centres, cuda::std::span<std::int64_t> chosen_rows,
                            cuda::stream_ref s) {
  require_packed_rows(x, "k-means++");
  const std::int64_t n = x.extent(0);
  const int d = static_cast<int>(x.extent(1));
  kmeans_params p;
  p.k = k;
  validate_kmeans(p, n, d);
  if (centres.size() < static_cast<std::size_t>(k) * static_cast<std::size_t>(d) ||
      chosen_rows.size() < static_cast<std::size_t>(k)) {
    throw usage_error("k-means++: the outputs are smaller than k centres");
  }
  const cudaStream_t st = s.get();
  const float* data = x.data_handle();
  // Round 0: a uniform pick, the same on the CPU (no partials: plus_plus_pick copies row `first`).
  kernels::plus_plus_pick<<<1, kernels::plus_plus_threads, 0, st>>>(
      nullptr, nullptr, 0, kmeans_plus_plus_first(seed, n), data, n, d, 0, centres.data(), chosen_rows.data());
  GPULAB_CHECK_LAUNCH();
  if (k == 1) return;
  const unsigned blocks = grid_for(kernels::plus_plus_round, n);
  device_buffer<float> weight(static_cast<std::size_t>(n), s);
  device_buffer<double> block_keys(blocks, s);
  device_buffer<std::int64_t> block_indices(blocks, s);
  for (int round = 1; round < k; ++round) {
    kernels::plus_plus_round<<<blocks, kernels::plus_plus_threads, 0, st>>>(
        data, n, d, centres.data() + static_cast<std::int64_t>(round - 1) * d, weight.data(), seed, round,
        block_keys.data(), block_indices.data());
    GPULAB_CHECK_LAUNCH();
    kernels::plus_plus_pick<<<1, kernels::plus_plus_threads, 0, st>>>(block_keys.data(), block_indices.data(),
                                                                      blocks, 0, data, n, d, round, centres.data(),
                                                                      chosen_rows.data());
    GPULAB_CHECK_LAUNCH();
  }
}

// ------------------------------------------------------------------ fit and predict
kmeans_result kmeans_fit_from(resources& res, linalg::matrix_view<const float> x, const kmeans_params& p,
                              const float* initial_centroids) {
  validate_kmeans(p, x.extent(0), x.extent(1));
  const cuda::stream_ref s = res.stream();
  require_finite(x, s, "k-means");
  const std::size_t kd = static_cast<std::size_t>(p.k) * static_cast<std::size_t>(x.extent(1));
  kmeans_result result;
  result.model = {device_buffer<float>(kd, s), p.k, static_cast<int>(x.extent(1))};
  result.labels = device_buffer<std::int32_t>(static_cast<std::size_t>(x.extent(0)), s);
  // Poisoned (-1: no cluster), so a version whose last pass writes no labels fails its tests
  // instead of passing on what a previous fit left in the pool's memory.
  result.labels.fill_bytes_async(0xFF, s);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(result.model.centroids.data(), initial_centroids, kd * sizeof(float),
                                  cudaMemcpyDeviceToDevice, s.get()));
  lloyd_runner runner(p.version, x, p.k, p.version == kmeans_version::gemm ? &linalg::blas(res) : nullptr, s);
  result.iterations = runner.run_async(result.model.centroids.data(), result.labels.data(), p.max_iterations,
                                       p.tolerance, s);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&result.inertia, runner.inertia_on_device(), sizeof(double),
                                  cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return result;
}

kmeans_result kmeans_fit(resources& res, linalg::matrix_view<const float> x, const kmeans_params& p) {
  validate_kmeans(p, x.extent(0), x.extent(1));
  require_packed_rows(x, "k-means");
  const cuda::stream_ref s = res.stream();
  const std::size_t kd = static_cast<std::size_t>(p.k) * static_cast<std::size_t>(x.extent(1));
  device_buffer<float> initial(kd, s);
  if (p.init == kmeans_init::first_k) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(initial.data(), x.data_handle(), kd * sizeof(float), cudaMemcpyDeviceToDevice,
                                    s.get()));
  } else {
    require_finite(x, s, "k-means");  // before k-means++ reads it (kmeans_fit_from checks again: one cheap pass)
    device_buffer<std::int64_t> rows(static_cast<std::size_t>(p.k), s);
    kmeans_plus_plus_async(x, p.k, p.seed, initial.span(), rows.span(), s);
  }
  return kmeans_fit_from(res, x, p, initial.data());
}

void kmeans_predict_async(const kmeans_model& model, linalg::matrix_view<const float> x,
                          cuda::std::span<std::int32_t> labels, cuda::stream_ref s) {
  require_packed_rows(x, "k-means predict");
  if (x.extent(1) != model.features) {
    throw usage_error("k-means predict: the rows have " + std::to_string(x.extent(1)) +
                      " features, the model was fitted on " + std::to_string(model.features));
  }
  if (labels.size() < static_cast<std::size_t>(x.extent(0))) {
    throw usage_error("k-means predict: " + std::to_string(labels.size()) + " labels for " +
                      std::to_string(x.extent(0)) + " rows");
  }
  const std::int64_t n = x.extent(0);
  if (n == 0) return;  // a launch with zero blocks is an error
  const std::size_t shared = static_cast<std::size_t>(model.k) * static_cast<std::size_t>(model.features) * sizeof(float);
  with_feature_bound(model.features, [&](auto bound) {
    constexpr int max_d = decltype(bound)::value;
    if (shared <= shared_bytes_without_opt_in) {
      kernels::nearest_labels<true, max_d><<<grid_for(kernels::nearest_labels<true, max_d>, n, shared, 1u << 20),
                                             block_size, shared, s.get()>>>(
          x.data_handle(), n, model.features, model.centroids.data(), model.k, labels.data());
    } else {
      kernels::nearest_labels<false, max_d><<<grid_for(kernels::nearest_labels<false, max_d>, n, 0, 1u << 20),
                                              block_size, 0, s.get()>>>(
          x.data_handle(), n, model.features, model.centroids.data(), model.k, labels.data());
    }
  });
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::ml
