// SPDX-License-Identifier: MIT
// The cuBLAS layer on the GPU against plain CPU loops: every layout mix, odd
// shapes, padded leading dimensions, beta = 0 over a poisoned C, the TF32 and
// BF16 modes within their error bounds (and measurably less exact than FP32),
// strided batches, GEMV, AXPY, DOT, NRM2.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/linalg/exercises/tiled_matmul.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/cases.hpp"
#include "linalg/linalg_gpu_fixture.hpp"

namespace {

namespace la = gpulab::linalg;
using gpulab::device_buffer;

template <class T>
std::vector<T> random_values(std::size_t n, std::uint64_t seed) {
  std::vector<float> f(n);
  gpulab::fill_uniform(f, seed, -1.0f, 1.0f);
  return std::vector<T>(f.begin(), f.end());
}

// Element (i, j) of a matrix in host memory, whatever its layout: the mdspan's
// own indexing (its strides), independent of the arguments handed to cuBLAS.
template <class T>
T at(const la::matrix_view<const T>& m, int i, int j) {
  return m(i, j);
}

// A host matrix of the given layout with padding (ld = minimum + 3), filled at random.
template <class T>
struct host_operand {
  std::vector<T> storage;
  la::layout order;
  int rows, cols, ld;
  host_operand(int r, int c, la::layout o, std::uint64_t seed) : order(o), rows(r), cols(c) {
    ld = (o == la::layout::column_major ? r : c) + 3;
    storage = random_values<T>(static_cast<std::size_t>(ld) * (o == la::layout::column_major ? c : r), seed);
  }
  la::matrix_view<const T> on(const T* base) const { return la::make_matrix_view(order, base, rows, cols, ld); }
  la::matrix_view<T> on(T* base) const { return la::make_matrix_view(order, base, rows, cols, ld); }
};

TEST_F(LinalgGpu, GemmEveryLayoutMixMatchesTheCpu) {
  const int m = 37, n = 23, k = 11;
  const double alpha = 1.5, beta = -0.5;
  la::blas_handle blas(s);
  for (auto la_ : {la::layout::row_major, la::layout::column_major}) {
    for (auto lb : {la::layout::row_major, la::layout::column_major}) {
      for (auto lc : {la::layout::row_major, la::layout::column_major}) {
        const host_operand<double> a(m, k, la_, 1), b(k, n, lb, 2), c(m, n, lc, 3);
        device_buffer<double> da = upload(a.storage), db = upload(b.storage), dc = upload(c.storage);
        la::gemm_async<double>(blas, alpha, a.on(da.data()), b.on(db.data()), beta, c.on(dc.data()));
        const std::vector<double> got = download(dc);
        double worst = 0;
        for (int i = 0; i < m; ++i) {
          for (int j = 0; j < n; ++j) {
            double expected = beta * at(c.on(c.storage.data()), i, j);
            for (int p = 0; p < k; ++p) expected += alpha * at(a.on(a.storage.data()), i, p) * at(b.on(b.storage.data()), p, j);
            worst = std::max(worst, std::abs(at(c.on(got.data()), i, j) - expected));
          }
        }
        EXPECT_LT(worst, 1e-13) << int(la_) << int(lb) << int(lc);
        // The padding between rows/columns is never written.
        for (std::size_t e = 0; e < got.size(); ++e) {
          const std::size_t in_line = e % static_cast<std::size_t>(c.ld);
          if (in_line >= static_cast<std::size_t>(lc == la::layout::column_major ? m : n)) {
            EXPECT_EQ(got[e], c.storage[e]) << "padding element " << e;
          }
        }
      }
    }
  }
}

TEST_F(LinalgGpu, GemmWithBetaZeroNeverReadsC) {
  la::blas_handle blas(s);
  const int n = 65;
  const auto a = random_values<float>(n * n, 4), b = random_values<float>(n * n, 5);
  device_buffer<float> da = upload(a), db = upload(b), dc(n * n, s);
  dc.fill_bytes_async(0xFF, s);  // NaN: 0 * NaN would be NaN if C were read
  la::gemm_async<float>(blas, 1.0f, la::column_major<const float>(da.data(), n, n),
                        la::column_major<const float>(db.data(), n, n), 0.0f, la::column_major(dc.data(), n, n));
  for (float v : download(dc)) ASSERT_TRUE(std::isfinite(v));
}

TEST_F(LinalgGpu, GemmRefusesShapesThatDoNotConform) {
  la::blas_handle blas(s);
  device_buffer<double> d(100, s);
  EXPECT_THROW(la::gemm_async<double>(blas, 1.0, la::column_major<const double>(d.data(), 3, 4),
                                      la::column_major<const double>(d.data(), 5, 2), 0.0,
                                      la::column_major(d.data(), 3, 2)),
               gpulab::usage_error);
  EXPECT_THROW(la::gemm_async<double>(blas, 1.0, la::column_major<const double>(d.data(), 3, 4),
                                      la::column_major<const double>(d.data(), 4, 2), 0.0,
                                      la::column_major(d.data(), 2, 3)),
               gpulab::usage_error);
  EXPECT_THROW(la::gemm_async<double>(blas, 1.0, la::column_major<const double>(d.data(), 3, 3),
                                      la::column_major<const double>(d.data(), 3, 3), 0.0,
                                      la::column_major(d.data(), 3, 3), la::float_math::tf32),
               gpulab::usage_error);
}

// Componentwise error of C against FP64, as a multiple of sum_k |a_ik| |b_kj|.
double componentwise_error(const std::vector<double>& a, const std::vector<double>& b, const std::vector<float>& c,
                           int m, int n, int k) {
  double worst = 0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double exact = 0, scale = 0;
      for (int p = 0; p < k; ++p) {
        exact += a[i + p * m] * b[p + j * k];
        scale += std::abs(a[i + p * m] * b[p + j * k]);
      }
      worst = std::max(worst, std::abs(c[i + j * m] - exact) / scale);
    }
  }
  return worst;
}

