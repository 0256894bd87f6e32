// SPDX-License-Identifier: MIT
#include "gpulab/linalg/freivalds.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"

namespace gpulab::linalg {

namespace {

using vectors = std::vector<std::vector<double>>;

// y_k = M v_k for every v_k (|M| v_k when `absolute`), M n x n column-major:
// one pass over M; each thread takes a block of rows and walks all columns.
template <class T>
vectors multiply(std::span<const T> m, int n, const vectors& v, bool absolute) {
  vectors y(v.size(), std::vector<double>(static_cast<std::size_t>(n), 0.0));
  constexpr int rows_per_block = 1024;
  const int blocks = (n + rows_per_block - 1) / rows_per_block;
#pragma omp parallel for schedule(static)
  for (int block = 0; block < blocks; ++block) {
    const int first = block * rows_per_block, last = std::min(n, first + rows_per_block);
    for (int j = 0; j < n; ++j) {
      const T* column = m.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(n);
      for (std::size_t k = 0; k < v.size(); ++k) {
        const double vj = v[k][static_cast<std::size_t>(j)];
        double* yk = y[k].data();
        for (int i = first; i < last; ++i) {
          const double mij = static_cast<double>(column[i]);
          yk[i] += (absolute ? std::abs(mij) : mij) * vj;
        }
      }
    }
  }
  return y;
}

void require_square(std::size_t elements, int n, const char* what) {
  if (n < 1 || elements != static_cast<std::size_t>(n) * static_cast<std::size_t>(n)) {
    throw usage_error(std::string("Freivalds' test: ") + what + " must be n x n with n >= 1");
  }
}

}  // namespace

std::vector<double> freivalds_vector(int n, std::uint64_t seed) {
  std::vector<float> v(static_cast<std::size_t>(std::max(n, 0)));
  fill_uniform(v, seed, -1.0f, 1.0f);
  std::vector<double> x(v.size());
  // v in [-1, 1) moved half a unit away from zero: |x| in [0.5, 1.5), sign random.
  std::transform(v.begin(), v.end(), x.begin(), [](float u) { return u < 0 ? u - 0.5 : u + 0.5; });
  return x;
}

std::vector<freivalds_probe> make_freivalds_probes(const host_matrix<double>& a, const host_matrix<double>& b,
                                                   int count, std::uint64_t seed) {
  const int n = a.rows;
  require_square(a.data.size(), n, "A");
  require_square(b.data.size(), n, "B");
  vectors x, x_abs;
  for (int k = 0; k < count; ++k) {
    x.push_back(freivalds_vector(n, seed + static_cast<std::uint64_t>(k)));
    x_abs.push_back(x.back());
    for (double& v : x_abs.back()) v = std::abs(v);
  }
  const std::span<const double> a_span(a.data), b_span(b.data);
  const vectors expected = multiply(a_span, n, multiply(b_span, n, x, false), false);
  const vectors scale = multiply(a_span, n, multiply(b_span, n, x_abs, true), true);
  std::vector<freivalds_probe> probes;
  for (std::size_t k = 0; k < x.size(); ++k) probes.push_back({x[k], expected[k], scale[k]});
  return probes;
}

template <class T>
verification freivalds_check(std::span<const T> c, int n, std::span<const freivalds_probe> probes, double bound) {
  require_square(c.size(), n, "C");
  vectors x;
  for (const freivalds_probe& p : probes) x.push_back(p.x);
  const vectors cx = multiply(c, n, x, false);
  // The host's own rounding: A (B x) and C x are sums of n products in double.
  const double allowed = bound + 4.0 * (n + 1) * std::ldexp(1.0, -53);
  double worst = 0;  // the largest |(C x)_i - expected_i| / (allowed scale_i)
  for (std::size_t k = 0; k < probes.size(); ++k) {
    for (std::size_t i = 0; i < cx[k].size(); ++i) {
      const double error = std::abs(cx[k][i] - probes[k].expected[i]);
      const double limit = allowed * probes[k].scale[i];
      if (!(error <= limit)) {  // NaN fails here
        return {false,
                "Freivalds: row " + std::to_string(i) + " of C x differs from A (B x) by " +
                    format_significant(error) + " (allowed " + format_significant(limit) + ")",
                "Freivalds"};
      }
      if (limit > 0) worst = std::max(worst, error / limit);
    }
  }
  return {true,
          "Freivalds: C x = A (B x) for " + std::to_string(probes.size()) + " random x, worst row at " +
              format_significant(100.0 * worst) + "% of its bound",
          "Freivalds"};
}

template verification freivalds_check<float>(std::span<const float>, int, std::span<const freivalds_probe>, double);
template verification freivalds_check<double>(std::span<const double>, int, std::span<const freivalds_probe>, double);

}  // namespace gpulab::linalg
