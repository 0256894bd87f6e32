// SPDX-License-Identifier: MIT
// PyCUDA's ElementwiseKernel and ReductionKernel in C++: write the operation
// as a string, get a compiled kernel (NVRTC, cached per process) for the
// current GPU, call it with device buffers.
//
//   rtc::elementwise_kernel scale("const float* x, float* y, float a", "y[i] = a * x[i]");
//   scale(s, n, x_device, y_device, 2.0f);      // y = 2 x, n elements, grid-stride loop
//
//   rtc::reduction_kernel<float> dot("0", "a + b", "x[i] * y[i]", "const float* x, const float* y");
//   const float result = dot(s, n, x_device, y_device);   // waits for the result
//
// Arguments are checked against the parameter list before the launch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "gpulab/rtc/module.hpp"

namespace gpulab::rtc {

class elementwise_kernel {
 public:
  // `operation` runs for every i < n (see elementwise_source); `preamble` may hold
  // __device__ functions and __constant__ data.
  elementwise_kernel(const std::string& parameters, const std::string& operation,
                     const std::string& name = "elementwise", const std::string& preamble = "");

  // Runs the operation for i = 0 .. n-1 on s (asynchronously).
  template <class... Args>
  void operator()(cuda::stream_ref s, std::int64_t n, Args&&... args) const {
    if (n < 0) throw usage_error("elementwise kernel '" + kernel_.name() + "': n = " + std::to_string(n));
    if (n == 0) return;
    const auto blocks = static_cast<unsigned>(std::min<std::int64_t>(grid_, (n + block_size - 1) / block_size));
    kernel_.launch(blocks, block_size, s, std::forward<Args>(args)..., static_cast<long long>(n));
  }
  [[nodiscard]] const source_module& module() const { return module_; }

  static constexpr int block_size = 256;

 private:
  source_module module_;
  kernel kernel_;
  unsigned grid_;  // the blocks that fit on the GPU at once
};

// The source of a two-pass reduction: `map` (an expression of i and the
// parameters) for every i < n, combined by `reduce` (an expression of a and b)
// starting from `neutral`; pass 1 leaves one value per block in partials[],
// pass 2 (one block) combines those into result[0]. `type` names T in CUDA C++.
std::string reduction_source(std::string_view kernel_name, std::string_view type, std::string_view neutral,
                             std::string_view reduce, std::string_view map, std::string_view parameters,
                             std::string_view preamble = {});

// The CUDA C++ name of T, for the generated source.
template <class T>
constexpr const char* cuda_type_name() {
  if constexpr (std::is_same_v<T, float>) return "float";
  else if constexpr (std::is_same_v<T, double>) return "double";
  else if constexpr (std::is_same_v<T, int>) return "int";
  else if constexpr (std::is_same_v<T, long long>) return "long long";
  else if constexpr (std::is_same_v<T, unsigned>) return "unsigned";
  else static_assert(sizeof(T) == 0, "reduction_kernel: float, double, int, long long or unsigned");
}

// Loads both passes of a reduction (untyped; reduction_kernel<T> below adds the type).
class reduction_program {
 public:
  reduction_program(const char* type, const std::string& neutral, const std::string& reduce, const std::string& map,
                    const std::string& parameters, const std::string& name, const std::string& preamble);
  static constexpr int block_size = 256;  // a power of two: the tree halves it

  // The most additions one term goes through for n terms: its thread's running
  // sum in pass 1, the block's tree, a running sum over the partials and the tree
  // in pass 2. Each rounds by at most 2^-24 (float) of the sum of magnitudes: a
  // float sum's error bound is this count x 2^-24 x sum |term|.
  [[nodiscard]] std::int64_t longest_addition_chain(std::int64_t n) const;

 protected:
  [[nodiscard]] unsigned pass_one_blocks(std::int64_t n) const {  // pass 1's grid
    return static_cast<unsigned>(std::clamp<std::int64_t>((n + block_size - 1) / block_size, 1, grid_));
  }
  source_module module_;
  kernel blocks_, finish_;
  unsigned grid_;  // pass 1's blocks at most: those that fit on the GPU at once (and <= 1024)
};

template <class T>
class reduction_kernel : private reduction_program {
 public:
  using reduction_program::block_size;
  using reduction_program::longest_addition_chain;
  reduction_kernel(const std::string& neutral, const std::string& reduce, const std::string& map,
                   const std::string& parameters, const std::string& name = "reduction",
                   const std::string& preamble = "")
      : reduction_program(cuda_type_name<T>(), neutral, reduce, map, parameters, name, preamble) {}

  // The reduction of map(0) .. map(n-1); waits for it (it returns a host value).
  template <class... Args>
  T operator()(cuda::stream_ref s, std::int64_t n, Args&&... args) const {
    if (n < 0) throw usage_error("reduction kernel: n = " + std::to_string(n));
    const unsigned blocks = pass_one_blocks(n);
    device_buffer<T> partials(blocks, s), result(1, s);
    blocks_.launch(blocks, block_size, s, std::forward<Args>(args)..., static_cast<long long>(n), partials);
    finish_.launch(1, block_size, s, std::as_const(partials), static_cast<int>(blocks), result);
    return download(result, s)[0];
  }
  [[nodiscard]] const source_module& module() const { return module_; }
};

}  // namespace gpulab::rtc
