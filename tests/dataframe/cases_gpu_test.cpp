// SPDX-License-Identifier: MIT
// Module 6 `dataframe` on the GPU: every case through the runner at odd
// sizes must verify (tests/course proves that wrong outputs do not).
#include <gtest/gtest.h>

#include <cstdint>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/dataframe/module.hpp"

namespace {

class dataframe_gpu : public GpuTest {};

TEST_F(dataframe_gpu, EveryCaseVerifiesAtOddSizes) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  gpulab::run_options options = quick_run_options();
  gpulab::resources res = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& e : m.cases) {
    for (std::uint64_t n : {1u, 31u, 1000003u}) {
      options.size = n;
      for (const auto& c : e.make(options)) {
        const gpulab::case_result r = gpulab::run_case(*c, res, options);
        EXPECT_TRUE(r.verified) << e.name << " at " << n << ": " << r.verify_detail;
        EXPECT_EQ(r.cpu.has_value(), c->has_cpu_baseline()) << e.name << ": the CPU baseline it declares";
        EXPECT_GT(r.gpu.median_ms, 0.0) << e.name;
      }
    }
  }
}

// That a wrong output fails (poisoned, zeroed, an element unwritten or perturbed)
// is proven for every case of every module by tests/course/sabotage_gpu_test.cpp.

}  // namespace
