// SPDX-License-Identifier: MIT
// Module 7 `ml` without a GPU: the seeded data with a known truth, the CPU
// baselines of linear regression, PCA and logistic regression (which the GPU
// versions are verified against), the cases made from a CSV file (--input),
// and the bad inputs they refuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "common/temporary_file.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/ml/csv_features.hpp"
#include "gpulab/ml/linear_data.hpp"
#include "gpulab/ml/regression_cases.hpp"
#include "gpulab/ml/regression_cpu.hpp"
#include "common/usage_error_message.hpp"
#include "planted_regression_csv.hpp"

namespace {

using namespace gpulab::ml;

double relative_error(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < b.size(); ++i) diff += (a[i] - b[i]) * (a[i] - b[i]), norm += b[i] * b[i];
  return std::sqrt(diff / norm);
}

linear_regression_params with(least_squares_method m, float ridge = 0) {
  linear_regression_params p;
  p.method = m;
  p.ridge = ridge;
  return p;
}

constexpr least_squares_method all_methods[] = {least_squares_method::normal_equations, least_squares_method::qr,
                                               least_squares_method::svd};

TEST(ml_regression_data, IsSeededAndHasItsPlantedSpectrum) {
  const linear_dataset a = make_linear_data({.rows = 1001, .features = 7, .condition = 100, .seed = 5});
  const linear_dataset b = make_linear_data({.rows = 1001, .features = 7, .condition = 100, .seed = 5});
  const linear_dataset c = make_linear_data({.rows = 1001, .features = 7, .condition = 100, .seed = 6});
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_NE(a.x, c.x);
  ASSERT_EQ(a.x.size(), 7007u);
  EXPECT_DOUBLE_EQ(a.singular_values.front(), 1.0);
  EXPECT_NEAR(a.singular_values.back(), 0.01, 1e-12);
  // The columns' spread follows the spectrum: the total variance is sum s_k^2 (G's columns have variance 1).
  double total = 0, planted = 0;
  for (float v : a.x) total += double(v) * v;
  for (double s : a.singular_values) planted += s * s;
  EXPECT_NEAR(total / 1001, planted, 0.15 * planted);
}

TEST(ml_regression_data, ClassesFollowTheirBoundary) {
  const classification_dataset d = make_classification_data({.rows = 20001, .features = 7, .seed = 3});
  int ones = 0, agree = 0;
  for (std::int64_t i = 0; i < d.rows; ++i) {
    double z = d.true_intercept;
    for (int j = 0; j < d.features; ++j) z += d.true_weights[std::size_t(j)] * d.x[std::size_t(i + j * d.rows)];
    ASSERT_TRUE(d.y[std::size_t(i)] == 0.0f || d.y[std::size_t(i)] == 1.0f);
    ones += d.y[std::size_t(i)] == 1.0f;
    agree += (z > 0) == (d.y[std::size_t(i)] == 1.0f);
  }
  EXPECT_GT(ones, 8000);  // both classes, about half each
  EXPECT_LT(ones, 12000);
  // |w| = 4: the boundary explains most labels, not all (the classes overlap).
  EXPECT_GT(agree, 0.85 * 20001);
  EXPECT_LT(agree, 0.97 * 20001);
}

TEST(ml_linear_cpu, EveryMethodFindsThePlantedModel) {
  // No noise: the least-squares answer is the truth, up to y's rounding to float.
  const linear_dataset d = make_linear_data({.rows = 1001, .features = 7, .condition = 10, .noise = 0, .seed = 11});
  for (const auto m : all_methods) {
    const cpu_linear_fit fit = fit_linear_cpu(d.x, d.rows, d.features, d.y, with(m));
    EXPECT_LT(relative_error(fit.weights, d.true_weights), 1e-5) << method_name(m);
    EXPECT_NEAR(fit.intercept, d.true_intercept, 1e-5) << method_name(m);
    EXPECT_EQ(fit.rank, 7) << method_name(m);
    EXPECT_NEAR(r_squared(d.x, d.rows, d.features, d.y, fit.weights, fit.intercept), 1.0, 1e-9);
  }
}

