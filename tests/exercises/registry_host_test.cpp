// SPDX-License-Identifier: MIT
// The exercises' registry: each exercise's module, and the file a trainee edits exists. No GPU needed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gpulab/core/error.hpp"
#include "gpulab/exercises/check.hpp"

namespace {

namespace ex = gpulab::exercises;

TEST(Exercises, RegistryKnowsEachExercise) {
  EXPECT_EQ(ex::find_exercise("map_2d_index").module_name, "device");
  EXPECT_EQ(ex::find_exercise("pipelined_scale").module_name, "transfer");
  EXPECT_EQ(ex::find_exercise("monte_carlo_pi").module_name, "random");
  EXPECT_EQ(ex::find_exercise("row_major_gemm").module_name, "linalg");
  EXPECT_EQ(ex::find_exercise("tiled_matmul").module_name, "linalg");
  for (const char* name : {"saxpy_grid_stride", "block_sum", "tiled_transpose"}) {
    EXPECT_EQ(ex::find_exercise(name).module_name, "custom") << name;
  }
  EXPECT_EQ(ex::find_exercise("privatized_histogram").module_name, "dataframe");
  EXPECT_THROW(ex::find_exercise("nope"), gpulab::usage_error);
  for (const auto& e : ex::all_exercises()) {
    std::ifstream file(std::filesystem::path(GPULAB_SOURCE_DIR) / e.file);
    EXPECT_TRUE(file.good()) << e.file;
  }
}

}  // namespace
