// SPDX-License-Identifier: MIT
// The scratch memory of cuSOLVER routines: one helper for every solver class.
//
// Each cuSOLVER routine has a twin, <routine>_bufferSize, that says how much
// scratch memory the routine needs for a given size. The pattern is the same in
// every solver: ask when the solver is built, allocate once, reuse on every call,
// so nothing is allocated inside the timed region. A solver that runs several
// routines one after another on its stream (QR: geqrf, then orgqr) asks for each
// and keeps one buffer as large as the largest answer.
//
// A public header, not a private one in src/linalg, because the solver classes
// (solver.hpp) hold a solver_workspace as a member.
#pragma once

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cuda/stream_ref>
#include <vector>

#include "gpulab/core/memory.hpp"

namespace gpulab::linalg {

class solver_workspace {
 public:
  explicit solver_workspace(cuda::stream_ref s) : stream_(s) {}

  // What a routine of the 64-bit API (cusolverDnX..._bufferSize) asked for:
  // bytes of device memory and bytes of host memory. Grows, never shrinks.
  void reserve(std::size_t device_bytes, std::size_t host_bytes) {
    if (device_bytes > device_.size()) device_ = device_buffer<std::byte>(device_bytes, stream_);
    if (host_bytes > host_.size()) host_.resize(host_bytes);
  }
  // What a typed routine (cusolverDnSorgqr_bufferSize, ...) asked for: lwork elements of T.
  template <class T>
  void reserve_elements(int lwork) {
    reserve(sizeof(T) * static_cast<std::size_t>(std::max(0, lwork)), 0);
  }

  [[nodiscard]] void* device() noexcept { return device_.data(); }
  [[nodiscard]] std::size_t device_bytes() const noexcept { return device_.size(); }
  [[nodiscard]] void* host() noexcept { return host_.data(); }
  [[nodiscard]] std::size_t host_bytes() const noexcept { return host_.size(); }
  // The device buffer as the T* and int lwork of a typed routine
  // (cudaMallocAsync aligns far beyond alignof(double)).
  template <class T>
  [[nodiscard]] T* device_as() noexcept {
    return reinterpret_cast<T*>(device_.data());
  }
  template <class T>
  [[nodiscard]] int device_elements() const noexcept {
    return static_cast<int>(std::min<std::size_t>(device_.size() / sizeof(T), INT_MAX));
  }

 private:
  cuda::stream_ref stream_;
  device_buffer<std::byte> device_;
  std::vector<std::byte> host_;
};

}  // namespace gpulab::linalg
