// SPDX-License-Identifier: MIT
// The helpers behind the modules' comparison lines, and two modules' lines on
// made-up results: unverified rows never count, the approximate SVD is never
// called accurate, CUB is the yardstick and not a competitor.
#include <gtest/gtest.h>

#include "gpulab/bench/runner.hpp"
#include "gpulab/kernels/cases.hpp"
#include "gpulab/linalg/cases.hpp"

namespace {

gpulab::case_result result(const std::string& name, double ms, bool verified = true) {
  gpulab::case_result r;
  r.name = name;
  r.gpu.median_ms = ms;
  r.verified = verified;
  r.work.bytes = 1e9;
  r.percent_of_peak = 50;
  return r;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

TEST(Fastest, SkipsUnverifiedAndRespectsTheFilter) {
  const std::vector<gpulab::case_result> rs = {result("a_1", 3.0), result("a_2", 1.0, false), result("a_3", 2.0),
                                               result("b_1", 0.5)};
  auto starts_with_a = [](const gpulab::case_result& r) { return r.name.rfind("a_", 0) == 0; };
  ASSERT_NE(gpulab::fastest_verified(rs, starts_with_a), nullptr);
  EXPECT_EQ(gpulab::fastest_verified(rs, starts_with_a)->name, "a_3");
  EXPECT_EQ(gpulab::find_verified(rs, "b_1")->name, "b_1");
  EXPECT_EQ(gpulab::find_verified(rs, "a_2"), nullptr);
  EXPECT_EQ(gpulab::fastest_verified(rs, [](const gpulab::case_result&) { return false; }), nullptr);
}

TEST(Fastest, LinalgNeverCallsTheApproximateSvdTheFastestAccurateOne) {
  const auto lines = gpulab::linalg::make_module().compare(
      {result("svd_gesvd", 120), result("svd_gesvda", 11), result("svd_newton_schulz", 16)});
  EXPECT_NE(joined(lines).find("fastest accurate SVD: newton_schulz"), std::string::npos) << joined(lines);
}

TEST(Fastest, KernelsComparesTheBestHandWrittenReductionWithCub) {
  const auto lines = gpulab::kernels_module::make_module().compare(
      {result("sum_warp_shuffle", 0.5), result("sum_multi_element", 0.1), result("sum_cub", 0.09)});
  EXPECT_NE(joined(lines).find("fastest hand-written sum: sum_multi_element"), std::string::npos) << joined(lines);
  EXPECT_NE(joined(lines).find("90.0% of CUB's speed"), std::string::npos) << joined(lines);
}

}  // namespace
