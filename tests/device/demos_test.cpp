// SPDX-License-Identifier: MIT
#include "gpulab/device/module.hpp"
#include "gpulab/device/demos.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/gpu_test.hpp"

namespace {

class DeviceModule : public GpuTest {};

TEST_F(DeviceModule, AttributesAgreeWithTheDeviceInfo) {
  const gpulab::device_info info = gpulab::query_device(0);
  const auto attributes = gpulab::device::all_attributes(0);
  EXPECT_GT(attributes.size(), 100u);
  auto value_of = [&](const std::string& name) {
    const auto it = std::find_if(attributes.begin(), attributes.end(), [&](const auto& a) { return a.name == name; });
    return it == attributes.end() ? -1 : it->value;
  };
  EXPECT_EQ(value_of("MULTI_PROCESSOR_COUNT"), info.multiprocessors);
  EXPECT_EQ(value_of("WARP_SIZE"), 32);
  EXPECT_EQ(value_of("GLOBAL_MEMORY_BUS_WIDTH"), info.memory_bus_width_bits);
  EXPECT_EQ(value_of("COMPUTE_CAPABILITY_MAJOR"), info.cc_major);
  EXPECT_GT(value_of("ASYNC_ENGINE_COUNT"), 0);
  EXPECT_GT(info.theoretical_bandwidth_gbs(), 100.0);
  EXPECT_FALSE(info.name.empty());
}

TEST_F(DeviceModule, IndexMappingAtOddShapes) {
  gpulab::stream s;
  for (auto [rows, cols, bx, by] : {std::tuple{16, 16, 8, 8}, std::tuple{37, 53, 16, 8}, std::tuple{1, 1, 32, 1},
                                    std::tuple{5, 300, 32, 4}}) {
    const auto map = gpulab::device::run_index_mapping(rows, cols, bx, by, s);
    const int grid_x = (cols + bx - 1) / bx;
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const auto at = static_cast<std::size_t>(r * cols + c);
        ASSERT_EQ(map.linear_index[at], r * cols + c);
        ASSERT_EQ(map.block_id[at], (r / by) * grid_x + c / bx);
        ASSERT_EQ(map.thread_id[at], (r % by) * bx + c % bx);
      }
    }
  }
  EXPECT_THROW(gpulab::device::run_index_mapping(0, 5, 8, 8, s), gpulab::usage_error);
  EXPECT_THROW(gpulab::device::run_index_mapping(5, 5, 64, 32, s), gpulab::usage_error);
}

TEST_F(DeviceModule, OccupancyIsConsistent) {
  const gpulab::device_info info = gpulab::query_device(0);
  for (std::size_t shared : {std::size_t{0}, std::size_t{48} << 10}) {
    const auto rows = gpulab::device::occupancy_by_block_size(shared);
    ASSERT_EQ(rows.size(), 6u);  // 32 .. 1024
    for (const auto& r : rows) {
      EXPECT_GT(r.blocks_per_sm, 0);
      EXPECT_LE(r.blocks_per_sm * r.block_size, info.max_threads_per_multiprocessor);
      EXPECT_GT(r.occupancy, 0.0);
      EXPECT_LE(r.occupancy, 1.0);
      if (shared > 0) {
        EXPECT_LE(r.blocks_per_sm * shared, info.shared_memory_per_multiprocessor);
      }
      EXPECT_FALSE(r.limited_by.empty());
    }
  }
}

// Correctness only: how bandwidth moves with occupancy is for the report (no timing thresholds in tests).
TEST_F(DeviceModule, BandwidthVersusOccupancyCopiesCorrectly) {
  gpulab::stream s;
  const auto rows = gpulab::device::bandwidth_versus_occupancy(std::size_t{64} << 20, 5, s);
  ASSERT_GE(rows.size(), 3u);
  for (const auto& r : rows) {
    EXPECT_TRUE(r.verified);
    EXPECT_GT(r.gigabytes_per_second, 0.0);
  }
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_GT(rows[i].occupancy, rows[i - 1].occupancy);
  EXPECT_DOUBLE_EQ(rows.back().occupancy, 1.0);
}

TEST_F(DeviceModule, DemosRunThroughTheModule) {
  const gpulab::training_module m = gpulab::device::make_module();
  gpulab::run_options options;
  options.selected = {"summary", "index_mapping", "attributes"};
  gpulab::resources ctx = gpulab::make_resources(options, true);
  const gpulab::module_run run = gpulab::run_module(m, options, ctx);
  EXPECT_TRUE(run.all_verified);
  EXPECT_GE(run.output.tables.size(), 5u);
  options.selected = {"nope"};
  EXPECT_THROW(gpulab::run_module(m, options, ctx), gpulab::usage_error);
}

}  // namespace
