// SPDX-License-Identifier: MIT
// Runtime compilation on the GPU: elementwise and reduction kernels written as
// strings give the CPU's answers on odd sizes, a SourceModule's __constant__
// data can be read and changed, arguments are checked before a launch, the
// cache compiles a source once, and the runtime-compiled cases pass the runner.
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/rtc/elementwise.hpp"

namespace {

namespace km = gpulab::custom;
namespace rtc = gpulab::rtc;

using RtcGpu = GpuStreamTest;

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  std::vector<float> v(n);
  gpulab::fill_uniform(v, seed, -1.0f, 1.0f);
  return v;
}

// A test at one size n.
class RtcSizeGpu : public GpuStreamTest, public ::testing::WithParamInterface<std::size_t> {};

std::string size_name(const ::testing::TestParamInfo<std::size_t>& param_info) {
  return "n" + std::to_string(param_info.param);
}

TEST_P(RtcSizeGpu, ElementwiseKernelScalesOddSizesAndStopsAtN) {
  const std::size_t n = GetParam();
  const rtc::elementwise_kernel scale("const float* x, float* y, float a", "y[i] = a * x[i]", "scale");
  const std::vector<float> x = random_floats(n, n);
  const auto x_device = gpulab::upload(x, s);
  gpulab::device_buffer<float> y(n + 1, s);  // one guard element past n
  y.fill_bytes_async(0xFF, s);
  scale(s, static_cast<std::int64_t>(n), x_device, y, -3.0f);
  const std::vector<float> got = gpulab::download(y, s);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], -3.0f * x[i]) << "element " << i << " of " << n;
  EXPECT_TRUE(std::isnan(got[n])) << "written past n";
}

INSTANTIATE_TEST_SUITE_P(Rtc, RtcSizeGpu, ::testing::Values(std::size_t{1}, std::size_t{31}, std::size_t{1000003}),
                         size_name);

