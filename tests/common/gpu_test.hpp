// SPDX-License-Identifier: MIT
// The shared no-GPU rule: a GPU test on a machine without a GPU is SKIPPED,
// never silently passed.
#pragma once

#include <gtest/gtest.h>

#include "gpulab/core/device.hpp"

#define GPULAB_REQUIRE_GPU()                                                                 \
  do {                                                                                       \
    if (::gpulab::device_count() == 0) {                                                     \
      GTEST_SKIP() << "no CUDA-capable GPU visible (" << ::gpulab::no_device_reason() << ")"; \
    }                                                                                        \
  } while (0)

// Fixture for GPU tests: skips without a GPU, otherwise selects device 0.
class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GPULAB_REQUIRE_GPU();
    ::gpulab::select_device(0);
  }
};
