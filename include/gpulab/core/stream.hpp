// SPDX-License-Identifier: MIT
// An owning CUDA stream. Functions in the kit take a cuda::stream_ref (a
// non-owning, trivially copyable view of a stream): every GPU call names the
// stream it runs on. Functions that return before the work is done end in _async.
#pragma once

#include <cuda_runtime_api.h>

#include <cuda/stream_ref>

#include "gpulab/core/error.hpp"

namespace gpulab {

class stream {
 public:
  // Non-blocking: this stream does not wait for the legacy default stream.
  stream() { GPULAB_CUDA_TRY(cudaStreamCreateWithFlags(&handle_, cudaStreamNonBlocking)); }
  ~stream() {
    if (handle_ != nullptr) (void)cudaStreamDestroy(handle_);  // destructors never throw
  }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  stream(stream&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  stream& operator=(stream&& other) noexcept {
    if (this != &other) {
      if (handle_ != nullptr) (void)cudaStreamDestroy(handle_);
      handle_ = other.handle_;
      other.handle_ = nullptr;
    }
    return *this;
  }

  [[nodiscard]] cudaStream_t get() const noexcept { return handle_; }
  [[nodiscard]] cuda::stream_ref ref() const noexcept { return cuda::stream_ref{handle_}; }
  operator cuda::stream_ref() const noexcept { return ref(); }  // NOLINT: a stream is usable where a ref is
  void synchronize() const { GPULAB_CUDA_TRY(cudaStreamSynchronize(handle_)); }

 private:
  cudaStream_t handle_ = nullptr;
};

// Waits for all work queued on `s` (throws on an asynchronous error).
inline void synchronize(cuda::stream_ref s) { GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get())); }

}  // namespace gpulab
