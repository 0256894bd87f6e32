// SPDX-License-Identifier: MIT
// Module 5 "kernels": writing your own kernels, from naive to near the hardware's limit.
// (Built case by case; so far: elementwise operations, constant memory, reductions, memory access patterns.)
#pragma once

#include <cstddef>
#include <memory>

#include "gpulab/bench/runner.hpp"
#include "gpulab/kernels/cpu_reference.hpp"
#include "gpulab/kernels/elementwise.hpp"
#include "gpulab/kernels/memory_patterns.hpp"
#include "gpulab/kernels/reduction.hpp"

namespace gpulab::kernels_module {

// The sum of n floats (dot = false) or the dot product of two (dot = true), by one version.
std::unique_ptr<bench_case> make_reduction_case(reduce_version v, bool dot, std::size_t n);

// out = op(x[, y]) for n floats, by one version (the polynomials always vectorized).
std::unique_ptr<bench_case> make_elementwise_case(elementwise_op op, map_version v, std::size_t n);

// Row sums (rows = true) or column sums of an n x n matrix; transposes of one.
constexpr int max_matrix_dimension = 32768;
std::unique_ptr<bench_case> make_line_sums_case(bool rows, line_sums_version v, int n);
std::unique_ptr<bench_case> make_transpose_case(transpose_version v, int n);

training_module make_module();

}  // namespace gpulab::kernels_module