TEST(ml_linear_cpu, MethodsAgreeOnNoisyIllConditionedData) {
  // In double even cond 1e3 costs the normal equations only cond^2 * 1e-16 = 1e-10.
  const linear_dataset d = make_linear_data({.rows = 2001, .features = 9, .condition = 1e3, .noise = 0.05, .seed = 2});
  const cpu_linear_fit qr = fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::qr));
  for (const auto m : {least_squares_method::normal_equations, least_squares_method::svd}) {
    const cpu_linear_fit fit = fit_linear_cpu(d.x, d.rows, d.features, d.y, with(m));
    EXPECT_LT(relative_error(fit.weights, qr.weights), 1e-8) << method_name(m);
    EXPECT_NEAR(fit.intercept, qr.intercept, 1e-8) << method_name(m);
  }
  // The noise reaches the weights amplified by cond: far from the truth along the small singular directions.
  EXPECT_GT(relative_error(qr.weights, d.true_weights), 1e-2);
  const double r2 = r_squared(d.x, d.rows, d.features, d.y, qr.weights, qr.intercept);
  EXPECT_GT(r2, 0.9);
  EXPECT_LT(r2, 1.0);
}

TEST(ml_linear_cpu, RidgeShrinksTheWeightsTheSameWayInBothMethods) {
  const linear_dataset d = make_linear_data({.rows = 501, .features = 5, .condition = 30, .seed = 8});
  const cpu_linear_fit plain = fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::svd));
  const cpu_linear_fit normal = fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::normal_equations, 5));
  const cpu_linear_fit svd = fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::svd, 5));
  EXPECT_LT(relative_error(svd.weights, normal.weights), 1e-9);
  double plain_norm = 0, ridge_norm = 0;
  for (int j = 0; j < 5; ++j) plain_norm += plain.weights[j] * plain.weights[j], ridge_norm += svd.weights[j] * svd.weights[j];
  EXPECT_LT(ridge_norm, 0.9 * plain_norm);
}

TEST(ml_linear_cpu, SvdHandlesARankDeficientMatrixTheOthersDoNot) {
  linear_dataset d = make_linear_data({.rows = 1001, .features = 6, .condition = 5, .noise = 0, .seed = 4});
  for (std::int64_t i = 0; i < d.rows; ++i) d.x[std::size_t(i + 5 * d.rows)] = d.x[std::size_t(i + 4 * d.rows)];  // column 5 = column 4
  const cpu_linear_fit svd = fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::svd));
  EXPECT_EQ(svd.rank, 5);
  // The minimum-norm answer splits the weight of the twin columns evenly.
  EXPECT_NEAR(svd.weights[4], svd.weights[5], 1e-6);
  EXPECT_THROW(fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::normal_equations)),
               gpulab::numerical_error);
}

