// SPDX-License-Identifier: MIT
// The one-block eigen solver (kernels/ml/symmetric_eigen_one_block.cuh) against
// matrices whose eigenpairs are known: A = Q diag(lambda) Q^T, Q a seeded random
// orthogonal matrix. Each result is checked three ways: the eigenvalues against lambda,
// the residual |A x - lambda x|, and X^T X = I; where lambda is well separated, each
// vector against Q's column. The outputs start as NaN, so a value not written fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/under_sanitizer.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/core/stream.hpp"
#include "kernels/ml/symmetric_eigen_one_block.cuh"

namespace {

using gpulab::device_buffer;
namespace kernels = gpulab::ml::kernels;

// The solver alone: A (n x n, leading dimension n, the lower triangle read), the k
// largest eigenvalues (largest first) and their unit eigenvectors (n x k).
__global__ void __launch_bounds__(kernels::eigen_threads)
    top_eigenpairs_kernel(const double* a, int n, int k, double* values, double* vectors) {
  extern __shared__ double shared[];
  const kernels::eigen_workspace w = kernels::carve_eigen_workspace(shared);
  for (int e = static_cast<int>(threadIdx.x); e < n * n; e += kernels::eigen_threads) {
    const int i = e % n, j = e / n;
    w.a[j * kernels::eigen_lda + i] = i >= j ? a[i + j * n] : a[j + i * n];
  }
  __syncthreads();
  kernels::symmetric_top_eigenpairs(w, n, k);
  for (int e = static_cast<int>(threadIdx.x); e < n * k; e += kernels::eigen_threads) {
    vectors[e] = w.y[(e / n) * kernels::eigen_max_n + e % n];
  }
  if (static_cast<int>(threadIdx.x) < k) values[threadIdx.x] = w.values[threadIdx.x];
}

class ml_symmetric_eigen_gpu : public GpuTest {};

struct eigen_result {
  std::vector<double> values, vectors;
};

eigen_result gpu_top_eigenpairs(const std::vector<double>& a, int n, int k) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const device_buffer<double> da = gpulab::upload(a, s);
  device_buffer<double> values(static_cast<std::size_t>(k), s), vectors(static_cast<std::size_t>(n) * k, s);
  GPULAB_CUDA_TRY(cudaMemsetAsync(values.data(), 0xFF, values.size() * sizeof(double), s.get()));  // NaN
  GPULAB_CUDA_TRY(cudaMemsetAsync(vectors.data(), 0xFF, vectors.size() * sizeof(double), s.get()));
  const int bytes = static_cast<int>(kernels::eigen_shared_bytes(k));
  GPULAB_CUDA_TRY(cudaFuncSetAttribute(top_eigenpairs_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
  top_eigenpairs_kernel<<<1, kernels::eigen_threads, bytes, s.get()>>>(da.data(), n, k, values.data(), vectors.data());
  GPULAB_CHECK_LAUNCH();
  return {gpulab::download(values, s), gpulab::download(vectors, s)};
}

// A random orthogonal n x n matrix: Gram-Schmidt (twice) of Gaussian columns.
std::vector<double> random_orthogonal(int n, std::mt19937& random) {
  std::normal_distribution<double> normal;
  std::vector<double> q(static_cast<std::size_t>(n) * n);
  for (double& v : q) v = normal(random);
  for (int j = 0; j < n; ++j) {
    double* column = &q[static_cast<std::size_t>(j) * n];
    for (int pass = 0; pass < 2; ++pass) {
      for (int p = 0; p < j; ++p) {
        const double* other = &q[static_cast<std::size_t>(p) * n];
        double dot = 0;
        for (int i = 0; i < n; ++i) dot += other[i] * column[i];
        for (int i = 0; i < n; ++i) column[i] -= dot * other[i];
      }
      double norm = 0;
      for (int i = 0; i < n; ++i) norm += column[i] * column[i];
      for (int i = 0; i < n; ++i) column[i] /= std::sqrt(norm);
    }
  }
  return q;
}

struct known_matrix {
  int n;
  std::vector<double> a, q, lambda;  // A = Q diag(lambda) Q^T; lambda in any order
};

known_matrix with_spectrum(std::vector<double> lambda, std::uint32_t seed) {
  const int n = static_cast<int>(lambda.size());
  std::mt19937 random(seed);
  known_matrix m{n, std::vector<double>(static_cast<std::size_t>(n) * n, 0.0), random_orthogonal(n, random), lambda};
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double sum = 0;
      for (int p = 0; p < n; ++p) {
        sum += m.q[static_cast<std::size_t>(i + p * n)] * lambda[static_cast<std::size_t>(p)] *
               m.q[static_cast<std::size_t>(j + p * n)];
      }
      m.a[static_cast<std::size_t>(i + j * n)] = sum;
    }
  }
  return m;
}

