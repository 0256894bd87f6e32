// SPDX-License-Identifier: MIT
#include "gpulab/core/error.hpp"

#include <fstream>

#include "gpulab/core/format.hpp"

namespace gpulab {

void require_writable(const std::string& path) {
  if (path.empty() || path == "-") return;
  std::ofstream probe(path, std::ios::app);  // app: an existing file is left as it is
  if (!probe) throw io_error("cannot write '" + path + "'");
}

out_of_memory_error::out_of_memory_error(std::size_t requested_bytes, std::size_t available_bytes,
                                         const std::string& what_for, memory_kind kind)
    : error(std::string("not enough ") + (kind == memory_kind::host ? "host" : "device") + " memory for " + what_for +
                ": it needs " + format_bytes(requested_bytes) + " (" + std::to_string(requested_bytes) +
                " bytes) but only " + format_bytes(available_bytes) + " (" + std::to_string(available_bytes) +
                " bytes) are " + (kind == memory_kind::host ? "available" : "free"),
            exit_code::out_of_resources),
      requested_(requested_bytes),
      available_(available_bytes) {}

cuda_error::cuda_error(const char* library, int status, const char* status_name, const std::string& status_text,
                       const char* call, const char* file, int line)
    : error(std::string(file) + ":" + std::to_string(line) + ": " + library + " call `" + call + "` failed: " +
                status_name + (status_text.empty() ? "" : " (" + status_text + ")"),
            exit_code::cuda),
      library_(library),
      status_(status) {}

namespace detail {

void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  throw cuda_error("CUDA", static_cast<int>(status), cudaGetErrorName(status), cudaGetErrorString(status), call,
                   file, line);
}

void throw_library_error(const char* library, int status, const char* name, const char* call, const char* file,
                         int line) {
  throw cuda_error(library, status, name, "", call, file, line);
}

namespace {
thread_local int graph_captures = 0;  // graph_capture_scope's that this thread holds
}  // namespace

graph_capture_scope::graph_capture_scope() noexcept { ++graph_captures; }
graph_capture_scope::~graph_capture_scope() { --graph_captures; }

void check_launch(const char* file, int line) {
  cudaError_t status = cudaPeekAtLastError();
#if defined(GPULAB_SYNC_AFTER_LAUNCH)
  if (status == cudaSuccess && graph_captures == 0) status = cudaDeviceSynchronize();
#endif
  if (status != cudaSuccess) {
    (void)cudaGetLastError();
    throw_cuda_error(status, "kernel launch", file, line);
  }
}

}  // namespace detail

// The tables below mirror the status enums of the libraries' headers (CUDA 12/13).
const char* cublas_status_name(int status) noexcept {
  switch (status) {
    case 0: return "CUBLAS_STATUS_SUCCESS";
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
  }
}

const char* cusolver_status_name(int status) noexcept {
  switch (status) {
    case 0: return "CUSOLVER_STATUS_SUCCESS";
    case 1: return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case 2: return "CUSOLVER_STATUS_ALLOC_FAILED";
    case 3: return "CUSOLVER_STATUS_INVALID_VALUE";
    case 4: return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case 5: return "CUSOLVER_STATUS_MAPPING_ERROR";
    case 6: return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case 7: return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case 8: return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
    case 9: return "CUSOLVER_STATUS_NOT_SUPPORTED";
    case 10: return "CUSOLVER_STATUS_ZERO_PIVOT";
    case 11: return "CUSOLVER_STATUS_INVALID_LICENSE";
    default: return "CUSOLVER_STATUS_UNKNOWN";
  }
}

const char* curand_status_name(int status) noexcept {
  switch (status) {
    case 0: return "CURAND_STATUS_SUCCESS";
    case 100: return "CURAND_STATUS_VERSION_MISMATCH";
    case 101: return "CURAND_STATUS_NOT_INITIALIZED";
    case 102: return "CURAND_STATUS_ALLOCATION_FAILED";
    case 103: return "CURAND_STATUS_TYPE_ERROR";
    case 104: return "CURAND_STATUS_OUT_OF_RANGE";
    case 105: return "CURAND_STATUS_LENGTH_NOT_MULTIPLE";
    case 106: return "CURAND_STATUS_DOUBLE_PRECISION_REQUIRED";
    case 201: return "CURAND_STATUS_LAUNCH_FAILURE";
    case 202: return "CURAND_STATUS_PREEXISTING_FAILURE";
    case 203: return "CURAND_STATUS_INITIALIZATION_FAILED";
    case 204: return "CURAND_STATUS_ARCH_MISMATCH";
    case 999: return "CURAND_STATUS_INTERNAL_ERROR";
    default: return "CURAND_STATUS_UNKNOWN";
  }
}

const char* driver_status_name(int status) noexcept {
  switch (status) {
    case 0: return "CUDA_SUCCESS";
    case 1: return "CUDA_ERROR_INVALID_VALUE";
    case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
    case 3: return "CUDA_ERROR_NOT_INITIALIZED";
    case 4: return "CUDA_ERROR_DEINITIALIZED";
    case 100: return "CUDA_ERROR_NO_DEVICE";
    case 101: return "CUDA_ERROR_INVALID_DEVICE";
    case 200: return "CUDA_ERROR_INVALID_IMAGE";
    case 201: return "CUDA_ERROR_INVALID_CONTEXT";
    case 209: return "CUDA_ERROR_NO_BINARY_FOR_GPU";
    case 218: return "CUDA_ERROR_INVALID_PTX";
    case 222: return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
    case 300: return "CUDA_ERROR_INVALID_SOURCE";
    case 400: return "CUDA_ERROR_INVALID_HANDLE";
    case 500: return "CUDA_ERROR_NOT_FOUND";
    case 600: return "CUDA_ERROR_NOT_READY";
    case 700: return "CUDA_ERROR_ILLEGAL_ADDRESS";
    case 701: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
    case 702: return "CUDA_ERROR_LAUNCH_TIMEOUT";
    case 719: return "CUDA_ERROR_LAUNCH_FAILED";
    default: return "CUDA_ERROR_UNKNOWN";
  }
}

}  // namespace gpulab