TEST(ml_linear_cpu, BadInputIsRefusedWithOneClearLine) {
  linear_dataset d = make_linear_data({.rows = 7, .features = 7, .seed = 1});
  // n smaller than features + 1 without ridge: every method refuses; the normal equations take a ridge.
  for (const auto m : all_methods) {
    EXPECT_THROW(fit_linear_cpu(d.x, d.rows, d.features, d.y, with(m)), gpulab::usage_error) << method_name(m);
  }
  EXPECT_NO_THROW(fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::normal_equations, 0.1f)));
  EXPECT_THROW(fit_linear_cpu(d.x, d.rows, d.features, d.y, with(least_squares_method::qr, 0.1f)), gpulab::usage_error);
  // Mismatched sizes.
  d = make_linear_data({.rows = 101, .features = 3, .seed = 1});
  EXPECT_THROW(fit_linear_cpu(d.x, d.rows, 4, d.y, with(least_squares_method::qr)), gpulab::usage_error);
  EXPECT_THROW(fit_linear_cpu(d.x, d.rows, d.features, std::span<const float>(d.y).first(100), with(least_squares_method::qr)),
               gpulab::usage_error);
  // A constant column and a NaN, each named.
  linear_dataset constant = d;
  for (std::int64_t i = 0; i < d.rows; ++i) constant.x[std::size_t(i + 2 * d.rows)] = 2.5f;
  try {
    fit_linear_cpu(constant.x, d.rows, d.features, d.y, with(least_squares_method::qr));
    ADD_FAILURE() << "a constant column was accepted";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("column 2 is constant"), std::string::npos) << e.what();
  }
  linear_dataset nan = d;
  nan.x[std::size_t(17 + 1 * d.rows)] = std::numeric_limits<float>::quiet_NaN();
  nan.x[std::size_t(40 + 1 * d.rows)] = std::numeric_limits<float>::infinity();
  const auto problem = feature_problem(nan.x, d.rows, d.features);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, "column 1 holds 2 NaN or Inf values, the first at row 17");
  EXPECT_THROW(fit_linear_cpu(nan.x, d.rows, d.features, d.y, with(least_squares_method::svd)), gpulab::usage_error);
  EXPECT_FALSE(feature_problem(d.x, d.rows, d.features).has_value());
}

TEST(ml_pca_cpu, FindsThePlantedVariancesInOrder) {
  const linear_dataset d = make_pca_data(4001, 7, 10, 9);
  const cpu_pca_fit fit = fit_pca_cpu(d.x, d.rows, d.features, 3);
  ASSERT_EQ(fit.components.size(), 21u);
  double planted_total = 0;
  for (double s : d.singular_values) planted_total += s * s;
  for (int c = 0; c < 3; ++c) {
    const double s = d.singular_values[std::size_t(c)];
    EXPECT_NEAR(fit.explained_variance[std::size_t(c)], s * s, 0.1 * s * s) << c;
    EXPECT_NEAR(fit.explained_variance_ratio[std::size_t(c)], s * s / planted_total, 0.1 * s * s / planted_total);
    if (c > 0) {
      EXPECT_LT(fit.explained_variance[std::size_t(c)], fit.explained_variance[std::size_t(c - 1)]);
    }
  }
  EXPECT_NEAR(largest_principal_angle(fit.components, fit.components, 7, 3), 0.0, 1e-7);
}

TEST(ml_pca_cpu, PrincipalAngleSeesSubspacesNotSignsOrOrder) {
  // span(e0, e1) against span(-e1, e0 + e1): the same plane; against span(e0, e2): one right angle.
  const std::vector<double> a = {1, 0, 0, 0, 1, 0};
  const std::vector<double> same = {0, -1, 0, 1, 1, 0};
  const std::vector<double> other = {1, 0, 0, 0, 0, 1};
  const std::vector<double> tilted = {1, 0, 0, 0, std::cos(0.1), std::sin(0.1)};
  EXPECT_NEAR(largest_principal_angle(a, same, 3, 2), 0.0, 1e-12);
  EXPECT_NEAR(largest_principal_angle(a, other, 3, 2), std::numbers::pi / 2, 1e-7);
  EXPECT_NEAR(largest_principal_angle(a, tilted, 3, 2), 0.1, 1e-12);
  const std::vector<double> nan = {std::nan(""), 0, 0, 0, 1, 0};
  EXPECT_TRUE(std::isnan(largest_principal_angle(a, nan, 3, 2)));
  EXPECT_THROW(fit_pca_cpu(std::vector<float>(21, 1.0f), 7, 3, 4), gpulab::usage_error);  // 4 components of 3 features
}

