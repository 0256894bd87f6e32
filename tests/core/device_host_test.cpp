// SPDX-License-Identifier: MIT
// Device facts that can be checked without a GPU.
#include <gtest/gtest.h>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"

namespace {

TEST(DeviceHost, UnitsPerSmFollowTheProgrammingGuide) {
  EXPECT_EQ(gpulab::arithmetic_units_per_sm(9, 0).fp32, 128);
  EXPECT_EQ(gpulab::arithmetic_units_per_sm(9, 0).fp64, 64);
  EXPECT_EQ(gpulab::arithmetic_units_per_sm(8, 0).fp32, 64);
  EXPECT_EQ(gpulab::arithmetic_units_per_sm(8, 6).fp64, 2);
  EXPECT_EQ(gpulab::arithmetic_units_per_sm(1, 0).fp32, 0);  // unknown: 0, never a guess
}

TEST(DeviceHost, DerivedPeaksForAnH100Sxm) {
  gpulab::device_info h100;
  h100.multiprocessors = 132;
  h100.sm_clock_khz = 1'980'000;
  h100.memory_clock_khz = 2'619'000;
  h100.memory_bus_width_bits = 5120;
  h100.fp32_units_per_sm = 128;
  h100.fp64_units_per_sm = 64;
  EXPECT_NEAR(h100.theoretical_bandwidth_gbs(), 3352.3, 0.1);  // NVIDIA quotes 3.35 TB/s
  EXPECT_NEAR(h100.peak_fp32_gflops(), 66908.2, 0.1);          // and 67 TFLOP/s FP32
  EXPECT_NEAR(h100.peak_fp64_gflops(), 33454.1, 0.1);
}

TEST(DeviceHost, HostLinkOfAMissingDeviceIsUnknown) {
  EXPECT_FALSE(gpulab::query_host_link("ffff:ff:ff.7").has_value());
}

TEST(DeviceHost, SelectingABadDeviceSaysWhy) {
  const int count = gpulab::device_count();
  ASSERT_GE(count, 0);
  if (count == 0) {
    EXPECT_THROW(gpulab::select_device(0), gpulab::no_device_error);
    EXPECT_FALSE(gpulab::no_device_reason().empty());
  } else {
    EXPECT_THROW(gpulab::select_device(count), gpulab::usage_error);
    EXPECT_THROW(gpulab::select_device(-1), gpulab::usage_error);
    EXPECT_TRUE(gpulab::no_device_reason().empty());
  }
}

TEST(Format, BytesAndCounts) {
  EXPECT_EQ(gpulab::format_bytes(17), "17 B");
  EXPECT_EQ(gpulab::format_bytes(4096), "4.00 KiB");
  EXPECT_EQ(gpulab::format_bytes(std::uint64_t{1} << 30), "1.00 GiB");
  EXPECT_EQ(gpulab::format_bytes(std::uint64_t{64} << 20), "64.0 MiB");
  EXPECT_EQ(gpulab::format_count_short(4096), "4K");
  EXPECT_EQ(gpulab::format_count_short(std::uint64_t{1} << 30), "1G");
  EXPECT_EQ(gpulab::format_count_short(1000), "1000");
  EXPECT_EQ(gpulab::format_significant(0.000123), "1.23e-04");
  EXPECT_EQ(gpulab::format_significant(2.5), "2.50");
}

}  // namespace
