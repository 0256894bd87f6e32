// SPDX-License-Identifier: MIT
// Module 5 `custom`: elementwise operations on the GPU (kernels/custom/elementwise.cuh),
// each in three versions of the same loop, behind one host function.
#pragma once

#include <cuda/std/span>
#include <cuda/stream_ref>
#include <span>
#include <vector>

namespace gpulab::custom {

enum class map_version { one_per_element, grid_stride, vectorized };
const char* map_version_name(map_version v);  // "one_per_element", ...
std::vector<map_version> all_map_versions();

enum class elementwise_op {
  times_two,            // the course's "multiply by 2"
  saxpy,                // r = a x + y
  gaussian,             // the normal density
  distance,             // sqrt(a^2 + b^2) through a __device__ function
  polynomial_constant,  // Horner with the coefficients in __constant__ memory
  polynomial_global,    // the same, coefficients read from global memory
};
const char* elementwise_op_name(elementwise_op op);
bool needs_second_input(elementwise_op op);  // saxpy and distance read y

struct elementwise_params {
  float a = 0.31f;                             // saxpy (the course's)
  float mu = 0.0f, sigma = 1.0f;               // gaussian
  const float* global_coefficients = nullptr;  // polynomial_global: device memory
  int coefficient_count = 0;                   // both polynomials
};

// Copies the coefficients (at most 16) into constant memory; polynomial_constant reads them there.
void upload_polynomial_coefficients(std::span<const float> coefficients, cuda::stream_ref s);

// out[i] = op(x[i], y[i]) on s. y is empty unless needs_second_input(op).
void map_async(elementwise_op op, map_version v, const elementwise_params& p, cuda::std::span<const float> x,
               cuda::std::span<const float> y, cuda::std::span<float> out, cuda::stream_ref s);

}  // namespace gpulab::custom