TEST(ml_logistic_cpu, NewtonReachesInAFewStepsWhatGradientDescentReachesInAHundred) {
  const classification_dataset d = make_classification_data({.rows = 20001, .features = 7, .seed = 21});
  logistic_regression_params gd;
  gd.iterations = 100;
  const cpu_logistic_fit slow = fit_logistic_cpu(d.x, d.rows, d.features, d.y, gd);
  ASSERT_EQ(slow.loss.size(), 101u);
  EXPECT_NEAR(slow.loss.front(), std::log(2.0), 1e-12);  // w = 0: every probability is 1/2
  for (std::size_t t = 1; t < slow.loss.size(); ++t) EXPECT_LE(slow.loss[t], slow.loss[t - 1]) << t;
  logistic_regression_params newton = gd;
  newton.method = logistic_method::newton;
  newton.iterations = 8;
  const cpu_logistic_fit fast = fit_logistic_cpu(d.x, d.rows, d.features, d.y, newton);
  std::size_t reached = 0;
  while (reached < fast.loss.size() && fast.loss[reached] > slow.loss.back()) ++reached;
  EXPECT_LE(reached, 5u) << "Newton iterations to the loss of 100 gradient steps";
  EXPECT_LT(fast.loss.back(), slow.loss.back());
  EXPECT_GT(fast.accuracy.back(), 0.85);
  // The maximum-likelihood weights are near the planted ones (20001 rows: a few percent).
  std::vector<double> w(fast.coefficients.begin(), fast.coefficients.end() - 1);
  EXPECT_LT(relative_error(w, d.true_weights), 0.1);
  EXPECT_NEAR(fast.coefficients.back(), d.true_intercept, 0.1);
}

TEST(ml_logistic_cpu, NewtonConvergesAtTheCasesSmallSizes) {
  // The cases' settings (l2 = 1e-3, 8 steps) on few rows per feature, where the
  // classes may be separable: the l2 term keeps the optimum finite and Newton converging.
  for (const auto& [rows, features] : {std::pair{31, 15}, std::pair{1001, 64}, std::pair{20001, 7}}) {
    const classification_dataset d = make_classification_data({.rows = rows, .features = features, .seed = 2026});
    logistic_regression_params p;
    p.method = logistic_method::newton;
    p.iterations = 8;
    p.l2 = 1e-3f;
    const cpu_logistic_fit fit = fit_logistic_cpu(d.x, d.rows, d.features, d.y, p);
    for (std::size_t t = 1; t < fit.loss.size(); ++t) EXPECT_LT(fit.loss[t], fit.loss[t - 1] + 1e-12) << rows << " rows, step " << t;
    // Converged: one more step changes the loss by almost nothing.
    EXPECT_LT(fit.loss[7] - fit.loss[8], 1e-8 * fit.loss[8]) << rows << " rows";
  }
}

// Gradient descent's step from the data (what the logistic_gradient_descent case takes, at
// most 1). The planted file's columns are independent with scales 1.2 .. 0.4, so
// [X 1]^T [X 1] / n is near diag(1.44, 1, .64, .36, .16, 1) and the step near
// 1 / (1.44 / 4 + l2); column a in thousandths (x 1000) makes it near 1 / (1.44e6 / 4 + l2).
// Sampling error at 4999 rows: ~2% on the largest eigenvalue; the bounds allow 6%.
TEST(ml_logistic_cpu, TheStableStepFollowsTheColumnsScaleAndKeepsTheLossFalling) {
  using data = gpulab::testing::planted_regression_data;
  data d = gpulab::testing::make_planted_regression_data(data::test_rows, data::test_seed);
  constexpr double l2 = 1e-3;
  const double planted_step = 1 / (1.44 / 4 + l2);
  EXPECT_NEAR(logistic_stable_step(d.x, d.rows, 5, l2), planted_step, 0.06 * planted_step);

  for (std::size_t i = 0; i < static_cast<std::size_t>(d.rows); ++i) d.x[i] *= 1000.0f;  // column a
  const double step = logistic_stable_step(d.x, d.rows, 5, l2);
  const double scaled_step = 1 / (1.44e6 / 4 + l2);
  EXPECT_NEAR(step, scaled_step, 0.06 * scaled_step);
  logistic_regression_params p;
  p.iterations = 100;
  p.l2 = static_cast<float>(l2);
  p.learning_rate = static_cast<float>(step);
  const cpu_logistic_fit stable = fit_logistic_cpu(d.x, d.rows, 5, d.label, p);
  for (std::size_t t = 1; t < stable.loss.size(); ++t) EXPECT_LE(stable.loss[t], stable.loss[t - 1]) << "step " << t;
  EXPECT_LT(stable.loss.back(), stable.loss.front() - 0.05);  // it learns (column a's weight, mostly)
  // What the step prevents: rate 1 on this file overshoots, and the loss climbs.
  p.learning_rate = 1;
  const cpu_logistic_fit overshooting = fit_logistic_cpu(d.x, d.rows, 5, d.label, p);
  EXPECT_GT(*std::max_element(overshooting.loss.begin(), overshooting.loss.end()), 10 * overshooting.loss.front());
}

