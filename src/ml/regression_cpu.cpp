// SPDX-License-Identifier: MIT
// The CPU baselines of regression_cpu.hpp: Eigen (its GEMM runs on every core
// through OpenMP) and OpenMP loops, all in double.
#include "gpulab/ml/regression_cpu.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::ml {

const char* method_name(least_squares_method m) {
  switch (m) {
    case least_squares_method::normal_equations: return "normal_equations";
    case least_squares_method::qr: return "qr";
    case least_squares_method::svd: return "svd";
  }
  return "?";
}
const char* method_name(logistic_method m) {
  return m == logistic_method::gradient_descent ? "gradient_descent" : "newton";
}
const char* method_name(pca_method m) { return m == pca_method::covariance_eigen ? "covariance_eigen" : "qr_svd"; }
const char* qr_name(qr_factorization q) { return q == qr_factorization::tall_skinny ? "tall_skinny" : "geqrf"; }
const char* gram_name(gram_product g) {
  switch (g) {
    case gram_product::syrk: return "syrk";
    case gram_product::gemm: return "gemm";
    case gram_product::chunked: return "chunked";
    case gram_product::one_pass: return "one_pass";
  }
  return "?";
}

namespace {

using matrix = Eigen::MatrixXd;
using vector = Eigen::VectorXd;

// X (float, column-major) as a double matrix: the CPU works in double throughout.
matrix to_double(std::span<const float> x, std::int64_t rows, int features) {
  return Eigen::Map<const Eigen::MatrixXf>(x.data(), rows, features).cast<double>();
}

void require_usable(std::span<const float> x, std::int64_t rows, int features, const char* what) {
  if (const auto problem = feature_problem(x, rows, features)) throw usage_error(std::string(what) + ": " + *problem);
}

}  // namespace

// ------------------------------------------------------------------ input checks
std::optional<std::string> feature_problem(std::span<const float> x, std::int64_t rows, int features) {
  for (int j = 0; j < features; ++j) {
    const float* column = x.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(rows);
    std::int64_t bad = 0, first_bad = -1;
    float low = std::numeric_limits<float>::infinity(), high = -low;
    for (std::int64_t i = 0; i < rows; ++i) {
      const float v = column[i];
      if (!std::isfinite(v)) {
        if (bad++ == 0) first_bad = i;
        continue;
      }
      low = std::min(low, v), high = std::max(high, v);
    }
    if (bad > 0) {
      return "column " + std::to_string(j) + " holds " + std::to_string(bad) + " NaN or Inf value" +
             (bad > 1 ? "s" : "") + ", the first at row " + std::to_string(first_bad);
    }
    if (rows > 1 && low == high) {
      return "column " + std::to_string(j) + " is constant (every value is " + std::to_string(low) +
             "): it carries no information and makes X^T X singular; drop it";
    }
  }
  return std::nullopt;
}

std::optional<std::string> label_problem(std::span<const float> y) {
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] != 0.0f && y[i] != 1.0f) {
      return "label " + std::to_string(i) + " is " + std::to_string(y[i]) + ": binary labels must be 0 or 1";
    }
  }
  return std::nullopt;
}

void require_regression_shape(std::size_t x_size, std::size_t y_size, std::int64_t rows, int features,
                              bool underdetermined_ok, const char* what) {
  const std::string name(what);
  if (rows < 1 || features < 1) {
    throw usage_error(name + ": at least 1 row and 1 feature (got " + std::to_string(rows) + " x " +
                      std::to_string(features) + ")");
  }
  if (x_size != static_cast<std::size_t>(rows) * static_cast<std::size_t>(features)) {
    throw usage_error(name + ": X holds " + std::to_string(x_size) + " values, not rows x features = " +
                      std::to_string(rows) + " x " + std::to_string(features));
  }
  if (y_size != static_cast<std::size_t>(rows)) {
    throw usage_error(name + ": y holds " + std::to_string(y_size) + " values for " + std::to_string(rows) + " rows");
  }
  if (!underdetermined_ok && rows < static_cast<std::int64_t>(features) + 1) {
    throw usage_error(name + ": " + std::to_string(rows) + " rows for " + std::to_string(features) +
                      " features: least squares needs at least features + 1 = " + std::to_string(features + 1) +
                      " rows (the intercept is fitted too), or a ridge > 0 with the normal equations");
  }
}

