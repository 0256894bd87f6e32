// SPDX-License-Identifier: MIT
// GPULAB_HOST_DEVICE marks a function that runs on both sides: __host__ __device__
// when nvcc compiles the file, nothing when the host compiler does. One function
// then serves the CPU reference and the kernels (see gpulab/custom/julia.hpp, escape_count).
#pragma once

#ifdef __CUDACC__
#define GPULAB_HOST_DEVICE __host__ __device__
#else
#define GPULAB_HOST_DEVICE
#endif
