// SPDX-License-Identifier: MIT
// Every case entry of every module declares the size it is checked at (check_size): the
// sabotage test (course/sabotage_gpu_test.cpp) runs each entry there. No GPU needed.
#include <gtest/gtest.h>

#include "gpulab/course.hpp"

namespace {

TEST(SabotageSizes, EveryCaseEntryDeclaresACheckSize) {
  int entries = 0;
  for (const gpulab::training_module& m : gpulab::all_modules()) {
    for (const gpulab::case_entry& e : m.cases) {
      EXPECT_GT(e.check_size, 0u) << m.name << " " << e.name;
      ++entries;
    }
  }
  EXPECT_GT(entries, 100) << "the course has over a hundred case entries";
}

}  // namespace
