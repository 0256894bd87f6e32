// SPDX-License-Identifier: MIT
// The error macros need no GPU: they only look at the status a call returned.
#include <gtest/gtest.h>
#include <nvrtc.h>

#include <string>

#include "gpulab/core/error.hpp"

namespace {

cudaError_t fails_with_invalid_value() { return cudaErrorInvalidValue; }
int cusolver_zero_pivot() { return 10; }
int curand_out_of_range() { return 104; }
int cublas_execution_failed() { return 13; }
int driver_illegal_address() { return 700; }

TEST(Errors, CudaTryThrowsWithCallFileLineAndName) {
  try {
    GPULAB_CUDA_TRY(fails_with_invalid_value());
    FAIL() << "GPULAB_CUDA_TRY did not throw";
  } catch (const gpulab::cuda_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("fails_with_invalid_value()"), std::string::npos) << what;
    EXPECT_NE(what.find("error_test.cpp:"), std::string::npos) << what;
    EXPECT_NE(what.find("cudaErrorInvalidValue"), std::string::npos) << what;
    EXPECT_NE(what.find("invalid argument"), std::string::npos) << what;
    EXPECT_EQ(e.status(), static_cast<int>(cudaErrorInvalidValue));
    EXPECT_EQ(e.code(), gpulab::exit_code::cuda);
  }
}

TEST(Errors, CudaTrySuccessDoesNothing) { EXPECT_NO_THROW(GPULAB_CUDA_TRY(cudaSuccess)); }

TEST(Errors, EachLibraryMacroNamesItsStatus) {
  auto what_of = [](auto&& thrower) -> std::string {
    try {
      thrower();
    } catch (const gpulab::cuda_error& e) {
      return e.what();
    }
    return "did not throw";
  };
  EXPECT_NE(what_of([] { GPULAB_CUSOLVER_TRY(cusolver_zero_pivot()); }).find("CUSOLVER_STATUS_ZERO_PIVOT"), std::string::npos);
  EXPECT_NE(what_of([] { GPULAB_CURAND_TRY(curand_out_of_range()); }).find("CURAND_STATUS_OUT_OF_RANGE"), std::string::npos);
  EXPECT_NE(what_of([] { GPULAB_CUBLAS_TRY(cublas_execution_failed()); }).find("CUBLAS_STATUS_EXECUTION_FAILED"),
            std::string::npos);
  EXPECT_NE(what_of([] { GPULAB_CU_TRY(driver_illegal_address()); }).find("CUDA_ERROR_ILLEGAL_ADDRESS"), std::string::npos);
  EXPECT_NE(what_of([] { GPULAB_NVRTC_TRY(NVRTC_ERROR_COMPILATION); }).find("NVRTC_ERROR_COMPILATION"), std::string::npos);
  EXPECT_NE(what_of([] { GPULAB_CUSOLVER_TRY(cusolver_zero_pivot()); }).find("cuSOLVER"), std::string::npos);
}

TEST(Errors, UnknownStatusesHaveAName) {
  EXPECT_STREQ(gpulab::cusolver_status_name(12345), "CUSOLVER_STATUS_UNKNOWN");
  EXPECT_STREQ(gpulab::curand_status_name(-1), "CURAND_STATUS_UNKNOWN");
  EXPECT_STREQ(gpulab::driver_status_name(99999), "CUDA_ERROR_UNKNOWN");
}

TEST(Errors, OutOfMemoryNamesBothNumbers) {
  const gpulab::out_of_memory_error e(3'000'000'000ull, 1'000'000ull, "a test");
  const std::string what = e.what();
  EXPECT_NE(what.find("3000000000"), std::string::npos) << what;
  EXPECT_NE(what.find("1000000"), std::string::npos) << what;
  EXPECT_NE(what.find("a test"), std::string::npos) << what;
  EXPECT_EQ(e.code(), gpulab::exit_code::out_of_resources);
  EXPECT_EQ(e.requested_bytes(), 3'000'000'000ull);
  EXPECT_EQ(e.available_bytes(), 1'000'000ull);
}

TEST(Errors, EachKindHasItsExitCode) {
  EXPECT_EQ(gpulab::usage_error("x").code(), gpulab::exit_code::usage);
  EXPECT_EQ(gpulab::no_device_error("x").code(), gpulab::exit_code::no_device);
  EXPECT_EQ(gpulab::io_error("x").code(), gpulab::exit_code::io);
  EXPECT_EQ(static_cast<int>(gpulab::exit_code::usage), 2);
  EXPECT_EQ(static_cast<int>(gpulab::exit_code::no_device), 3);
}

}  // namespace
