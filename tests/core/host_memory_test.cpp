// SPDX-License-Identifier: MIT
// Host memory and size arithmetic: the checks that stand between a huge --size
// and the operating system killing the process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/host_memory.hpp"

namespace d = gpulab::detail;

TEST(HostMemory, MemAvailableIsReadInKibibytes) {
  const std::string meminfo = "MemTotal:       131072000 kB\nMemFree:         1000 kB\nMemAvailable:    2048 kB\n";
  EXPECT_EQ(d::parse_mem_available(meminfo), 2048u * 1024u);
  EXPECT_EQ(d::parse_mem_available("MemTotal: 5 kB\n"), std::nullopt);
}

TEST(HostMemory, CgroupValues) {
  EXPECT_EQ(d::parse_cgroup_value("max\n"), std::nullopt);
  EXPECT_EQ(d::parse_cgroup_value("1073741824\n"), 1073741824u);
  EXPECT_EQ(d::parse_cgroup_value("9223372036854771712\n"), std::nullopt);  // cgroup v1's "no limit"
  EXPECT_EQ(d::parse_cgroup_value(""), std::nullopt);
}

TEST(HostMemory, TheCapTakesBytesAndBinarySuffixes) {
  EXPECT_EQ(d::parse_memory_limit("4096"), 4096u);
  EXPECT_EQ(d::parse_memory_limit("3K"), 3u * 1024u);
  EXPECT_EQ(d::parse_memory_limit("512M"), 512u << 20);
  EXPECT_EQ(d::parse_memory_limit("2G"), 2ull << 30);
  EXPECT_THROW(d::parse_memory_limit(""), gpulab::usage_error);
  EXPECT_THROW(d::parse_memory_limit("12Q"), gpulab::usage_error);
  EXPECT_THROW(d::parse_memory_limit("-5"), gpulab::usage_error);
  EXPECT_THROW(d::parse_memory_limit("99999999999999999999"), gpulab::usage_error);
  EXPECT_THROW(d::parse_memory_limit("99999999999T"), gpulab::usage_error);  // overflows 64 bits
}

TEST(HostMemory, TheCapIsHonouredAndTheErrorNamesHostAndBothNumbers) {
  ASSERT_EQ(setenv("GPULAB_HOST_MEMORY_LIMIT", "1M", 1), 0);
  EXPECT_LE(gpulab::host_memory_available(), 1u << 20);
  EXPECT_NO_THROW(gpulab::require_host_memory(1000, "a small case"));
  try {
    gpulab::require_host_memory(3u << 20, "case h2d_pinned at size 3 MiB");
    ADD_FAILURE() << "3 MiB passed a 1 MiB cap";
  } catch (const gpulab::out_of_memory_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not enough host memory for case h2d_pinned"), std::string::npos) << what;
    EXPECT_NE(what.find("3145728 bytes"), std::string::npos) << what;
    EXPECT_NE(what.find("1048576 bytes"), std::string::npos) << what;
    EXPECT_EQ(e.code(), gpulab::exit_code::out_of_resources);
  }
  unsetenv("GPULAB_HOST_MEMORY_LIMIT");
  EXPECT_GT(gpulab::host_memory_available(), 1u << 20);  // this machine has more than 1 MiB
}

TEST(CheckedSize, ProductsThatWrapAreUsageErrors) {
  EXPECT_EQ(gpulab::checked_multiply(1u << 20, 1u << 20, "x"), 1ull << 40);
  EXPECT_EQ(gpulab::bytes_of<double>(1000, "x"), 8000u);
  EXPECT_THROW(gpulab::bytes_of<float>(1ull << 62, "the input"), gpulab::usage_error);  // 2^64: would be 0
  EXPECT_THROW(gpulab::checked_multiply(std::numeric_limits<std::uint64_t>::max(), 2, "x"), gpulab::usage_error);
  EXPECT_THROW(gpulab::checked_add(std::numeric_limits<std::uint64_t>::max(), 1, "x"), gpulab::usage_error);
  EXPECT_EQ(gpulab::checked_multiply(0, std::numeric_limits<std::uint64_t>::max(), "x"), 0u);
}
