// SPDX-License-Identifier: MIT
// Every transfer case through the runner at small, odd sizes: each must verify.
#include "gpulab/transfer/cases.hpp"

#include <gtest/gtest.h>

#include "common/gpu_test.hpp"

namespace {

using namespace gpulab::transfer;

TEST(TransferModule, SweepAndCaseList) {
  const auto sizes = sweep_sizes();
  ASSERT_EQ(sizes.size(), 10u);
  EXPECT_EQ(sizes.front(), 4096u);
  EXPECT_EQ(sizes.back(), std::size_t{1} << 30);
  const gpulab::training_module m = make_module();
  EXPECT_EQ(m.name, "transfer");
  EXPECT_EQ(m.cases.size(), 14u);
  EXPECT_FALSE(m.tour.empty());
  gpulab::run_options options;
  EXPECT_EQ(m.cases[0].make(options).size(), 10u);  // the sweep
  options.size = 12345;
  EXPECT_EQ(m.cases[0].make(options).size(), 1u);
  overlap_config bad;
  bad.chunks = 0;
  EXPECT_THROW(make_overlap_case(bad), gpulab::usage_error);
}

class TransferCases : public GpuTest {
 protected:
  gpulab::run_options options_{};
  void SetUp() override {
    GpuTest::SetUp();
    if (IsSkipped()) return;
    options_.repeat = 3;
    options_.repeat_given = true;
  }
};

TEST_F(TransferCases, EveryCopyKindVerifiesAtOddSizes) {
  gpulab::run_context ctx = gpulab::make_run_context(options_, true);
  for (copy_kind kind : {copy_kind::h2d_pageable, copy_kind::h2d_pinned, copy_kind::d2h_pageable, copy_kind::d2h_pinned,
                         copy_kind::d2d_memcpy, copy_kind::d2d_copy_kernel, copy_kind::d2d_copy_grid_stride,
                         copy_kind::managed_on_demand,
                         copy_kind::managed_prefetch}) {
    for (std::size_t bytes : {1u, 4099u, 1000003u}) {
      auto c = make_copy_case(kind, bytes);
      const auto r = gpulab::run_case(*c, ctx, options_);
      EXPECT_TRUE(r.verified) << copy_kind_name(kind) << " " << bytes << ": " << r.verify_detail;
      EXPECT_GT(r.gigabytes_per_second(), 0.0);
      EXPECT_FALSE(r.cpu.has_value());  // a copy has no CPU baseline to speed up
    }
  }
}

TEST_F(TransferCases, ScaleByTwoVerifiesAndHasACpuBaseline) {
  gpulab::run_context ctx = gpulab::make_run_context(options_, true);
  for (scale_kind kind : {scale_kind::device_resident, scale_kind::pageable_copies, scale_kind::pinned_copies}) {
    for (std::size_t n : {1u, 1000003u}) {
      auto c = make_scale_case(kind, n);
      const auto r = gpulab::run_case(*c, ctx, options_);
      EXPECT_TRUE(r.verified) << scale_kind_name(kind) << " " << n << ": " << r.verify_detail;
      EXPECT_TRUE(r.speedup_vs_cpu().has_value());
    }
  }
}

TEST_F(TransferCases, PipelineVerifiesForAnyChunking) {
  gpulab::run_context ctx = gpulab::make_run_context(options_, false);
  for (auto [n, chunks, streams] : {std::tuple{1u, 1, 1}, std::tuple{1000003u, 8, 4}, std::tuple{4099u, 7, 3},
                                    std::tuple{5u, 8, 2}}) {
    overlap_config config;
    config.n = n;
    config.chunks = chunks;
    config.streams = streams;
    config.fma_steps = 16;
    auto c = make_overlap_case(config);
    const auto r = gpulab::run_case(*c, ctx, options_);
    EXPECT_TRUE(r.verified) << n << "/" << chunks << "/" << streams << ": " << r.verify_detail;
  }
}

TEST_F(TransferCases, CompareNotesAndPlotFromResults) {
  const gpulab::training_module m = make_module();
  options_.size = 1 << 20;
  options_.selected = {"d2d_memcpy", "d2d_copy_kernel", "h2d_pinned", "h2d_pageable"};
  gpulab::run_context ctx = gpulab::make_run_context(options_, true);
  const auto run = gpulab::run_module(m, options_, ctx);
  EXPECT_TRUE(run.all_verified);
  ASSERT_EQ(run.results.size(), 4u);
  const auto notes = m.compare(run.results);
  ASSERT_GE(notes.size(), 2u);
  EXPECT_NE(notes[0].find("copy kernel vs cudaMemcpy"), std::string::npos);
  const gpulab::line_plot plot = m.plot(run.results);
  EXPECT_EQ(plot.series.size(), 4u);
  EXPECT_TRUE(plot.log2_x);
  EXPECT_TRUE(plot.log10_y);
}

}  // namespace
