// SPDX-License-Identifier: MIT
// Module 8 as a build without NCCL (or MPI) sees it: module.cpp compiled with
// one_gpu_cases_missing.cpp (tests.cmake builds this test from the two sources,
// without gpulab::multigpu, on every machine). The cases are still listed, saying
// what they need; running them is refused before any GPU work, in one line, with
// exit code 2 (usage); the tour leaves the module out.
#include <gtest/gtest.h>

#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/multigpu/cases.hpp"
#include "gpulab/multigpu/module.hpp"

namespace {

namespace mg = gpulab::multigpu;

TEST(MultigpuWithoutNccl, TheModuleSaysWhatTheBuildLacks) {
  const std::string why = mg::one_gpu_cases_unavailable();
  EXPECT_NE(why.find("built without NCCL"), std::string::npos) << why;
  EXPECT_EQ(why.find('\n'), std::string::npos) << "one line: " << why;

  const gpulab::training_module m = mg::make_module();
  EXPECT_EQ(m.name, "multigpu");
  ASSERT_EQ(m.cases.size(), 2u);
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_NE(e.description.find("not in this build"), std::string::npos) << e.description;
  }
  EXPECT_TRUE(m.tour.empty()) << "the tour must leave out a module this build cannot run";

  ASSERT_TRUE(m.validate);
  try {
    m.validate(gpulab::run_options{});
    ADD_FAILURE() << "`gpulab multigpu` was not refused";
  } catch (const gpulab::error& e) {
    EXPECT_EQ(e.code(), gpulab::exit_code::usage);
    EXPECT_EQ(std::string(e.what()), why);
  }
  gpulab::run_options o;
  o.size = 31;
  for (const gpulab::case_entry& e : m.cases) EXPECT_THROW((void)e.make(o), gpulab::usage_error) << e.name;
}

}  // namespace
