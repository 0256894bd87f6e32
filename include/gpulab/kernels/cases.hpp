// SPDX-License-Identifier: MIT
// Module 5 "kernels": writing your own kernels, from naive to near the hardware's limit.
// (Built case by case; so far: elementwise operations, constant memory, reductions.)
#pragma once

#include <cstddef>
#include <memory>

#include "gpulab/bench/runner.hpp"
#include "gpulab/kernels/elementwise.hpp"
#include "gpulab/kernels/reduction.hpp"

namespace gpulab::kernels_module {

// The sum of n floats (dot = false) or the dot product of two (dot = true), by one version.
std::unique_ptr<bench_case> make_reduction_case(reduce_version v, bool dot, std::size_t n);

// out = op(x[, y]) for n floats, by one version (the polynomials always vectorized).
std::unique_ptr<bench_case> make_elementwise_case(elementwise_op op, map_version v, std::size_t n);

training_module make_module();

}  // namespace gpulab::kernels_module
