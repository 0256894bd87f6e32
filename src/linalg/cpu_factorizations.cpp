// SPDX-License-Identifier: MIT
// CPU baselines through Eigen: SVD (divide and conquer), QR (Householder), LU
// with partial pivoting, Cholesky and the symmetric eigensolver.
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <limits>

#include "eigen_bridge.hpp"

namespace gpulab::linalg {

using namespace detail;

template <class T>
svd_result<T> svd(const host_matrix<T>& a) {
  require_finite(a, "svd");
  Eigen::BDCSVD<eigen_matrix<T>> decomposition(view(a), Eigen::ComputeThinU | Eigen::ComputeThinV);
  svd_result<T> out;
  out.u = from_eigen<T>(decomposition.matrixU());
  const auto& s = decomposition.singularValues();
  out.singular.assign(s.data(), s.data() + s.size());
  out.vt = from_eigen<T>(decomposition.matrixV().transpose());
  return out;
}

template <class T>
qr_result<T> qr(const host_matrix<T>& a) {
  require_finite(a, "qr");
  const int k = std::min(a.rows, a.cols);
  Eigen::HouseholderQR<eigen_matrix<T>> decomposition(view(a));
  qr_result<T> out;
  out.q = from_eigen<T>(decomposition.householderQ() * eigen_matrix<T>::Identity(a.rows, k));
  out.r = from_eigen<T>(decomposition.matrixQR().topRows(k).template triangularView<Eigen::Upper>());
  return out;
}

template <class T>
host_matrix<T> lu_solve(const host_matrix<T>& a, const host_matrix<T>& b) {
  require_rhs(a, b, "lu_solve");
  const Eigen::PartialPivLU<eigen_matrix<T>> lu(view(a));
  // Partial pivoting does not stop at a zero pivot; the reciprocal condition
  // number (estimated in O(n^2)) says whether the solution means anything.
  const T rcond = lu.rcond();
  if (!(rcond > std::numeric_limits<T>::epsilon())) {
    throw numerical_error("lu_solve: the matrix is singular to working precision (reciprocal condition number " +
                          std::to_string(static_cast<double>(rcond)) + ")");
  }
  return from_eigen<T>(lu.solve(view(b)));
}

template <class T>
host_matrix<T> cholesky_solve(const host_matrix<T>& a, const host_matrix<T>& b) {
  require_rhs(a, b, "cholesky_solve");
  const Eigen::LLT<eigen_matrix<T>> llt(view(a));
  if (llt.info() != Eigen::Success) throw numerical_error("cholesky_solve: the matrix is not positive definite");
  return from_eigen<T>(llt.solve(view(b)));
}

template <class T>
eigen_result<T> symmetric_eigen(const host_matrix<T>& a) {
  require_square(a, "symmetric_eigen");
  require_finite(a, "symmetric_eigen");
  const Eigen::SelfAdjointEigenSolver<eigen_matrix<T>> solver(view(a));
  if (solver.info() != Eigen::Success) throw numerical_error("symmetric_eigen: the solver did not converge");
  eigen_result<T> out;
  const auto& values = solver.eigenvalues();
  out.values.assign(values.data(), values.data() + values.size());
  out.vectors = from_eigen<T>(solver.eigenvectors());
  return out;
}

// Explicit instantiations: float and double, compiled once here.
#define GPULAB_LINALG_INSTANTIATE(T)                                                            \
  template svd_result<T> svd<T>(const host_matrix<T>&);                                         \
  template qr_result<T> qr<T>(const host_matrix<T>&);                                           \
  template host_matrix<T> lu_solve<T>(const host_matrix<T>&, const host_matrix<T>&);            \
  template host_matrix<T> cholesky_solve<T>(const host_matrix<T>&, const host_matrix<T>&);      \
  template eigen_result<T> symmetric_eigen<T>(const host_matrix<T>&);
GPULAB_LINALG_INSTANTIATE(float)
GPULAB_LINALG_INSTANTIATE(double)
#undef GPULAB_LINALG_INSTANTIATE

}  // namespace gpulab::linalg
