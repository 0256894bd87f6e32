// SPDX-License-Identifier: MIT
// Row-major versus column-major, with cuda::std::mdspan.
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
//
// A matrix_view is a cuda::std::mdspan (libcu++, the C++23 std::mdspan for host
// and device code) with layout_stride: element (i, j) is at
// data[i * stride(0) + j * stride(1)]. Column-major with leading dimension ld has
// the strides {1, ld}, row-major {ld, 1}. Why layout_stride rather than
// layout_left / layout_right (column- / row-major in the type):
//   - BLAS takes padded matrices (a leading dimension larger than a column), and
//     the padded layouts (C++26 layout_left_padded) are not in the libcu++ of
//     CUDA 13.0 (CCCL 3.0);
//   - one view type keeps gemm_async and the solvers plain functions, compiled
//     once in src/linalg for float and double, for all 8 mixes of layouts.
// A layout_left or layout_right mdspan converts to a matrix_view implicitly.
// The index type is 64-bit, as in cuSOLVER's 64-bit API: a 131072 x 131072 GEMM
// spans more than 2^31 elements. cuBLAS's int arguments are checked when a view
// is handed to it (rows, cols, leading_dimension below).
#pragma once

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cuda/std/array>
#include <cuda/std/mdspan>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::linalg {

template <class T>
using matrix_view = cuda::std::mdspan<T, cuda::std::dextents<std::int64_t, 2>, cuda::std::layout_stride>;

enum class layout { row_major, column_major };

// A rows x cols matrix at `data` (host or device memory; no ownership) stored in
// `order`. ld is the distance between the starts of two columns (column-major)
// or two rows (row-major); 0 means tightly packed. Throws usage_error for a
// negative size or a leading dimension shorter than a column (row): an mdspan
// must never be built from those.
template <class T>
matrix_view<T> make_matrix_view(layout order, T* data, int rows, int cols, int ld = 0) {
  if (rows < 0 || cols < 0) {
    throw usage_error("a matrix cannot have a negative size (" + std::to_string(rows) + " x " +
                      std::to_string(cols) + ")");
  }
  const bool column = order == layout::column_major;
  const int line = std::max(1, column ? rows : cols);  // one column (row), at least 1: strides are > 0
  if (ld == 0) ld = line;
  if (ld < line) {
    throw usage_error("leading dimension " + std::to_string(ld) + " is shorter than a " +
                      (column ? "column" : "row") + " (" + std::to_string(line) + " elements)");
  }
  using extents = cuda::std::dextents<std::int64_t, 2>;
  const cuda::std::array<std::int64_t, 2> strides =
      column ? cuda::std::array<std::int64_t, 2>{1, ld} : cuda::std::array<std::int64_t, 2>{ld, 1};
  return matrix_view<T>(data, cuda::std::layout_stride::mapping<extents>(extents(rows, cols), strides));
}
template <class T>
matrix_view<T> row_major(T* data, int rows, int cols, int ld = 0) {
  return make_matrix_view(layout::row_major, data, rows, cols, ld);
}
template <class T>
matrix_view<T> column_major(T* data, int rows, int cols, int ld = 0) {
  return make_matrix_view(layout::column_major, data, rows, cols, ld);
}

namespace detail {
// cuBLAS's classic API counts in int: larger is refused, never truncated.
inline int blas_int(std::int64_t value, const char* what) {
  if (value > INT_MAX) {
    throw usage_error(std::string(what) + " " + std::to_string(value) + " does not fit cuBLAS's int (2^31 - 1)");
  }
  return static_cast<int>(value);
}
// Column-major: the elements of a column are adjacent and columns do not overlap.
template <class T>
bool is_column_major(const matrix_view<T>& m) {
  return m.stride(0) == 1 && m.stride(1) >= std::max<std::int64_t>(1, m.extent(0));
}
template <class T>
bool is_row_major(const matrix_view<T>& m) {
  return m.stride(1) == 1 && m.stride(0) >= std::max<std::int64_t>(1, m.extent(1));
}
}  // namespace detail