// max_i |(A x)_i - lambda x_i|, A n x n column-major: how far (lambda, x) is from an eigenpair.
double eigenpair_residual(const std::vector<double>& a, int n, const double* x, double lambda) {
  double residual = 0;
  for (int i = 0; i < n; ++i) {
    double ax = 0;
    for (int j = 0; j < n; ++j) ax += a[static_cast<std::size_t>(i + j * n)] * x[j];
    residual = std::max(residual, std::abs(ax - lambda * x[i]));
  }
  return residual;
}

double dot(const double* x, const double* y, int n) {
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += x[i] * y[i];
  return sum;
}

double largest_magnitude(const std::vector<double>& v) {
  double largest = 0;
  for (double x : v) largest = std::max(largest, std::abs(x));
  return largest;
}

// Checks the k largest eigenpairs of m. Tolerances relative to |A| (the largest |lambda|):
// double arithmetic over n-long sums, about 1e-15 each, with room for n = 64; plus
// 1e-306 for the zero matrix (below 1e-13 of the smallest scale tested, 1e-290).
void expect_top_eigenpairs(const known_matrix& m, int k, const std::string& what) {
  const int n = m.n;
  const eigen_result r = gpu_top_eigenpairs(m.a, n, k);
  const double scale = largest_magnitude(m.lambda);
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int x, int y) { return m.lambda[std::size_t(x)] > m.lambda[std::size_t(y)]; });
  for (int c = 0; c < k; ++c) {
    const double expected = m.lambda[static_cast<std::size_t>(order[static_cast<std::size_t>(c)])];
    const double value = r.values[static_cast<std::size_t>(c)];
    EXPECT_NEAR(value, expected, 1e-13 * scale + 1e-306) << what << ": eigenvalue " << c;
    const double* x = &r.vectors[static_cast<std::size_t>(c) * n];
    EXPECT_LE(eigenpair_residual(m.a, n, x, value), 1e-12 * scale + 1e-306)
        << what << ": residual of eigenpair " << c;  // NaN fails too
    for (int d = 0; d <= c; ++d) {  // X^T X = I
      EXPECT_NEAR(dot(x, &r.vectors[static_cast<std::size_t>(d) * n], n), c == d ? 1.0 : 0.0, 1e-12)
          << what << ": x" << c << " . x" << d;
    }
    // Separated from its neighbours by 1% of |A|: the vector itself is determined
    // (up to sign) to about 1e-13 / 1e-2.
    double gap = INFINITY;
    for (int i = 0; i < n; ++i) {
      if (i != order[static_cast<std::size_t>(c)]) gap = std::min(gap, std::abs(m.lambda[std::size_t(i)] - expected));
    }
    if (gap > 1e-2 * scale) {
      const double* q = &m.q[static_cast<std::size_t>(order[static_cast<std::size_t>(c)]) * n];
      EXPECT_NEAR(std::abs(dot(x, q, n)), 1.0, 1e-10) << what << ": eigenvector " << c << " against Q's column";
    }
  }
}

std::vector<double> spread_spectrum(int n, std::uint32_t seed, double low, double high) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> value(low, high);
  std::vector<double> lambda(static_cast<std::size_t>(n));
  for (double& v : lambda) v = value(random);
  return lambda;
}

TEST_F(ml_symmetric_eigen_gpu, FindsTheLargestEigenpairsOfRandomSpectra) {
  // Sizes: one, two, three (no reflector, none, one), odd, a warp and one, the largest.
  std::uint32_t seed = 3;
  for (const int n : {1, 2, 3, 5, 17, 33, 63, 64}) {
    const known_matrix m = with_spectrum(spread_spectrum(n, seed, -2.0, 7.0), seed + 100);
    for (const int k : {1, std::min(n, 3), std::min(n, 8), n}) {
      expect_top_eigenpairs(m, k, "n " + std::to_string(n) + ", k " + std::to_string(k));
    }
    ++seed;
  }
}

