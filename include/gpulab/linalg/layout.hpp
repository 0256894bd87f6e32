// SPDX-License-Identifier: MIT
// Row-major versus column-major, made explicit in the types.
//
// cuBLAS (like BLAS and LAPACK) is column-major: element (i, j) of a matrix
// with leading dimension ld lives at data[i + j * ld]. C and C++ arrays are
// usually row-major: data[i * ld + j]. The same bytes read the other way are
// the transpose, so no copy is ever needed, only the right arguments:
//
//   C = A B with everything row-major  <=>  C^T = B^T A^T with everything column-major
//
// column_major_gemm() works those arguments out for any mix of layouts; the
// cuBLAS layer (module 3) passes them to cublasGemmEx unchanged.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>

#include "gpulab/core/error.hpp"

namespace gpulab::linalg {

enum class layout { row_major, column_major };

// A rows x cols matrix somewhere in memory (host or device): no ownership.
// ld is the distance between the starts of two rows (row-major) or two columns
// (column-major); the tightly packed default is cols or rows.
template <class T>
struct matrix_view {
  T* data = nullptr;
  int rows = 0, cols = 0;
  layout order = layout::column_major;
  int ld = 0;  // 0: tightly packed

  [[nodiscard]] int leading_dimension() const {
    if (ld != 0) return ld;
    return order == layout::row_major ? cols : rows;
  }
  [[nodiscard]] std::string shape() const { return std::to_string(rows) + " x " + std::to_string(cols); }
  // A view of T converts to a view of const T, as T* converts to const T*.
  operator matrix_view<const T>() const
    requires(!std::is_const_v<T>)
  {
    return {data, rows, cols, order, ld};
  }
};

template <class T>
matrix_view<T> row_major(T* data, int rows, int cols, int ld = 0) {
  return {data, rows, cols, layout::row_major, ld};
}
template <class T>
matrix_view<T> column_major(T* data, int rows, int cols, int ld = 0) {
  return {data, rows, cols, layout::column_major, ld};
}

// Throws usage_error for negative sizes or a leading dimension smaller than a row/column.
template <class T>
void require_valid(const matrix_view<T>& m, const char* name) {
  if (m.rows < 0 || m.cols < 0) throw usage_error(std::string(name) + " has a negative size (" + m.shape() + ")");
  const int minimum = m.order == layout::row_major ? m.cols : m.rows;
  if (m.leading_dimension() < std::max(1, minimum)) {
    throw usage_error(std::string(name) + ": leading dimension " + std::to_string(m.leading_dimension()) +
                      " is smaller than its " + (m.order == layout::row_major ? "rows" : "columns") + " (" +
                      std::to_string(minimum) + ")");
  }
}

enum class transpose { no, yes };

// The arguments of one column-major GEMM call, C(m x n) = op(A) (m x k) op(B) (k x n),
// in cuBLAS's order and meaning. In is the type of A and B, Out the type of C
// (they differ for tensor-core GEMMs: BF16 inputs, FP32 output).
template <class In, class Out = In>
struct gemm_call {
  transpose op_a = transpose::no, op_b = transpose::no;
  int m = 0, n = 0, k = 0;
  const In* a = nullptr;
  int lda = 0;
  const In* b = nullptr;
  int ldb = 0;
  Out* c = nullptr;
  int ldc = 0;
};

// [snippet:column_major_gemm]
// C = A B for any layouts, as one column-major call. Throws usage_error when
// the shapes do not conform.
template <class In, class Out>
gemm_call<In, Out> column_major_gemm(matrix_view<const In> a, matrix_view<const In> b,
                                     matrix_view<Out> c) {
  require_valid(a, "A");
  require_valid(b, "B");
  require_valid(c, "C");
  if (a.cols != b.rows || c.rows != a.rows || c.cols != b.cols) {
    throw usage_error("shapes do not conform for C = A B: A is " + a.shape() + ", B is " +
                      b.shape() + ", C is " + c.shape());
  }
  // Column-major memory of X holds X; row-major memory holds X^T (read column-major).
  auto op_for = [](layout memory, bool want_transpose) {
    const bool holds_transpose = memory == layout::row_major;
    return holds_transpose == want_transpose ? transpose::no : transpose::yes;
  };
  gemm_call<In, Out> call;
  call.c = c.data;
  call.ldc = c.leading_dimension();
  if (c.order == layout::column_major) {  // C = A B
    call.m = c.rows, call.n = c.cols, call.k = a.cols;
    call.op_a = op_for(a.order, false), call.a = a.data, call.lda = a.leading_dimension();
    call.op_b = op_for(b.order, false), call.b = b.data, call.ldb = b.leading_dimension();
  } else {  // C's memory holds C^T = B^T A^T: B comes first
    call.m = c.cols, call.n = c.rows, call.k = a.cols;
    call.op_a = op_for(b.order, true), call.a = b.data, call.lda = b.leading_dimension();
    call.op_b = op_for(a.order, true), call.b = a.data, call.ldb = a.leading_dimension();
  }
  return call;
}
// [/snippet:column_major_gemm]

// The arguments of one column-major GEMV call, y = op(A) x, with A stored as
// rows x cols (cuBLAS's m and n are the stored matrix's, before op).
template <class T>
struct gemv_call {
  transpose op = transpose::no;
  int m = 0, n = 0;
  const T* a = nullptr;
  int lda = 0;
};

// y = A x for A in either layout: a row-major A is a column-major A^T, so it is
// passed as the transpose of what its memory holds. Throws usage_error when
// x or y do not have A's columns or rows.
template <class T>
gemv_call<T> column_major_gemv(matrix_view<const T> a, std::size_t x_size, std::size_t y_size) {
  require_valid(a, "A");
  if (x_size != static_cast<std::size_t>(a.cols) || y_size != static_cast<std::size_t>(a.rows)) {
    throw usage_error("shapes do not conform for y = A x: A is " + a.shape() + ", x has " + std::to_string(x_size) +
                      " elements, y has " + std::to_string(y_size));
  }
  if (a.order == layout::column_major) return {transpose::no, a.rows, a.cols, a.data, a.leading_dimension()};
  return {transpose::yes, a.cols, a.rows, a.data, a.leading_dimension()};
}

}  // namespace gpulab::linalg
