// SPDX-License-Identifier: MIT
// What the user chooses for linear regression, logistic regression and PCA:
// the same structs drive the GPU versions and their CPU baselines, so that
// both run the same algorithm with the same settings.
#pragma once

#include <cstdint>
#include <string>

namespace gpulab::ml {

// ------------------------------------------------------------ linear regression
// Least squares min |y - X w - b|^2 + ridge |w|^2 (the intercept b is not penalised).
enum class least_squares_method {
  normal_equations,  // (X^T X + ridge I) w = X^T y: one Gram, one small Cholesky. Fast; loses digits as cond(X)^2
  qr,                // X = Q R (Householder), R w = Q^T y. Loses digits as cond(X); no ridge
  svd,               // X = Q R, R = U S V^T, w = V S^+ U^T Q^T y: drops singular values below the cutoff (rank-deficient X)
};
const char* method_name(least_squares_method m);  // "normal_equations", "qr", "svd"

// How the normal equations form X^T X: SYRK computes one triangle (half the
// FLOPs); GEMM computes both but is the routine libraries tune hardest; chunked
// cuts the rows into chunks, one batched GEMM gives each chunk's product, and a
// double sum adds them (src/ml/gram.hpp): a 64 x 64 result from 1M rows needs the
// parallelism of the rows, not of the output. one_pass is our own kernel: the Gram
// of [X 1 y] in one read of X (the other three read X three times: X^T X, then
// X^T [y 1] and [y 1]^T [y 1] by two more GEMMs), each thread an 8 x 8 tile of the
// lower triangle in registers (kernels/ml/gram_one_pass.cuh); then one thread block
// solves the small system in double (kernels/ml/cholesky_one_block.cuh). It takes at
// most 126 features. Which wins is measured (the cases).
enum class gram_product { syrk, gemm, chunked, one_pass };
const char* gram_name(gram_product g);  // "syrk", "gemm", "chunked", "one_pass"

// How QR factors the centred [X y] (for least squares, and for the SVD, which
// starts from QR's R). tall_skinny is our tree (kernels/ml/tall_skinny_qr.cuh): each
// thread block reduces its share of the rows to a small R, and the blocks' Rs are
// reduced the same way until one is left; X is read once and never copied, and y
// rides along as the last column, so that R's last column is Q^T y. It takes up to
// 127 features (128 columns with y); wider X falls back to geqrf. geqrf is
// cuSOLVER's blocked Householder QR of a centred copy of X, with ormqr applying
// Q^T to y: the library's answer, built for square-ish matrices. The cases compare them.
enum class qr_factorization { tall_skinny, geqrf };
const char* qr_name(qr_factorization q);  // "tall_skinny", "geqrf"

struct linear_regression_params {
  least_squares_method method = least_squares_method::qr;
  gram_product gram = gram_product::chunked;  // normal equations only
  qr_factorization qr = qr_factorization::tall_skinny;  // qr and svd only
  float ridge = 0;            // lambda >= 0
  float svd_cutoff = 1e-5f;   // svd: singular values below cutoff * the largest count as zero
  bool check_input = true;    // scan X for NaN/Inf and constant columns first (one pass; waits for the stream)
};

// ------------------------------------------------------------ logistic regression
// Binary labels 0/1; minimises the mean log-loss + (l2 / 2) |w|^2 (b not penalised).
enum class logistic_method {
  gradient_descent,  // w <- w - learning_rate * gradient: one fused pass over X per iteration
  newton,            // w <- w - H^-1 gradient (IRLS): a pass, a SYRK and a small Cholesky per iteration
};
const char* method_name(logistic_method m);  // "gradient_descent", "newton"

struct logistic_regression_params {
  logistic_method method = logistic_method::gradient_descent;
  int iterations = 100;        // exactly this many steps (no early stop: GPU and CPU do the same work)
  float learning_rate = 1.0f;  // gradient descent's step; converges up to logistic_stable_step(X)
  float l2 = 1e-4f;            // >= 0; keeps Newton's Hessian positive definite
  bool check_input = true;     // scan X and the labels first (waits for the stream)
};

// ------------------------------------------------------------ PCA
enum class pca_method {
  covariance_eigen,  // C = Xc^T Xc / (n - 1) by SYRK, then its eigenvectors (syevd)
  qr_svd,            // thin SVD of Xc: Xc = Q R, R = U S V^T; the axes are V, the variances S^2 / (n - 1)
};
const char* method_name(pca_method m);  // "covariance_eigen", "qr_svd"

struct pca_params {
  pca_method method = pca_method::covariance_eigen;
  // covariance_eigen only: chunked (a centred copy of X, then the row chunks' Grams) or
  // one_pass (the Gram of [X - shift | 1] in one read of X, no centred copy, then the
  // covariance and its eigenpairs in one block; at most 64 features).
  gram_product gram = gram_product::chunked;
  qr_factorization qr = qr_factorization::tall_skinny;  // qr_svd only (without y: up to 128 features)
  int components = 8;
  bool check_input = true;
};

}  // namespace gpulab::ml
