// SPDX-License-Identifier: MIT
// Module @number@ `@name@` on the GPU: every case through the runner at odd
// sizes must verify, and an output the GPU never wrote must not.
#include <gtest/gtest.h>

#include <cstdint>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/@name@/module.hpp"

namespace {

class @name@_gpu : public GpuTest {};

TEST_F(@name@_gpu, EveryCaseVerifiesAtOddSizes) {
  const gpulab::training_module m = gpulab::@name@::make_module();
  gpulab::run_options options = quick_run_options();
  gpulab::resources res = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& e : m.cases) {
    for (std::uint64_t n : {1u, 31u, 1000003u}) {
      options.size = n;
      for (const auto& c : e.make(options)) {
        const gpulab::case_result r = gpulab::run_case(*c, res, options);
        EXPECT_TRUE(r.verified) << e.name << " at " << n << ": " << r.verify_detail;
        EXPECT_TRUE(r.cpu.has_value()) << e.name << ": a CPU baseline to compare with";
        EXPECT_GT(r.gpu.median_ms, 0.0) << e.name;
      }
    }
  }
}

// Verification must be able to fail: the poison alone, with no GPU run, is reported NO.
TEST_F(@name@_gpu, AnUnwrittenOutputFailsVerification) {
  const gpulab::training_module m = gpulab::@name@::make_module();
  gpulab::resources res = gpulab::make_resources(quick_run_options(), false);
  const cuda::stream_ref s = res.stream();
  for (const gpulab::case_entry& e : m.cases) {
    for (const auto& c : e.make(quick_run_options(1000003))) {
      c->attach(res);
      c->setup(2026, s);
      gpulab::synchronize(s);
      c->run_cpu();
      gpulab::poison_outputs(*c, s);  // what the runner does before every GPU run
      gpulab::synchronize(s);
      const gpulab::verification v = c->verify(s);
      EXPECT_FALSE(v.passed) << e.name << " passed without running: " << v.detail;
    }
  }
}

}  // namespace
