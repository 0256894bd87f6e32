// SPDX-License-Identifier: MIT
#include "gpulab/bench/size_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  // The limits themselves are accepted.
  EXPECT_EQ(gpulab::parse_size("1^63"), 1u);
  EXPECT_EQ(gpulab::parse_size("3^40"), 12157665459056928801u);
  EXPECT_EQ(gpulab::parse_size("1e19"), 10'000'000'000'000'000'000u);
  EXPECT_EQ(gpulab::parse_size("0000000000000000000000000000042"), 42u);  // leading zeros are not digits of overflow
  EXPECT_EQ(gpulab::parse_size("1.50000000000000000000000K"), 1500u);    // nor trailing zeros of a fraction
  EXPECT_EQ(gpulab::parse_size("0.0000000000000000001e19"), 1u);
}

TEST(SizeParse, BadSizesAreUsageErrors) {
  for (const char* bad : {"", "   ", "0", "0K", "2^0x", "-5", "-1M", "abc", "M", "5X", "5MiX", "1.5", "1.",
                          "2^64", "99999999999999999999", "18446744073709551616", "20000000T", "1e20", "1e3K",
                          "0^5", "1..5", "3.14159", "1^64", "2^", "2^-1", "1e", "1e-3", "1e400", "0^0",
                          "3^41", "5^99999999999", "1.00000000000000000001K", "4294967296^2", "8EiB", "1x2"}) {
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
    EXPECT_NE(std::string(e.what()).find("18446744073709551615"), std::string::npos) << "names the limit";
  }
}

std::string error_of(const std::string& text) {
  try {
    gpulab::parse_size(text);
  } catch (const gpulab::usage_error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(SizeParse, ErrorsNameTheLimitThatWasPassed) {
  EXPECT_NE(error_of("2^64").find("exponent after '^' must be at most 63"), std::string::npos) << error_of("2^64");
  EXPECT_NE(error_of("1e400").find("exponent after 'e' must be at most 19"), std::string::npos) << error_of("1e400");
  EXPECT_NE(error_of("1e20").find("at most 19"), std::string::npos) << error_of("1e20");
  EXPECT_NE(error_of("4294967296^2").find("2^64 - 1"), std::string::npos) << error_of("4294967296^2");
  EXPECT_NE(error_of("20000000T").find("2^64 - 1"), std::string::npos) << error_of("20000000T");
  EXPECT_NE(error_of("1.12345678901234567891K").find("at most 19 digits after '.'"), std::string::npos);
}

// Parsing is one pass over the text: absurd exponents and digit strings fail at
// once (before the limits, "1^99999999999" multiplied 10^11 times: a hang that
// the test's timeout reports; no timing threshold here).
TEST(SizeParse, AbsurdInputFailsFast) {
  const std::string digits(1'000'000, '9');
  const std::string zeros = std::string(1'000'000, '0') + "7";
  const std::vector<std::string> absurd = {"1^99999999999", "1^" + digits, "1e" + digits, digits, "1." + digits + "K",
                                           "1^99999999999999999999999999"};
  for (const std::string& bad : absurd) {
    EXPECT_THROW(gpulab::parse_size(bad), gpulab::usage_error) << bad.substr(0, 30);
  }
  EXPECT_EQ(gpulab::parse_size(zeros), 7u);
  // The quoted input is cut short, so the error stays one readable line.
  EXPECT_LT(error_of(digits).size(), 300u);
}

}  // namespace
