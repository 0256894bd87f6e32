// SPDX-License-Identifier: MIT
#include "gpulab/bench/size_parse.hpp"

#include <gtest/gtest.h>

#include "gpulab/core/error.hpp"

namespace {

TEST(SizeParse, PlainAndSuffixedSizes) {
  EXPECT_EQ(gpulab::parse_size("1"), 1u);
  EXPECT_EQ(gpulab::parse_size("1000003"), 1000003u);
  EXPECT_EQ(gpulab::parse_size("50M"), 50'000'000u);  // the course's 50 million
  EXPECT_EQ(gpulab::parse_size("50m"), 50'000'000u);
  EXPECT_EQ(gpulab::parse_size("4K"), 4000u);
  EXPECT_EQ(gpulab::parse_size("4KiB"), 4096u);
  EXPECT_EQ(gpulab::parse_size("64MiB"), 64u << 20);
  EXPECT_EQ(gpulab::parse_size("1GiB"), 1u << 30);
  EXPECT_EQ(gpulab::parse_size("1GB"), 1'000'000'000u);
  EXPECT_EQ(gpulab::parse_size("2TiB"), std::uint64_t{2} << 40);
  EXPECT_EQ(gpulab::parse_size("2^29"), 1u << 29);
  EXPECT_EQ(gpulab::parse_size("10^9"), 1'000'000'000u);
  EXPECT_EQ(gpulab::parse_size("1e6"), 1'000'000u);
  EXPECT_EQ(gpulab::parse_size("1.5K"), 1500u);
  EXPECT_EQ(gpulab::parse_size("0.5KiB"), 512u);
  EXPECT_EQ(gpulab::parse_size("  42  "), 42u);
  EXPECT_EQ(gpulab::parse_size("2^63"), std::uint64_t{1} << 63);
  EXPECT_EQ(gpulab::parse_size("18446744073709551615"), ~std::uint64_t{0});
}

TEST(SizeParse, BadSizesAreUsageErrors) {
  for (const char* bad : {"", "   ", "0", "0K", "2^0x", "-5", "-1M", "abc", "M", "5X", "5MiX", "1.5", "1.",
                          "2^64", "99999999999999999999", "18446744073709551616", "20000000T", "1e20", "1e3K",
                          "0^5", "1..5", "3.14159"}) {
    EXPECT_THROW(gpulab::parse_size(bad), gpulab::usage_error) << "'" << bad << "' was accepted";
  }
}

TEST(SizeParse, MessageQuotesTheInputAndSaysWhy) {
  try {
    gpulab::parse_size("-5");
    FAIL();
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("'-5'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("positive"), std::string::npos);
  }
  try {
    gpulab::parse_size("99999999999999999999");
    FAIL();
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("64 bits"), std::string::npos);
  }
}

}  // namespace