template <class T>
std::string shape(const matrix_view<T>& m) {
  return std::to_string(m.extent(0)) + " x " + std::to_string(m.extent(1));
}

// The order BLAS reads m in, from its strides. A matrix of at most one row and
// one column reads the same both ways: column-major then. Throws usage_error
// when neither stride is 1 (every other column, say): BLAS cannot read that.
template <class T>
layout storage_order(const matrix_view<T>& m) {
  if (detail::is_column_major(m)) return layout::column_major;
  if (detail::is_row_major(m)) return layout::row_major;
  throw usage_error("a " + shape(m) + " matrix with strides " + std::to_string(m.stride(0)) + ", " +
                    std::to_string(m.stride(1)) + " is neither row- nor column-major: BLAS cannot read it");
}

// cuBLAS's m, n and lda of a view (the leading dimension: the stride of the other index).
template <class T>
int rows(const matrix_view<T>& m) {
  return detail::blas_int(m.extent(0), "rows");
}
template <class T>
int cols(const matrix_view<T>& m) {
  return detail::blas_int(m.extent(1), "columns");
}
template <class T>
int leading_dimension(const matrix_view<T>& m) {
  const auto ld = storage_order(m) == layout::column_major ? m.stride(1) : m.stride(0);
  return detail::blas_int(ld, "leading dimension");
}

// Throws usage_error, naming the matrix, when BLAS cannot take m: not row- or
// column-major, or sizes beyond cuBLAS's int.
template <class T>
void require_valid(const matrix_view<T>& m, const char* name) {
  try {
    (void)rows(m), (void)cols(m), (void)leading_dimension(m);
  } catch (const usage_error& e) {
    throw usage_error(std::string(name) + ": " + e.what());
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
  if (a.extent(1) != b.extent(0) || c.extent(0) != a.extent(0) || c.extent(1) != b.extent(1)) {
    throw usage_error("shapes do not conform for C = A B: A is " + shape(a) + ", B is " +
                      shape(b) + ", C is " + shape(c));
  }
  // Column-major memory of X holds X; row-major memory holds X^T (read column-major).
  auto op_for = [](const auto& x, bool want_transpose) {
    const bool holds_transpose = storage_order(x) == layout::row_major;
    return holds_transpose == want_transpose ? transpose::no : transpose::yes;
  };
  // [/snippet:column_major_gemm]
  // [snippet:column_major_gemm_arguments]
  gemm_call<In, Out> call;
  call.c = c.data_handle();
  call.ldc = leading_dimension(c);
  if (storage_order(c) == layout::column_major) {  // C = A B
    call.m = rows(c), call.n = cols(c), call.k = cols(a);
    call.op_a = op_for(a, false), call.a = a.data_handle(), call.lda = leading_dimension(a);
    call.op_b = op_for(b, false), call.b = b.data_handle(), call.ldb = leading_dimension(b);
  } else {  // C's memory holds C^T = B^T A^T: B comes first
    call.m = cols(c), call.n = rows(c), call.k = cols(a);
    call.op_a = op_for(b, true), call.a = b.data_handle(), call.lda = leading_dimension(b);
    call.op_b = op_for(a, true), call.b = a.data_handle(), call.ldb = leading_dimension(a);
  }
  return call;
}
// [/snippet:column_major_gemm_arguments]

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
  if (x_size != static_cast<std::size_t>(a.extent(1)) || y_size != static_cast<std::size_t>(a.extent(0))) {
    throw usage_error("shapes do not conform for y = A x: A is " + shape(a) + ", x has " + std::to_string(x_size) +
                      " elements, y has " + std::to_string(y_size));
  }
  if (storage_order(a) == layout::column_major) {
    return {transpose::no, rows(a), cols(a), a.data_handle(), leading_dimension(a)};
  }
  return {transpose::yes, cols(a), rows(a), a.data_handle(), leading_dimension(a)};
}

}  // namespace gpulab::linalg
