// SPDX-License-Identifier: MIT
// Private to src/ml: the split_tf32 version's assignment kernel (kernels/ml/kmeans_wgmma.cuh),
// which lives in its own translation unit, kmeans_wgmma.cu, built only for sm_90a (CMake
// target gpulab_ml_wgmma). Where it cannot run (another GPU, or a shape it does not take)
// the version runs the fused version's kernels (kmeans_lloyd.cu).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace gpulab::ml::detail {

// How the kernel is launched for one fit: threads 0 means it cannot run.
struct kmeans_wgmma_launch {
  int threads = 0;               // 128 or 256: one or two warpgroups a block
  std::size_t shared_bytes = 0;  // dynamic shared memory a block
  unsigned blocks = 0;           // one partial each
};

// The launch for n rows of d features and k centroids, at most max_blocks blocks, for rows
// the caller has checked are whole float4s (d % 4 == 0, d <= 64, 16-byte aligned): the kernel
// needs this build's sm_90a code and a GPU of compute capability 9.0, and its shared memory
// within what a block may opt in to. Also raises the kernel's shared-memory limit.
kmeans_wgmma_launch prepare_kmeans_wgmma(std::int64_t n, int d, int k, unsigned max_blocks);

// One assignment pass (kernels::kmeans_wgmma_assign_accumulate), launched with launch_dependent.
void launch_kmeans_wgmma(const kmeans_wgmma_launch& launch, const float* x, std::int64_t n, int d,
                         const float* centroids, int k, std::int32_t* labels, float* partial_sums,
                         unsigned* partial_counts, double* partial_inertia, cudaStream_t s);

}  // namespace gpulab::ml::detail
