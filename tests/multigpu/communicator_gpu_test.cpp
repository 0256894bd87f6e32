// SPDX-License-Identifier: MIT
// The communicator on the GPU, both backends (NCCL, host-staged MPI), under
// mpirun (ctest runs it on 1 and 2 ranks): every collective on seeded
// non-uniform data of odd sizes, compared exactly with what the host computes
// from every rank's data (collective_data.hpp). Needs one GPU per rank on the
// node, else SKIPPED saying how many. Assertions are on counts summed over all
// ranks, so every rank passes or fails together.
#include "gpulab/multigpu/communicator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/multigpu/collective_data.hpp"
#include "gpulab/multigpu/mpi_session.hpp"
#include "multigpu/multigpu_gpu_fixture.hpp"

namespace {

using namespace gpulab;
using namespace gpulab::multigpu;

constexpr std::uint64_t seed = 20240805;

template <class T>
device_buffer<T> to_device(const std::vector<T>& host, cuda::stream_ref s) {
  device_buffer<T> d(host.size(), s);
  copy_to_device_async<T>(host, d, s);
  return d;
}

template <class T>
device_buffer<T> poisoned(std::size_t count, cuda::stream_ref s) {
  device_buffer<T> d(count, s);
  d.fill_bytes_async(0xFF, s);
  return d;
}

template <class T>
std::vector<T> to_host(const device_buffer<T>& d, cuda::stream_ref s) {
  std::vector<T> host(d.size());
  copy_to_host_async<T>(d, host, s);
  synchronize(s);
  return host;
}

class multigpu_communicator : public multigpu_gpu_test, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    multigpu_gpu_test::SetUp();
    if (IsSkipped()) return;
    comm = GetParam() == "nccl" ? make_nccl_communicator(MPI_COMM_WORLD, node_rank(), node_size())
                                : make_mpi_communicator(MPI_COMM_WORLD, /*allow_cuda_aware=*/false);
  }
  void TearDown() override { comm.reset(); }

  // The differing elements of all ranks together.
  template <class T>
  std::size_t differing(const std::vector<T>& expected, const device_buffer<T>& actual) {
    return sum_over_ranks(count_differences(expected, to_host(actual, s)));
  }

  template <class T>
  void check_all_reduce(std::size_t count, reduce_op op, bool in_place) {
    const std::vector<T> mine = contributions<T>(seed, comm->rank(), count);
    device_buffer<T> send = to_device(mine, s);
    device_buffer<T> recv = poisoned<T>(count, s);
    device_buffer<T>& out = in_place ? send : recv;
    comm->all_reduce_async(send.data(), out.data(), count, op, s);
    EXPECT_EQ(differing(expected_reduction<T>(seed, comm->size(), count, op), out), 0u)
        << comm->backend() << ": all_reduce " << to_string(op) << " of " << count << " "
        << to_string(element_type_of<T>()) << (in_place ? " in place" : "");
  }

  std::unique_ptr<communicator> comm;
};

const std::vector<std::size_t> sizes = {1, 31, 127, 1000003};

TEST_P(multigpu_communicator, KnowsItsRankSizeAndBackend) {
  EXPECT_EQ(comm->size(), world_size());
  EXPECT_EQ(comm->rank(), world_rank());
  EXPECT_EQ(comm->device(), node_rank());
  EXPECT_EQ(comm->backend(), GetParam() == "nccl" ? "nccl" : "mpi (host-staged)");
}

TEST_P(multigpu_communicator, AllReduceEveryOpAndType) {
  for (const std::size_t count : sizes) {
    for (const reduce_op op : {reduce_op::sum, reduce_op::min, reduce_op::max}) {
      check_all_reduce<float>(count, op, false);
      check_all_reduce<double>(count, op, true);
    }
    check_all_reduce<std::int32_t>(count, reduce_op::sum, false);
    check_all_reduce<std::int64_t>(count, reduce_op::max, true);
  }
}

TEST_P(multigpu_communicator, BroadcastFromTheLastRank) {
  const int root = comm->size() - 1;
  for (const std::size_t count : sizes) {
    device_buffer<float> data = comm->rank() == root ? to_device(contributions<float>(seed, root, count), s)
                                                     : poisoned<float>(count, s);
    comm->broadcast_async(data.data(), count, root, s);
    EXPECT_EQ(differing(contributions<float>(seed, root, count), data), 0u) << comm->backend() << ": " << count;
  }
}

