// SPDX-License-Identifier: MIT
// Lloyd's iterations on the GPU with every buffer made once: what kmeans_fit()
// runs, and what the cases time (their inputs and initial centroids are made
// before the clock starts). Plain C++: the launchers are in src/ml/kmeans_lloyd.cu.
//
// One iteration, in every version:
//   1. assignment: each point's nearest centroid (the version's way), and each
//      block's partial sums and counts of its points per cluster (+ its inertia);
//   2. update: the partials of all blocks summed in a fixed order (double), each
//      centroid moved to its mean (an empty cluster keeps its centroid), and the
//      largest shift. No n x k matrix in the fused version; no atomics on global
//      memory in any: the result does not depend on the order blocks run in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <cuda/stream_ref>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/ml/kmeans.hpp"

namespace gpulab::ml {

// Threads per block of the naive and gemm versions' update kernel (accumulate_by_label),
// also the points of its tile; and of the elementwise kernels.
inline constexpr int kmeans_block_threads = 256;
// The plain fused kernel's block, and so its tile, is twice that (its register-tiled
// kernel for k >= 32 has its own, kernels::tiles_threads = 256). Measured on the H200 (one
// run, branch next-gpu7): 10M x 32, k = 64 took 31.0 ms with 256 threads, 28.5 with 512,
// 27.6 with 1024; 1M x 16, k = 8 took 1.06 ms with 256 or 512 but 1.52 with 1024, and at
// 1024 the 64-feature kernel (90 registers) does not launch. 512 is the best of both. (Our
// reading: a tile's sort and owner sums cost four barriers, and a tile twice as large
// pays them half as often a point.)
inline constexpr int kmeans_fused_block_threads = 512;
// Shared memory per block. The fused version keeps the centroids and the block's sums;
// the update step of the naive and gemm versions keeps the block's sums. The sums are
// k d floats, k counts, and the tile's buckets (k sizes, k + 1 starts, one slot a
// thread: kernels::block_partials). A kernel gets 48 KiB without opting in to more,
// less its static shared memory (block_total's 32 warp totals, 256 bytes): so at
// d = 16 the fused version takes k <= 334 and the others k <= 629.
inline constexpr std::size_t shared_bytes_without_opt_in = 48 * 1024;
inline constexpr std::size_t kmeans_shared_budget = shared_bytes_without_opt_in - 32 * sizeof(double);
// The versions that make each block's sums during the assignment, in one pass over X
// (the tf32 and split_tf32 versions run the fused version's kernels where their own do not
// fit or cannot run).
constexpr bool kmeans_one_pass(kmeans_version version) {
  return version == kmeans_version::fused || version == kmeans_version::tf32 ||
         version == kmeans_version::split_tf32;
}
constexpr std::size_t kmeans_shared_bytes(kmeans_version version, std::int64_t k, std::int64_t d) {
  const auto kd = static_cast<std::size_t>(k) * static_cast<std::size_t>(d);
  const bool fused = kmeans_one_pass(version);
  const std::size_t slots = fused ? kmeans_fused_block_threads : kmeans_block_threads;  // one a thread
  const std::size_t sums = kd + 3 * static_cast<std::size_t>(k) + 1 + slots;
  return ((fused ? kd : 0) + sums) * sizeof(float);
}
// The one line that refuses a k and d past the budget ("" when they fit), said when a case is made.
std::string kmeans_shared_memory_problem(kmeans_version version, std::int64_t k, std::int64_t d);

// Per fit: what one Lloyd's run reports (also kept on the device, see inertia_on_device()).
struct lloyd_outcome {
  int iterations = 0;
  double inertia = 0;
};

class lloyd_runner {
 public:
  // x: n x d row-major packed on the device; `blas` only for the gemm version (its stream must be s).
  // Throws usage_error when k and d need more shared memory than kmeans_shared_budget.
  lloyd_runner(kmeans_version version, linalg::matrix_view<const float> x, int k, linalg::blas_handle* blas,
               cuda::stream_ref s);

  // Device bytes the runner allocates for these sizes (the distance matrix of the
  // naive and gemm versions, the norms, the per-block partials).
  static std::size_t device_bytes(kmeans_version version, std::int64_t n, std::int64_t d, int k);

  // Runs up to max_iterations from the centroids in `centroids` (k x d, device,
  // updated in place), then labels every row with the final centroids and sums
  // the inertia into inertia_on_device(). With tolerance == 0 nothing waits for the
  // host (the cases time this); with tolerance > 0 the shift is read back each iteration.
  // Returns the iterations run (max_iterations when tolerance == 0).
  int run_async(float* centroids, std::int32_t* labels, int max_iterations, double tolerance, cuda::stream_ref s);

  // The inertia of the last run, on the device (one double).
  [[nodiscard]] double* inertia_on_device() noexcept { return stats_.data(); }

  [[nodiscard]] unsigned partial_blocks() const noexcept { return blocks_; }
  // The tf32 and split_tf32 versions: whether their tensor-core kernel runs (else the fused
  // version's). The tf32 version: how many labels of the last run its error bound could not
  // prove, so that they were scored again in float, summed over every pass (0 for the other
  // versions). Waits for the stream.
  [[nodiscard]] bool uses_tensor_cores() const noexcept { return tf32_shared_bytes_ > 0 || wgmma_threads_ > 0; }
  // Whether the plain fused kernel runs with each warp's own sums (kernels/ml/kmeans_warp_sums.cuh).
  [[nodiscard]] bool uses_warp_sums() const noexcept { return warp_sums_; }
  [[nodiscard]] unsigned long long rescored(cuda::stream_ref s) const;

 private:
  void assign_and_accumulate(const float* centroids, std::int32_t* labels, cuda::stream_ref s);
  // Dynamic shared memory of the accumulating kernel (the plain fused one, or the others'
  // update; the register-tiled kernel's is tiles_shared_bytes_): with warp sums, the centroids
  // and kmeans_warp_sums_bytes (kmeans_warp_sums_layout.hpp).
  [[nodiscard]] std::size_t shared_bytes() const noexcept;
  kmeans_version version_;
  const float* x_;
  std::int64_t n_;
  int d_, k_;
  linalg::blas_handle* blas_;
  std::size_t tiles_shared_bytes_ = 0;         // fused, by the register-tiled kernel: its shared memory (else 0)
  std::size_t tf32_shared_bytes_ = 0;          // tf32, by its tensor-core kernel: its shared memory (else 0)
  bool warp_sums_ = false;                     // the plain fused kernel keeps each warp's sums (else the block's)
  int wgmma_threads_ = 0;                      // split_tf32, by its wgmma kernel: a block's threads (else 0)
  std::size_t wgmma_shared_bytes_ = 0;         // ... and its shared memory
  unsigned blocks_ = 0;                        // blocks of the assignment: one partial each
  device_buffer<float> partial_sums_;          // blocks x k x d
  device_buffer<std::uint32_t> partial_counts_;  // blocks x k
  device_buffer<double> partial_inertia_;      // blocks
  device_buffer<float> next_centroids_;        // k x d
  device_buffer<double> stats_;                // [0] inertia, [1] largest squared shift
  device_buffer<unsigned long long> rescored_;  // tf32: the labels scored again in float (see above)
  device_buffer<float> distances_;             // naive: n x k squared distances; gemm: n x k dot products
  device_buffer<float> row_norms_;             // gemm: |x_i|^2
  device_buffer<float> centroid_norms_;        // gemm: |c|^2
  device_buffer<std::int32_t> scratch_labels_;  // labels of the iterations (the caller's get the final ones)
};

}  // namespace gpulab::ml
