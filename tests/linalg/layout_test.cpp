// SPDX-License-Identifier: MIT
// Row-major data through a column-major GEMM: the arguments column_major_gemm()
// works out are run through a CPU copy of cuBLAS's semantics, for every mix of
// layouts, odd shapes and padded leading dimensions.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/linalg/flops.hpp"
#include "gpulab/linalg/layout.hpp"

namespace {

namespace la = gpulab::linalg;

// What cublas<t>gemm computes: C = alpha op(A) op(B) + beta C, all column-major.
// With beta = 0, C is not read (BLAS's rule): it may hold anything, NaN included.
void gemm_like_cublas(const la::gemm_call<double>& g, double alpha, double beta) {
  for (int j = 0; j < g.n; ++j) {
    for (int i = 0; i < g.m; ++i) {
      double sum = 0;
      for (int p = 0; p < g.k; ++p) {
        const double a = g.op_a == la::transpose::no ? g.a[i + p * g.lda] : g.a[p + i * g.lda];
        const double b = g.op_b == la::transpose::no ? g.b[p + j * g.ldb] : g.b[j + p * g.ldb];
        sum += a * b;
      }
      double& out = g.c[i + j * g.ldc];
      out = beta == 0.0 ? alpha * sum : alpha * sum + beta * out;
    }
  }
}

// A matrix in either layout with `pad` unused elements after each row/column.
struct stored {
  std::vector<double> memory;
  la::matrix_view<double> view;
  stored(int rows, int cols, la::layout order, int pad, std::uint64_t seed) {
    const int ld = (order == la::layout::row_major ? cols : rows) + pad;
    const int lines = order == la::layout::row_major ? rows : cols;
    memory.assign(static_cast<std::size_t>(ld) * lines, -777.0);  // padding keeps this value
    view = {memory.data(), rows, cols, order, ld};
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) {
        const std::uint64_t bits = gpulab::splitmix64(seed + static_cast<std::uint64_t>(i * 1000 + j));
        at(i, j) = static_cast<double>(bits % 1000) / 100.0 - 5.0;  // non-uniform, seeded
      }
    }
  }
  double& at(int i, int j) {
    const int ld = view.leading_dimension();
    return view.order == la::layout::row_major ? memory[i * ld + j] : memory[i + j * ld];
  }
  la::matrix_view<const double> as_const() const {
    return {view.data, view.rows, view.cols, view.order, view.ld};
  }
};

TEST(Layout, EveryMixOfLayoutsGivesTheSameProduct) {
  const int m = 7, k = 5, n = 3;
  for (la::layout la_ : {la::layout::row_major, la::layout::column_major}) {
    for (la::layout lb : {la::layout::row_major, la::layout::column_major}) {
      for (la::layout lc : {la::layout::row_major, la::layout::column_major}) {
        for (int pad : {0, 2}) {
          stored a(m, k, la_, pad, 1), b(k, n, lb, pad + 1, 2), c(m, n, lc, pad, 3);
          for (int i = 0; i < m; ++i) {
            for (int j = 0; j < n; ++j) c.at(i, j) = std::nan("");  // poisoned: every element must be written
          }
          const auto call = la::column_major_gemm(a.as_const(), b.as_const(), c.view);
          gemm_like_cublas(call, 1.0, 0.0);
          for (int i = 0; i < m; ++i) {
            for (int j = 0; j < n; ++j) {
              double expected = 0;
              for (int p = 0; p < k; ++p) expected += a.at(i, p) * b.at(p, j);
              EXPECT_NEAR(c.at(i, j), expected, 1e-12) << i << "," << j << " layouts " << int(la_) << int(lb)
                                                       << int(lc) << " pad " << pad;
            }
          }
          for (double v : c.memory) EXPECT_FALSE(std::isnan(v)) << "an element of C was never written";
          std::size_t padding = 0;
          for (double v : c.memory) padding += v == -777.0;
          EXPECT_EQ(padding, static_cast<std::size_t>(pad) * (lc == la::layout::row_major ? m : n))
              << "the padding of C was overwritten";
        }
      }
    }
  }
}

TEST(Layout, RowMajorCSwapsTheOperands) {
  double a[6], b[6], c[4];
  const auto call = la::column_major_gemm(la::row_major<const double>(a, 2, 3), la::row_major<const double>(b, 3, 2),
                                          la::row_major(c, 2, 2));
  EXPECT_EQ(call.a, b);  // C^T = B^T A^T
  EXPECT_EQ(call.b, a);
  EXPECT_EQ(call.op_a, la::transpose::no);  // row-major memory already holds the transposes
  EXPECT_EQ(call.op_b, la::transpose::no);
  EXPECT_EQ(call.m, 2);
  EXPECT_EQ(call.lda, 2);
  EXPECT_EQ(call.ldb, 3);
}

