// SPDX-License-Identifier: MIT
// Every module 3 case through the runner at an odd size, with the CPU and
// without it (the scalable checks alone); every case's verification fails when
// the GPU never wrote its output (poison); a size too large for memory is
// refused with both numbers before allocating.
#include <gtest/gtest.h>

#include <string>

#include "common/quick_run.hpp"
#include "gpulab/linalg/module.hpp"
#include "gpulab/linalg/cases.hpp"
#include "linalg/linalg_gpu_fixture.hpp"

namespace {

namespace la = gpulab::linalg;

TEST_F(LinalgGpu, EveryCasePassesTheRunnerAtAnOddSize) {
  const gpulab::training_module m = la::make_module();
  const gpulab::run_options options = quick_run_options(129);
  gpulab::resources ctx = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& entry : m.cases) {
    for (auto& c : entry.make(options)) {
      const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
      EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
      EXPECT_GT(r.gpu.median_ms, 0.0) << r.name;
    }
  }
}

// --cpu off: the scalable checks alone (Freivalds' test, the residuals) pass a correct GPU.
TEST_F(LinalgGpu, EveryCasePassesItsScalableCheckWithTheCpuOff) {
  const gpulab::training_module m = la::make_module();
  gpulab::run_options options = quick_run_options(129);
  options.cpu = gpulab::cpu_mode::off;
  gpulab::resources ctx = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& entry : m.cases) {
    for (auto& c : entry.make(options)) {
      const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
      EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
      EXPECT_FALSE(r.cpu.has_value()) << r.name;
      const bool scalable = r.check.find("Freivalds") != std::string::npos || r.check.find("residual") == 0;
      EXPECT_TRUE(scalable) << r.name << ": " << r.check;
      EXPECT_EQ(r.check.find("vs CPU"), std::string::npos) << r.name << ": " << r.check;
    }
  }
}

TEST_F(LinalgGpu, VerificationFailsWhenTheGpuWroteNothing) {
  const gpulab::training_module m = la::make_module();
  const gpulab::run_options options = quick_run_options(65);
  gpulab::resources res = gpulab::make_resources(options, false);  // the cuBLAS handle's stream
  const cuda::stream_ref rs = res.stream();
  for (const gpulab::case_entry& entry : m.cases) {
    for (auto& c : entry.make(options)) {
      c->attach(res);
      c->setup(options.seed, rs);
      c->run_cpu();
      gpulab::poison_outputs(*c, rs);  // and no run_gpu(): the outputs stay NaN
      gpulab::synchronize(rs);
      const gpulab::verification v = c->verify(rs);
      EXPECT_FALSE(v.passed) << c->name() << " passed on poisoned output: " << v.detail;
    }
  }
}

TEST_F(LinalgGpu, TooLargeForMemoryIsRefusedWithBothNumbers) {
  // 131072^2 doubles, three matrices: 412 GB, more than any GPU of today (and
  // the host copies, 690 GB, more than the node: the runner checks those first).
  const gpulab::run_options options = quick_run_options(la::max_gemm_dimension);
  gpulab::resources ctx = gpulab::make_resources(options, false);
  auto gemm = la::make_gemm_case(la::gemm_precision::fp64, la::max_gemm_dimension);
  try {
    (void)gpulab::run_case(*gemm, ctx, options);
    FAIL() << "a DGEMM of 131072 x 131072 cannot fit";
  } catch (const gpulab::out_of_memory_error& e) {
    EXPECT_GT(e.requested_bytes(), e.available_bytes());
    EXPECT_NE(std::string(e.what()).find("dgemm"), std::string::npos) << e.what();
  }
}

}  // namespace
