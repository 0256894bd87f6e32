// SPDX-License-Identifier: MIT
// Compiled, never run, by the test build.kernels_compile_for_the_ptx_floor: the
// default build with no GPU visible emits PTX for compute_75 too (cmake/
// cuda_architectures.cmake), where the TF32 tensor cores' wmma types do not exist.
// Every header that uses sm_80+ (or sm_90+) features must still compile there (a
// guarded stub, or device calls that compile to nothing).
#include "gpulab/core/dependent_launch.cuh"
#include "kernels/ml/kmeans_fused.cuh"
#include "kernels/ml/kmeans_tf32.cuh"
#include "kernels/ml/kmeans_update.cuh"
#include "kernels/ml/knn_tf32.cuh"
#include "kernels/ml/knn_tf32_filter.cuh"
