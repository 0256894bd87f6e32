// SPDX-License-Identifier: MIT
// The shared no-GPU rule: a GPU test on a machine without a GPU is SKIPPED,
// never silently passed.
#pragma once

#include <gtest/gtest.h>

#include <optional>

#include "gpulab/core/device.hpp"
#include "gpulab/core/stream.hpp"

#define GPULAB_REQUIRE_GPU()                                                                 \
  do {                                                                                       \
    if (::gpulab::device_count() == 0) {                                                     \
      GTEST_SKIP() << "no CUDA-capable GPU visible (" << ::gpulab::no_device_reason() << ")"; \
    }                                                                                        \
  } while (0)

// Skips unless at least `n` GPUs are visible, saying how many the test needs
// (a multi-GPU test: one process per GPU, or one process driving n of them).
#define GPULAB_REQUIRE_GPUS(n)                                                                        \
  do {                                                                                                \
    GPULAB_REQUIRE_GPU();                                                                             \
    if (const int gpulab_visible_ = ::gpulab::device_count(); gpulab_visible_ < (n)) {                \
      GTEST_SKIP() << "needs " << (n) << " GPUs visible (one per rank on this node), " << gpulab_visible_ \
                   << " visible";                                                                     \
    }                                                                                                 \
  } while (0)

// Fixture for GPU tests: skips without a GPU, otherwise selects device 0.
class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GPULAB_REQUIRE_GPU();
    ::gpulab::select_device(0);
  }
};

// A GPU test with its own stream `s`, made in SetUp only when a GPU is there.
class GpuStreamTest : public GpuTest {
 protected:
  void SetUp() override {
    GpuTest::SetUp();
    if (IsSkipped()) return;
    owned_stream.emplace();  // only now: creating a stream needs a GPU
    s = owned_stream->ref();
  }
  std::optional<::gpulab::stream> owned_stream;
  cuda::stream_ref s{cudaStreamLegacy};
};
