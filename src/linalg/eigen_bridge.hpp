// SPDX-License-Identifier: MIT
// Private to src/linalg: host_matrix <-> Eigen without copies where possible,
// and the argument checks shared by the CPU baselines.
#pragma once

#include <Eigen/Core>  // only the matrices: each factorization includes its own module
#include <cmath>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/cpu_reference.hpp"

namespace gpulab::linalg::detail {

template <class T>
using eigen_matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;

template <class T>
Eigen::Map<const eigen_matrix<T>> view(const host_matrix<T>& m) {
  return {m.data.data(), m.rows, m.cols};
}

template <class T>
host_matrix<T> from_eigen(const eigen_matrix<T>& e) {
  host_matrix<T> m(static_cast<int>(e.rows()), static_cast<int>(e.cols()));
  Eigen::Map<eigen_matrix<T>>(m.data.data(), m.rows, m.cols) = e;
  return m;
}

inline std::string shape(int rows, int cols) { return std::to_string(rows) + " x " + std::to_string(cols); }

template <class T>
void require_finite(const host_matrix<T>& m, const char* what) {
  for (T v : m.data) {
    if (!std::isfinite(v)) throw numerical_error(std::string(what) + " contains NaN or Inf");
  }
}

template <class T>
void require_square(const host_matrix<T>& m, const char* what) {
  if (m.rows != m.cols) throw usage_error(std::string(what) + " needs a square matrix, got " + shape(m.rows, m.cols));
}

template <class T>
void require_rhs(const host_matrix<T>& a, const host_matrix<T>& b, const char* what) {
  require_square(a, what);
  if (b.rows != a.rows) {
    throw usage_error(std::string(what) + ": A is " + shape(a.rows, a.cols) + " but b has " + std::to_string(b.rows) +
                      " rows");
  }
  require_finite(a, what);
  require_finite(b, what);
}

}  // namespace gpulab::linalg::detail