TEST_F(LinalgGpu, TensorCoreModesStayWithinTheirBoundsAndAreLessExactThanFp32) {
  const int m = 127, n = 65, k = 255;
  la::blas_handle blas(s);
  const auto a = random_values<double>(m * k, 6), b = random_values<double>(k * n, 7);
  const std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end());
  device_buffer<float> da = upload(af), db = upload(bf), dc(m * n, s);
  const auto va = la::column_major<const float>(da.data(), m, k);
  const auto vb = la::column_major<const float>(db.data(), k, n);
  const auto vc = la::column_major(dc.data(), m, n);

  la::gemm_async<float>(blas, 1.0f, va, vb, 0.0f, vc, la::float_math::fp32);
  const double fp32 = componentwise_error(a, b, download(dc), m, n, k);
  dc.fill_bytes_async(0xFF, s);
  la::gemm_async<float>(blas, 1.0f, va, vb, 0.0f, vc, la::float_math::tf32);
  const double tf32 = componentwise_error(a, b, download(dc), m, n, k);

  std::vector<la::bf16> ab(a.size()), bb(b.size());
  for (std::size_t i = 0; i < a.size(); ++i) ab[i] = la::to_bf16(static_cast<float>(a[i]));
  for (std::size_t i = 0; i < b.size(); ++i) bb[i] = la::to_bf16(static_cast<float>(b[i]));
  device_buffer<la::bf16> dab = upload(ab), dbb = upload(bb);
  dc.fill_bytes_async(0xFF, s);
  la::gemm_bf16_async(blas, 1.0f, la::column_major<const la::bf16>(dab.data(), m, k),
                      la::column_major<const la::bf16>(dbb.data(), k, n), 0.0f, vc);
  const double bf16 = componentwise_error(a, b, download(dc), m, n, k);

  EXPECT_LE(fp32, la::gemm_error_bound(la::gemm_precision::fp32, k));
  EXPECT_LE(tf32, la::gemm_error_bound(la::gemm_precision::tf32, k));
  EXPECT_LE(bf16, la::gemm_error_bound(la::gemm_precision::bf16, k));
  // The modes really are different arithmetic: each coarser one is measurably less exact.
  EXPECT_GT(tf32, 4 * fp32) << "TF32 should round its inputs to 10 mantissa bits";
  EXPECT_GT(bf16, 2 * tf32) << "BF16 has 7 mantissa bits";
}

TEST_F(LinalgGpu, StridedBatchedGemmIsEachProductInOneCall) {
  const int m = 17, n = 13, k = 9, count = 3;
  la::blas_handle blas(s);
  for (auto lc : {la::layout::column_major, la::layout::row_major}) {
    const long long sa = m * k + 5, sb = k * n + 2, sc = m * n + 7;  // gaps between the matrices
    const auto a = random_values<double>(sa * count, 8), b = random_values<double>(sb * count, 9);
    std::vector<double> c(sc * count, -7.0);
    device_buffer<double> da = upload(a), db = upload(b), dc = upload(c);
    la::gemm_strided_batched_async<double>(blas, 1.0, la::column_major<const double>(da.data(), m, k), sa,
                                           la::row_major<const double>(db.data(), k, n), sb, 0.0,
                                           la::make_matrix_view(lc, dc.data(), m, n), sc, count);
    const std::vector<double> got = download(dc);
    for (int batch = 0; batch < count; ++batch) {
      const auto va = la::column_major<const double>(a.data() + batch * sa, m, k);
      const auto vb = la::row_major<const double>(b.data() + batch * sb, k, n);
      const auto vc = la::make_matrix_view(lc, got.data() + batch * sc, m, n);
      for (int i = 0; i < m; ++i) {
        for (int j = 0; j < n; ++j) {
          double expected = 0;
          for (int p = 0; p < k; ++p) expected += at(va, i, p) * at(vb, p, j);
          ASSERT_NEAR(at(vc, i, j), expected, 1e-13) << "batch " << batch << " (" << i << ", " << j << ")";
        }
      }
      for (long long gap = m * n; gap < sc; ++gap) EXPECT_EQ(got[batch * sc + gap], -7.0);
    }
  }
}

