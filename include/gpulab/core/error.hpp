// SPDX-License-Identifier: MIT
// One error header for the whole kit.
//
// Every CUDA call goes through a GPULAB_*_TRY macro. On failure it throws an
// exception that carries the call's text, file:line, the error's name and its
// description. Library code never prints and never calls exit(): the apps turn
// exceptions into one line on stderr and a documented exit code (exit_code below).
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace gpulab {

// The exit codes every gpulab program uses (the README lists them too).
enum class exit_code : int {
  ok = 0,
  verification_failed = 1,  // a result did not match its CPU reference, or `check` said FAIL
  usage = 2,                // bad command line: unknown case, bad size, bad device index...
  no_device = 3,            // no CUDA-capable GPU is visible
  out_of_resources = 4,     // not enough device or host memory for the requested size
  io = 5,                   // a file could not be read or written
  cuda = 6,                 // a CUDA runtime or library call failed
  internal = 7,             // anything else (a bug: please report it)
  mpi = 8,                  // an MPI call failed (module 8, gpulab-multigpu)
};

// Base of every error the kit throws.
class error : public std::runtime_error {
 public:
  explicit error(const std::string& what, exit_code code = exit_code::internal)
      : std::runtime_error(what), code_(code) {}
  [[nodiscard]] exit_code code() const noexcept { return code_; }

 private:
  exit_code code_;
};

// The user asked for something that cannot be done (bad option value, unknown name).
class usage_error : public error {
 public:
  explicit usage_error(const std::string& what) : error(what, exit_code::usage) {}
};

// No GPU at all: a distinct error so that apps can say so plainly.
class no_device_error : public error {
 public:
  explicit no_device_error(const std::string& what) : error(what, exit_code::no_device) {}
};

// The device (or the host) does not have the memory the request needs; says both numbers.
// Which memory: the GPU's, or the host's (checked before any allocation, both numbers said).
enum class memory_kind { device, host };
class out_of_memory_error : public error {
 public:
  out_of_memory_error(std::size_t requested_bytes, std::size_t available_bytes, const std::string& what_for,
                      memory_kind kind = memory_kind::device);
  [[nodiscard]] std::size_t requested_bytes() const noexcept { return requested_; }
  [[nodiscard]] std::size_t available_bytes() const noexcept { return available_; }

 private:
  std::size_t requested_;
  std::size_t available_;
};

// The input cannot be computed with: a singular matrix, one that is not positive
// definite, NaN or Inf in the data. A property of the input, so a usage exit code.
class numerical_error : public error {
 public:
  explicit numerical_error(const std::string& what) : error(what, exit_code::usage) {}
};

// A file could not be read or written, or its contents are malformed.
class io_error : public error {
 public:
  explicit io_error(const std::string& what) : error(what, exit_code::io) {}
};

// Throws io_error when `path` cannot be opened for writing: checked before long
// work, so a typo in an output path fails at once. "" and "-" (stdout) pass.
void require_writable(const std::string& path);

// A CUDA runtime, driver or library call failed. `library` is "CUDA", "cuBLAS", ...
class cuda_error : public error {
 public:
  cuda_error(const char* library, int status, const char* status_name, const std::string& status_text,
             const char* call, const char* file, int line);
  [[nodiscard]] int status() const noexcept { return status_; }
  [[nodiscard]] const std::string& library() const noexcept { return library_; }

 private:
  std::string library_;
  int status_;
};

// Status-to-text for the libraries whose headers offer no such function
// (cuSOLVER, cuRAND) and for the driver API, so that gpulab does not have to
// link libcuda.so (which a machine without a driver does not have).
const char* cusolver_status_name(int status) noexcept;
const char* curand_status_name(int status) noexcept;
const char* driver_status_name(int status) noexcept;
const char* cublas_status_name(int status) noexcept;

namespace detail {
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line);
[[noreturn]] void throw_library_error(const char* library, int status, const char* name, const char* call,
                                      const char* file, int line);
void check_launch(const char* file, int line);

// The debug build (GPULAB_SYNC_AFTER_LAUNCH) synchronizes after every launch, which is not
// allowed while a stream is captured into a CUDA graph (it would end the capture). A capture
// holds one of these for its duration, and check_launch only checks the launch meanwhile.
class graph_capture_scope {
 public:
  graph_capture_scope() noexcept;
  ~graph_capture_scope();
  graph_capture_scope(const graph_capture_scope&) = delete;
  graph_capture_scope& operator=(const graph_capture_scope&) = delete;
};
}  // namespace detail

}  // namespace gpulab

// Runtime API: GPULAB_CUDA_TRY(cudaMalloc(&p, bytes));
#define GPULAB_CUDA_TRY(call)                                                      \
  do {                                                                             \
    const cudaError_t gpulab_status_ = (call);                                     \
    if (gpulab_status_ != cudaSuccess) {                                           \
      ::gpulab::detail::throw_cuda_error(gpulab_status_, #call, __FILE__, __LINE__); \
    }                                                                              \
  } while (0)

// One macro per library; each compares against that library's success value.
#define GPULAB_LIBRARY_TRY_(library, success, name_of, call)                                          \
  do {                                                                                                \
    const auto gpulab_status_ = (call);                                                               \
    if (gpulab_status_ != (success)) {                                                                \
      ::gpulab::detail::throw_library_error(library, static_cast<int>(gpulab_status_),                \
                                            name_of(gpulab_status_), #call, __FILE__, \
                                            __LINE__);                                                \
    }                                                                                                 \
  } while (0)
#define GPULAB_CU_TRY(call) GPULAB_LIBRARY_TRY_("CUDA driver", 0, ::gpulab::driver_status_name, call)
#define GPULAB_CUBLAS_TRY(call) GPULAB_LIBRARY_TRY_("cuBLAS", 0, ::gpulab::cublas_status_name, call)
#define GPULAB_CUSOLVER_TRY(call) GPULAB_LIBRARY_TRY_("cuSOLVER", 0, ::gpulab::cusolver_status_name, call)
#define GPULAB_CURAND_TRY(call) GPULAB_LIBRARY_TRY_("cuRAND", 0, ::gpulab::curand_status_name, call)
// NVRTC has its own nvrtcGetErrorString; its header is included where NVRTC is used.
#define GPULAB_NVRTC_TRY(call) GPULAB_LIBRARY_TRY_("NVRTC", 0, nvrtcGetErrorString, call)
// NCCL (module 8) likewise: ncclGetErrorString comes from nccl.h, included where NCCL is used.
// (MPI's macro, GPULAB_MPI_TRY, is in gpulab/multigpu/mpi_session.hpp: it throws mpi_error, exit code 8.)
#define GPULAB_NCCL_TRY(call) GPULAB_LIBRARY_TRY_("NCCL", ncclSuccess, ncclGetErrorString, call)

// After every kernel launch: a bad launch configuration shows up here, at the
// launch site. The debug preset (GPULAB_SYNC_AFTER_LAUNCH) also synchronises, so
// that a fault inside the kernel is reported at its launch and not much later.
#define GPULAB_CHECK_LAUNCH() ::gpulab::detail::check_launch(__FILE__, __LINE__)
