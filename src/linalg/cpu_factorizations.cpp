// SPDX-License-Identifier: MIT
// CPU baselines through Eigen: SVD (divide and conquer), QR (Householder), LU
// with partial pivoting, Cholesky and the symmetric eigensolver. In double only:
// the solver cases' type (cpu_reference.hpp says why there is no float copy).
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

svd_result<double> svd(const host_matrix<double>& a) {
  require_finite(a, "svd");
  Eigen::BDCSVD<eigen_matrix<double>> decomposition(view(a), Eigen::ComputeThinU | Eigen::ComputeThinV);
  svd_result<double> out;
  out.u = from_eigen<double>(decomposition.matrixU());
  const auto& s = decomposition.singularValues();
  out.singular.assign(s.data(), s.data() + s.size());
  out.vt = from_eigen<double>(decomposition.matrixV().transpose());
  return out;
}

qr_result<double> qr(const host_matrix<double>& a) {
  require_finite(a, "qr");
  const int k = std::min(a.rows, a.cols);
  Eigen::HouseholderQR<eigen_matrix<double>> decomposition(view(a));
  qr_result<double> out;
  out.q = from_eigen<double>(decomposition.householderQ() * eigen_matrix<double>::Identity(a.rows, k));
  out.r = from_eigen<double>(decomposition.matrixQR().topRows(k).triangularView<Eigen::Upper>());
  return out;
}

host_matrix<double> lu_solve(const host_matrix<double>& a, const host_matrix<double>& b) {
  require_rhs(a, b, "lu_solve");
  const Eigen::PartialPivLU<eigen_matrix<double>> lu(view(a));
  // Partial pivoting does not stop at a zero pivot; the reciprocal condition
  // number (estimated in O(n^2)) says whether the solution means anything.
  const double rcond = lu.rcond();
  if (!(rcond > std::numeric_limits<double>::epsilon())) {
    throw numerical_error("lu_solve: the matrix is singular to working precision (reciprocal condition number " +
                          std::to_string(rcond) + ")");
  }
  return from_eigen<double>(lu.solve(view(b)));
}

host_matrix<double> cholesky_solve(const host_matrix<double>& a, const host_matrix<double>& b) {
  require_rhs(a, b, "cholesky_solve");
  const Eigen::LLT<eigen_matrix<double>> llt(view(a));
  if (llt.info() != Eigen::Success) throw numerical_error("cholesky_solve: the matrix is not positive definite");
  return from_eigen<double>(llt.solve(view(b)));
}

eigen_result<double> symmetric_eigen(const host_matrix<double>& a) {
  require_square(a, "symmetric_eigen");
  require_finite(a, "symmetric_eigen");
  const Eigen::SelfAdjointEigenSolver<eigen_matrix<double>> solver(view(a));
  if (solver.info() != Eigen::Success) throw numerical_error("symmetric_eigen: the solver did not converge");
  eigen_result<double> out;
  const auto& values = solver.eigenvalues();
  out.values.assign(values.data(), values.data() + values.size());
  out.vectors = from_eigen<double>(solver.eigenvectors());
  return out;
}

}  // namespace gpulab::linalg