TEST(ml_linear_cpu, ConditionNumberIsThePlantedOneTimesTheGaussians) {
  const linear_dataset d = make_linear_data({.rows = 100001, .features = 8, .condition = 100, .seed = 3});
  const double c = centered_condition_number(d.x, d.rows, d.features);
  EXPECT_GT(c, 90);
  EXPECT_LT(c, 110);
  std::vector<float> constant(303, 1.0f);
  EXPECT_TRUE(std::isinf(centered_condition_number(constant, 101, 3)));
}

TEST(ml_regression_cases, AreNamedDeclareTheirWorkAndRefuseTooFewRows) {
  const std::vector<gpulab::case_entry> entries = regression_cases();
  const std::vector<std::string> names = {"linear_normal_equations",   "linear_normal_equations_syrk",
                                          "linear_normal_equations_gemm", "linear_normal_equations_one_pass",
                                          "linear_qr",                 "linear_qr_geqrf",
                                          "linear_svd",
                                          "logistic_gradient_descent", "logistic_newton",
                                          "pca_covariance",            "pca_covariance_one_pass",
                                          "pca_svd"};
  ASSERT_EQ(entries.size(), names.size());
  gpulab::run_options o;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].name, names[i]);
    EXPECT_EQ(entries[i].check_size, 1001u);
    o.size = 1001;
    const auto made = entries[i].make(o);
    ASSERT_EQ(made.size(), 1u);
    const auto& c = *made.front();
    EXPECT_EQ(c.name(), names[i]);
    EXPECT_NE(c.size_label().find("1001 x 64"), std::string::npos) << c.size_label();
    EXPECT_GT(c.work().bytes_read, 1001.0 * 64 * 4 - 1) << names[i];  // X at least once
    EXPECT_GT(c.work().flops, 0.0);
    EXPECT_GT(c.device_bytes_needed(), 1001u * 64 * 4);
    // Fewer rows, fewer features: always more rows than parameters.
    o.size = 31;
    EXPECT_NE(entries[i].make(o).front()->size_label().find("31 x 15"), std::string::npos);
    o.size = 2;
    EXPECT_THROW(entries[i].make(o), gpulab::usage_error) << names[i];
  }
  // Gradient descent reads X and y once per pass: 101 passes of 1M x 65 floats.
  const auto gradient_descent = std::find_if(entries.begin(), entries.end(), [](const gpulab::case_entry& e) {
    return e.name == "logistic_gradient_descent";
  });
  ASSERT_NE(gradient_descent, entries.end());
  o.size = 1 << 20;
  const auto gd = gradient_descent->make(o);
  EXPECT_DOUBLE_EQ(gd.front()->work().bytes_read, 101.0 * (1 << 20) * 65 * 4);
  EXPECT_EQ(gd.front()->peak(), gpulab::peak_kind::device_memory);  // 272 MB: more than any L2
  o.size = 100003;
  EXPECT_EQ(gradient_descent->make(o).front()->peak(), gpulab::peak_kind::none);  // 26 MB stays in L2 between passes
  const std::vector<gpulab::demo_entry> demos = regression_demos();
  ASSERT_EQ(demos.size(), 2u);
  EXPECT_EQ(demos[0].name, "linear_conditioning");
  EXPECT_EQ(demos[1].name, "logistic_newton_vs_gd");
}

