// SPDX-License-Identifier: MIT
// One process per GPU: the node rank picks the GPU, and more ranks on a node
// than visible GPUs are refused (before ncclCommInitRank, which would hang).
#include "gpulab/multigpu/device_assignment.hpp"

#include <gtest/gtest.h>

#include "gpulab/core/error.hpp"

namespace {

using namespace gpulab::multigpu;

TEST(multigpu_device_assignment, EachRankTakesTheGpuOfItsNodeRank) {
  EXPECT_FALSE(device_assignment_problem(1, 1));
  EXPECT_FALSE(device_assignment_problem(4, 4));
  EXPECT_FALSE(device_assignment_problem(2, 8));  // fewer ranks than GPUs: the rest stay idle
  EXPECT_EQ(device_for_node_rank(0, 1, 1), 0);
  EXPECT_EQ(device_for_node_rank(3, 4, 8), 3);
}

TEST(multigpu_device_assignment, MoreRanksThanGpusAreRefusedInOneLine) {
  const auto problem = device_assignment_problem(2, 1);
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem, "2 ranks on this node but 1 GPU visible: start at most 1 rank per node (one process per GPU)");
  EXPECT_EQ(problem->find('\n'), std::string::npos);
  EXPECT_THROW(device_for_node_rank(0, 2, 1), gpulab::usage_error);
  EXPECT_THROW(device_for_node_rank(4, 5, 4), gpulab::usage_error);
  EXPECT_EQ(*device_assignment_problem(9, 8),
            "9 ranks on this node but 8 GPUs visible: start at most 8 ranks per node (one process per GPU)");
}

TEST(multigpu_device_assignment, NoGpuIsANoDeviceError) {
  const auto problem = device_assignment_problem(1, 0);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("no GPU visible"), std::string::npos) << *problem;
  try {
    device_for_node_rank(0, 1, 0);
    FAIL() << "no GPU was accepted";
  } catch (const gpulab::error& e) {
    EXPECT_EQ(e.code(), gpulab::exit_code::no_device) << e.what();
  }
}

}  // namespace