TEST_F(ml_symmetric_eigen_gpu, HandlesClustersRepeatsAndScale) {
  // A covariance-like spectrum: a few large variances, then a long tail.
  std::vector<double> pca(64);
  for (int i = 0; i < 64; ++i) pca[std::size_t(i)] = i < 8 ? 100.0 / (1 + i) : 1e-2 * (1 + i % 5) + 1e-5 * i;
  expect_top_eigenpairs(with_spectrum(pca, 7), 8, "covariance-like");
  // A cluster 1e-9 apart (inverse iteration alone would return one vector three times),
  // and an exactly repeated eigenvalue.
  std::vector<double> cluster = spread_spectrum(40, 8, 0.0, 1.0);
  cluster[3] = 5.0, cluster[17] = 5.0 + 1e-9, cluster[29] = 5.0 - 1e-9;
  cluster[5] = 3.0, cluster[6] = 3.0;
  expect_top_eigenpairs(with_spectrum(cluster, 9), 6, "clusters");
  // Everything repeated: A = 2.5 I (Q rotates nothing; any orthonormal basis is right).
  expect_top_eigenpairs(with_spectrum(std::vector<double>(23, 2.5), 10), 23, "2.5 I");
  // The zero matrix, and scales far from 1: the tolerances are relative. Unscaled, a
  // column's squares overflow beyond about 1e150 (NaN out) and underflow below about
  // 1e-150 (a reflector skipped: errors of percents).
  expect_top_eigenpairs(with_spectrum(std::vector<double>(9, 0.0), 11), 4, "zero");
  std::uint32_t seed = 13;
  for (const double scale : {1e-290, 1e-200, 1e-30, 1e30, 1e200, 1e290}) {
    std::vector<double> lambda = spread_spectrum(31, 12, 1.0, 2.0);
    for (double& v : lambda) v *= scale;
    char what[32];
    std::snprintf(what, sizeof what, "scale %g", scale);
    expect_top_eigenpairs(with_spectrum(lambda, seed++), 5, what);
  }
  // All negative: the largest are the ones nearest zero.
  expect_top_eigenpairs(with_spectrum(spread_spectrum(20, 15, -9.0, -1.0), 16), 7, "negative");
}

TEST_F(ml_symmetric_eigen_gpu, KeepsTheVectorsOfLargeClustersOrthogonal) {
  // 48 equal eigenvalues and 16 apart, all 64 pairs wanted: vectors found one by one
  // from different starts converge mostly to the same few directions of the 48-dimensional
  // space, and Gram-Schmidt afterwards alone left them orthogonal to 7e-7 only.
  std::vector<double> lambda(64, 1.0);
  for (int i = 0; i < 16; ++i) lambda[std::size_t(3 * i + 2)] = 0.1 + 0.5 * i / 15.0;
  expect_top_eigenpairs(with_spectrum(lambda, 21), 64, "48 equal");
  // A spectrum that is one long cluster: 40 values 1e-12 apart.
  std::vector<double> chain(40);
  for (int i = 0; i < 40; ++i) chain[std::size_t(i)] = 3.0 + 1e-12 * i;
  expect_top_eigenpairs(with_spectrum(chain, 22), 40, "a chain 1e-12 apart");
}

TEST_F(ml_symmetric_eigen_gpu, TurnsNanOrInfInputIntoNanOutput) {
  // Bad input gives NaN everywhere, never plausible numbers (and reads nothing out of bounds:
  // compute-sanitizer runs this test).
  const known_matrix m = with_spectrum(spread_spectrum(17, 30, -1.0, 4.0), 31);
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), inf, -inf}) {
    std::vector<double> a = m.a;
    a[std::size_t(5 + 3 * 17)] = a[std::size_t(3 + 5 * 17)] = bad;
    const eigen_result r = gpu_top_eigenpairs(a, 17, 4);
    for (double v : r.values) EXPECT_TRUE(std::isnan(v)) << "input " << bad << ": eigenvalue " << v;
    for (double v : r.vectors) EXPECT_TRUE(std::isnan(v)) << "input " << bad << ": vector entry " << v;
  }
}

