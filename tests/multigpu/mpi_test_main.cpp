// SPDX-License-Identifier: MIT
// main() of the MPI tests: every rank runs every test (each test is collective).
// Rank 0 prints GoogleTest's report; the other ranks print only their failures,
// each line naming its rank. The exit code is the worst over all ranks, so
// mpirun fails when any rank failed; for the GPU tests, 77 when nothing failed but tests were skipped.
#include <gtest/gtest.h>

#include <iostream>

#include "gpulab/multigpu/mpi_session.hpp"

const gpulab::multigpu::mpi_session* test_session = nullptr;  // for the tests that ask it

namespace {

[[maybe_unused]] constexpr int skipped_exit_code = 77;

class failures_only : public ::testing::EmptyTestEventListener {
 public:
  explicit failures_only(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::cerr << "rank " << rank_ << ": " << (result.file_name() ? result.file_name() : "?") << ":"
              << result.line_number() << ": " << result.summary() << std::endl;
  }

 private:
  int rank_;
};

}  // namespace

int main(int argc, char** argv) {
  gpulab::multigpu::mpi_session mpi(argc, argv);
  test_session = &mpi;
  ::testing::InitGoogleTest(&argc, argv);
  if (mpi.rank() != 0) {
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new failures_only(mpi.rank()));
  }
  const int mine = RUN_ALL_TESTS();
  int worst = 0;
  MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, mpi.world());
#ifdef GPULAB_GPU_TESTS
  // The GPU tests: nothing failed but some were skipped (no GPU, or fewer GPUs
  // than ranks): exit code 77, which ctest reports as SKIPPED (SKIP_RETURN_CODE),
  // never as passed. A failure anywhere is still a failure. (The CPU MPI tests
  // skip what a number of ranks cannot show, e.g. neighbours on 1 rank: they pass.)
  const int skipped = ::testing::UnitTest::GetInstance()->skipped_test_count();
  if (worst == 0 && skipped > 0) return skipped_exit_code;
#endif
  return worst;
}
