// SPDX-License-Identifier: MIT
// Runtime compilation on the host: NVRTC needs no GPU to compile, so the
// source generation, the compile errors and the cache are tested everywhere.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/rtc/elementwise.hpp"
#include "gpulab/rtc/program.hpp"

namespace {

namespace rtc = gpulab::rtc;

TEST(Rtc, ParametersAreParsedLikeASignature) {
  const auto p = rtc::parse_parameters("const float* x, float *y,float a, unsigned long long count");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].type, "const float*");
  EXPECT_EQ(p[0].name, "x");
  EXPECT_TRUE(p[0].is_pointer());
  EXPECT_EQ(p[1].type, "float *");
  EXPECT_EQ(p[1].name, "y");
  EXPECT_FALSE(p[2].is_pointer());
  EXPECT_EQ(p[3].type, "unsigned long long");
  for (const char* bad : {"", "float", "float x,", "const float* 9x", "float x, int x", ", float x"}) {
    EXPECT_THROW(rtc::parse_parameters(bad), gpulab::usage_error) << bad;
  }
}

TEST(Rtc, ElementwiseSourceCompiles) {
  const std::string source = rtc::elementwise_source("scale", "const float* x, float* y, float a", "y[i] = a * x[i]");
  EXPECT_NE(source.find("extern \"C\" __global__ void scale(const float* x, float* y, float a, long long n)"),
            std::string::npos)
      << source;
  const rtc::compiled_program p = rtc::compile(source, "scale", {9, 0});
  EXPECT_GT(p.cubin.size(), 100u);
  EXPECT_EQ(std::string(p.cubin.data() + 1, 3), "ELF");  // a cubin is an ELF file
  EXPECT_EQ(p.arch.major, 9);
}

TEST(Rtc, PreambleCarriesDeviceFunctionsAndConstants) {
  const std::string preamble =
      "__constant__ float coefficients[3] = {1.0f, -2.0f, -0.5f};\n"
      "__device__ float polynomial(float x) { return coefficients[0] + x * (coefficients[1] + x * coefficients[2]); }\n";
  const std::string source =
      rtc::elementwise_source("poly", "const float* x, float* y", "y[i] = polynomial(x[i])", preamble);
  EXPECT_GT(rtc::compile(source, "poly", {8, 0}).cubin.size(), 100u);
}

TEST(Rtc, ReservedAndBadNamesAreRefused) {
  EXPECT_THROW(rtc::elementwise_source("k", "float* i", "i[0] = 1"), gpulab::usage_error);
  EXPECT_THROW(rtc::elementwise_source("k", "float* x, long long n", "x[i] = n"), gpulab::usage_error);
  EXPECT_THROW(rtc::elementwise_source("2k", "float* x", "x[i] = 1"), gpulab::usage_error);
  EXPECT_THROW(rtc::elementwise_source("k", "float* x", "  "), gpulab::usage_error);
}

TEST(Rtc, ACompileErrorComesBackWithTheLog) {
  const std::string source = rtc::elementwise_source("broken", "const float* x, float* y", "y[i] = undefined_thing * x[i]");
  try {
    rtc::compile(source, "broken", {9, 0});
    FAIL() << "compiled";
  } catch (const rtc::compile_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("kernel 'broken' does not compile"), std::string::npos) << what;
    EXPECT_NE(what.find("undefined_thing"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    EXPECT_NE(e.log().find("error"), std::string::npos) << e.log();
    EXPECT_EQ(e.code(), gpulab::exit_code::usage);
  }
  EXPECT_THROW(rtc::compile(source, "bad_option", {9, 0}, {"--no-such-option"}), rtc::compile_error);
}

TEST(Rtc, TheCacheCompilesEachProgramOnce) {
  const std::string source = rtc::elementwise_source("cached", "float* y", "y[i] = 2.0f * y[i]");
  const auto before = rtc::program_cache_statistics();
  const auto first = rtc::compile_cached(source, "cached", {9, 0});
  const auto second = rtc::compile_cached(source, "cached", {9, 0});
  EXPECT_EQ(first.get(), second.get());
  const auto other_arch = rtc::compile_cached(source, "cached", {8, 0});
  EXPECT_NE(first.get(), other_arch.get());
  const auto after = rtc::program_cache_statistics();
  EXPECT_EQ(after.misses - before.misses, 2u);
  EXPECT_EQ(after.hits - before.hits, 1u);
  // Many threads asking at once all get the same program.
  std::vector<std::thread> threads;
  std::vector<const rtc::compiled_program*> seen(8);
  for (std::size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] { seen[t] = rtc::compile_cached(source, "cached", {9, 0}).get(); });
  }
  for (auto& t : threads) t.join();
  for (const auto* p : seen) EXPECT_EQ(p, first.get());
}

TEST(Rtc, ReductionSourceHasBothPassesAndCompiles) {
  const std::string source =
      rtc::reduction_source("dot", "float", "0.0f", "a + b", "x[i] * y[i]", "const float* x, const float* y");
  EXPECT_NE(source.find("extern \"C\" __global__ void dot_blocks(const float* x, const float* y, long long n, "
                        "float* partials)"),
            std::string::npos)
      << source;
  EXPECT_NE(source.find("extern \"C\" __global__ void dot_finish(const float* partials, int count, float* result)"),
            std::string::npos)
      << source;
  EXPECT_NE(source.find("shared[" + std::to_string(rtc::reduction_program::block_size) + "]"), std::string::npos);
  EXPECT_GT(rtc::compile(source, "dot", {9, 0}).cubin.size(), 100u);
  // i, n, a, b and partials are the generated code's names.
  for (const char* reserved : {"const float* a", "const float* partials", "int n"}) {
    EXPECT_THROW((void)rtc::reduction_source("r", "float", "0", "a + b", "x[i]", reserved), gpulab::usage_error)
        << reserved;
  }
  EXPECT_THROW((void)rtc::reduction_source("r", "float", " ", "a + b", "x[i]", "const float* x"), gpulab::usage_error);
}

}  // namespace
