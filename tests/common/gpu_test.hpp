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

// Skips unless the current GPU has compute capability `required_major`.0 or later (a
// version that needs newer hardware: programmatic dependent launch is 9, TF32 tensor cores 8).
#define GPULAB_REQUIRE_COMPUTE_CAPABILITY(required_major)                                                 \
  do {                                                                                                  \
    if (const auto gpulab_cc_ = ::gpulab::current_compute_capability(); gpulab_cc_.major < (required_major)) { \
      GTEST_SKIP() << "needs compute capability " << (required_major) << ".0 or later, this GPU has "  \
                   << gpulab_cc_.major << "." << gpulab_cc_.minor;                                      \
    }                                                                                                   \
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