TEST_F(RtcGpu, ArgumentsAreCheckedAgainstTheSignatureBeforeALaunch) {
  const rtc::elementwise_kernel scale("const float* x, float* y, float a", "y[i] = a * x[i]", "scale");
  const std::vector<float> x_host = random_floats(16, 11);
  const auto x = gpulab::upload(x_host, s);  // initialised: compute-sanitizer's initcheck reads every launch
  gpulab::device_buffer<float> y(16, s);
  gpulab::device_buffer<double> wide(16, s);
  const gpulab::device_buffer<float>& read_only = y;
  EXPECT_THROW(scale(s, 16, x, y), gpulab::usage_error);                 // too few
  EXPECT_THROW(scale(s, 16, x, y, 2.0), gpulab::usage_error);            // a double for float a
  EXPECT_THROW(scale(s, 16, x, 2.0f, 2.0f), gpulab::usage_error);        // a value for float* y
  EXPECT_THROW(scale(s, 16, x, wide, 2.0f), gpulab::usage_error);        // doubles for float* y
  EXPECT_THROW(scale(s, 16, x, read_only, 2.0f), gpulab::usage_error);   // const data where it writes
  EXPECT_THROW(scale(s, -1, x, y, 2.0f), gpulab::usage_error);
  try {
    scale(s, 16, x, y);
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("takes 4 arguments (const float* x, float* y, float a, long long n)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(scale(s, 16, x, y, 2.0f));
  const std::vector<float> got = gpulab::download(y, s);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(got[i], 2.0f * x_host[i]) << i;  // exact: one multiplication
}

TEST_F(RtcGpu, SourceModuleConstantsDeviceFunctionsAndLookups) {
  rtc::source_module module(km::course_source_module, "course_polynomial");
  EXPECT_EQ(module.kernel_names(), (std::vector<std::string>{"polynomial_contiguous_runs", "polynomial_interleaved"}));
  EXPECT_EQ(module.global("a").bytes, 3 * sizeof(float));
  EXPECT_EQ(module.global("degree").bytes, sizeof(int));
  const std::vector<float> two = {1.0f, 2.0f};
  EXPECT_THROW(module.set_global("a", std::span<const float>(two), s), gpulab::usage_error);  // 8 of 12 bytes

  const int n = 1001;
  const std::vector<float> x = random_floats(n, 7);
  const auto x_device = gpulab::upload(x, s);
  gpulab::device_buffer<float> y(n, s);
  const auto check = [&](const char* name, float c0, float c1, float c2, unsigned blocks, unsigned threads) {
    y.fill_bytes_async(0xFF, s);
    module.function(name, "const float* x, float* y, int n").launch(blocks, threads, s, x_device, y, n);
    const std::vector<float> got = gpulab::download(y, s);
    for (int i = 0; i < n; ++i) {
      const double expected = c0 + x[i] * (c1 + static_cast<double>(x[i]) * c2);
      ASSERT_NEAR(got[i], expected, 1e-6) << name << " element " << i;
    }
  };
  check("polynomial_contiguous_runs", 1.0f, -2.0f, -0.5f, 1, 512);  // the course's: one block of 512 threads
  check("polynomial_interleaved", 1.0f, -2.0f, -0.5f, 3, 128);
  const std::vector<float> changed = {0.5f, 0.25f, 3.0f};
  module.set_global("a", std::span<const float>(changed), s);
  check("polynomial_interleaved", 0.5f, 0.25f, 3.0f, 3, 128);
  check("polynomial_contiguous_runs", 0.5f, 0.25f, 3.0f, 2, 64);
}

// (Left out of compute-sanitizer: the failed lookups are CUDA API errors on purpose.)
TEST_F(RtcGpu, MissingKernelsAndVariablesAreUsageErrors) {
  const rtc::source_module module(km::course_source_module, "course_polynomial");
  try {
    (void)module.function("polynomial");  // a __device__ function, not a kernel
    FAIL() << "found";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("(it has: polynomial_contiguous_runs, polynomial_interleaved)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)module.global("b"), gpulab::usage_error);
  // The failed lookups leave no error behind for the next CUDA call.
  gpulab::device_buffer<float> y(4, s);
  EXPECT_NO_THROW(module.function("polynomial_interleaved").launch(1, 32, s, y, y, 4));
  gpulab::synchronize(s);
}

class RtcReductionSizeGpu : public GpuStreamTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(RtcReductionSizeGpu, DotKernelGivesTheCpuAnswer) {
  const std::size_t n = GetParam();
  const rtc::reduction_kernel<float> dot("0.0f", "a + b", "x[i] * y[i]", "const float* x, const float* y", "dot");
  const std::vector<float> x = random_floats(n, 2 * n), y = random_floats(n, 2 * n + 1);
  const float got = dot(s, static_cast<std::int64_t>(n), gpulab::upload(x, s), gpulab::upload(y, s));
  // One rounding per product, then the additions of the two passes.
  const double bound = static_cast<double>(dot.longest_addition_chain(static_cast<std::int64_t>(n)) + 1) *
                       std::ldexp(1.0, -24) * km::dot_of_magnitudes(x, y);
  EXPECT_NEAR(got, km::dot_cpu(x, y), bound) << "n = " << n;
}

INSTANTIATE_TEST_SUITE_P(Rtc, RtcReductionSizeGpu,
                         ::testing::Values(std::size_t{1}, std::size_t{257}, std::size_t{1000000},
                                           std::size_t{3000017}),
                         size_name);

TEST_F(RtcGpu, ReductionKernelsFindTheLargestAndCount) {
  // Another reduce: the largest element, exactly.
  const rtc::reduction_kernel<float> largest("-3.0e38f", "fmaxf(a, b)", "x[i]", "const float* x", "largest");
  std::vector<float> x = random_floats(100003, 3);
  x[77777] = 5.5f;
  EXPECT_EQ(largest(s, static_cast<std::int64_t>(x.size()), gpulab::upload(x, s)), 5.5f);
  EXPECT_EQ(largest(s, 0, gpulab::upload(x, s)), -3.0e38f);  // nothing to reduce: the neutral value
  // Integers: a count of the negative elements.
  const rtc::reduction_kernel<int> negatives("0", "a + b", "x[i] < 0.0f ? 1 : 0", "const float* x", "negatives");
  long long expected = 0;
  for (float v : x) expected += v < 0.0f;
  EXPECT_EQ(negatives(s, static_cast<std::int64_t>(x.size()), gpulab::upload(x, s)), expected);
}

TEST_F(RtcGpu, ProgramsCompileOncePerProcess) {
  const rtc::elementwise_kernel first("float* y", "y[i] = 7.0f", "seven");
  const rtc::cache_statistics before = rtc::program_cache_statistics();
  const rtc::elementwise_kernel second("float* y", "y[i] = 7.0f", "seven");
  const rtc::cache_statistics after = rtc::program_cache_statistics();
  EXPECT_EQ(after.hits, before.hits + 1);
  EXPECT_EQ(after.misses, before.misses);
  EXPECT_EQ(&first.module().program(), &second.module().program());  // the same compiled program
}

TEST_F(RtcGpu, CompileErrorsCarryTheLog) {
  try {
    rtc::source_module broken("__global__ void k(float* y) { y[0] = undefined_name; }", "broken");
    FAIL() << "compiled";
  } catch (const rtc::compile_error& e) {
    EXPECT_NE(std::string(e.what()).find("kernel 'broken' does not compile"), std::string::npos) << e.what();
    EXPECT_NE(e.log().find("undefined_name"), std::string::npos) << e.log();
    EXPECT_EQ(e.code(), gpulab::exit_code::usage);
  }
  EXPECT_THROW(rtc::elementwise_kernel("float* y", "y[i] = ", "broken_elementwise"), rtc::compile_error);
  EXPECT_THROW(rtc::reduction_kernel<float>("0", "a +", "x[i]", "const float* x"), rtc::compile_error);
  EXPECT_THROW(rtc::reduction_kernel<float>("0", "a + b", "x[i]", "const float* a"), gpulab::usage_error);  // reserved
}

// The runtime-compiled saxpy case with the course's operation or an explicit fmaf.
struct saxpy_operation {
  const char* name;
  const char* text;
};
void PrintTo(const saxpy_operation& o, std::ostream* os) { *os << o.text; }

class RtcCaseGpu : public GpuStreamTest, public ::testing::WithParamInterface<saxpy_operation> {};

TEST_P(RtcCaseGpu, RuntimeCompiledCasePassesTheRunner) {
  const std::string operation = GetParam().text;
  gpulab::resources ctx = gpulab::make_resources(quick_run_options(), false);
  const gpulab::run_options options = quick_run_options(1000003);
  auto c = km::make_runtime_saxpy_case(operation, 1000003);
  const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
  EXPECT_TRUE(r.verified) << operation << ": " << r.verify_detail;
  // The same with __restrict__ parameters (saxpy_runtime_compiled_restrict), at another odd size.
  auto restricted = km::make_runtime_saxpy_case(operation, 999999, true);
  EXPECT_EQ(restricted->name(), "saxpy_runtime_compiled_restrict");
  const gpulab::case_result rr = gpulab::run_case(*restricted, ctx, quick_run_options(999999));
  EXPECT_TRUE(rr.verified) << operation << " (restrict): " << rr.verify_detail;
}

INSTANTIATE_TEST_SUITE_P(Rtc, RtcCaseGpu,
                         ::testing::Values(saxpy_operation{"course_operation", km::runtime_saxpy_operation},
                                           saxpy_operation{"explicit_fmaf", "r[i] = fmaf(a, x[i], y[i])"}),
                         [](const ::testing::TestParamInfo<saxpy_operation>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST_F(RtcGpu, AWrongOperationFailsAndTheDemoPassesTheRunner) {
  gpulab::resources ctx = gpulab::make_resources(quick_run_options(), false);
  // A wrong operation is caught by the verification, not only by the compiler.
  auto wrong = km::make_runtime_saxpy_case("r[i] = a * x[i] - y[i]", 1001);
  EXPECT_FALSE(gpulab::run_case(*wrong, ctx, quick_run_options(1001)).verified);
  auto wrong_restrict = km::make_runtime_saxpy_case("r[i] = a * x[i] - y[i]", 1001, true);
  EXPECT_FALSE(gpulab::run_case(*wrong_restrict, ctx, quick_run_options(1001)).verified);
  const gpulab::demo_output demo = km::runtime_compilation_demo(ctx, quick_run_options());
  EXPECT_TRUE(demo.verified);
  ASSERT_EQ(demo.tables.size(), 1u);
  EXPECT_EQ(demo.tables[0].rows.size(), 5u);
}

}  // namespace
