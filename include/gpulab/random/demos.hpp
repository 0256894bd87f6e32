// SPDX-License-Identifier: MIT
// Module 4's demos (src/random/demos.cpp): tables rather than timed cases.
#pragma once

#include "gpulab/bench/runner.hpp"

namespace gpulab::random {

// curand_init's cost per generator and method (subsequence, seed, offset per thread).
demo_output init_cost_demo(resources& res, const run_options& options);
// clock() + thread id seeding: how many threads end up throwing the same darts.
demo_output seeding_pitfall_demo(resources& res, const run_options& options);
// Hits counted in float stop at 2^24; in double or an integer they do not.
demo_output accumulation_pitfall_demo(resources& res, const run_options& options);
// Relative error of pi against darts, pseudo- vs quasi-random; table and figure.
demo_output precision_study_demo(resources& res, const run_options& options);

}  // namespace gpulab::random