TEST(ml_logistic_cpu, LabelsMustBeZeroOrOne) {
  classification_dataset d = make_classification_data({.rows = 101, .features = 3, .seed = 2});
  d.y[42] = 2.0f;
  const auto problem = label_problem(d.y);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("label 42 is 2"), std::string::npos) << *problem;
  EXPECT_THROW(fit_logistic_cpu(d.x, d.rows, d.features, d.y, {}), gpulab::usage_error);
}

// ------------------------------------------------------------------ the cases on --input

gpulab::run_options on_file(const gpulab::testing::temporary_file& f, const std::string& columns,
                            const std::string& target) {
  gpulab::run_options o;
  o.parameters["input"] = f.path.string();
  o.parameters["columns"] = columns;
  if (!target.empty()) o.parameters["target"] = target;
  return o;
}

bool learns_a_target(const std::string& name) { return name.starts_with("linear_") || name.starts_with("logistic_"); }

// One case per entry, sized by the file ("FILE: 4999 x 5"); linear regression learns y,
// logistic regression the 0/1 label, PCA reads the features alone (5 of them: 5 components).
// Without --target the regression entries make no case and PCA still does.
TEST(ml_regression_cases, ReadTheInputFileWhenMade) {
  using gpulab::testing::planted_regression_data;
  const planted_regression_data d = gpulab::testing::make_planted_regression_data(
      planted_regression_data::test_rows, planted_regression_data::test_seed);
  const gpulab::testing::temporary_file f("planted", gpulab::testing::planted_regression_csv(d));
  const std::string size = f.path.string() + ": 4999 x 5";
  for (const gpulab::case_entry& e : regression_cases()) {
    const std::string target = e.name.starts_with("logistic_") ? "label" : "y";
    const auto made = e.make(on_file(f, "a,b,c,d,e", target));
    ASSERT_EQ(made.size(), 1u) << e.name;
    const gpulab::bench_case& c = *made.front();
    EXPECT_EQ(c.name(), e.name);
    EXPECT_TRUE(c.size_label().starts_with(size)) << c.size_label();
    EXPECT_DOUBLE_EQ(c.size_value(), 4999.0) << e.name;
    EXPECT_GT(c.work().bytes_read, 4999.0 * 5 * 4 - 1) << e.name;  // X at least once
    if (e.name.starts_with("pca_")) {
      EXPECT_EQ(c.size_label(), size + " -> 5");
    } else if (e.name.starts_with("logistic_")) {
      EXPECT_EQ(c.size_label(), size + ", " + (e.name == "logistic_newton" ? "8" : "100") + " iterations");
    } else {
      EXPECT_EQ(c.size_label(), size);
    }
    // No target: nothing to learn for regression; PCA never reads one.
    const auto untargeted = e.make(on_file(f, "a,b,c,d,e", ""));
    EXPECT_EQ(untargeted.size(), learns_a_target(e.name) ? 0u : 1u) << e.name;
    // A target that is also a feature, and --size with --input: the options say it.
    EXPECT_THROW(e.make(on_file(f, "a,b,y", "y")), gpulab::usage_error) << e.name;
    gpulab::run_options sized = on_file(f, "a,b", "y");
    sized.size = 1001;
    EXPECT_NE(error_message<gpulab::usage_error>([&] { e.make(sized); }).find("--size and --input"), std::string::npos);
  }
  // Fewer columns, fewer components.
  const auto two = pca_cases(pca_method::qr_svd, on_file(f, "e,a", ""));
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two.front()->size_label(), f.path.string() + ": 4999 x 2 -> 2");
}

