// SPDX-License-Identifier: MIT
// Module 5 `custom`: the CPU references every hand-written kernel is checked
// against (and timed against: OpenMP over all cores, vectorised by -O3).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace gpulab::custom {

// ------------------------------------------------------------------ elementwise
// r = a x + y (the course: a = 0.31 on 50 million floats).
void saxpy_cpu(float a, std::span<const float> x, std::span<const float> y, std::span<float> r);
// The normal density with mean mu and standard deviation sigma (the course: mu 0, sigma 1, x in [-10, 10]).
void gaussian_pdf_cpu(std::span<const float> x, float mu, float sigma, std::span<float> out);
// sqrt(a^2 + b^2), element by element (the course's __device__ function example).
void distance_cpu(std::span<const float> a, std::span<const float> b, std::span<float> out);
// c[0] + c[1] x + c[2] x^2 + ... by Horner's rule (the course: 1 - 2x - 0.5x^2).
void polynomial_cpu(std::span<const float> coefficients, std::span<const float> x, std::span<float> out);

// ------------------------------------------------------------------ reductions
// Sums in double precision: the reference a float reduction is compared with.
double sum_cpu(std::span<const float> x);
double dot_cpu(std::span<const float> x, std::span<const float> y);
// The sum of |x_i| (or |x_i y_i|): float rounding errors scale with it, not with the sum.
double sum_of_magnitudes(std::span<const float> x);
double dot_of_magnitudes(std::span<const float> x, std::span<const float> y);
// How far a float sum may be from these: gpulab::float_sum_error_bound (bench/error_bounds.hpp).

// ------------------------------------------------------------------ memory access patterns
// Row sums and column sums of a row-major rows x cols matrix (the course: 16384 x 16384 floats).
std::vector<float> row_sums_cpu(std::span<const float> matrix, std::size_t rows, std::size_t cols);
std::vector<float> column_sums_cpu(std::span<const float> matrix, std::size_t rows, std::size_t cols);
// out (cols x rows) = in (rows x cols) transposed, both row-major.
void transpose_cpu(std::span<const float> in, std::size_t rows, std::size_t cols, std::span<float> out);

}  // namespace gpulab::custom
