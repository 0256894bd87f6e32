// SPDX-License-Identifier: MIT
// Module 6 `dataframe` on the GPU: every case through the runner at odd
// sizes must verify (tests/course proves that wrong outputs do not).
#include <gtest/gtest.h>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/dataframe/module.hpp"

namespace {

class dataframe_gpu : public GpuTest {};

TEST_F(dataframe_gpu, EveryCaseVerifiesAtOddSizes) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  ASSERT_GE(m.cases.size(), 6u) << "the course's six steps at least: an empty module would pass vacuously";
  expect_every_case_verifies(m, {1, 31, 1000003});  // asserts each case's verdict, baseline and time
}

// That a wrong output fails (poisoned, zeroed, an element unwritten or perturbed)
// is proven for every case of every module by tests/course/sabotage_gpu_test.cpp.

}  // namespace
