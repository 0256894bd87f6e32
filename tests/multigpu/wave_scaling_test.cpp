// SPDX-License-Identifier: MIT
// The scaling tables' arithmetic and report, without a GPU: which GPU counts a
// job runs, the efficiencies, the bytes a step moves at least, what one GPU's
// report says about the missing rows, and a failed row.
#include "gpulab/multigpu/wave_scaling.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using namespace gpulab::multigpu;

TEST(multigpu_scaling, CountsDoubleUpToTheJobSize) {
  EXPECT_EQ(scaling_counts(1), (std::vector<int>{1}));
  EXPECT_EQ(scaling_counts(2), (std::vector<int>{1, 2}));
  EXPECT_EQ(scaling_counts(3), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(scaling_counts(4), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(scaling_counts(6), (std::vector<int>{1, 2, 4, 6}));
  EXPECT_EQ(scaling_counts(8), (std::vector<int>{1, 2, 4, 8}));
}

TEST(multigpu_scaling, EfficiencyIsTheIdealTimeOverTheMeasuredOne) {
  EXPECT_DOUBLE_EQ(strong_efficiency(10.0, 10.0, 1), 1.0);
  EXPECT_DOUBLE_EQ(strong_efficiency(10.0, 2.5, 4), 1.0);   // 4x faster on 4 GPUs
  EXPECT_DOUBLE_EQ(strong_efficiency(10.0, 5.0, 4), 0.5);   // 2x on 4
  EXPECT_DOUBLE_EQ(weak_efficiency(10.0, 12.5), 0.8);       // 4x the grid, 25% slower
  EXPECT_DOUBLE_EQ(strong_efficiency(10.0, 0.0, 4), 0.0);
}

TEST(multigpu_scaling, AStepMovesTwelveBytesPerInteriorCell) {
  const step_bytes b = wave_step_bytes({4096, 4096});
  EXPECT_DOUBLE_EQ(b.read, 8.0 * 4094 * 4094);
  EXPECT_DOUBLE_EQ(b.written, 4.0 * 4094 * 4094);
  EXPECT_DOUBLE_EQ(wave_step_bytes({2, 100}).total(), 0.0);  // no interior
  step_bandwidth bw;
  bw.bytes = b;
  bw.ms_per_step = b.total() / 4e9;  // 4000 GB/s
  bw.ceiling_gbs = 5000.0;
  EXPECT_NEAR(bw.gbs(), 4000.0, 1e-9);
  EXPECT_NEAR(bw.percent_of_ceiling(), 80.0, 1e-9);
}

scaling_report one_gpu_report() {
  scaling_report r;
  r.options.problem = wave_problem{.grid = {4096, 4096}, .steps = 100};
  r.backend = "nccl";
  r.strong.push_back({1, {4096, 4096}, 0.06, 1.0, 0, "the undivided host solve"});
  r.weak.push_back({1, {4096, 4096}, 0.06, 1.0, 0, "the 1-GPU solve"});
  r.one_gpu.bytes = wave_step_bytes({4096, 4096});
  r.one_gpu.ms_per_step = 0.06;
  r.one_gpu.ceiling_gbs = 4000.0;
  return r;
}

TEST(multigpu_scaling, OneGpuSaysWhatTheOtherRowsNeed) {
  const scaling_report r = one_gpu_report();
  ASSERT_TRUE(r.verified());
  const std::string text = format_scaling_report(r);
  EXPECT_NE(text.find("rows for 2, 4, 8 GPUs need as many ranks"), std::string::npos) << text;
  EXPECT_NE(text.find("validation: every row equals its reference bit for bit"), std::string::npos) << text;
  EXPECT_NE(text.find("of the measured ceiling 4000 GB/s"), std::string::npos) << text;
  const nlohmann::json json = nlohmann::json::parse(scaling_report_json(r));
  EXPECT_EQ(json["strong"].size(), 1u);
  EXPECT_EQ(json["weak"][0]["verified"], true);
}

TEST(multigpu_scaling, ADifferingRowFailsTheReport) {
  scaling_report r = one_gpu_report();
  r.ranks = 2;
  r.strong.push_back({2, {4096, 4096}, 0.035, strong_efficiency(0.06, 0.035, 2), 17, "the 1-GPU solve"});
  EXPECT_FALSE(r.verified());
  const std::string text = format_scaling_report(r);
  EXPECT_NE(text.find("validation: FAILED"), std::string::npos) << text;
  EXPECT_EQ(text.find("rows for 2, 4, 8 GPUs need"), std::string::npos) << text;
  EXPECT_FALSE(scaling_report{}.verified()) << "no row is no verdict";
}

}  // namespace
