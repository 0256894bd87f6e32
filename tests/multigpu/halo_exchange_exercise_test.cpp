// SPDX-License-Identifier: MIT
// The halo exchange exercise's checker must say FAIL, each time for the reason it
// plants: it accepts the reference, rejects the untouched skeleton and three
// planted wrong solutions (below), and never hangs: an exchange that deadlocks is
// reported "deadlock: ..." by its watchdog. One GoogleTest test per solution, so
// ctest runs each in a process of its own (a deadlock may leave the GPU stuck).
// SKIPPED without a GPU. On one GPU the ring has one rank, its own neighbour.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/exercises/check.hpp"
#include "gpulab/multigpu/exercises/halo_exchange.hpp"

namespace {

namespace ex = gpulab::exercises;

// ------------------------------------------------------ planted wrong solutions
struct rows_of {
  explicit rows_of(const ex::halo_exchange_args& a)
      : first(a.field + a.cols), last(a.field + a.rows * a.cols), halo_above(a.field),
        halo_below(a.field + (a.rows + 1) * a.cols), count(static_cast<std::size_t>(a.cols)) {}
  float *first, *last, *halo_above, *halo_below;
  std::size_t count;
};
void wait_for_compute(const ex::halo_exchange_args& a) {
  GPULAB_CUDA_TRY(cudaEventRecord(a.field_ready, a.compute));
  GPULAB_CUDA_TRY(cudaStreamWaitEvent(a.halo, a.field_ready, 0));
}
void compute_waits_for_exchange(const ex::halo_exchange_args& a) {
  GPULAB_CUDA_TRY(cudaEventRecord(a.halos_arrived, a.halo));
  GPULAB_CUDA_TRY(cudaStreamWaitEvent(a.compute, a.halos_arrived, 0));
}

// Every rank sends both rows, then receives: no group, so each send waits for a
// receive that its receiver has queued behind its own send.
void ungrouped_sends_first(const ex::halo_exchange_args& a) {
  const rows_of r(a);
  wait_for_compute(a);
  GPULAB_NCCL_TRY(ncclSend(r.first, r.count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclSend(r.last, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_below, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_above, r.count, ncclFloat, a.above, a.comm, a.halo));
  compute_waits_for_exchange(a);
}

// The wrong neighbour: each halo is received from the other side (above's row into
// the halo below and the other way round).
void halos_from_the_wrong_neighbour(const ex::halo_exchange_args& a) {
  const rows_of r(a);
  wait_for_compute(a);
  GPULAB_NCCL_TRY(ncclGroupStart());
  GPULAB_NCCL_TRY(ncclSend(r.first, r.count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_above, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclSend(r.last, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_below, r.count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclGroupEnd());
  compute_waits_for_exchange(a);
}

// Right exchange, but the compute stream does not wait for it: the next step's
// kernel may read the halos before they arrive.
void no_wait_before_the_next_step(const ex::halo_exchange_args& a) {
  const rows_of r(a);
  wait_for_compute(a);
  GPULAB_NCCL_TRY(ncclGroupStart());
  GPULAB_NCCL_TRY(ncclSend(r.first, r.count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_below, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclSend(r.last, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_above, r.count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclGroupEnd());
}

// Right exchange, but it does not wait for the compute stream: it may send rows
// the last step's kernel has not written yet.
void no_wait_for_the_last_kernel(const ex::halo_exchange_args& a) {
  const rows_of r(a);
  GPULAB_NCCL_TRY(ncclGroupStart());
  GPULAB_NCCL_TRY(ncclSend(r.first, r.count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_below, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclSend(r.last, r.count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclRecv(r.halo_above, r.count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclGroupEnd());
  compute_waits_for_exchange(a);
}

// ------------------------------------------------------------------ helpers
std::string joined(const ex::check_report& r) {
  std::string all;
  for (const auto& line : r.lines) all += line + "\n";
  return all;
}

// The first FAIL line that holds `what` ("" when none does).
std::string fail_line_with(const ex::check_report& r, const std::string& what) {
  for (const auto& line : r.lines) {
    if (line.rfind("FAIL ", 0) == 0 && line.find(what) != std::string::npos) return line;
  }
  return "";
}

// After a deadlock the checker leaves the GPU possibly stuck: end the process as
// gpulab-check does, with GoogleTest's verdict, before CUDA is torn down.
void exit_if_the_gpu_may_be_stuck(const ex::check_report& r) {
  if (!r.exit_without_cleanup) return;
  std::cout << "(the checker reported a deadlock: exiting without tearing CUDA down)\n" << std::flush;
  std::_Exit(::testing::Test::HasFailure() ? 1 : 0);
}

class HaloExchangeExercise : public ::testing::Test {
 protected:
  void SetUp() override { GPULAB_REQUIRE_GPU(); }
};

TEST_F(HaloExchangeExercise, TheReferencePassesEveryCheckAndIsTimed) {
  const ex::check_report r = ex::check_halo_exchange(ex::reference::halo_exchange, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_EQ(r.lines.size(), 3u + 5u + 1u) << joined(r);  // 3 exchanges, 5 solves, the timed solve
  ASSERT_TRUE(r.candidate_ms && r.reference_ms) << joined(r);
  EXPECT_GT(*r.candidate_ms, 0.0);
  EXPECT_FALSE(r.exit_without_cleanup);
}

TEST_F(HaloExchangeExercise, TheUntouchedSkeletonIsRejected) {
  std::ifstream file(std::filesystem::path(GPULAB_SOURCE_DIR) / "kernels/multigpu/exercises/halo_exchange.hpp");
  std::stringstream text;
  text << file.rdbuf();
  if (text.str().find("TODO(trainee)") == std::string::npos) GTEST_SKIP() << "the skeleton has been solved";
  const ex::check_report r = ex::check_halo_exchange(ex::trainee::halo_exchange, {});
  EXPECT_FALSE(r.passed) << joined(r);
  EXPECT_NE(fail_line_with(r, "halo above holds NaN (never written)"), "") << joined(r);
}

TEST_F(HaloExchangeExercise, SendsAndReceivesOutsideAGroupAreADeadlockNotAHang) {
  const ex::check_report r = ex::check_halo_exchange(ungrouped_sends_first, {});
  EXPECT_FALSE(r.passed) << joined(r);
  // Either the watchdog's verdict, or NCCL refusing the ungrouped calls outright:
  // never a hang (ctest's timeout would say so) and never a PASS.
  const std::string deadlock = fail_line_with(r, "deadlock: ");
  const std::string refused = fail_line_with(r, "NCCL");
  EXPECT_TRUE(!deadlock.empty() || !refused.empty()) << joined(r);
  if (!deadlock.empty()) {
    EXPECT_NE(deadlock.find("ncclGroupStart/ncclGroupEnd"), std::string::npos) << deadlock;
    EXPECT_TRUE(r.exit_without_cleanup);
  }
  std::cout << "the ungrouped exchange: " << (deadlock.empty() ? refused : deadlock) << "\n";
  exit_if_the_gpu_may_be_stuck(r);
}

TEST_F(HaloExchangeExercise, TheWrongNeighbourIsNamed) {
  const ex::check_report r = ex::check_halo_exchange(halos_from_the_wrong_neighbour, {});
  EXPECT_FALSE(r.passed) << joined(r);
  const std::string line = fail_line_with(r, "one exchange, 13 x 7");
  EXPECT_NE(line.find("'s halo above holds rank "), std::string::npos) << joined(r);
  EXPECT_NE(line.find("first row, expected rank"), std::string::npos) << joined(r);
  EXPECT_NE(line.find("the wrong neighbour"), std::string::npos) << joined(r);
  exit_if_the_gpu_may_be_stuck(r);
}

TEST_F(HaloExchangeExercise, AKernelThatDoesNotWaitForTheHalosIsCaught) {
  const ex::check_report r = ex::check_halo_exchange(no_wait_before_the_next_step, {});
  EXPECT_FALSE(r.passed) << joined(r);
  // Deterministic where the exchange starts 2 ms late: the kernel reads stale halos.
  const std::string line = fail_line_with(r, "each exchange 2 ms late to start");
  EXPECT_NE(line.find("the kernel read halos that had not arrived"), std::string::npos) << joined(r);
  // The exchange alone is right: its three checks pass.
  EXPECT_EQ(fail_line_with(r, "one exchange"), "") << joined(r);
  exit_if_the_gpu_may_be_stuck(r);
}

TEST_F(HaloExchangeExercise, AnExchangeThatDoesNotWaitForTheKernelIsCaught) {
  const ex::check_report r = ex::check_halo_exchange(no_wait_for_the_last_kernel, {});
  EXPECT_FALSE(r.passed) << joined(r);
  // Deterministic where each step's kernel ends 2 ms late: the exchange sends unwritten rows.
  const std::string line = fail_line_with(r, "each step's kernel 2 ms late");
  EXPECT_NE(line.find("the exchange sent rows the last step's kernel had not yet written"), std::string::npos)
      << joined(r);
  EXPECT_EQ(fail_line_with(r, "one exchange"), "") << joined(r);
  exit_if_the_gpu_may_be_stuck(r);
}

}  // namespace