TEST_F(LinalgGpu, GemvAxpyDotNrm2MatchTheCpu) {
  la::blas_handle blas(s);
  const int rows = 1001, cols = 37;
  const auto a = random_values<double>(rows * cols, 10);
  const auto x_cols = random_values<double>(cols, 11);
  device_buffer<double> da = upload(a), dx = upload(x_cols), dy(rows, s);
  for (auto order : {la::layout::column_major, la::layout::row_major}) {
    const auto va = la::make_matrix_view<const double>(order, da.data(), rows, cols);
    dy.fill_bytes_async(0xFF, s);
    la::gemv_async<double>(blas, 2.0, va, dx.span(), 0.0, dy.span());
    const std::vector<double> y = download(dy);
    const auto host = la::make_matrix_view(order, a.data(), rows, cols);
    for (int i = 0; i < rows; ++i) {
      double expected = 0;
      for (int j = 0; j < cols; ++j) expected += 2.0 * at(host, i, j) * x_cols[j];
      ASSERT_NEAR(y[i], expected, 1e-13) << i;
    }
  }
  EXPECT_THROW(la::gemv_async<double>(blas, 1.0, la::column_major<const double>(da.data(), rows, cols), dy.span(), 0.0,
                                      dy.span()),
               gpulab::usage_error);

  const std::size_t n = 100003;
  const auto x = random_values<float>(n, 12), y0 = random_values<float>(n, 13);
  device_buffer<float> vx = upload(x), vy = upload(y0);
  la::axpy_async<float>(blas, -3.0f, vx.span(), vy.span());
  const std::vector<float> y = download(vy);
  for (std::size_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(y[i], std::fma(-3.0f, x[i], y0[i])) << i;

  double dot = 0, abs_dot = 0, norm = 0;
  for (std::size_t i = 0; i < n; ++i) {
    dot += double(x[i]) * y[i], abs_dot += std::abs(double(x[i]) * y[i]), norm += double(x[i]) * x[i];
  }
  // Float sums: the error is at most about log2(n) roundings of sum |x_i y_i| for a tree, n for a loop.
  EXPECT_NEAR(la::dot<float>(blas, vx.span(), vy.span()), dot, 1e-5 * abs_dot);
  EXPECT_NEAR(la::nrm2<float>(blas, vx.span()), std::sqrt(norm), 1e-5 * std::sqrt(norm));
  device_buffer<float> shorter(n - 1, s);
  EXPECT_THROW(la::axpy_async<float>(blas, 1.0f, vx.span(), shorter.span()), gpulab::usage_error);
  EXPECT_THROW((void)la::dot<float>(blas, vx.span(), shorter.span()), gpulab::usage_error);
}

// The hand-written tiled kernel (kernels/linalg/tiled_matmul.cuh) against cuBLAS
// through the row-major layer, at a size that is no multiple of the tile. This
// is also the test compute-sanitizer's racecheck runs on that kernel.
TEST_F(LinalgGpu, TiledMatmulKernelAgreesWithCublas) {
  const int m = 100, n = 37, k = 129;
  const auto a = random_values<float>(m * k, 14), b = random_values<float>(k * n, 15);
  device_buffer<float> da = upload(a), db = upload(b), tiled(m * n, s), library(m * n, s);
  tiled.fill_bytes_async(0xFF, s);
  gpulab::exercises::reference::tiled_matmul(da.data(), db.data(), tiled.data(), m, n, k, s);
  la::blas_handle blas(s);
  la::gemm_async<float>(blas, 1.0f, la::row_major<const float>(da.data(), m, k),
                        la::row_major<const float>(db.data(), k, n), 0.0f, la::row_major(library.data(), m, n));
  const std::vector<float> got = download(tiled), expected = download(library);
  for (int i = 0; i < m * n; ++i) ASSERT_NEAR(got[i], expected[i], 1e-4f) << i;
}

}  // namespace
