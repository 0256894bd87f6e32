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
  // gpulab::upload / gpulab::download on this fixture's stream.
  template <class T>
  gpulab::device_buffer<T> upload(const std::vector<T>& h) {
    return gpulab::upload(h, s);
  }
  template <class T>
  std::vector<T> download(const gpulab::device_buffer<T>& d) {
    return gpulab::download(d, s);
  }
};
