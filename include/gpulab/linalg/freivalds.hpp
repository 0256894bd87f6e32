// SPDX-License-Identifier: MIT
// Freivalds' test: checks a product C = A B in O(n^2) instead of recomputing it
// in O(n^3). For a random vector x, C x must equal A (B x) up to rounding. A
// wrong element c_ij moves row i of C x by its error times x_j, so no x_j may
// be small: each lies in [0.5, 1.5) in size, with a random sign. Every element
// of C enters C x, so a NaN anywhere fails as well.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gpulab/bench/case.hpp"
#include "gpulab/linalg/cpu_reference.hpp"

namespace gpulab::linalg {

// n entries, each in [-1.5, -0.5) or [0.5, 1.5), seeded.
std::vector<double> freivalds_vector(int n, std::uint64_t seed);

// One random x and what the host expects of it, in double.
struct freivalds_probe {
  std::vector<double> x;
  std::vector<double> expected;  // A (B x)
  std::vector<double> scale;     // |A| (|B| |x|): what the rounding errors of row i are measured against
};

// `count` probes of the n x n product A B (column-major): give A and B exactly
// as the GPU multiplied them (rounded to its input precision), so that only
// the rounding of its sums remains. Two passes over A and two over B.
std::vector<freivalds_probe> make_freivalds_probes(const host_matrix<double>& a, const host_matrix<double>& b,
                                                   int count, std::uint64_t seed);

// Freivalds' test of C (n x n, column-major). `bound` is the product's error
// per element relative to sum_k |a_ik| |b_kj| (gemm_sum_error_bound); the
// host's own rounding in double, 4 (n + 1) 2^-53, is added here. Row i of a
// probe passes when |(C x)_i - expected_i| <= (bound + host) scale_i.
// One pass over C. verification::check is "Freivalds".
template <class T>
verification freivalds_check(std::span<const T> c, int n, std::span<const freivalds_probe> probes, double bound);

}  // namespace gpulab::linalg
