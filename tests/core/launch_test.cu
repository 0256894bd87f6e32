// SPDX-License-Identifier: MIT
// The launch helpers, from inside kernels.
#include <gtest/gtest.h>

#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace {

// Each element counts how many threads visited it: a grid-stride loop must visit each exactly once.
__global__ void count_visits(int* visits, std::int64_t n) {
  for (std::int64_t i = gpulab::global_thread_id(); i < n; i += gpulab::grid_thread_count()) visits[i] += 1;
}

__global__ void write_global_ids(std::int64_t* out, std::int64_t n) {
  const std::int64_t i = gpulab::global_thread_id();
  if (i < n) out[i] = i;
}

class Launch : public GpuTest {};

TEST_F(Launch, GridStrideVisitsEachElementOnce) {
  gpulab::stream s;
  for (std::int64_t n : {1, 31, 127, 1000003}) {
    gpulab::device_buffer<int> visits(static_cast<std::size_t>(n), s);
    visits.fill_bytes_async(0, s);
    const unsigned grid = gpulab::occupancy_grid_size(count_visits, 256);
    count_visits<<<grid, 256, 0, s.get()>>>(visits.data(), n);
    GPULAB_CHECK_LAUNCH();
    std::vector<int> host(static_cast<std::size_t>(n));
    gpulab::copy_to_host_async(visits, std::span<int>(host), s);
    s.synchronize();
    for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(host[static_cast<std::size_t>(i)], 1) << "n=" << n << " i=" << i;
  }
}

TEST_F(Launch, GlobalIdAndBlocksFor) {
  EXPECT_EQ(gpulab::blocks_for(1, 256), 1u);
  EXPECT_EQ(gpulab::blocks_for(256, 256), 1u);
  EXPECT_EQ(gpulab::blocks_for(257, 256), 2u);
  EXPECT_EQ(gpulab::blocks_for(std::int64_t{1} << 33, 1024), 1u << 23);  // past 2^32 elements
  gpulab::stream s;
  const std::int64_t n = 1000003;
  gpulab::device_buffer<std::int64_t> out(static_cast<std::size_t>(n), s);
  out.fill_bytes_async(0xFF, s);
  write_global_ids<<<gpulab::blocks_for(n, 128), 128, 0, s.get()>>>(out.data(), n);
  GPULAB_CHECK_LAUNCH();
  std::vector<std::int64_t> host(static_cast<std::size_t>(n));
  gpulab::copy_to_host_async(out, std::span<std::int64_t>(host), s);
  s.synchronize();
  for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(host[static_cast<std::size_t>(i)], i);
}

TEST_F(Launch, OccupancyGridFillsEverySm) {
  int sms = 0;
  GPULAB_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  const unsigned grid = gpulab::occupancy_grid_size(count_visits, 256);
  EXPECT_GE(grid, static_cast<unsigned>(sms));
  EXPECT_EQ(grid % static_cast<unsigned>(sms), 0u);
}

TEST_F(Launch, BadLaunchIsReportedAtTheLaunchSite) {
  gpulab::stream s;
  write_global_ids<<<1, 4096, 0, s.get()>>>(nullptr, 0);  // 4096 threads per block: too many
  try {
    GPULAB_CHECK_LAUNCH();
    FAIL() << "a bad launch went unnoticed";
  } catch (const gpulab::cuda_error& e) {
    EXPECT_NE(std::string(e.what()).find("launch_test.cu"), std::string::npos) << e.what();
  }
  // The error was not sticky: the device still works.
  gpulab::device_buffer<int> ok(1, s);
  ok.fill_bytes_async(0, s);
  s.synchronize();
}

}  // namespace
