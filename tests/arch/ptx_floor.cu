// SPDX-License-Identifier: MIT
// Compiled, never run, by the test build.kernels_compile_for_the_ptx_floor: the
// default build with no GPU visible emits PTX for compute_75 too (cmake/
// cuda_architectures.cmake), where the TF32 tensor cores' wmma types do not exist.
// Every header that uses sm_80+ features must still compile there (a guarded stub).
#include "kernels/ml/knn_tf32.cuh"