// ------------------------------------------------------------------ linear regression
cpu_linear_fit fit_linear_cpu(std::span<const float> x, std::int64_t rows, int features, std::span<const float> y,
                              const linear_regression_params& p) {
  const bool normal = p.method == least_squares_method::normal_equations;
  if (!(p.ridge >= 0)) throw usage_error("linear regression: ridge must be >= 0");
  if (p.method == least_squares_method::qr && p.ridge > 0) {
    throw usage_error("linear regression: QR solves plain least squares; for a ridge use normal_equations or svd");
  }
  require_regression_shape(x.size(), y.size(), rows, features, normal && p.ridge > 0, "linear regression");
  if (p.check_input) require_usable(x, rows, features, "linear regression");
  const int d = features;
  const matrix xd = to_double(x, rows, features);
  const vector yd = Eigen::Map<const Eigen::VectorXf>(y.data(), rows).cast<double>();
  cpu_linear_fit out;
  out.rank = d;
  if (normal) {
    // The augmented system of [X 1]: [[X^T X + ridge I, X^T 1], [1^T X, n]] [w; b] = [X^T y; 1^T y].
    matrix a(d + 1, d + 1);
    a.topLeftCorner(d, d) = xd.transpose() * xd;
    a.topLeftCorner(d, d).diagonal().array() += p.ridge;
    const vector sums = xd.colwise().sum().transpose();
    a.topRightCorner(d, 1) = sums;
    a.bottomLeftCorner(1, d) = sums.transpose();
    a(d, d) = static_cast<double>(rows);
    vector b(d + 1);
    b.head(d) = xd.transpose() * yd;
    b(d) = yd.sum();
    const Eigen::LLT<matrix> llt(a);
    // A rank-deficient X makes X^T X singular, but rounding can leave a pivot of about
    // 1e-16 of its diagonal entry instead of 0 or less, and LLT then succeeds: whether it
    // does depends on the product's summation order (Eigen's blocking, the CPU; seen on an
    // AMD EPYC, not on the machines before). A pivot below 1e-12 of its diagonal entry is
    // refused too: weights from a Gram matrix that close to singular have no correct digits.
    bool singular = llt.info() != Eigen::Success;
    for (int j = 0; j <= d && !singular; ++j) {
      const double l = llt.matrixLLT()(j, j);  // the pivot is l^2
      singular = !(l * l > 1e-12 * a(j, j));
    }
    if (singular) {
      throw numerical_error("linear regression (normal equations): X^T X is not positive definite");
    }
    const vector solution = llt.solve(b);
    out.weights.assign(solution.data(), solution.data() + d);
    out.intercept = solution(d);
    return out;
  }
  // QR and SVD work on the centred data: the intercept is then mean(y) - mean(X) . w.
  const Eigen::RowVectorXd mean = xd.colwise().mean();
  const double y_mean = yd.mean();
  const matrix xc = xd.rowwise() - mean;
  const Eigen::HouseholderQR<matrix> qr(xc);
  const vector qty = (qr.householderQ().transpose() * (yd.array() - y_mean).matrix()).head(d);
  const matrix r = qr.matrixQR().topRows(d).triangularView<Eigen::Upper>();
  vector w(d);
  if (p.method == least_squares_method::qr) {
    w = r.triangularView<Eigen::Upper>().solve(qty);
  } else {
    const Eigen::JacobiSVD<matrix> svd(r, Eigen::ComputeFullU | Eigen::ComputeFullV);
    const vector& s = svd.singularValues();
    vector filtered = svd.matrixU().transpose() * qty;
    out.rank = 0;
    for (int k = 0; k < d; ++k) {
      if (s(k) > p.svd_cutoff * s(0)) {
        filtered(k) *= s(k) / (s(k) * s(k) + p.ridge);
        ++out.rank;
      } else {
        filtered(k) = 0;
      }
    }
    w = svd.matrixV() * filtered;
  }
  out.weights.assign(w.data(), w.data() + d);
  out.intercept = y_mean - mean.dot(w);
  return out;
}

double centered_condition_number(std::span<const float> x, std::int64_t rows, int features) {
  const matrix xd = to_double(x, rows, features);
  const matrix xc = xd.rowwise() - xd.colwise().mean();
  const vector eigenvalues = Eigen::SelfAdjointEigenSolver<matrix>(xc.transpose() * xc, Eigen::EigenvaluesOnly).eigenvalues();
  const double smallest = eigenvalues(0), largest = eigenvalues(features - 1);
  return smallest > 0 ? std::sqrt(largest / smallest) : std::numeric_limits<double>::infinity();
}

