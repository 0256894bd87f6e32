// SPDX-License-Identifier: MIT
// The fixture of module 8's GPU tests under mpirun: one GPU per rank of the
// node, the node rank's GPU selected and a stream `s` on it; SKIPPED without a
// GPU, or with fewer GPUs than ranks on the node (saying how many it needs).
// Every rank of a node sees the same numbers, so all ranks skip together.
#pragma once

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstddef>
#include <optional>

#include "common/gpu_test.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/multigpu/mpi_session.hpp"

// The session of this process, made by main() (mpi_test_main.cpp).
extern const gpulab::multigpu::mpi_session* test_session;

class multigpu_gpu_test : public ::testing::Test {
 protected:
  void SetUp() override {
    GPULAB_REQUIRE_GPUS(node_size());
    ::gpulab::select_device(node_rank());
    owned_stream.emplace();
    s = owned_stream->ref();
  }

  static int node_rank() { return test_session->node_rank(); }
  static int node_size() { return test_session->node_size(); }
  static int world_rank() { return test_session->rank(); }
  static int world_size() { return test_session->size(); }
  static std::size_t sum_over_ranks(std::size_t mine) {
    unsigned long long total = 0;
    const unsigned long long value = mine;
    MPI_Allreduce(&value, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    return static_cast<std::size_t>(total);
  }

  std::optional<::gpulab::stream> owned_stream;
  cuda::stream_ref s{cudaStreamLegacy};
};
