// SPDX-License-Identifier: MIT
// The split_tf32 version's assignment on wgmma: its launch and the check that it can run
// (kmeans_wgmma.hpp). Built for sm_90a only (src/ml/CMakeLists.txt).
#include "kmeans_wgmma.hpp"

#include <algorithm>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/launch.cuh"
#include "kernels/ml/kmeans_wgmma.cuh"
#include "sm90a_code.hpp"

namespace gpulab::ml::detail {

namespace {

using assign_kernel = void (*)(const float*, std::int64_t, int, const float*, int, std::int32_t*, float*,
                               unsigned*, double*);

// The kernel compiled for d's k-steps (kmeans_wgmma_k_steps: 2, 4 or 8).
assign_kernel kernel_for(int d) {
  switch (kmeans_wgmma_k_steps(d)) {
    case 2: return kernels::kmeans_wgmma_assign_accumulate<2>;
    case 4: return kernels::kmeans_wgmma_assign_accumulate<4>;
    default: return kernels::kmeans_wgmma_assign_accumulate<8>;
  }
}

}  // namespace

kmeans_wgmma_launch prepare_kmeans_wgmma(std::int64_t n, int d, int k, unsigned max_blocks) {
  const assign_kernel kernel = kernel_for(d);
  if (!runs_sm90a_code(kernel)) return {};
  const cudaFuncAttributes attributes = kernel_attributes(kernel);
  // Two warpgroups a block where their sums fit, else one (each warp keeps k x d sums).
  for (const int threads : {wgmma_kmeans_max_threads, wgmma_kmeans_max_threads / 2}) {
    const auto bytes = static_cast<std::size_t>(kmeans_wgmma_layout{k, d, threads / 32}.bytes());
    if (!opt_in_fits(attributes, bytes)) continue;
    allow_dynamic_shared_memory(kernel, bytes);
    const std::int64_t rows_a_block = threads / 128 * wgmma_kmeans_tile_rows;  // a tile a warpgroup
    const std::int64_t needed = (n + rows_a_block - 1) / rows_a_block;
    const unsigned blocks = std::min({static_cast<unsigned>(std::min<std::int64_t>(needed, max_blocks)),
                                      occupancy_grid_size(kernel, threads, bytes)});
    return {threads, bytes, std::max(1u, blocks)};
  }
  return {};
}

void launch_kmeans_wgmma(const kmeans_wgmma_launch& launch, const float* x, std::int64_t n, int d,
                         const float* centroids, int k, std::int32_t* labels, float* partial_sums,
                         unsigned* partial_counts, double* partial_inertia, cudaStream_t s) {
  launch_dependent(kernel_for(d), launch.blocks, static_cast<unsigned>(launch.threads), launch.shared_bytes, s, x, n,
                   d, centroids, k, labels, partial_sums, partial_counts, partial_inertia);
}

}  // namespace gpulab::ml::detail