double r_squared(std::span<const float> x, std::int64_t rows, int features, std::span<const float> y,
                 std::span<const double> weights, double intercept) {
  double y_sum = 0;
#pragma omp parallel for reduction(+ : y_sum)
  for (std::int64_t i = 0; i < rows; ++i) y_sum += y[static_cast<std::size_t>(i)];
  const double y_mean = y_sum / static_cast<double>(rows);
  double residual = 0, total = 0;
#pragma omp parallel for reduction(+ : residual, total)
  for (std::int64_t i = 0; i < rows; ++i) {
    double prediction = intercept;
    for (int j = 0; j < features; ++j) {
      prediction += weights[static_cast<std::size_t>(j)] *
                    x[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * static_cast<std::size_t>(rows)];
    }
    const double yi = y[static_cast<std::size_t>(i)];
    residual += (yi - prediction) * (yi - prediction);
    total += (yi - y_mean) * (yi - y_mean);
  }
  return 1.0 - residual / total;
}

// ------------------------------------------------------------------ PCA
cpu_pca_fit fit_pca_cpu(std::span<const float> x, std::int64_t rows, int features, int components) {
  if (components < 1 || components > features) {
    throw usage_error("PCA: components must be in 1.." + std::to_string(features) + " (got " +
                      std::to_string(components) + ")");
  }
  if (rows < 2) throw usage_error("PCA: at least 2 rows (the covariance divides by rows - 1)");
  if (x.size() != static_cast<std::size_t>(rows) * static_cast<std::size_t>(features)) {
    throw usage_error("PCA: X holds " + std::to_string(x.size()) + " values, not rows x features");
  }
  require_usable(x, rows, features, "PCA");
  const matrix xd = to_double(x, rows, features);
  const Eigen::RowVectorXd mean = xd.colwise().mean();
  const matrix xc = xd.rowwise() - mean;
  const matrix covariance = (xc.transpose() * xc) / static_cast<double>(rows - 1);
  const Eigen::SelfAdjointEigenSolver<matrix> eigen(covariance);  // ascending eigenvalues
  const double total = covariance.trace();
  cpu_pca_fit out;
  out.mean.assign(mean.data(), mean.data() + features);
  for (int c = 0; c < components; ++c) {
    const int k = features - 1 - c;  // the largest first
    const vector axis = eigen.eigenvectors().col(k);
    out.components.insert(out.components.end(), axis.data(), axis.data() + features);
    out.explained_variance.push_back(eigen.eigenvalues()(k));
    out.explained_variance_ratio.push_back(eigen.eigenvalues()(k) / total);
  }
  return out;
}

double largest_principal_angle(std::span<const double> a, std::span<const double> b, int features, int k) {
  const Eigen::Map<const matrix> am(a.data(), features, k), bm(b.data(), features, k);
  if (!am.allFinite() || !bm.allFinite()) return std::numeric_limits<double>::quiet_NaN();
  // Orthonormal bases of both spans, then sin(largest angle) = |(I - Qa Qa^T) Qb|_2.
  const matrix qa = Eigen::HouseholderQR<matrix>(am).householderQ() * matrix::Identity(features, k);
  const matrix qb = Eigen::HouseholderQR<matrix>(bm).householderQ() * matrix::Identity(features, k);
  const matrix outside = qb - qa * (qa.transpose() * qb);
  const double sine = Eigen::JacobiSVD<matrix>(outside).singularValues()(0);
  return std::asin(std::min(1.0, sine));
}

