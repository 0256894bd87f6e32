// SPDX-License-Identifier: MIT
// Module 8 in the course without a GPU: `gpulab list` and `gpulab tour` see it
// through all_modules(); its cases are made, named and sized before any GPU
// work; a bad --size is refused in one line. (The cases run in cases_gpu_test.)
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/course.hpp"
#include "gpulab/multigpu/cases.hpp"
#include "gpulab/multigpu/module.hpp"

namespace {

namespace mg = gpulab::multigpu;

gpulab::run_options with_size(std::uint64_t size) {
  gpulab::run_options o;
  o.size = size;
  return o;
}

TEST(MultigpuModule, IsTheLastModuleOfTheCourse) {
  const std::vector<gpulab::training_module> modules = gpulab::all_modules();
  ASSERT_FALSE(modules.empty());
  EXPECT_EQ(modules.back().name, "multigpu");
  ASSERT_NE(gpulab::find_module("multigpu"), nullptr);
  EXPECT_NE(gpulab::find_module("multigpu")->title.find("module 8"), std::string::npos);
}

TEST(MultigpuModule, EveryCaseIsNamedAfterItsEntryAndDeclaresItsWork) {
  if (!mg::one_gpu_cases_unavailable().empty()) GTEST_SKIP() << mg::one_gpu_cases_unavailable();
  const gpulab::training_module m = mg::make_module();
  std::set<std::string> names;
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_TRUE(names.insert(e.name).second) << "two entries named " << e.name;
    EXPECT_GT(e.check_size, 0u) << e.name;
    EXPECT_EQ(e.check_size % 2, 1u) << e.name << ": the sabotage test's size should be odd";
    EXPECT_NO_THROW(m.validate(with_size(e.check_size))) << e.name;
    const auto cases = e.make(with_size(e.check_size));
    ASSERT_EQ(cases.size(), 1u) << e.name;
    EXPECT_EQ(cases.front()->name(), e.name);
    EXPECT_GT(cases.front()->work().bytes(), 0.0) << e.name;
    EXPECT_GT(cases.front()->device_bytes_needed(), 0u) << e.name;
    EXPECT_GT(cases.front()->host_bytes_needed(), 0u) << e.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"wave_step", "all_reduce_nccl"}));
  // The tour runs the wave step (the module's headline: % of the memory ceiling).
  ASSERT_EQ(m.tour.size(), 1u);
  EXPECT_EQ(m.tour.front().name, "wave_step");
}

TEST(MultigpuModule, TheWaveStepDeclaresTheBytesOfOneStep) {
  if (!mg::one_gpu_cases_unavailable().empty()) GTEST_SKIP() << mg::one_gpu_cases_unavailable();
  // A 101 x 101 grid: rows 1..99 are updated, columns 1..99 of each: 99 x 99 cells
  // read `previous` and write `next`; `current` is read on rows 0..100, all 101 columns.
  const gpulab::work_amount w = mg::make_wave_step_case(101)->work();
  EXPECT_DOUBLE_EQ(w.bytes_written, 4.0 * 99 * 99);
  EXPECT_DOUBLE_EQ(w.bytes_read, 4.0 * (99 * 99 + 101 * 101));
  EXPECT_DOUBLE_EQ(w.flops, 9.0 * 99 * 99);
  // The all_reduce of one rank reads its buffer and writes the result.
  const gpulab::work_amount a = mg::make_all_reduce_case(1000)->work();
  EXPECT_DOUBLE_EQ(a.bytes_read, 4000.0);
  EXPECT_DOUBLE_EQ(a.bytes_written, 4000.0);
}

TEST(MultigpuModule, SizesWithoutACaseAreRefusedInOneLine) {
  if (!mg::one_gpu_cases_unavailable().empty()) GTEST_SKIP() << mg::one_gpu_cases_unavailable();
  for (const std::int64_t n : {0, 1, 2}) {
    try {
      (void)mg::make_wave_step_case(n);
      ADD_FAILURE() << "a " << n << " x " << n << " grid has no inside cell, yet it was accepted";
    } catch (const gpulab::usage_error& e) {
      EXPECT_NE(std::string(e.what()).find("less than 3"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW((void)mg::make_wave_step_case(std::int64_t{1} << 31), gpulab::usage_error);
  EXPECT_THROW((void)mg::make_all_reduce_case(0), gpulab::usage_error);
  EXPECT_NO_THROW((void)mg::make_wave_step_case(3));
}

}  // namespace
