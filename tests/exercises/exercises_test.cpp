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
  EXPECT_EQ(ex::find_exercise("row_major_gemm").module_name, "linalg");
  EXPECT_EQ(ex::find_exercise("tiled_matmul").module_name, "linalg");
  for (const char* name : {"saxpy_grid_stride", "block_sum", "tiled_transpose"}) {
    EXPECT_EQ(ex::find_exercise(name).module_name, "kernels") << name;
  }
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

// The planted-bug tests need no big timed run (and stay quick under compute-sanitizer).
ex::check_options quick_timing() {
  ex::check_options o;
  o.matmul_timing_size = 129;
  return o;
}

TEST_F(ExerciseChecker, RowMajorGemmAcceptsTheReference) {
  const auto r = ex::check_row_major_gemm(ex::reference::row_major_gemm, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_GE(r.lines.size(), 9u);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
}

TEST_F(ExerciseChecker, RowMajorGemmRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/row_major_gemm.hpp")) {
    const auto skeleton = ex::check_row_major_gemm(ex::trainee::row_major_gemm, quick_timing());
    EXPECT_FALSE(skeleton.passed);
    EXPECT_NE(joined(skeleton).find("never written"), std::string::npos) << joined(skeleton);
  }
  const auto as_is = ex::check_row_major_gemm(planted::row_major_gemm_as_if_column_major, quick_timing());
  EXPECT_FALSE(as_is.passed);
  EXPECT_NE(joined(as_is).find("PASS 1 x 1 x 1"), std::string::npos) << "1 x 1 cannot tell: " << joined(as_is);
  EXPECT_NE(joined(as_is).find("FAIL 17 x 33 x 9"), std::string::npos) << joined(as_is);
  const auto transposed = ex::check_row_major_gemm(planted::row_major_gemm_result_transposed, quick_timing());
  EXPECT_FALSE(transposed.passed);
  EXPECT_NE(joined(transposed).find("FAIL 17 x 33 x 9"), std::string::npos) << joined(transposed);
  const auto ld = ex::check_row_major_gemm(planted::row_major_gemm_wrong_leading_dimension, quick_timing());
  EXPECT_FALSE(ld.passed);
  EXPECT_NE(joined(ld).find("PASS 16 x 16 x 16"), std::string::npos) << "n = k cannot tell: " << joined(ld);
}

TEST_F(ExerciseChecker, TiledMatmulAcceptsTheReferenceAndComparesWithCublas) {
  const auto r = ex::check_tiled_matmul(ex::reference::tiled_matmul, {});
  EXPECT_TRUE(r.passed) << joined(r);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
  EXPECT_NE(joined(r).find("cuBLAS SGEMM takes"), std::string::npos) << joined(r);
}

TEST_F(ExerciseChecker, TiledMatmulRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/tiled_matmul.cuh")) {
    const auto skeleton = ex::check_tiled_matmul(ex::trainee::tiled_matmul, quick_timing());
    EXPECT_FALSE(skeleton.passed);
    EXPECT_NE(joined(skeleton).find("never written"), std::string::npos) << joined(skeleton);
  }
  const auto partial = ex::check_tiled_matmul(planted::tiled_matmul_drops_partial_tile, quick_timing());
  EXPECT_FALSE(partial.passed);
  EXPECT_NE(joined(partial).find("PASS 64 x 64 x 64"), std::string::npos) << "whole tiles pass: " << joined(partial);
  EXPECT_NE(joined(partial).find("FAIL 17 x 33 x 9"), std::string::npos) << joined(partial);
  const auto unchecked = ex::check_tiled_matmul(planted::tiled_matmul_no_store_check, quick_timing());
  EXPECT_FALSE(unchecked.passed);
  EXPECT_NE(joined(unchecked).find("past the end of C"), std::string::npos) << joined(unchecked);
  const auto b_wrong = ex::check_tiled_matmul(planted::tiled_matmul_b_column_major, quick_timing());
  EXPECT_FALSE(b_wrong.passed);
  EXPECT_NE(joined(b_wrong).find("FAIL 100 x 37 x 129"), std::string::npos) << joined(b_wrong);
}