// ------------------------------------------------------------------ logistic regression
cpu_logistic_fit fit_logistic_cpu(std::span<const float> x, std::int64_t rows, int features, std::span<const float> y,
                                  const logistic_regression_params& p) {
  require_regression_shape(x.size(), y.size(), rows, features, true, "logistic regression");
  if (p.iterations < 1) throw usage_error("logistic regression: iterations must be >= 1");
  if (!(p.l2 >= 0)) throw usage_error("logistic regression: l2 must be >= 0");
  if (p.check_input) {
    require_usable(x, rows, features, "logistic regression");
    if (const auto problem = label_problem(y)) throw usage_error("logistic regression: " + *problem);
  }
  const int d = features;
  const auto n = static_cast<double>(rows);
  const std::size_t column = static_cast<std::size_t>(rows);
  vector w = vector::Zero(d + 1);  // weights, then the intercept
  cpu_logistic_fit out;
  matrix z_rows;  // Newton: sqrt(p (1 - p)) [x_i 1], row by row
  if (p.method == logistic_method::newton) z_rows.resize(rows, d + 1);
  for (int t = 0; t <= p.iterations; ++t) {
    // One pass: the gradient X^T (p - y), the log-loss and the accuracy at w.
    vector gradient = vector::Zero(d + 1);
    double loss = 0, correct = 0;
#pragma omp parallel
    {
      vector local = vector::Zero(d + 1);
      double local_loss = 0, local_correct = 0;
#pragma omp for schedule(static) nowait
      for (std::int64_t i = 0; i < rows; ++i) {
        double z = w(d);
        for (int j = 0; j < d; ++j) z += w(j) * x[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * column];
        const double label = y[static_cast<std::size_t>(i)];
        const double probability = 1.0 / (1.0 + std::exp(-z));
        const double r = probability - label;
        for (int j = 0; j < d; ++j) local(j) += r * x[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * column];
        local(d) += r;
        // log(1 + e^z) - y z, written so that neither exp overflows.
        local_loss += std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - label * z;
        local_correct += ((z > 0) == (label > 0.5)) ? 1.0 : 0.0;
        if (p.method == logistic_method::newton && t < p.iterations) {
          const double weight = std::sqrt(probability * (1.0 - probability));
          for (int j = 0; j < d; ++j) {
            z_rows(i, j) = weight * x[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * column];
          }
          z_rows(i, d) = weight;
        }
      }
#pragma omp critical
      {
        gradient += local;
        loss += local_loss;
        correct += local_correct;
      }
    }
    out.loss.push_back(loss / n + 0.5 * p.l2 * w.head(d).squaredNorm());
    out.accuracy.push_back(correct / n);
    if (t == p.iterations) break;
    gradient /= n;
    gradient.head(d) += p.l2 * w.head(d);
    if (p.method == logistic_method::gradient_descent) {
      w -= p.learning_rate * gradient;
    } else {
      matrix hessian = (z_rows.transpose() * z_rows) / n;
      hessian.topLeftCorner(d, d).diagonal().array() += p.l2;
      const Eigen::LLT<matrix> llt(hessian);
      if (llt.info() != Eigen::Success) {
        throw numerical_error("logistic regression (Newton): the Hessian is not positive definite");
      }
      w -= llt.solve(gradient);
    }
  }
  out.coefficients.assign(w.data(), w.data() + d + 1);
  return out;
}

double logistic_stable_step(std::span<const float> x, std::int64_t rows, int features, double l2) {
  require_regression_shape(x.size(), static_cast<std::size_t>(rows), rows, features, true, "logistic regression");
  // [X 1]^T [X 1] in double (X^T X, X's column sums, n), 256 rows at a time: each thread
  // copies a block of rows into B ((features + 1) x 256) and adds B B^T (a SYRK).
  const int d = features;
  constexpr std::int64_t block = 256;
  const std::size_t column = static_cast<std::size_t>(rows);
  matrix gram = matrix::Zero(d + 1, d + 1);
#pragma omp parallel
  {
    matrix local = matrix::Zero(d + 1, d + 1);
    matrix b(d + 1, block);
#pragma omp for schedule(static) nowait
    for (std::int64_t first = 0; first < rows; first += block) {
      const std::int64_t count = std::min(block, rows - first);
      for (std::int64_t r = 0; r < count; ++r) {
        for (int j = 0; j < d; ++j) b(j, r) = x[static_cast<std::size_t>(first + r) + static_cast<std::size_t>(j) * column];
        b(d, r) = 1;
      }
      local.selfadjointView<Eigen::Lower>().rankUpdate(b.leftCols(count));
    }
#pragma omp critical
    gram += local;
  }
  gram /= static_cast<double>(rows);
  return logistic_step_from_gram(std::span<const double>(gram.data(), static_cast<std::size_t>(gram.size())), d + 1, l2);
}

double logistic_step_from_gram(std::span<const double> gram, int size, double l2) {
  if (size < 1 || gram.size() != static_cast<std::size_t>(size) * static_cast<std::size_t>(size)) {
    throw usage_error("logistic step: a " + std::to_string(size) + " x " + std::to_string(size) + " Gram matrix needs " +
                      std::to_string(static_cast<std::int64_t>(size) * size) + " values (got " +
                      std::to_string(gram.size()) + ")");
  }
  const matrix g = Eigen::Map<const matrix>(gram.data(), size, size);
  // The solver reads the lower triangle only: what is above it may be anything (zeros from the GPU).
  const vector eigenvalues = Eigen::SelfAdjointEigenSolver<matrix>(g, Eigen::EigenvaluesOnly).eigenvalues();
  return 1.0 / (eigenvalues(size - 1) / 4 + l2);
}

}  // namespace gpulab::ml