// The file's floats come back exactly (9 significant digits), and the CPU baselines, which
// the GPU cases are verified against, find the planted model within the bounds the GPU test
// (regression_gpu_test.cpp) holds the GPU cases to.
TEST(ml_regression_cases, ThePlantedFileGivesBackItsFloatsAndTheCpuFindsItsTruth) {
  using data = gpulab::testing::planted_regression_data;
  const data d = gpulab::testing::make_planted_regression_data(data::test_rows, data::test_seed);
  const gpulab::testing::temporary_file f("planted", gpulab::testing::planted_regression_csv(d));
  const features_and_target read = load_features_and_target_host({f.path.string(), {"a", "b", "c", "d", "e"}, "y"});
  ASSERT_EQ(read.x.rows, d.rows);
  for (std::int64_t i = 0; i < d.rows; ++i) {
    for (int j = 0; j < 5; ++j) ASSERT_EQ(read.x.values[std::size_t(i * 5 + j)], d.x[std::size_t(i + j * d.rows)]);
  }
  EXPECT_EQ(std::vector<float>(read.y.begin(), read.y.end()), d.y);  // the file's doubles, narrowed as the fits take them
  const std::vector<double> w(data::linear_weights.begin(), data::linear_weights.end());
  const std::vector<double> v(data::logistic_weights.begin(), data::logistic_weights.end());
  linear_regression_params lp;
  const cpu_linear_fit linear = fit_linear_cpu(d.x, d.rows, 5, d.y, lp);
  EXPECT_LT(relative_error(linear.weights, w), data::linear_weights_tolerance);
  EXPECT_NEAR(linear.intercept, data::linear_intercept, data::linear_intercept_tolerance);
  // The cases' settings: 100 gradient steps of rate 1, or 8 Newton steps; l2 = 1e-3.
  for (const auto method : {logistic_method::gradient_descent, logistic_method::newton}) {
    logistic_regression_params p;
    p.method = method;
    p.iterations = method == logistic_method::newton ? 8 : 100;
    p.l2 = 1e-3f;
    const cpu_logistic_fit fit = fit_logistic_cpu(d.x, d.rows, 5, d.label, p);
    const std::vector<double> fitted(fit.coefficients.begin(), fit.coefficients.end() - 1);
    EXPECT_LT(relative_error(fitted, v), data::logistic_weights_tolerance) << method_name(method);
    EXPECT_NEAR(fit.coefficients.back(), data::logistic_intercept, data::logistic_intercept_tolerance);
  }
  const cpu_pca_fit pca = fit_pca_cpu(d.x, d.rows, 5, 5);
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_GT(std::abs(pca.components[k + 5 * k]), data::pca_axis_at_least) << "component " << k;
    const double variance = data::scale[k] * data::scale[k];
    EXPECT_NEAR(pca.explained_variance[k], variance, data::pca_variance_tolerance * variance) << "component " << k;
  }
}

