// SPDX-License-Identifier: MIT
// The runner's protocol with few repeats: tests want verification, not timings.
#pragma once

#include <cstdint>
#include <optional>

#include "gpulab/bench/runner.hpp"

inline gpulab::run_options quick_run_options(std::optional<std::uint64_t> size = std::nullopt) {
  gpulab::run_options options;
  options.size = size;
  options.repeat = 2;
  options.repeat_given = true;
  options.warm_up = 1;
  return options;
}