TEST_F(ml_symmetric_eigen_gpu, LeavesAColumnTooSmallToSquareAlone) {
  // A = [[c, t u^T], [t u, B]]: the first column below the diagonal is t u. For t near
  // 1e-160 its squares are subnormal, with too few digits for a reflector: it changed the
  // eigenvalues by up to 2e-2 (t = 1e-161) before such a column was left alone. Leaving
  // it costs about t, far below the rounding of A's other entries.
  const known_matrix b = with_spectrum(spread_spectrum(9, 40, -0.8, 0.9), 41);
  for (const double t : {1e-150, 1e-155, 1e-158, 1e-160, 1e-161, 1e-162}) {
    known_matrix m{10, std::vector<double>(100, 0.0), std::vector<double>(100, 0.0), {1.5}};
    m.lambda.insert(m.lambda.end(), b.lambda.begin(), b.lambda.end());
    m.a[0] = 1.5;
    m.q[0] = 1;  // to within t: the eigenvector of 1.5 is e_0, B's are below it
    for (int i = 1; i < 10; ++i) {
      m.a[std::size_t(i)] = m.a[std::size_t(10 * i)] = t * (i % 3 == 0 ? -1.0 : 1.0) / 3.0;
      for (int j = 1; j < 10; ++j) {
        m.a[std::size_t(i + 10 * j)] = b.a[std::size_t((i - 1) + 9 * (j - 1))];
        m.q[std::size_t(i + 10 * j)] = b.q[std::size_t((i - 1) + 9 * (j - 1))];
      }
    }
    char what[32];
    std::snprintf(what, sizeof what, "t = %g", t);
    expect_top_eigenpairs(m, 10, what);
  }
}

TEST_F(ml_symmetric_eigen_gpu, FindsTheNullSpaceOfLowRankMatrices) {
  // A = X^T X for a random X of 1 to 4 rows: all but a few eigenvalues are zero, and come
  // out as rounding-sized values on both sides of it. A vector of that cluster that is
  // restarted and solved at lambda itself can lose its direction between them (residuals
  // up to 0.2 in a CPU copy of the solver, review 2026-12-04): the restarts solve just
  // above lambda. Every pair: residual and orthogonality; the null space's values near 0.
  const int seeds = under_sanitizer() ? 25 : 250;
  for (int seed = 0; seed < seeds; ++seed) {
    std::mt19937 random(static_cast<std::uint32_t>(seed));
    const int n = 30 + seed % 35, rank = 1 + (seed / 35) % 4;
    const double scale = seed % 2 != 0 ? 1e-200 : 1.0;
    std::uniform_real_distribution<double> entry(-1.0, 1.0);
    std::vector<double> x(static_cast<std::size_t>(rank) * n), a(static_cast<std::size_t>(n) * n);
    for (double& v : x) v = entry(random);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        double sum = 0;
        for (int r = 0; r < rank; ++r) sum += x[std::size_t(r * n + i)] * x[std::size_t(r * n + j)];
        a[std::size_t(i + j * n)] = sum * scale;
      }
    }
    const eigen_result result = gpu_top_eigenpairs(a, n, n);
    const double largest = result.values[0];  // the largest of a positive semi-definite A
    const std::string what = "seed " + std::to_string(seed) + ", n " + std::to_string(n) + ", rank " + std::to_string(rank);
    for (int c = 0; c < n; ++c) {
      const double value = result.values[std::size_t(c)];
      if (c >= rank) EXPECT_LE(std::abs(value), 1e-13 * largest) << what << ": eigenvalue " << c << " of the null space";
      const double* v = &result.vectors[std::size_t(c) * n];
      ASSERT_LE(eigenpair_residual(a, n, v, value), 1e-12 * largest) << what << ": residual of eigenpair " << c;  // NaN fails too
      for (int d = 0; d <= c; ++d) {
        ASSERT_NEAR(dot(v, &result.vectors[std::size_t(d) * n], n), c == d ? 1.0 : 0.0, 1e-12)
            << what << ": x" << c << " . x" << d;
      }
    }
  }
}

}  // namespace
