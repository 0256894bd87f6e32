// SPDX-License-Identifier: MIT
// Module 7 `ml` on the GPU: every case through the runner at odd
// sizes must verify (tests/course proves that wrong outputs do not).
#include <gtest/gtest.h>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/ml/module.hpp"

namespace {

class ml_gpu : public GpuTest {};

TEST_F(ml_gpu, EveryCaseVerifiesAtOddSizes) {
  expect_every_case_verifies(gpulab::ml::make_module(), {1, 31, 1000003});
}

// That a wrong output fails (poisoned, zeroed, an element unwritten or perturbed)
// is proven for every case of every module by tests/course/sabotage_gpu_test.cpp.

}  // namespace