TEST_P(multigpu_communicator, AllGatherRankAfterRank) {
  for (const std::size_t count : sizes) {
    device_buffer<double> send = to_device(contributions<double>(seed, comm->rank(), count), s);
    device_buffer<double> recv = poisoned<double>(count * static_cast<std::size_t>(comm->size()), s);
    comm->all_gather_async(send.data(), recv.data(), count, s);
    EXPECT_EQ(differing(expected_all_gather<double>(seed, comm->size(), count), recv), 0u)
        << comm->backend() << ": " << count;
  }
}

TEST_P(multigpu_communicator, ReduceScatterGivesEachRankItsBlock) {
  for (const std::size_t count : sizes) {
    const std::size_t total = count * static_cast<std::size_t>(comm->size());
    device_buffer<float> send = to_device(contributions<float>(seed, comm->rank(), total), s);
    device_buffer<float> recv = poisoned<float>(count, s);
    comm->reduce_scatter_async(send.data(), recv.data(), count, reduce_op::sum, s);
    const std::vector<float> expected = expected_reduction<float>(
        seed, comm->size(), count, reduce_op::sum, static_cast<std::size_t>(comm->rank()) * count);
    EXPECT_EQ(differing(expected, recv), 0u) << comm->backend() << ": " << count;
  }
}

// A ring: each rank sends to the next and receives from the previous, in one
// group (on one rank, to itself). Outside a group the sends would wait forever.
TEST_P(multigpu_communicator, GroupedSendRecvAroundARing) {
  const int next = (comm->rank() + 1) % comm->size();
  const int previous = (comm->rank() + comm->size() - 1) % comm->size();
  for (const std::size_t count : sizes) {
    device_buffer<std::int32_t> send = to_device(contributions<std::int32_t>(seed, comm->rank(), count), s);
    device_buffer<std::int32_t> recv = poisoned<std::int32_t>(count, s);
    in_group(*comm, [&] {
      comm->send_async(send.data(), count, next, s);
      comm->recv_async(recv.data(), count, previous, s);
    });
    EXPECT_EQ(differing(contributions<std::int32_t>(seed, previous, count), recv), 0u)
        << comm->backend() << ": " << count;
  }
}

TEST_P(multigpu_communicator, BarrierReturnsOnEveryRank) {
  comm->barrier_async(s);
  synchronize(s);
  EXPECT_EQ(sum_over_ranks(1), static_cast<std::size_t>(world_size()));
}

INSTANTIATE_TEST_SUITE_P(backends, multigpu_communicator, ::testing::Values("nccl", "mpi"),
                         [](const auto& backend) { return backend.param; });

// What the MPI backend says about this MPI: here, OpenMPI without CUDA (host-staged).
TEST(multigpu_cuda_aware_mpi, IsReportedInOneLine) {
  const cuda_aware_mpi answer = query_cuda_aware_mpi();
  EXPECT_EQ(answer.describe().find('\n'), std::string::npos);
  EXPECT_NE(answer.describe().find(answer.usable() ? "CUDA-aware" : "host-staged"), std::string::npos);
  std::cout << "this MPI: " << answer.describe() << "\n";
}

}  // namespace

namespace {

using namespace gpulab::multigpu;

// The check above can fail: an unwritten (poisoned) element, a dropped one, one
// off by the smallest step of the data (1/8) are all counted.
TEST(multigpu_collective_data, DifferencesAreCounted) {
  const std::vector<float> expected = expected_reduction<float>(7, 3, 31, reduce_op::sum);
  std::vector<float> actual = expected;
  EXPECT_EQ(count_differences(expected, actual), 0u);
  actual[30] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(count_differences(expected, actual), 1u);
  actual[0] += 0.125f;
  EXPECT_EQ(count_differences(expected, actual), 2u);
  actual.pop_back();
  EXPECT_EQ(count_differences(expected, actual), 31u);
  // Non-uniform: not all values are equal.
  EXPECT_NE(contribution<float>(7, 0, 0), contribution<float>(7, 0, 1));
}

}  // namespace
