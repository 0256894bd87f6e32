// SPDX-License-Identifier: MIT
// The all-reduce versions on the GPU, under mpirun (1 and 2 ranks): the
// hand-written ring on both communicator backends, out of place into a poisoned
// buffer and in place, for counts smaller than, equal to and larger than the
// rank count, compared exactly with the host's sum of every rank's data; every
// version through run_all_reduce_version; and that its check fails for a
// version that leaves an element unwritten. SKIPPED without one GPU per rank.
#include "gpulab/multigpu/all_reduce_versions.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/multigpu/collective_data.hpp"
#include "gpulab/multigpu/mpi_session.hpp"
#include "gpulab/multigpu/ring_all_reduce.hpp"
#include "gpulab/multigpu/ring_schedule.hpp"
#include "multigpu/multigpu_gpu_fixture.hpp"

namespace {

using namespace gpulab;
using namespace gpulab::multigpu;

constexpr std::uint64_t seed = 20240807;

class multigpu_all_reduce_gpu : public multigpu_gpu_test, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    multigpu_gpu_test::SetUp();
    if (IsSkipped()) return;
    comm = GetParam() == "nccl" ? make_nccl_communicator(MPI_COMM_WORLD, node_rank(), node_size())
                                : make_mpi_communicator(MPI_COMM_WORLD, /*allow_cuda_aware=*/false);
  }
  void TearDown() override { comm.reset(); }
  std::unique_ptr<communicator> comm;
};

TEST_P(multigpu_all_reduce_gpu, RingGivesEveryRankTheExactSum) {
  for (const std::size_t count : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{31}, std::size_t{1000003}}) {
    for (const bool in_place : {false, true}) {
      device_buffer<float> send = upload(contributions<float>(seed, comm->rank(), count), s);
      device_buffer<float> recv(count, s);
      recv.fill_bytes_async(0xFF, s);
      device_buffer<float> scratch(largest_ring_chunk(count, comm->size()), s);
      device_buffer<float>& out = in_place ? send : recv;
      ring_all_reduce_async(send.data(), out.data(), count, scratch.data(), *comm, s);
      const std::size_t differing =
          count_differences(expected_reduction<float>(seed, comm->size(), count, reduce_op::sum), download(out, s));
      EXPECT_EQ(sum_over_ranks(differing), 0u)
          << comm->backend() << ": ring of " << count << " floats on " << comm->size() << " ranks"
          << (in_place ? ", in place" : "");
    }
  }
}

TEST_P(multigpu_all_reduce_gpu, EveryVersionRunsAndVerifies) {
  const std::size_t count = 262147;  // odd: chunks of different sizes
  device_buffer<float> scratch(largest_ring_chunk(count, comm->size()), s);
  const std::vector<std::pair<std::string, all_reduce_call>> versions = {
      {"library", [&](const float* in, float* out, std::size_t n,
                      cuda::stream_ref st) { comm->all_reduce_async(in, out, n, reduce_op::sum, st); }},
      {"ring", [&](const float* in, float* out, std::size_t n,
                   cuda::stream_ref st) { ring_all_reduce_async(in, out, n, scratch.data(), *comm, st); }}};
  for (const auto& [name, call] : versions) {
    const all_reduce_row row = run_all_reduce_version(name, call, *comm, count, s, 3, seed);
    EXPECT_TRUE(row.verified()) << comm->backend() << ", " << name << ": " << row.differing << " differ";
    EXPECT_EQ(row.bytes, count * sizeof(float));
    EXPECT_GT(row.median_ms, 0.0);
    EXPECT_GT(row.algbw_gbs, 0.0);
    EXPECT_NEAR(row.busbw_gbs, row.algbw_gbs * 2.0 * (comm->size() - 1) / comm->size(), 1e-9 * row.algbw_gbs);
  }
}

// The check can fail: a version that leaves the last element unwritten (the
// poison stays), and one that returns the input (right on one rank only).
TEST_P(multigpu_all_reduce_gpu, AVersionThatMissesAnElementFails) {
  const std::size_t count = 1001;
  const all_reduce_call misses_last = [&](const float* in, float* out, std::size_t n, cuda::stream_ref st) {
    comm->all_reduce_async(in, out, n - 1, reduce_op::sum, st);
  };
  const all_reduce_row row = run_all_reduce_version("misses_last", misses_last, *comm, count, s, 2, seed);
  EXPECT_FALSE(row.verified());
  // Checked twice (before and after timing), one element on each rank each time.
  EXPECT_EQ(row.differing, 2u * static_cast<std::size_t>(comm->size()));
  const all_reduce_call copies = [](const float* in, float* out, std::size_t n, cuda::stream_ref st) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(out, in, n * sizeof(float), cudaMemcpyDeviceToDevice, st.get()));
  };
  EXPECT_EQ(run_all_reduce_version("copies", copies, *comm, count, s, 2, seed).verified(), comm->size() == 1);
}

// Ranks with different counts are refused on every rank (on one rank there is
// nothing to differ: it runs).
TEST_P(multigpu_all_reduce_gpu, DifferentCountsAreRefusedOnEveryRank) {
  const std::size_t count = 100 + static_cast<std::size_t>(comm->rank());
  const all_reduce_call call = [&](const float* in, float* out, std::size_t n, cuda::stream_ref st) {
    comm->all_reduce_async(in, out, n, reduce_op::sum, st);
  };
  if (comm->size() == 1) {
    EXPECT_TRUE(run_all_reduce_version("one rank", call, *comm, count, s, 2, seed).verified());
  } else {
    EXPECT_THROW(run_all_reduce_version("different", call, *comm, count, s, 2, seed), all_ranks_error);
  }
}

INSTANTIATE_TEST_SUITE_P(backends, multigpu_all_reduce_gpu, ::testing::Values("nccl", "mpi"),
                         [](const auto& backend) { return backend.param; });

}  // namespace
