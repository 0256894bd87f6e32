// SPDX-License-Identifier: MIT
// The runner's protocol with few repeats: tests want verification, not timings.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "gpulab/bench/runner.hpp"

inline gpulab::run_options quick_run_options(std::optional<std::uint64_t> size = std::nullopt) {
  gpulab::run_options options;
  options.size = size;
  options.repeat = 2;
  options.repeat_given = true;
  options.warm_up = 1;
  return options;
}

// Every case of a module through the runner at each size: verified, its CPU baseline
// as declared, a time measured. (That a wrong output fails is the sabotage test's.)
inline void expect_every_case_verifies(const gpulab::training_module& m, std::initializer_list<std::uint64_t> sizes) {
  gpulab::run_options options = quick_run_options();
  gpulab::resources res = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& e : m.cases) {
    for (const std::uint64_t n : sizes) {
      options.size = n;
      for (const auto& c : e.make(options)) {
        const gpulab::case_result r = gpulab::run_case(*c, res, options);
        EXPECT_TRUE(r.verified) << e.name << " at " << n << ": " << r.verify_detail;
        // A baseline past the CPU budget is skipped for the scalable check, and the row says so.
        const bool skipped = r.check.find("CPU skipped") != std::string::npos;
        EXPECT_EQ(r.cpu.has_value(), c->has_cpu_baseline() && !skipped) << e.name << ": the CPU baseline it declares";
        EXPECT_GT(r.gpu.median_ms, 0.0) << e.name;
      }
    }
  }
}