TEST(Layout, NonConformingShapesAndBadLeadingDimensionsAreRefused) {
  double a[64] = {}, b[64] = {}, c[64] = {};
  EXPECT_THROW(la::column_major_gemm(la::column_major<const double>(a, 3, 4), la::column_major<const double>(b, 5, 2),
                                     la::column_major(c, 3, 2)),
               gpulab::usage_error);
  EXPECT_THROW(la::column_major_gemm(la::column_major<const double>(a, 3, 4), la::column_major<const double>(b, 4, 2),
                                     la::column_major(c, 2, 2)),
               gpulab::usage_error);
  EXPECT_THROW(la::column_major_gemm(la::column_major<const double>(a, 3, 4, 2), la::column_major<const double>(b, 4, 2),
                                     la::column_major(c, 3, 2)),
               gpulab::usage_error);  // ld 2 < 3 rows
  EXPECT_THROW(la::column_major_gemm(la::row_major<const double>(a, -1, 4), la::column_major<const double>(b, 4, 2),
                                     la::column_major(c, 3, 2)),
               gpulab::usage_error);
  try {
    la::column_major_gemm(la::row_major<const double>(a, 3, 4), la::row_major<const double>(b, 5, 2),
                          la::row_major(c, 3, 2));
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("A is 3 x 4, B is 5 x 2"), std::string::npos) << e.what();
  }
}

TEST(Layout, GemvOfEitherLayout) {
  const int m = 5, n = 3;
  for (la::layout order : {la::layout::row_major, la::layout::column_major}) {
    stored a(m, n, order, 1, 9);
    std::vector<double> x = {0.5, -2.0, 3.25}, y(m, std::nan(""));
    const auto call = la::column_major_gemv(a.as_const(), x.size(), y.size());
    // What cublas<t>gemv computes: y = op(A) x, A stored m x n column-major.
    const int rows_out = call.op == la::transpose::no ? call.m : call.n;
    const int inner = call.op == la::transpose::no ? call.n : call.m;
    ASSERT_EQ(rows_out, m);
    for (int i = 0; i < rows_out; ++i) {
      double sum = 0;
      for (int p = 0; p < inner; ++p) {
        sum += (call.op == la::transpose::no ? call.a[i + p * call.lda] : call.a[p + i * call.lda]) * x[p];
      }
      y[i] = sum;
    }
    for (int i = 0; i < m; ++i) {
      double expected = 0;
      for (int p = 0; p < n; ++p) expected += a.at(i, p) * x[p];
      EXPECT_NEAR(y[i], expected, 1e-12) << i;
    }
  }
  stored a(m, n, la::layout::column_major, 0, 9);
  EXPECT_THROW(la::column_major_gemv(a.as_const(), 4, 5), gpulab::usage_error);
  EXPECT_THROW(la::column_major_gemv(a.as_const(), 3, 3), gpulab::usage_error);
}

TEST(Flops, CountsOfTheLinalgCases) {
  EXPECT_EQ(la::gemm_flops(2, 3, 4), 48.0);
  EXPECT_EQ(la::matrix_power_gemms(0), 0);
  EXPECT_EQ(la::matrix_power_gemms(1), 0);
  EXPECT_EQ(la::matrix_power_gemms(2), 1);
  EXPECT_EQ(la::matrix_power_gemms(10), 4);  // the course's A^10: A^2, A^4, A^8, A^8 A^2
  EXPECT_EQ(la::matrix_power_gemms(15), 6);  // 1111b: 3 squarings, 3 multiplies
  EXPECT_EQ(la::matrix_power_gemms(16), 4);
  EXPECT_DOUBLE_EQ(la::matrix_power_flops(1000, 10), 4 * 2e9);
  EXPECT_DOUBLE_EQ(la::lu_solve_flops(3, 1), 18 + 18);
  EXPECT_DOUBLE_EQ(la::cholesky_solve_flops(3, 1), 9 + 18);
  EXPECT_DOUBLE_EQ(la::qr_flops(4, 4), 2 * (2.0 * 64 - 2.0 / 3.0 * 64));
}

}  // namespace