// Each bad file is refused when the case is made, before any GPU work, in one line that says
// where: the file, its line and the column's name.
TEST(ml_regression_cases, RefuseABadInputFileInOneLineNamingTheLine) {
  using gpulab::testing::temporary_file;
  // A target of 3 at file line 7 (data row 6): a logistic case named on the command line is
  // refused; in a run of every case the logistic cases are left out, and linear fits the file.
  // Labels are checked as the file writes them: 0.99999999 and 1e-50 are no labels.
  for (const auto& [bad, shown] : {std::pair{"3", "3"}, std::pair{"0.99999999", "0.99999999"}, std::pair{"1e-50", "1e-50"}}) {
    const temporary_file labels("labels", std::string("a,b,y\n0.5,1,0\n-1.25,2,1\n2,0.5,1\n0.75,-3,0\n1.5,4,1\n-2,1.5,") +
                                              bad + "\n3,-1,0\n");
    for (const auto method : {logistic_method::gradient_descent, logistic_method::newton}) {
      gpulab::run_options named = on_file(labels, "a,b", "y");
      named.selected = {std::string("logistic_") + gpulab::ml::method_name(method)};
      const std::string what = error_message<gpulab::usage_error>([&] { logistic_regression_cases(method, named); });
      EXPECT_EQ(what, labels.path.string() + ":7: column 'y' is " + shown + "; logistic regression needs labels 0 or 1");
      EXPECT_TRUE(logistic_regression_cases(method, on_file(labels, "a,b", "y")).empty()) << bad;
    }
    EXPECT_EQ(linear_regression_cases(least_squares_method::qr, on_file(labels, "a,b", "y")).size(), 1u);
  }
  // A missing feature value (line 4): the reader's line and column, for every algorithm.
  const temporary_file missing("missing", "a,b,y\n1,2,0\n3,4,1\n5,,0\n7,8,1\n9,1,0\n");
  const std::string where = missing.path.string() + ":4: column 'b' has a missing value";
  EXPECT_NE(error_message<gpulab::numerical_error>([&] { linear_regression_cases(least_squares_method::qr, on_file(missing, "a,b", "y")); })
                .find(where),
            std::string::npos);
  EXPECT_NE(error_message<gpulab::numerical_error>([&] { logistic_regression_cases(logistic_method::newton, on_file(missing, "a,b", "y")); })
                .find(where),
            std::string::npos);
  EXPECT_NE(error_message<gpulab::numerical_error>([&] { pca_cases(pca_method::covariance_eigen, on_file(missing, "b", "")); })
                .find(where),
            std::string::npos);
  // A constant column, by its name (the fits' own check would say "column 1").
  const temporary_file constant("constant", "a,b,y\n1,2.5,0\n3,2.5,1\n-5,2.5,0\n7,2.5,1\n");
  EXPECT_NE(error_message<gpulab::usage_error>([&] { pca_cases(pca_method::qr_svd, on_file(constant, "a,b", "")); })
                .find(constant.path.string() + ": column 'b' is constant (every value is 2.5)"),
            std::string::npos);
  EXPECT_THROW(linear_regression_cases(least_squares_method::svd, on_file(constant, "b,a", "y")), gpulab::usage_error);
  // Too few rows: least squares needs features + 1 (here 3 rows for 3 features); the thin
  // SVD as many rows as features; the covariance takes 2 rows.
  const temporary_file few("few", "a,b,c,y\n1,2,0.5,1\n3,-4,2,0\n5,6,-1,1\n");
  for (const auto method : {least_squares_method::normal_equations, least_squares_method::qr, least_squares_method::svd}) {
    EXPECT_NE(error_message<gpulab::usage_error>([&] { linear_regression_cases(method, on_file(few, "a,b,c", "y")); })
                  .find(few.path.string() + ": linear regression: 3 rows for 3 features"),
              std::string::npos)
        << method_name(method);
  }
  EXPECT_EQ(linear_regression_cases(least_squares_method::qr, on_file(few, "a,b", "y")).size(), 1u);
  const temporary_file wide("wide", "a,b,c,d\n1,2,0.5,1\n3,-4,2,0\n5,6,-1,1\n");
  EXPECT_NE(error_message<gpulab::usage_error>([&] { pca_cases(pca_method::qr_svd, on_file(wide, "a,b,c,d", "")); })
                .find("at least as many rows as features"),
            std::string::npos);
  EXPECT_EQ(pca_cases(pca_method::covariance_eigen, on_file(wide, "a,b,c,d", "")).front()->size_label(),
            wide.path.string() + ": 3 x 4 -> 4");
  // 65 features: more than logistic regression's fused pass holds.
  std::string header, text;
  std::vector<std::string> names;
  for (int j = 0; j < 65; ++j) names.push_back("f" + std::to_string(j)), header += names.back() + ",";
  text = header + "y\n";
  for (int i = 0; i < 101; ++i) {
    for (int j = 0; j < 65; ++j) text += std::to_string(seeded_normal(5, 1, std::uint64_t(i * 65 + j))) + ",";
    text += std::to_string(i % 2) + "\n";
  }
  const temporary_file many("many", text);
  header.pop_back();
  EXPECT_NE(error_message<gpulab::usage_error>([&] { logistic_regression_cases(logistic_method::newton, on_file(many, header, "y")); })
                .find("gives 65 features; at most 64"),
            std::string::npos);
  EXPECT_EQ(linear_regression_cases(least_squares_method::qr, on_file(many, header, "y")).size(), 1u);
}

}  // namespace
