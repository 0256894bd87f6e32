// SPDX-License-Identifier: MIT
// CUDA events and the event timer. Events are recorded into a stream and
// measure the time between two points *on the GPU's timeline*, which is what we
// want: a host clock would also count launch overhead and queueing.
#pragma once

#include <cuda_runtime_api.h>

#include <cuda/stream_ref>
#include <functional>
#include <vector>

#include "gpulab/core/error.hpp"

namespace gpulab {

class event {
 public:
  explicit event(unsigned flags = cudaEventDefault) { GPULAB_CUDA_TRY(cudaEventCreateWithFlags(&handle_, flags)); }
  ~event() {
    if (handle_ != nullptr) (void)cudaEventDestroy(handle_);
  }
  event(const event&) = delete;
  event& operator=(const event&) = delete;
  event(event&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  event& operator=(event&& other) noexcept {
    if (this != &other) {
      if (handle_ != nullptr) (void)cudaEventDestroy(handle_);
      handle_ = other.handle_;
      other.handle_ = nullptr;
    }
    return *this;
  }

  void record(cuda::stream_ref s) { GPULAB_CUDA_TRY(cudaEventRecord(handle_, s.get())); }
  void synchronize() const { GPULAB_CUDA_TRY(cudaEventSynchronize(handle_)); }
  [[nodiscard]] cudaEvent_t get() const noexcept { return handle_; }

 private:
  cudaEvent_t handle_ = nullptr;
};

// Milliseconds between two recorded events (waits for `stop`).
inline double elapsed_ms(const event& start, const event& stop) {
  stop.synchronize();
  float ms = 0;
  GPULAB_CUDA_TRY(cudaEventElapsedTime(&ms, start.get(), stop.get()));
  return ms;
}

// Runs `work` on stream `s` warm_up times untimed, then `repeats` times, each
// bracketed by its own pair of events; returns the per-repeat times in ms.
// `before_each` runs outside the timed region (flush a cache, re-poison...).
inline std::vector<double> time_on_stream(cuda::stream_ref s, int warm_up, int repeats,
                                          const std::function<void()>& work,
                                          const std::function<void()>& before_each = {}) {
  for (int i = 0; i < warm_up; ++i) {
    if (before_each) before_each();
    work();
  }
  std::vector<event> starts(static_cast<std::size_t>(repeats));
  std::vector<event> stops(static_cast<std::size_t>(repeats));
  for (int i = 0; i < repeats; ++i) {
    if (before_each) before_each();
    starts[static_cast<std::size_t>(i)].record(s);
    work();
    stops[static_cast<std::size_t>(i)].record(s);
  }
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(repeats));
  for (int i = 0; i < repeats; ++i) {
    times.push_back(elapsed_ms(starts[static_cast<std::size_t>(i)], stops[static_cast<std::size_t>(i)]));
  }
  return times;
}

}  // namespace gpulab
