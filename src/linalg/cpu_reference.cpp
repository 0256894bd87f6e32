// SPDX-License-Identifier: MIT
// CPU baselines through Eigen: matrices, products, matrix power and the accuracy
// measures. Eigen's matrix product runs on all cores when compiled with OpenMP.
// (The factorizations live in cpu_factorizations.cpp: two files compile in parallel.)
#include <algorithm>
#include <cmath>

#include "eigen_bridge.hpp"
#include "gpulab/bench/inputs.hpp"

namespace gpulab::linalg {

using namespace detail;
template <class T>
host_matrix<T>::host_matrix(int m, int n) : rows(m), cols(n) {
  if (m < 0 || n < 0) throw usage_error("matrix sizes must not be negative, got " + shape(m, n));
  data.assign(static_cast<std::size_t>(m) * static_cast<std::size_t>(n), T{0});
}

template <class T>
host_matrix<T> random_matrix(int rows, int cols, std::uint64_t seed) {
  host_matrix<T> m(rows, cols);
  std::vector<float> values(m.data.size());
  fill_uniform(values, seed, -1.0f, 1.0f);
  for (std::size_t i = 0; i < values.size(); ++i) m.data[i] = static_cast<T>(values[i]);
  return m;
}

template <class T>
host_matrix<T> random_spd_matrix(int n, std::uint64_t seed) {
  const host_matrix<T> b = random_matrix<T>(n, n, seed);
  eigen_matrix<T> spd = view(b).transpose() * view(b);
  spd.diagonal().array() += static_cast<T>(n);
  return from_eigen<T>(spd);
}

template <class T>
host_matrix<T> gemm(const host_matrix<T>& a, const host_matrix<T>& b) {
  if (a.cols != b.rows) {
    throw usage_error("gemm: shapes do not conform: " + shape(a.rows, a.cols) + " times " + shape(b.rows, b.cols));
  }
  host_matrix<T> c(a.rows, b.cols);
  Eigen::Map<eigen_matrix<T>>(c.data.data(), c.rows, c.cols).noalias() = view(a) * view(b);
  return c;
}

template <class T>
host_matrix<T> matrix_power(const host_matrix<T>& a, int p) {
  require_square(a, "matrix_power");
  if (p < 0) throw usage_error("matrix_power: the power must be >= 0, got " + std::to_string(p));
  // Repeated squaring: A^10 = A^8 * A^2, 4 squarings and 1 extra product instead of 9 products.
  eigen_matrix<T> result = eigen_matrix<T>::Identity(a.rows, a.cols);
  eigen_matrix<T> square = view(a);
  for (int bits = p; bits > 0; bits >>= 1) {
    if (bits & 1) result = result * square;
    if (bits > 1) square = square * square;
  }
  return from_eigen<T>(result);
}






template <class T>
double relative_difference(const host_matrix<T>& a, const host_matrix<T>& b) {
  if (a.rows != b.rows || a.cols != b.cols) throw usage_error("relative_difference: shapes differ");
  const double reference = static_cast<double>(view(b).norm());
  return static_cast<double>((view(a) - view(b)).norm()) / (reference > 0 ? reference : 1.0);
}

template <class T>
double svd_reconstruction_error(const host_matrix<T>& a, const svd_result<T>& s) {
  const Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> singular(s.singular.data(),
                                                                      static_cast<Eigen::Index>(s.singular.size()));
  const eigen_matrix<T> rebuilt = view(s.u) * singular.asDiagonal() * view(s.vt);
  return static_cast<double>((view(a) - rebuilt).norm() / view(a).norm());
}

template <class T>
double orthogonality_error(const host_matrix<T>& q) {
  const eigen_matrix<T> gram = view(q).transpose() * view(q);
  return static_cast<double>((gram - eigen_matrix<T>::Identity(q.cols, q.cols)).norm()) / std::sqrt(double(q.cols));
}

template <class T>
double solve_residual(const host_matrix<T>& a, const host_matrix<T>& x, const host_matrix<T>& b) {
  const double residual = static_cast<double>((view(a) * view(x) - view(b)).norm());
  return residual / (static_cast<double>(view(a).norm() * view(x).norm() + view(b).norm()));
}

template <class T>
double eigen_residual(const host_matrix<T>& a, const eigen_result<T>& e) {
  double worst = 0;
  for (int k = 0; k < e.vectors.cols; ++k) {
    const auto v = view(e.vectors).col(k);
    worst = std::max(worst, static_cast<double>((view(a) * v - e.values[static_cast<std::size_t>(k)] * v).norm()));
  }
  return worst / static_cast<double>(view(a).norm());
}

// Explicit instantiations: float and double, compiled once here.
#define GPULAB_LINALG_INSTANTIATE(T)                                                                  \
  template struct host_matrix<T>;                                                                     \
  template host_matrix<T> random_matrix<T>(int, int, std::uint64_t);                                  \
  template host_matrix<T> random_spd_matrix<T>(int, std::uint64_t);                                   \
  template host_matrix<T> gemm<T>(const host_matrix<T>&, const host_matrix<T>&);                      \
  template host_matrix<T> matrix_power<T>(const host_matrix<T>&, int);                                \
  template double relative_difference<T>(const host_matrix<T>&, const host_matrix<T>&);               \
  template double svd_reconstruction_error<T>(const host_matrix<T>&, const svd_result<T>&);           \
  template double orthogonality_error<T>(const host_matrix<T>&);                                      \
  template double solve_residual<T>(const host_matrix<T>&, const host_matrix<T>&, const host_matrix<T>&); \
  template double eigen_residual<T>(const host_matrix<T>&, const eigen_result<T>&);
GPULAB_LINALG_INSTANTIATE(float)
GPULAB_LINALG_INSTANTIATE(double)
#undef GPULAB_LINALG_INSTANTIATE

}  // namespace gpulab::linalg
