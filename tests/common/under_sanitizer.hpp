// SPDX-License-Identifier: MIT
// Whether this test runs under compute-sanitizer: scripts/gpu-test --sanitize sets
// GPULAB_UNDER_SANITIZER. There a kernel runs 10-100 times slower, so a test walks fewer
// seeds or smaller sizes; the same code paths are still reached.
#pragma once

#include <cstdlib>

inline bool under_sanitizer() { return std::getenv("GPULAB_UNDER_SANITIZER") != nullptr; }
