// SPDX-License-Identifier: MIT
// The checker is only useful if it can say FAIL: it must accept the reference
// and reject the untouched skeleton and each planted wrong solution.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/gpu_test.hpp"
#include "exercises/planted_solutions.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/exercises/check.hpp"

namespace {

namespace ex = gpulab::exercises;

bool skeleton_untouched(const std::string& relative_path) {
  std::ifstream file(std::string(GPULAB_SOURCE_DIR) + "/" + relative_path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str().find("TODO(trainee)") != std::string::npos;
}

std::string joined(const ex::check_report& r) {
  std::string all;
  for (const auto& line : r.lines) all += line + "\n";
  return all;
}

TEST(Exercises, RegistryKnowsEachExercise) {
  EXPECT_EQ(ex::find_exercise("map_2d_index").module_name, "device");
  EXPECT_EQ(ex::find_exercise("pipelined_scale").module_name, "transfer");
  EXPECT_EQ(ex::find_exercise("monte_carlo_pi").module_name, "random");
  EXPECT_THROW(ex::find_exercise("nope"), gpulab::usage_error);
  for (const auto& e : ex::all_exercises()) {
    std::ifstream file(std::string(GPULAB_SOURCE_DIR) + "/" + e.file);
    EXPECT_TRUE(file.good()) << e.file;
  }
}

class ExerciseChecker : public GpuTest {};

TEST_F(ExerciseChecker, Map2dIndexAcceptsTheReference) {
  const auto r = ex::check_map_2d_index(ex::reference::map_2d_index, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_GE(r.lines.size(), 7u);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
  EXPECT_GT(*r.candidate_ms, 0.0);
}

TEST_F(ExerciseChecker, Map2dIndexRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/map_2d_index.cuh")) {
    const auto skeleton = ex::check_map_2d_index(ex::trainee::map_2d_index, {});
    EXPECT_FALSE(skeleton.passed);
    EXPECT_NE(joined(skeleton).find("never written"), std::string::npos) << joined(skeleton);
  }
  const auto transposed = ex::check_map_2d_index(planted::map_2d_index_transposed, {});
  EXPECT_FALSE(transposed.passed);
  EXPECT_NE(joined(transposed).find("PASS 1 x 1"), std::string::npos) << "square shapes pass: " << joined(transposed);
  EXPECT_NE(joined(transposed).find("FAIL 37 x 53"), std::string::npos) << joined(transposed);
  const auto unbounded = ex::check_map_2d_index(planted::map_2d_index_no_bounds_check, {});
  EXPECT_FALSE(unbounded.passed);
  EXPECT_NE(joined(unbounded).find("outside the matrix"), std::string::npos) << joined(unbounded);
}

TEST_F(ExerciseChecker, PipelinedScaleAcceptsTheReference) {
  const auto r = ex::check_pipelined_scale(ex::reference::pipelined_scale, {});
  EXPECT_TRUE(r.passed) << joined(r);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
}

TEST_F(ExerciseChecker, PipelinedScaleRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/pipelined_scale.cuh")) {
    EXPECT_FALSE(ex::check_pipelined_scale(ex::trainee::pipelined_scale, {}).passed);
  }
  const auto tail = ex::check_pipelined_scale(planted::pipelined_scale_drops_tail, {});
  EXPECT_FALSE(tail.passed);
  EXPECT_NE(joined(tail).find("unwritten"), std::string::npos) << joined(tail);
  const auto race = ex::check_pipelined_scale(planted::pipelined_scale_no_final_sync, {});
  EXPECT_FALSE(race.passed) << joined(race);
}

TEST_F(ExerciseChecker, MonteCarloPiAcceptsTheReference) {
  const auto r = ex::check_monte_carlo_pi(ex::reference::monte_carlo_pi, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_GE(r.lines.size(), 8u);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
}

TEST_F(ExerciseChecker, MonteCarloPiRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/monte_carlo_pi.cuh")) {
    const auto skeleton = ex::check_monte_carlo_pi(ex::trainee::monte_carlo_pi, {});
    EXPECT_FALSE(skeleton.passed);
    EXPECT_NE(joined(skeleton).find("nothing was counted"), std::string::npos) << joined(skeleton);
  }
  const auto same = ex::check_monte_carlo_pi(planted::monte_carlo_pi_same_stream, {});
  EXPECT_FALSE(same.passed);
  EXPECT_NE(joined(same).find("FAIL 10000019 darts"), std::string::npos) << joined(same);
  const auto tail = ex::check_monte_carlo_pi(planted::monte_carlo_pi_drops_tail, {});
  EXPECT_FALSE(tail.passed);
  EXPECT_NE(joined(tail).find("PASS 1000 darts"), std::string::npos) << "whole threads pass: " << joined(tail);
  EXPECT_NE(joined(tail).find("FAIL 999 darts"), std::string::npos) << joined(tail);
  const auto tree = ex::check_monte_carlo_pi(planted::monte_carlo_pi_tree_stops_early, {});
  EXPECT_FALSE(tree.passed);
  EXPECT_NE(joined(tree).find("FAIL 10000019 darts"), std::string::npos) << joined(tree);
}

}  // namespace
