// SPDX-License-Identifier: MIT
// Shared by the module 3 GPU tests: host <-> device helpers for small arrays
// (the stream `s` comes from GpuStreamTest).
#pragma once

#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/linalg/cpu_reference.hpp"
#include "gpulab/linalg/solver.hpp"

class LinalgGpu : public GpuStreamTest {
 protected:
  template <class T>
  gpulab::device_buffer<T> upload(const std::vector<T>& h) {
    gpulab::device_buffer<T> d(h.size(), s);
    gpulab::copy_to_device_async(std::span<const T>(h), d, s);
    gpulab::synchronize(s);
    return d;
  }
  template <class T>
  std::vector<T> download(const gpulab::device_buffer<T>& d) {
    std::vector<T> h(d.size());
    gpulab::copy_to_host_async(d, std::span<T>(h), s);
    gpulab::synchronize(s);
    return h;
  }
};
