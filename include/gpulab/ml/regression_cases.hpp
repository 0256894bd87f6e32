// SPDX-License-Identifier: MIT
// Module 7's cases for linear regression, logistic regression and PCA, and the
// conditioning demo: what module.cpp lists (one line each there).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/ml/regression_params.hpp"

namespace gpulab::ml {

// --size counts rows; the features are 64 (fewer below 129 rows: (rows - 1) / 2,
// so that every method has more rows than parameters). Default 1M rows.
inline constexpr std::uint64_t regression_default_rows = std::uint64_t{1} << 20;
inline constexpr int regression_features = 64;
inline constexpr int pca_components = 8;
inline constexpr double regression_condition = 10;  // the cases' data: well-conditioned (the demo goes further)

std::unique_ptr<bench_case> make_linear_regression_case(least_squares_method method, std::uint64_t rows,
                                                        gram_product gram = gram_product::chunked,
                                                        qr_factorization qr = qr_factorization::tall_skinny);
std::unique_ptr<bench_case> make_logistic_regression_case(logistic_method method, std::uint64_t rows);
std::unique_ptr<bench_case> make_pca_case(pca_method method, std::uint64_t rows,
                                          gram_product gram = gram_product::chunked);

// linear_normal_equations, linear_normal_equations_syrk, linear_normal_equations_gemm,
// linear_normal_equations_one_pass, linear_qr, linear_qr_geqrf, linear_svd, logistic_gradient_descent,
// logistic_newton, pca_covariance, pca_covariance_one_pass, pca_svd.
std::vector<case_entry> regression_cases();
// linear_conditioning: the same model at condition 10 .. 1e4, each method's error
// against the planted truth (normal equations lose digits as cond^2, QR/SVD as cond);
// logistic_newton_vs_gd: the Newton steps that reach 100 gradient steps' loss, and their times.
std::vector<demo_entry> regression_demos();

}  // namespace gpulab::ml
