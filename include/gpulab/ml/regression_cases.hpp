// SPDX-License-Identifier: MIT
// Module 7's cases for linear regression, logistic regression and PCA, and the
// conditioning demo: what module.cpp lists (one line each there).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
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

// The cases of one version from the command's options (as kmeans_cases() makes k-means'):
// --size rows of seeded data with a planted truth, or the rows of --input FILE.csv with
// --columns as the features (read here, before any GPU work; the size label says
// "FILE: rows x features"). Linear and logistic regression learn --target: on --input
// without it they make no case. Logistic regression's target must be labels 0 or 1: in a
// run of every case a target that is not (a price) leaves its cases out; a logistic case
// named on the command line is refused, naming the file line. PCA does not read the
// target; its components are min(8, features). Throws usage_error for a constant column
// and for a shape the algorithm refuses (a version's own kernel limits, such as one_pass's
// features, are refused in setup: an error row); csv_features.hpp's errors for the file.
std::vector<std::unique_ptr<bench_case>> linear_regression_cases(least_squares_method method, const run_options& options,
                                                                 gram_product gram = gram_product::chunked,
                                                                 qr_factorization qr = qr_factorization::tall_skinny);
std::vector<std::unique_ptr<bench_case>> logistic_regression_cases(logistic_method method, const run_options& options);
std::vector<std::unique_ptr<bench_case>> pca_cases(pca_method method, const run_options& options,
                                                   gram_product gram = gram_product::chunked);

// Whether `name` is a case that learns --target (linear and logistic regression), not a
// demo or another algorithm's case: on --input it needs --target (module.cpp's validate).
bool learns_a_target(std::string_view name);

// linear_normal_equations, linear_normal_equations_syrk, linear_normal_equations_gemm,
// linear_normal_equations_one_pass, linear_qr, linear_qr_geqrf, linear_svd, logistic_gradient_descent,
// logistic_newton, pca_covariance, pca_covariance_one_pass, pca_svd.
std::vector<case_entry> regression_cases();
// linear_conditioning: the same model at condition 10 .. 1e4, each method's error
// against the planted truth (normal equations lose digits as cond^2, QR/SVD as cond);
// logistic_newton_vs_gd: the Newton steps that reach 100 gradient steps' loss, and their times.
std::vector<demo_entry> regression_demos();

}  // namespace gpulab::ml
