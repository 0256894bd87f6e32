// SPDX-License-Identifier: MIT
// Row-major data through a column-major GEMM: the arguments column_major_gemm()
// works out are run through a CPU copy of cuBLAS's semantics, for every mix of
// layouts, odd shapes and padded leading dimensions. And the matrix views
// themselves (cuda::std::mdspan): their strides, what converts to them, and what
// BLAS cannot read.
#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cuda/std/mdspan>
#include <string>
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
  la::layout order;
  int ld;
  la::matrix_view<double> view;
  stored(int rows, int cols, la::layout o, int pad, std::uint64_t seed)
      : order(o), ld((o == la::layout::row_major ? cols : rows) + pad) {
    const int lines = order == la::layout::row_major ? rows : cols;
    memory.assign(static_cast<std::size_t>(ld) * lines, -777.0);  // padding keeps this value
    view = la::make_matrix_view(order, memory.data(), rows, cols, ld);
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) {
        const std::uint64_t bits = gpulab::splitmix64(seed + static_cast<std::uint64_t>(i * 1000 + j));
        at(i, j) = static_cast<double>(bits % 1000) / 100.0 - 5.0;  // non-uniform, seeded
      }
    }
  }
  // By hand, not through the view: so the view's strides are checked too.
  double& at(int i, int j) { return order == la::layout::row_major ? memory[i * ld + j] : memory[i + j * ld]; }
  la::matrix_view<const double> as_const() const { return view; }
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
    ADD_FAILURE() << "3 x 4 times 5 x 2 was accepted";
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

TEST(Layout, ViewsIndexTheirMemoryLikeTheirLayout) {
  std::vector<double> memory(40);
  for (std::size_t e = 0; e < memory.size(); ++e) memory[e] = static_cast<double>(e);
  const auto c = la::column_major<const double>(memory.data(), 3, 4, 5);  // ld 5 > 3 rows
  const auto r = la::row_major<const double>(memory.data(), 3, 4, 7);     // ld 7 > 4 columns
  EXPECT_EQ(c(2, 3), memory[2 + 3 * 5]);
  EXPECT_EQ(r(2, 3), memory[2 * 7 + 3]);
  EXPECT_EQ(la::storage_order(c), la::layout::column_major);
  EXPECT_EQ(la::storage_order(r), la::layout::row_major);
  EXPECT_EQ(la::leading_dimension(c), 5);
  EXPECT_EQ(la::leading_dimension(r), 7);
  EXPECT_EQ(la::rows(r), 3);
  EXPECT_EQ(la::cols(r), 4);
  // Tightly packed by default.
  EXPECT_EQ(la::leading_dimension(la::column_major(memory.data(), 3, 4)), 3);
  EXPECT_EQ(la::leading_dimension(la::row_major(memory.data(), 3, 4)), 4);
  // One column stored row-major has both strides 1: still row-major (its ld 1 is too short a column).
  const auto column = la::row_major(memory.data(), 5, 1);
  EXPECT_EQ(la::storage_order(column), la::layout::row_major);
  EXPECT_EQ(la::leading_dimension(column), 1);
  // A poison of the view covers exactly its span, gaps included, and nothing after it.
  EXPECT_EQ(c.mapping().required_span_size(), 2 + 3 * 5 + 1);
  EXPECT_EQ(r.mapping().required_span_size(), 2 * 7 + 3 + 1);
  EXPECT_EQ(la::shape(r), "3 x 4");
}

TEST(Layout, LayoutLeftAndRightMdspansConvert) {
  double memory[12] = {};
  using extents = cuda::std::dextents<int, 2>;
  const cuda::std::mdspan<double, extents, cuda::std::layout_left> left(memory, 3, 4);
  const cuda::std::mdspan<double, extents, cuda::std::layout_right> right(memory, 3, 4);
  const la::matrix_view<const double> l = left, r = right;
  EXPECT_EQ(la::storage_order(l), la::layout::column_major);
  EXPECT_EQ(la::leading_dimension(l), 3);
  EXPECT_EQ(la::storage_order(r), la::layout::row_major);
  EXPECT_EQ(la::leading_dimension(r), 4);
  const auto call = la::column_major_gemm(r, la::row_major<const double>(memory, 4, 2), la::column_major(memory, 3, 2));
  EXPECT_EQ(call.op_a, la::transpose::yes);  // row-major memory of A holds A^T
  EXPECT_EQ(call.op_b, la::transpose::yes);
  EXPECT_EQ(call.lda, 4);
}

TEST(Layout, ViewsBlasCannotReadAreRefused) {
  double memory[64] = {};
  EXPECT_THROW(la::column_major(memory, 3, 4, -1), gpulab::usage_error);
  EXPECT_THROW(la::row_major(memory, 3, 4, 3), gpulab::usage_error);  // ld 3 < 4 columns
  EXPECT_THROW(la::row_major(memory, 3, -4), gpulab::usage_error);
  // Every other row of a column-major matrix with ld 8: stride(0) is 2, yet a valid mdspan.
  using extents = cuda::std::dextents<std::int64_t, 2>;
  const la::matrix_view<const double> every_other(
      memory, cuda::std::layout_stride::mapping<extents>(extents(3, 4), cuda::std::array<std::int64_t, 2>{2, 8}));
  EXPECT_THROW((void)la::storage_order(every_other), gpulab::usage_error);
  try {
    la::column_major_gemm(every_other, la::column_major<const double>(memory, 4, 2), la::column_major(memory, 3, 2));
    ADD_FAILURE() << "a view with strides 2, 8 was handed to BLAS";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("A: "), std::string::npos) << e.what();
  }
  // Larger than cuBLAS's int: refused, never truncated (nothing is read through the null pointer).
  const std::int64_t huge = std::int64_t{INT_MAX} + 2;
  const la::matrix_view<const double> tall(
      nullptr, cuda::std::layout_stride::mapping<extents>(extents(huge, 1), cuda::std::array<std::int64_t, 2>{1, huge}));
  EXPECT_THROW((void)la::rows(tall), gpulab::usage_error);
  EXPECT_THROW((void)la::leading_dimension(tall), gpulab::usage_error);
  EXPECT_THROW(la::column_major_gemv(tall, 1, static_cast<std::size_t>(huge)), gpulab::usage_error);
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