// ---------------------------------------------------------------- module 5
TEST_F(ExerciseChecker, SaxpyGridStrideAcceptsTheReference) {
  const auto r = ex::check_saxpy_grid_stride(ex::reference::saxpy_grid_stride, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_EQ(r.lines.size(), 7u);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
}

TEST_F(ExerciseChecker, SaxpyGridStrideRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/saxpy_grid_stride.cuh")) {
    const auto skeleton = ex::check_saxpy_grid_stride(ex::trainee::saxpy_grid_stride, {});
    EXPECT_FALSE(skeleton.passed);
    EXPECT_NE(joined(skeleton).find("never written"), std::string::npos) << joined(skeleton);
  }
  // One element per thread: right while the grid covers n, wrong past it.
  const auto one = ex::check_saxpy_grid_stride(planted::saxpy_one_per_element, {});
  EXPECT_FALSE(one.passed);
  EXPECT_NE(joined(one).find("PASS 31 elements"), std::string::npos) << joined(one);
  EXPECT_NE(joined(one).find("FAIL 1000003 elements"), std::string::npos) << joined(one);
  const auto inclusive = ex::check_saxpy_grid_stride(planted::saxpy_inclusive_bound, {});
  EXPECT_FALSE(inclusive.passed);
  EXPECT_NE(joined(inclusive).find("past the output"), std::string::npos) << joined(inclusive);
  const auto no_block = ex::check_saxpy_grid_stride(planted::saxpy_ignores_block_index, {});
  EXPECT_FALSE(no_block.passed);
  EXPECT_NE(joined(no_block).find("PASS 1 elements"), std::string::npos) << joined(no_block);
}

TEST_F(ExerciseChecker, BlockSumAcceptsTheReference) {
  const auto r = ex::check_block_sum(ex::reference::block_sum, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_EQ(r.lines.size(), 7u);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
}

TEST_F(ExerciseChecker, BlockSumRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/block_sum.cuh")) {
    const auto skeleton = ex::check_block_sum(ex::trainee::block_sum, {});
    EXPECT_FALSE(skeleton.passed);
    EXPECT_NE(joined(skeleton).find("FAIL 1 elements: total 0,"), std::string::npos) << joined(skeleton);
  }
  const auto early = ex::check_block_sum(planted::block_sum_tree_stops_early, {});
  EXPECT_FALSE(early.passed);
  EXPECT_NE(joined(early).find("PASS 1 elements"), std::string::npos) << "one value is never lost: " << joined(early);
  EXPECT_NE(joined(early).find("FAIL 257 elements"), std::string::npos) << joined(early);
  const auto one = ex::check_block_sum(planted::block_sum_one_element_per_thread, {});
  EXPECT_FALSE(one.passed);
  EXPECT_NE(joined(one).find("PASS 257 elements"), std::string::npos) << joined(one);
  EXPECT_NE(joined(one).find("FAIL 4194309 elements"), std::string::npos) << joined(one);
  const auto every = ex::check_block_sum(planted::block_sum_every_thread_adds, {});
  EXPECT_FALSE(every.passed);
  EXPECT_NE(joined(every).find("FAIL 1 elements"), std::string::npos) << joined(every);
}

TEST_F(ExerciseChecker, TiledTransposeAcceptsTheReference) {
  const auto r = ex::check_tiled_transpose(ex::reference::tiled_transpose, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_EQ(r.lines.size(), 8u);
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
}

TEST_F(ExerciseChecker, TiledTransposeRejectsTheSkeletonAndPlantedBugs) {
  if (skeleton_untouched("kernels/exercises/tiled_transpose.cuh")) {
    const auto skeleton = ex::check_tiled_transpose(ex::trainee::tiled_transpose, {});
    EXPECT_FALSE(skeleton.passed);
    EXPECT_NE(joined(skeleton).find("never written"), std::string::npos) << joined(skeleton);
  }
  // Blocks not swapped: right when the matrix is a single tile.
  const auto same_place = ex::check_tiled_transpose(planted::transpose_blocks_not_swapped, {});
  EXPECT_FALSE(same_place.passed);
  EXPECT_NE(joined(same_place).find("PASS 32 x 32"), std::string::npos) << joined(same_place);
  EXPECT_NE(joined(same_place).find("FAIL 64 x 96"), std::string::npos) << joined(same_place);
  const auto unchecked = ex::check_tiled_transpose(planted::transpose_no_write_check, {});
  EXPECT_FALSE(unchecked.passed);
  EXPECT_NE(joined(unchecked).find("PASS 64 x 96"), std::string::npos) << "whole tiles need no check: "
                                                                       << joined(unchecked);
  EXPECT_NE(joined(unchecked).find("past the output"), std::string::npos) << joined(unchecked);
  const auto untransposed = ex::check_tiled_transpose(planted::transpose_tile_not_transposed, {});
  EXPECT_FALSE(untransposed.passed);
  EXPECT_NE(joined(untransposed).find("PASS 1 x 1"), std::string::npos) << joined(untransposed);
  EXPECT_NE(joined(untransposed).find("FAIL 32 x 32"), std::string::npos) << joined(untransposed);
}

}  // namespace
