// SPDX-License-Identifier: MIT
// Module 8's one-GPU cases through the runner's protocol (seeded inputs,
// poisoned outputs, CPU reference, verify, time, verify again) at odd and
// boundary sizes: the wave step bit-exact against the host step, the all_reduce
// exact. SKIPPED without a GPU. (That a wrong output fails is the sabotage test's.)
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/multigpu/cases.hpp"
#include "gpulab/multigpu/module.hpp"

namespace {

namespace mg = gpulab::multigpu;

class MultigpuCases : public ::testing::Test {
 protected:
  void SetUp() override {
    GPULAB_REQUIRE_GPU();
    if (!mg::one_gpu_cases_unavailable().empty()) GTEST_SKIP() << mg::one_gpu_cases_unavailable();
  }
};

void expect_verified(gpulab::bench_case& c, gpulab::resources& res, const gpulab::run_options& options) {
  const gpulab::case_result r = gpulab::run_case(c, res, options);
  EXPECT_TRUE(r.verified) << c.name() << " at " << c.size_label() << ": " << r.verify_detail;
  EXPECT_FALSE(r.error.has_value()) << c.name() << ": " << r.error.value_or("");
  EXPECT_GT(r.gpu.median_ms, 0.0) << c.name();
}

TEST_F(MultigpuCases, TheWaveStepEqualsTheHostStepBitForBit) {
  gpulab::run_options options = quick_run_options();
  gpulab::resources res = gpulab::make_resources(options, false);
  // 3: one inside cell; 4: two rows, one per edge, one float4 a row; odd and even
  // widths, and widths divisible by 4 (4, 132, 1028: the float4 kernel); more cells
  // than one wave of blocks (1027^2, 1028^2).
  for (const std::int64_t n : {3, 4, 31, 130, 132, 1027, 1028}) {
    const auto c = mg::make_wave_step_case(n);
    expect_verified(*c, res, options);
  }
}

TEST_F(MultigpuCases, TheAllReduceOfOneRankIsExact) {
  gpulab::run_options options = quick_run_options();
  gpulab::resources res = gpulab::make_resources(options, false);
  for (const std::size_t count : {std::size_t{1}, std::size_t{31}, std::size_t{1000003}}) {
    const auto c = mg::make_all_reduce_case(count);
    expect_verified(*c, res, options);
  }
}

TEST_F(MultigpuCases, TheTourItemRunsThroughTheModule) {
  // What `gpulab tour` does with module 8: its tour items at a small size, in one process, no mpirun.
  const gpulab::training_module m = mg::make_module();
  gpulab::run_options options = quick_run_options();
  gpulab::resources res = gpulab::make_resources(options, false);
  std::vector<gpulab::run_item> items = m.tour;
  for (gpulab::run_item& item : items) item.size = 257;
  const gpulab::module_run run = gpulab::run_module_items(m, items, options, res);
  ASSERT_EQ(run.results.size(), m.tour.size());
  EXPECT_TRUE(run.all_verified);
  EXPECT_EQ(run.worst, gpulab::exit_code::ok);
  EXPECT_FALSE(m.compare(run.results).empty()) << "the comparison line of the wave step";
}

}  // namespace
