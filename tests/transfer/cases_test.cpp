// SPDX-License-Identifier: MIT
// Every transfer case through the runner at small, odd sizes: each must verify.
#include "gpulab/transfer/module.hpp"
#include "gpulab/transfer/cases.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <tuple>

#include "common/gpu_test.hpp"

// Test names and failure messages print these by name (gtest finds PrintTo by ADL).
namespace gpulab::transfer {
void PrintTo(copy_kind k, std::ostream* os) { *os << copy_kind_name(k); }
void PrintTo(scale_kind k, std::ostream* os) { *os << scale_kind_name(k); }
}  // namespace gpulab::transfer

namespace {

using namespace gpulab::transfer;

class TransferCases : public GpuTest {
 public:
  static void TearDownTestSuite() { measured_.reset(); }

 protected:
  gpulab::run_options options_{};
  void SetUp() override {
    GpuTest::SetUp();
    if (IsSkipped()) return;
    options_.repeat = 3;
    options_.repeat_given = true;
  }
  // The device's resources with its ceilings measured (a 1 GiB copy): once per
  // test suite, shared by its tests, not once per size.
  gpulab::resources& measured_resources() {
    if (!measured_) measured_ = std::make_unique<gpulab::resources>(gpulab::make_resources(options_, true));
    return *measured_;
  }

 private:
  static inline std::unique_ptr<gpulab::resources> measured_;
};

// One kind of copy of one size in bytes.
using copy_param = std::tuple<copy_kind, std::size_t>;
class TransferCopyCase : public TransferCases, public ::testing::WithParamInterface<copy_param> {};

TEST_P(TransferCopyCase, VerifiesAtOddSizes) {
  const auto [kind, bytes] = GetParam();
  gpulab::resources& ctx = measured_resources();
  auto c = make_copy_case(kind, bytes);
  const auto r = gpulab::run_case(*c, ctx, options_);
  EXPECT_TRUE(r.verified) << r.verify_detail;
  EXPECT_GT(r.gigabytes_per_second(), 0.0);
  EXPECT_FALSE(r.cpu.has_value());  // a copy has no CPU baseline to speed up
}

INSTANTIATE_TEST_SUITE_P(Transfer, TransferCopyCase,
                         ::testing::Combine(::testing::Values(copy_kind::h2d_pageable, copy_kind::h2d_pinned,
                                                              copy_kind::d2h_pageable, copy_kind::d2h_pinned,
                                                              copy_kind::d2d_memcpy, copy_kind::d2d_copy_kernel,
                                                              copy_kind::d2d_copy_grid_stride,
                                                              copy_kind::d2d_copy_wide_tile,
                                                              copy_kind::managed_on_demand,
                                                              copy_kind::managed_prefetch),
                                            ::testing::Values(std::size_t{1}, std::size_t{4099},
                                                              std::size_t{1000003})),
                         [](const ::testing::TestParamInfo<copy_param>& param_info) {
                           const auto& kind = std::get<0>(param_info.param);
                           const auto& bytes = std::get<1>(param_info.param);
                           return std::string(copy_kind_name(kind)) + "_" + std::to_string(bytes) + "_bytes";
                         });

// One kind of scale-by-two of n floats.
using scale_param = std::tuple<scale_kind, std::size_t>;
class TransferScaleCase : public TransferCases, public ::testing::WithParamInterface<scale_param> {};

TEST_P(TransferScaleCase, VerifiesAndHasACpuBaseline) {
  const auto [kind, n] = GetParam();
  gpulab::resources& ctx = measured_resources();
  auto c = make_scale_case(kind, n);
  const auto r = gpulab::run_case(*c, ctx, options_);
  EXPECT_TRUE(r.verified) << r.verify_detail;
  EXPECT_TRUE(r.speedup_vs_cpu().has_value());
}

INSTANTIATE_TEST_SUITE_P(Transfer, TransferScaleCase,
                         ::testing::Combine(::testing::Values(scale_kind::device_resident, scale_kind::pageable_copies,
                                                              scale_kind::pinned_copies),
                                            ::testing::Values(std::size_t{1}, std::size_t{1000003})),
                         [](const ::testing::TestParamInfo<scale_param>& param_info) {
                           const auto& kind = std::get<0>(param_info.param);
                           const auto& n = std::get<1>(param_info.param);
                           return std::string(scale_kind_name(kind)) + "_n" + std::to_string(n);
                         });

// One chunking of the overlap pipeline: n floats, chunks, streams.
struct chunking {
  std::size_t n;
  int chunks, streams;
};
std::string chunking_name(const chunking& c) {
  return "n" + std::to_string(c.n) + "_" + std::to_string(c.chunks) + "_chunks_" + std::to_string(c.streams) +
         "_streams";
}
void PrintTo(const chunking& c, std::ostream* os) { *os << chunking_name(c); }

class TransferPipelineCase : public TransferCases, public ::testing::WithParamInterface<chunking> {};

TEST_P(TransferPipelineCase, VerifiesForAnyChunking) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  overlap_config config;
  config.n = GetParam().n;
  config.chunks = GetParam().chunks;
  config.streams = GetParam().streams;
  config.fma_steps = 16;
  auto c = make_overlap_case(config);
  const auto r = gpulab::run_case(*c, ctx, options_);
  EXPECT_TRUE(r.verified) << r.verify_detail;
}

INSTANTIATE_TEST_SUITE_P(Transfer, TransferPipelineCase,
                         ::testing::Values(chunking{1, 1, 1}, chunking{1000003, 8, 4}, chunking{4099, 7, 3},
                                           chunking{5, 8, 2}),
                         [](const ::testing::TestParamInfo<chunking>& param_info) {
                           return chunking_name(param_info.param);
                         });

TEST_F(TransferCases, CompareNotesAndPlotFromResults) {
  const gpulab::training_module m = make_module();
  options_.size = 1 << 20;
  options_.selected = {"d2d_memcpy", "d2d_copy_kernel", "h2d_pinned", "h2d_pageable"};
  gpulab::resources ctx = gpulab::make_resources(options_, true);
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
  const std::string svg = gpulab::line_plot_svg(plot);  // --plot's figure, drawn from the measured sweep
  EXPECT_NE(svg.find(">h2d_pinned</text>"), std::string::npos);
}

}  // namespace
