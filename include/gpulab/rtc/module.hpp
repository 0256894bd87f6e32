// SPDX-License-Identifier: MIT
// Runtime compilation (module 5), the loading and launching half: the C++
// answer to PyCUDA's SourceModule. Source text is compiled by NVRTC for the
// current GPU (rtc/program.hpp, cached per process), loaded, and its kernels
// launched from C++ with device buffers:
//
//   rtc::source_module m(R"(
//       __constant__ float a[3] = {1.0f, -2.0f, -0.5f};
//       __device__ float polynomial(float x) { return a[0] + x * (a[1] + x * a[2]); }
//       __global__ void apply(const float* x, float* y, int n) {
//         const int i = blockIdx.x * blockDim.x + threadIdx.x;
//         if (i < n) y[i] = polynomial(x[i]);
//       })");
//   m.set_global("a", std::span<const float>(new_coefficients), s);   // PyCUDA's get_global + memcpy
//   m.function("apply").launch(blocks, 256, s, x_device, y_device, n); // PyCUDA's get_function
//
// As in PyCUDA, the source is wrapped in extern "C" { } so that kernels keep
// their names (no C++ name mangling). A source that needs C++ outside it
// (templates, overloads) passes wrap_extern_c = false and marks its kernels
// extern "C" itself.
//
// Loading uses the runtime's library API (cudaLibraryLoadData, cudaLibraryGetKernel,
// cudaLaunchKernel with a cudaKernel_t): the driver API's cuLibrary* calls through
// the runtime, so gpulab programs need no link to libcuda and still start (and
// say "no GPU") on a machine without a driver.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/rtc/program.hpp"

namespace gpulab::rtc {

// The architecture of the current device: programs are compiled for exactly it.
architecture current_architecture();

namespace detail {
// A device buffer is passed as its pointer; anything else as itself (it must be trivially copyable).
template <class T>
T* as_kernel_argument(device_buffer<T>& b) {
  return b.data();
}
template <class T>
const T* as_kernel_argument(const device_buffer<T>& b) {
  return b.data();
}
template <class T>
T as_kernel_argument(const T& value) {
  static_assert(std::is_trivially_copyable_v<T>, "a kernel argument is copied byte for byte to the GPU");
  return value;
}

// What the host knows of one argument, checked against the declared parameter.
struct argument_shape {
  bool is_pointer;
  bool points_to_const;
  std::size_t bytes;  // of the value, or of the pointee for a pointer
};
template <class T>
argument_shape shape_of() {
  if constexpr (std::is_pointer_v<T>) {
    using pointee = std::remove_pointer_t<T>;
    return {true, std::is_const_v<pointee>, sizeof(std::conditional_t<std::is_void_v<pointee>, char, pointee>)};
  } else {
    return {false, false, sizeof(T)};
  }
}
}  // namespace detail

// One kernel of a loaded module: a handle, valid while its source_module lives.
class kernel {
 public:
  kernel(cudaKernel_t handle, std::string name, std::vector<kernel_parameter> parameters)
      : handle_(handle), name_(std::move(name)), parameters_(std::move(parameters)) {}

  // Launches kernel<<<grid, block, 0, s>>>(args...). Device buffers may be passed
  // as they are. When the signature is known (elementwise kernels, or
  // source_module::function with a signature), the arguments are checked against
  // it first: their number, pointer or value, sizes, and no const data where the
  // kernel writes; a mismatch is a usage_error, not a crash on the GPU.
  template <class... Args>
  void launch(dim3 grid, dim3 block, cuda::stream_ref s, Args&&... args) const {
    auto converted = std::make_tuple(detail::as_kernel_argument(args)...);
    check_arguments({detail::shape_of<decltype(detail::as_kernel_argument(args))>()...});
    std::apply(
        [&](auto&... value) {
          void* pointers[] = {static_cast<void*>(&value)..., nullptr};  // (nullptr: a kernel may take no arguments)
          launch_with_pointers(grid, block, s, pointers);
        },
        converted);
  }

  // As many blocks of block_size threads as fit on the GPU at once (a grid-stride loop's grid).
  [[nodiscard]] unsigned resident_blocks(int block_size) const;
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] cudaKernel_t handle() const { return handle_; }

 private:
  void check_arguments(const std::vector<detail::argument_shape>& shapes) const;
  void launch_with_pointers(dim3 grid, dim3 block, cuda::stream_ref s, void** arguments) const;
  cudaKernel_t handle_;
  std::string name_;
  std::vector<kernel_parameter> parameters_;  // empty: unknown, not checked
};

// A __device__ or __constant__ variable of a loaded module.
struct global_variable {
  void* address = nullptr;
  std::size_t bytes = 0;
};

// PyCUDA's SourceModule: compile (cached per process), load on the current device.
class source_module {
 public:
  explicit source_module(const std::string& source, const std::string& name = "source_module",
                         const std::vector<std::string>& options = {}, bool wrap_extern_c = true);
  ~source_module();
  source_module(const source_module&) = delete;
  source_module& operator=(const source_module&) = delete;
  source_module(source_module&& other) noexcept;
  source_module& operator=(source_module&& other) noexcept;

  // The kernel `name`; usage_error (naming the kernels there are) if it does not exist.
  // With `signature` ("const float* x, float* y, int n") its launches are checked.
  [[nodiscard]] kernel function(const std::string& name, const std::string& signature = "") const;
  // The variable `name`; usage_error if it does not exist.
  [[nodiscard]] global_variable global(const std::string& name) const;
  // Copies `values` into the variable `name` (its whole size, or a usage_error); complete on return.
  template <class T>
  void set_global(const std::string& name, std::span<const T> values, cuda::stream_ref s) const {
    copy_to_global(name, values.data(), values.size_bytes(), s);
  }
  [[nodiscard]] const compiled_program& program() const { return *program_; }
  [[nodiscard]] std::vector<std::string> kernel_names() const;

 private:
  void copy_to_global(const std::string& name, const void* data, std::size_t bytes, cuda::stream_ref s) const;
  std::shared_ptr<const compiled_program> program_;
  cudaLibrary_t library_ = nullptr;
};

}  // namespace gpulab::rtc
