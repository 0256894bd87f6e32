// SPDX-License-Identifier: MIT
// Module 7 `ml` on the GPU: linear regression (normal equations, QR, SVD),
// logistic regression (fused gradient descent, Newton) and PCA (covariance,
// thin SVD), each at odd sizes against its CPU baseline, with the outputs
// poisoned (NaN) before every fit; an ill-conditioned and a rank-deficient
// case; every case on a CSV file (--input) with a planted model; and every bad
// input refused with one clear line.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "common/temporary_file.hpp"
#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/linalg/layout.hpp"
#include "gpulab/ml/linear_data.hpp"
#include "gpulab/ml/linear_regression.hpp"
#include "gpulab/ml/logistic_regression.hpp"
#include "gpulab/ml/pca.hpp"
#include "gpulab/ml/regression_cases.hpp"
#include "gpulab/ml/regression_cpu.hpp"
#include "planted_regression_csv.hpp"

namespace {

using namespace gpulab::ml;
using gpulab::device_buffer;
namespace linalg = gpulab::linalg;

class ml_regression_gpu : public GpuTest {};

constexpr double u = gpulab::float_unit_roundoff;

linalg::matrix_view<const float> view(const device_buffer<float>& x, std::int64_t rows, int features) {
  return linalg::column_major<const float>(x.data(), static_cast<int>(rows), features);
}

std::vector<float> read(const float* device, std::size_t n, cuda::stream_ref s) {
  std::vector<float> host(n);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(host.data(), device, n * sizeof(float), cudaMemcpyDeviceToHost, s.get()));
  gpulab::synchronize(s);
  return host;
}

void poison(float* device, std::size_t n, cuda::stream_ref s) {
  GPULAB_CUDA_TRY(cudaMemsetAsync(device, 0xFF, n * sizeof(float), s.get()));  // NaN: an unwritten value fails
}

double relative_error(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < b.size(); ++i) diff += (a[i] - b[i]) * (a[i] - b[i]), norm += b[i] * b[i];
  return std::sqrt(diff / norm);
}

template <class F>
void expect_usage_error_containing(F&& f, const std::string& words) {
  try {
    f();
    ADD_FAILURE() << "accepted; expected an error saying \"" << words << "\"";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

constexpr least_squares_method all_methods[] = {least_squares_method::normal_equations, least_squares_method::qr,
                                               least_squares_method::svd};

// The GPU fit of one method on `data`, its weights and intercept as doubles.
struct gpu_fit {
  std::vector<double> weights;
  double intercept = 0;
  int rank = 0;
};
gpu_fit fit_on_gpu(gpulab::resources& res, const linear_dataset& data, least_squares_method method, float ridge = 0,
                   qr_factorization qr = qr_factorization::tall_skinny) {
  const cuda::stream_ref s = res.stream();
  const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
  linear_regression_params p;
  p.method = method;
  p.ridge = ridge;
  p.qr = qr;
  linear_regression model(res, data.rows, data.features, p);
  poison(model.coefficients_data(), static_cast<std::size_t>(data.features) + 1, s);
  GPULAB_CUDA_TRY(cudaMemsetAsync(model.rank_data(), 0xFF, sizeof(int), s.get()));
  model.fit_async(view(x, data.rows, data.features), y.span());
  model.check();
  const linear_model m = model.model();
  return {{m.weights.begin(), m.weights.end()}, m.intercept, m.rank};
}

TEST_F(ml_regression_gpu, EveryRegressionCaseVerifiesThroughTheRunner) {
  gpulab::training_module m;
  m.name = "ml";
  m.cases = regression_cases();
  // 31 rows: 15 features; 1001: 64 features, few rows per parameter; 100003: many.
  expect_every_case_verifies(m, {31, 1001, 100003});
}

// Every case on a CSV file (`--input planted.csv --columns a,b,c,d,e --target y`, logistic
// regression --target label) through the runner: verified against its CPU baseline, and
// near the file's planted model by planted_regression_csv.hpp's bounds (sampling error at
// 4999 rows; the host test holds the CPU baselines to the same bounds). The coefficients
// read back are what the last timed run left.
TEST_F(ml_regression_gpu, EveryRegressionCaseOnACsvFileVerifiesAndFindsThePlantedModel) {
  using data = gpulab::testing::planted_regression_data;
  const data d = gpulab::testing::make_planted_regression_data(data::test_rows, data::test_seed);
  const gpulab::testing::temporary_file f("planted", gpulab::testing::planted_regression_csv(d));
  gpulab::run_options options = quick_run_options();
  options.parameters["input"] = f.path.string();
  options.parameters["columns"] = "a,b,c,d,e";
  gpulab::resources res = gpulab::make_resources(options, false);
  const cuda::stream_ref s = res.stream();
  const std::vector<double> linear_weights(data::linear_weights.begin(), data::linear_weights.end());
  const std::vector<double> logistic_weights(data::logistic_weights.begin(), data::logistic_weights.end());
  for (const gpulab::case_entry& e : regression_cases()) {
    const bool logistic = e.name.starts_with("logistic_"), principal = e.name.starts_with("pca_");
    options.parameters["target"] = logistic ? "label" : "y";
    const auto made = e.make(options);
    ASSERT_EQ(made.size(), 1u) << e.name;
    gpulab::bench_case& c = *made.front();
    EXPECT_EQ(c.size_label().find(f.path.string() + ": 4999 x 5"), 0u) << c.size_label();
    const gpulab::case_result r = gpulab::run_case(c, res, options);
    EXPECT_TRUE(r.verified) << e.name << ": " << r.verify_detail;
    EXPECT_EQ(r.verify_detail.find("planted"), std::string::npos) << "a file has no planted truth: " << r.verify_detail;
    const std::vector<gpulab::output_region> out = c.outputs();
    if (principal) {
      // Components 5 x 5 (column-major), then their variances.
      const std::vector<float> components = read(static_cast<const float*>(out.at(0).data), 25, s);
      const std::vector<float> variance = read(static_cast<const float*>(out.at(1).data), 5, s);
      for (std::size_t k = 0; k < 5; ++k) {
        EXPECT_GT(std::abs(components[k + 5 * k]), data::pca_axis_at_least) << e.name << " component " << k;
        const double planted = data::scale[k] * data::scale[k];
        EXPECT_NEAR(variance[k], planted, data::pca_variance_tolerance * planted) << e.name << " component " << k;
      }
      continue;
    }
    // The weights, then the intercept.
    const std::vector<float> coefficients = read(static_cast<const float*>(out.at(0).data), 6, s);
    const std::vector<double> w(coefficients.begin(), coefficients.end() - 1);
    if (logistic) {
      EXPECT_LT(relative_error(w, logistic_weights), data::logistic_weights_tolerance) << e.name;
      EXPECT_NEAR(coefficients.back(), data::logistic_intercept, data::logistic_intercept_tolerance) << e.name;
    } else {
      EXPECT_LT(relative_error(w, linear_weights), data::linear_weights_tolerance) << e.name;
      EXPECT_NEAR(coefficients.back(), data::linear_intercept, data::linear_intercept_tolerance) << e.name;
    }
  }
}

// The planted file with column a in thousandths (x 1000): gradient descent at rate 1 would
// climb there (regression_host_test.cpp shows it on the CPU); the case takes the step X allows
// (logistic_stable_step, ~2.8e-6 here), says it, verifies, and its loss falls at every step.
TEST_F(ml_regression_gpu, LogisticGradientDescentOnAColumnInTheThousandsTakesAStableStep) {
  using data = gpulab::testing::planted_regression_data;
  data d = gpulab::testing::make_planted_regression_data(data::test_rows, data::test_seed);
  for (std::size_t i = 0; i < static_cast<std::size_t>(d.rows); ++i) d.x[i] *= 1000.0f;
  const gpulab::testing::temporary_file f("thousands", gpulab::testing::planted_regression_csv(d));
  gpulab::run_options options = quick_run_options();
  options.parameters["input"] = f.path.string();
  options.parameters["columns"] = "a,b,c,d,e";
  options.parameters["target"] = "label";
  gpulab::resources res = gpulab::make_resources(options, false);
  const auto made = logistic_regression_cases(logistic_method::gradient_descent, options);
  ASSERT_EQ(made.size(), 1u);
  const gpulab::case_result r = gpulab::run_case(*made.front(), res, options);
  EXPECT_TRUE(r.verified) << r.verify_detail;
  // The case finds the step on the GPU (float Gram); the CPU's in double agrees to ~1e-5.
  const double expected_step = logistic_stable_step(d.x, d.rows, 5, 1e-3);
  const std::size_t at = r.verify_detail.find("step ");
  ASSERT_NE(at, std::string::npos) << r.verify_detail;
  const double shown_step = std::stod(r.verify_detail.substr(at + 5));  // printed with 3 digits
  EXPECT_NEAR(shown_step, expected_step, 5e-3 * expected_step) << r.verify_detail;
  const std::vector<float> loss = read(static_cast<const float*>(made.front()->outputs().at(1).data), 101, res.stream());
  for (std::size_t t = 1; t < loss.size(); ++t) EXPECT_LE(loss[t], loss[t - 1] * (1 + 1e-5)) << "iteration " << t;
  EXPECT_LT(loss.back(), loss.front() - 0.05f);
}

// The stable step found on the GPU (the Gram of X by row chunks, its column sums) against the
// CPU's in double: 3 whole chunks of 4096 rows and a short one, 7 columns with scales 0.2..0.5,
// two correlated, two with means away from 0, and once more with a column in the thousands.
// At scale 1 the column of ones matters: a step from X^T X alone, or with the means lost, is
// off by more than 10% (checked below), so a GPU step that drops either fails the 1e-4 bound.
// The float chunk sums differ from the CPU's double ones by ~1e-6.
TEST_F(ml_regression_gpu, TheStableStepOnTheGpuIsTheCpus) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const std::int64_t n = 3 * 4096 + 1001;
  constexpr int d = 7, size = d + 1;
  const auto rows = static_cast<std::size_t>(n);
  std::vector<float> x(rows * d);
  for (std::size_t i = 0; i < rows; ++i) {
    for (int j = 0; j < d; ++j) x[i + j * rows] = static_cast<float>((0.2 + 0.05 * j) * seeded_normal(31, 2, i * d + j));
    x[i + 2 * rows] += 0.7f * x[i];  // columns 0 and 2 correlated
    x[i + 4 * rows] += 0.6f;         // means away from 0
    x[i + 5 * rows] -= 0.4f;
  }
  constexpr double l2 = 1e-3;
  for (const float scale : {1.0f, 1000.0f}) {
    SCOPED_TRACE("column 3 times " + std::to_string(scale));
    std::vector<float> scaled = x;
    for (std::size_t i = 0; i < rows; ++i) scaled[i + 3 * rows] *= scale;
    const device_buffer<float> on_device = gpulab::upload(scaled, s);
    const double gpu = logistic_stable_step(res, view(on_device, n, d), l2);
    const double cpu = logistic_stable_step(scaled, n, d, l2);
    EXPECT_NEAR(gpu, cpu, 1e-4 * cpu);
    if (scale != 1.0f) continue;
    // [X 1]^T [X 1] / n here, in double (column-major, the lower triangle), and two wrong versions.
    auto at = [&](std::size_t i, int j) { return j < d ? double{scaled[i + j * rows]} : 1.0; };
    std::vector<double> gram(static_cast<std::size_t>(size) * size, 0.0), xtx(static_cast<std::size_t>(d) * d, 0.0);
    for (int j = 0; j < size; ++j) {
      for (int k = j; k < size; ++k) {
        double sum = 0;
        for (std::size_t i = 0; i < rows; ++i) sum += at(i, j) * at(i, k);
        gram[k + j * size] = sum / static_cast<double>(n);
        if (k < d) xtx[k + j * d] = gram[k + j * size];
      }
    }
    EXPECT_NEAR(logistic_step_from_gram(gram, size, l2), cpu, 1e-9 * cpu);
    EXPECT_GT(std::abs(logistic_step_from_gram(xtx, d, l2) - cpu), 0.1 * cpu) << "without the ones";
    std::vector<double> means_lost = gram;
    for (int j = 0; j < d; ++j) means_lost[d + j * size] = 0;
    EXPECT_GT(std::abs(logistic_step_from_gram(means_lost, size, l2) - cpu), 0.1 * cpu) << "without the means";
  }
  const device_buffer<float> on_device = gpulab::upload(x, s);
  expect_usage_error_containing(
      [&] { logistic_stable_step(res, linalg::row_major<const float>(on_device.data(), 1001, d), l2); },
      "logistic step: X must be column-major with leading dimension rows");
  expect_usage_error_containing(
      [&] { logistic_stable_step(res, linalg::column_major<const float>(on_device.data(), 1001, d, 4096), l2); },
      "leading dimension rows");
  expect_usage_error_containing(
      [&] { logistic_stable_step(res, linalg::column_major<const float>(on_device.data(), 0, d), l2); },
      "logistic step: X must have 1..2^31 - 1 rows");
}

TEST_F(ml_regression_gpu, TheDemosShowTheirLessons) {
  gpulab::resources res(0);
  gpulab::run_options options = quick_run_options(20001);
  const std::vector<gpulab::demo_entry> demos = regression_demos();
  // Conditioning: QR's error grows as cond x eps, the normal equations' faster (or they fail).
  const gpulab::demo_output conditioning = demos.at(0).run(res, options);
  ASSERT_EQ(conditioning.tables.size(), 1u);
  const auto& rows = conditioning.tables[0].rows;
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double condition = std::pow(10.0, double(i + 1));
    ASSERT_TRUE(rows[i][2].number.has_value()) << "QR must give a number at cond " << condition;
    // cond x eps times a few hundred: the blocked Householder's error grows slowly with the rows.
    EXPECT_LT(*rows[i][2].number, 500 * u * condition) << "QR at cond " << condition;
    EXPECT_LT(*rows[i][3].number, 500 * u * condition) << "SVD at cond " << condition;
    if (i >= 2 && rows[i][1].number) {
      EXPECT_GT(*rows[i][1].number, 10 * *rows[i][2].number) << "normal equations at cond " << condition;
    }
  }
  // Newton against gradient descent: the demo checks that Newton reaches GD's loss.
  const gpulab::demo_output newton = demos.at(1).run(res, options);
  EXPECT_TRUE(newton.verified);
  ASSERT_EQ(newton.tables.size(), 1u);
  EXPECT_EQ(newton.tables[0].rows.size(), 9u);  // steps 0..8
}

TEST_F(ml_regression_gpu, LinearMethodsMatchTheCpuWellAndIllConditioned) {
  gpulab::resources res(0);
  for (const double condition : {10.0, 1e3}) {
    // Ill-conditioned without noise: then the least-squares answer's sensitivity is
    // cond x eps (with noise r, a cond^2 x |r| term joins it for every method).
    const linear_dataset data = make_linear_data(
        {.rows = 1001, .features = 7, .condition = condition, .noise = condition < 100 ? 0.01 : 0.0, .seed = 17});
    double qr_error = 0, normal_error = -1;
    for (const auto method : all_methods) {
      linear_regression_params p;
      p.method = method;
      const cpu_linear_fit cpu = fit_linear_cpu(data.x, data.rows, data.features, data.y, p);
      try {
        const gpu_fit gpu = fit_on_gpu(res, data, method);
        const double error = relative_error(gpu.weights, cpu.weights);
        // cond x eps for QR and SVD, cond^2 x eps for the normal equations, x 100 for margin (7 features, 1001 rows).
        const double bound = 100 * u * (method == least_squares_method::normal_equations ? condition * condition : condition);
        if (method == least_squares_method::normal_equations) normal_error = error;
        if (method == least_squares_method::qr) qr_error = error;
        if (condition < 100 || method != least_squares_method::normal_equations) {
          EXPECT_LT(error, bound) << method_name(method) << " at cond " << condition;
          EXPECT_NEAR(gpu.intercept, cpu.intercept, bound * std::max(1.0, std::abs(cpu.intercept)));
        }
        EXPECT_EQ(gpu.rank, 7) << method_name(method);
      } catch (const gpulab::numerical_error& e) {
        // Only the normal equations may fail, and only ill-conditioned: cond^2 = 1e6 is near float's 1 / eps.
        EXPECT_TRUE(method == least_squares_method::normal_equations && condition > 100) << e.what();
      }
    }
    if (condition > 100 && normal_error >= 0) {
      EXPECT_GT(normal_error, 10 * qr_error) << "the normal equations should lose about cond times more digits";
    }
  }
}

// QR and SVD with R from the tall-skinny tree and from geqrf, against the double CPU fit, well- and
// ill-conditioned, at sizes that give the tree three levels (1001 rows) and six (300007 rows), and
// at 64 features, where [X y] is 65 columns (three warps, the last with one column). The weights
// cannot see a lost block of rows on noiseless data (any rows give the same answer): the deep
// tree's setting has noise, and the tree's own test compares R itself.
TEST_F(ml_regression_gpu, QrByTheTreeAndByGeqrfMatchTheCpu) {
  gpulab::resources res(0);
  struct setting {
    std::int64_t rows;
    int features;
    double condition;
  };
  for (const setting& c : {setting{1001, 64, 10}, setting{300007, 7, 10}, setting{100003, 7, 1e3}, setting{100003, 64, 1e2}}) {
    // Noise only where the data are well-conditioned (with noise r, a cond^2 x |r| term joins every method's error).
    const linear_dataset data = make_linear_data({.rows = c.rows, .features = c.features, .condition = c.condition,
                                                  .noise = c.condition < 100 ? 0.01 : 0.0, .seed = 29});
    for (const auto method : {least_squares_method::qr, least_squares_method::svd}) {
      linear_regression_params p;
      p.method = method;
      const cpu_linear_fit cpu = fit_linear_cpu(data.x, data.rows, data.features, data.y, p);
      // cond x eps, x 200 for the rows (Householder's error grows slowly with them).
      const double bound = 200 * u * centered_condition_number(data.x, data.rows, data.features);
      for (const auto qr : {qr_factorization::tall_skinny, qr_factorization::geqrf}) {
        const gpu_fit gpu = fit_on_gpu(res, data, method, 0, qr);
        const std::string what = std::string(method_name(method)) + " by " + qr_name(qr) + ", " +
                                 std::to_string(c.rows) + " x " + std::to_string(c.features);
        const double error = relative_error(gpu.weights, cpu.weights);
        std::printf("  %s: weights rel err %.2e (bound %.2e)\n", what.c_str(), error, bound);
        EXPECT_LT(error, bound) << what;
        EXPECT_NEAR(gpu.intercept, cpu.intercept, bound * std::max(1.0, std::abs(cpu.intercept))) << what;
        EXPECT_EQ(gpu.rank, c.features) << what;
      }
    }
  }
}

// Past the tree's 128 columns ([X y] of 128 features is 129) QR falls back to geqrf: the fit must
// still run and match the CPU (the tree itself refuses 129 columns, so a pass proves the fallback).
TEST_F(ml_regression_gpu, QrWiderThanTheTreeFallsBackToGeqrf) {
  gpulab::resources res(0);
  const linear_dataset data = make_linear_data({.rows = 2003, .features = 128, .condition = 10, .noise = 0.01, .seed = 31});
  linear_regression_params p;
  p.method = least_squares_method::qr;
  const cpu_linear_fit cpu = fit_linear_cpu(data.x, data.rows, data.features, data.y, p);
  const gpu_fit gpu = fit_on_gpu(res, data, least_squares_method::qr, 0, qr_factorization::tall_skinny);
  const double bound = 200 * u * centered_condition_number(data.x, data.rows, data.features);
  EXPECT_LT(relative_error(gpu.weights, cpu.weights), bound);
  EXPECT_NEAR(gpu.intercept, cpu.intercept, bound * std::max(1.0, std::abs(cpu.intercept)));
  EXPECT_EQ(gpu.rank, 128);
}

// The coefficients of the normal equations with X^T X by SYRK, GEMM, row chunks and the one-pass kernel, side by side.
void expect_same_normal_equations_by_every_gram(std::int64_t rows) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const linear_dataset data = make_linear_data({.rows = rows, .features = 7, .condition = 10, .seed = 23});
  const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
  std::vector<std::vector<float>> results;
  for (const auto gram : {gram_product::syrk, gram_product::gemm, gram_product::chunked, gram_product::one_pass}) {
    linear_regression_params p;
    p.method = least_squares_method::normal_equations;
    p.gram = gram;
    linear_regression model(res, data.rows, 7, p);
    poison(model.coefficients_data(), 8, s);
    model.fit_async(view(x, data.rows, 7), y.span());
    model.check();
    results.push_back(read(model.coefficients().data(), 8, s));
  }
  for (std::size_t r = 1; r < results.size(); ++r) {
    for (std::size_t j = 0; j < 8; ++j) {
      EXPECT_NEAR(results[0][j], results[r][j], 1e-4 * (1 + std::abs(results[0][j]))) << rows << " rows, gram " << r << ", " << j;
    }
  }
}

// 1001 rows: one short chunk; 3 x 4096 + 77: three full chunks in the batched GEMM and a short one.
TEST_F(ml_regression_gpu, GramBySyrkGemmAndChunksGiveTheSameNormalEquations) {
  for (const std::int64_t rows : {1001, 3 * 4096 + 77}) {
    expect_same_normal_equations_by_every_gram(rows);
  }
}

// The one-pass version against the double CPU fit at every width it takes: one tile,
// a tile and a bit, the course's 64 and the widest (126); ridge too. Its Gram is tested
// entry by entry in gram_one_pass_gpu_test.cu; here, the one-block solve behind it.
TEST_F(ml_regression_gpu, OnePassNormalEquationsMatchTheCpuAtEveryWidth) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  for (const int d : {1, 7, 9, 64, 126}) {
    for (const float ridge : {0.0f, 2.0f}) {
      const linear_dataset data = make_linear_data({.rows = 4099, .features = d, .condition = 10, .seed = 40u + d});
      linear_regression_params p;
      p.method = least_squares_method::normal_equations;
      p.gram = gram_product::one_pass;
      p.ridge = ridge;
      const cpu_linear_fit cpu = fit_linear_cpu(data.x, data.rows, d, data.y, p);
      const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
      linear_regression model(res, data.rows, d, p);
      poison(model.coefficients_data(), std::size_t(d) + 1, s);
      model.fit_async(view(x, data.rows, d), y.span());
      model.check();
      const linear_model m = model.model();
      // cond(X) is about 10-15 here: float sums of a few hundred rows, then a double
      // solve, keep about 5 digits of the cond^2 ~ 200-system (2e-5 measured scale).
      EXPECT_LT(relative_error({m.weights.begin(), m.weights.end()}, cpu.weights), 1e-4) << d << " features, ridge " << ridge;
      EXPECT_NEAR(m.intercept, cpu.intercept, 1e-4 * (1 + std::abs(cpu.intercept))) << d << " features, ridge " << ridge;
      EXPECT_EQ(m.rank, d);
    }
  }
}

// A zero column makes X^T X singular: the one-block Cholesky meets a zero pivot there,
// says which column, and leaves NaN coefficients rather than numbers.
TEST_F(ml_regression_gpu, OnePassNormalEquationsNameTheColumnWhoseCholeskyPivotFails) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  linear_dataset data = make_linear_data({.rows = 1001, .features = 7, .condition = 10, .seed = 9});
  for (std::int64_t i = 0; i < data.rows; ++i) data.x[std::size_t(i + 3 * data.rows)] = 0.0f;
  linear_regression_params p;
  p.method = least_squares_method::normal_equations;
  p.gram = gram_product::one_pass;
  p.check_input = false;  // the input check would refuse the constant column first
  const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
  linear_regression model(res, data.rows, 7, p);
  model.fit_async(view(x, data.rows, 7), y.span());
  try {
    model.check();
    ADD_FAILURE() << "a singular X^T X was solved";
  } catch (const gpulab::numerical_error& e) {
    EXPECT_NE(std::string(e.what()).find("column 4 of [X 1]"), std::string::npos) << e.what();
  }
  for (const float c : read(model.coefficients().data(), 8, s)) EXPECT_TRUE(std::isnan(c));
  // With a ridge the same X is solvable: the zero column gets weight 0.
  p.ridge = 1.0f;
  linear_regression ridge_model(res, data.rows, 7, p);
  ridge_model.fit_async(view(x, data.rows, 7), y.span());
  ridge_model.check();
  EXPECT_EQ(read(ridge_model.coefficients().data(), 8, s)[3], 0.0f);
}

TEST_F(ml_regression_gpu, SvdGivesTheRankAndMinimumNormAnswerOfRankDeficientData) {
  gpulab::resources res(0);
  linear_dataset data = make_linear_data({.rows = 1001, .features = 7, .condition = 5, .noise = 0.01, .seed = 3});
  for (std::int64_t i = 0; i < data.rows; ++i) data.x[std::size_t(i + 6 * data.rows)] = data.x[std::size_t(i + 2 * data.rows)];
  linear_regression_params p;
  p.method = least_squares_method::svd;
  const cpu_linear_fit cpu = fit_linear_cpu(data.x, data.rows, data.features, data.y, p);
  const gpu_fit gpu = fit_on_gpu(res, data, least_squares_method::svd);
  EXPECT_EQ(cpu.rank, 6);
  EXPECT_EQ(gpu.rank, 6);
  EXPECT_LT(relative_error(gpu.weights, cpu.weights), 1e-4);
  EXPECT_NEAR(gpu.weights[2], gpu.weights[6], 1e-4);  // the twins share their weight
}

TEST_F(ml_regression_gpu, RidgeAgreesBetweenNormalEquationsSvdAndTheCpu) {
  gpulab::resources res(0);
  const linear_dataset data = make_linear_data({.rows = 1001, .features = 7, .condition = 30, .seed = 5});
  linear_regression_params p;
  p.method = least_squares_method::svd;
  p.ridge = 3;
  const cpu_linear_fit cpu = fit_linear_cpu(data.x, data.rows, data.features, data.y, p);
  for (const auto method : {least_squares_method::normal_equations, least_squares_method::svd}) {
    const gpu_fit gpu = fit_on_gpu(res, data, method, 3.0f);
    // X^T X + 3 I has condition ~250 here: the float normal equations keep ~4 digits, the SVD ~5.
    const double bound = method == least_squares_method::normal_equations ? 2e-3 : 2e-4;
    EXPECT_LT(relative_error(gpu.weights, cpu.weights), bound) << method_name(method);
  }
}

TEST_F(ml_regression_gpu, PredictIsXwPlusB) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const linear_dataset data = make_linear_data({.rows = 1001, .features = 7, .seed = 9});
  const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
  linear_regression model(res, data.rows, data.features, {});
  model.fit_async(view(x, data.rows, data.features), y.span());
  const linear_model m = model.model();
  // Predict on the first 333 rows: a column-major view of them has leading dimension 1001.
  device_buffer<float> predictions(333, s);
  poison(predictions.data(), 333, s);
  model.predict_async(linalg::column_major<const float>(x.data(), 333, 7, 1001), predictions.span());
  const std::vector<float> got = read(predictions.data(), 333, s);
  for (int i = 0; i < 333; ++i) {
    double expected = m.intercept;
    for (int j = 0; j < 7; ++j) expected += double(m.weights[std::size_t(j)]) * data.x[std::size_t(i + j * 1001)];
    ASSERT_NEAR(got[std::size_t(i)], expected, 1e-5 * (1 + std::abs(expected))) << i;
  }
  // Mismatched dimensions between fit and predict.
  expect_usage_error_containing(
      [&] { model.predict_async(linalg::column_major<const float>(x.data(), 1001, 6), predictions.span()); },
      "fitted on 7 features");
  expect_usage_error_containing(
      [&] { model.predict_async(linalg::column_major<const float>(x.data(), 334, 7, 1001), predictions.span()); },
      "333 predictions for 334 rows");
}

TEST_F(ml_regression_gpu, BadInputIsRefusedWithOneClearLine) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  // n smaller than the features (plus the intercept) without ridge; with ridge the normal equations take it.
  for (const auto method : all_methods) {
    linear_regression_params p;
    p.method = method;
    expect_usage_error_containing([&] { linear_regression(res, 7, 7, p); }, "least squares needs at least");
  }
  linear_regression_params ridge;
  ridge.method = least_squares_method::normal_equations;
  ridge.ridge = 0.5f;
  EXPECT_NO_THROW(linear_regression(res, 5, 7, ridge));
  // Constant and NaN/Inf columns, named with their first bad row.
  linear_dataset data = make_linear_data({.rows = 1001, .features = 7, .seed = 1});
  linear_dataset constant = data, broken = data;
  for (std::int64_t i = 0; i < data.rows; ++i) constant.x[std::size_t(i + 3 * data.rows)] = -1.5f;
  broken.x[std::size_t(500 + 4 * data.rows)] = std::numeric_limits<float>::infinity();
  broken.x[std::size_t(77 + 4 * data.rows)] = std::numeric_limits<float>::quiet_NaN();
  const device_buffer<float> xc = gpulab::upload(constant.x, s), xb = gpulab::upload(broken.x, s),
                             y = gpulab::upload(data.y, s);
  for (const auto method : all_methods) {
    linear_regression_params p;
    p.method = method;
    linear_regression model(res, data.rows, data.features, p);
    expect_usage_error_containing([&] { model.fit_async(view(xc, data.rows, 7), y.span()); }, "column 3 is constant");
    expect_usage_error_containing([&] { model.fit_async(view(xb, data.rows, 7), y.span()); },
                                  "column 4 holds 2 NaN or Inf values, the first at row 77");
    // Mismatched dimensions between the model and the data.
    expect_usage_error_containing([&] { model.fit_async(view(xb, data.rows, 6), y.span()); }, "built for 1001 x 7");
  }
  pca_params pp;
  pp.components = 3;  // the default, 8, is more than 7 features allow: refused below
  pca model(res, data.rows, 7, pp);
  expect_usage_error_containing([&] { model.fit_async(view(xc, data.rows, 7)); }, "column 3 is constant");
  pp.components = 8;
  expect_usage_error_containing([&] { pca(res, data.rows, 7, pp); }, "components must be in 1..7");
  // The one-pass widths: 126 features for regression ([X 1 y] is 128 columns); 64 for PCA,
  // whose eigen solver is one block.
  pp.components = 3;
  pp.gram = gram_product::one_pass;
  expect_usage_error_containing([&] { pca(res, 1001, 65, pp); }, "PCA (one_pass): at most 64 features (got 65;");
  pp.gram = gram_product::syrk;
  expect_usage_error_containing([&] { pca(res, 1001, 7, pp); }, "chunked or one_pass (got syrk)");
  linear_regression_params one_pass;
  one_pass.method = least_squares_method::normal_equations;
  one_pass.gram = gram_product::one_pass;
  expect_usage_error_containing([&] { linear_regression(res, 1001, 127, one_pass); },
                                "linear regression (one_pass): at most 126 features (got 127)");
  // Labels that are not 0 or 1.
  classification_dataset c = make_classification_data({.rows = 1001, .features = 7, .seed = 2});
  c.y[123] = 0.5f;
  const device_buffer<float> cx = gpulab::upload(c.x, s), cy = gpulab::upload(c.y, s);
  logistic_regression lr(res, c.rows, 7, {});
  expect_usage_error_containing([&] { lr.fit_async(view(cx, c.rows, 7), cy.span()); }, "label 123 is 0.5");
  expect_usage_error_containing([&] { logistic_regression(res, 1001, 65, {}); }, "1..64 features");
}

// X with one bad column each: column 2 constant (0.75), column 5 all NaN, column 6 one -Inf
// at row 611. What logistic regression and PCA refuse with check_input on (the default).
struct broken_features {
  std::vector<float> constant, nan_column, one_inf;
};
broken_features break_columns(const std::vector<float>& x, std::int64_t rows) {
  broken_features b{x, x, x};
  const auto n = static_cast<std::size_t>(rows);
  for (std::size_t i = 0; i < n; ++i) {
    b.constant[i + 2 * n] = 0.75f;
    b.nan_column[i + 5 * n] = std::numeric_limits<float>::quiet_NaN();
  }
  b.one_inf[611 + 6 * n] = -std::numeric_limits<float>::infinity();
  return b;
}

// Logistic regression with its input check: a constant column (it would make the Hessian
// singular without l2: refused, not fitted), a NaN column and one Inf are usage_error naming
// the column and the first bad row; a label that is not 0 or 1 names its row, NaN included (a
// range test such as y < 0 || y > 1 would let NaN through), the last row too. The clean data
// then fits: the check refuses what is bad, not everything. predict_proba refuses X of other
// features and outputs of another length.
TEST_F(ml_regression_gpu, LogisticRegressionRefusesBadInputWithOneClearLine) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const std::int64_t n = 1003;
  const classification_dataset data = make_classification_data({.rows = n, .features = 7, .seed = 12});
  const broken_features bad = break_columns(data.x, n);
  const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s),
                             constant = gpulab::upload(bad.constant, s), nan_column = gpulab::upload(bad.nan_column, s),
                             one_inf = gpulab::upload(bad.one_inf, s);
  std::vector<float> nan_label = data.y, two_last = data.y;
  nan_label[999] = std::numeric_limits<float>::quiet_NaN();
  two_last[1002] = 2.0f;
  const device_buffer<float> y_nan = gpulab::upload(nan_label, s), y_two = gpulab::upload(two_last, s);
  for (const auto method : {logistic_method::gradient_descent, logistic_method::newton}) {
    SCOPED_TRACE(method_name(method));
    logistic_regression_params p;
    p.method = method;
    p.iterations = 5;
    logistic_regression model(res, n, 7, p);
    expect_usage_error_containing([&] { model.fit_async(view(constant, n, 7), y.span()); },
                                  "logistic regression: column 2 is constant (every value is 0.750000)");
    expect_usage_error_containing([&] { model.fit_async(view(nan_column, n, 7), y.span()); },
                                  "logistic regression: column 5 holds 1003 NaN or Inf values, the first at row 0");
    expect_usage_error_containing([&] { model.fit_async(view(one_inf, n, 7), y.span()); },
                                  "logistic regression: column 6 holds 1 NaN or Inf value, the first at row 611");
    expect_usage_error_containing([&] { model.fit_async(view(x, n, 7), y_nan.span()); },
                                  "logistic regression: label 999 is nan: binary labels must be 0 or 1");
    expect_usage_error_containing([&] { model.fit_async(view(x, n, 7), y_two.span()); }, "label 1002 is 2.000000");
    model.fit_async(view(x, n, 7), y.span());
    model.check();
    for (const float c : read(model.coefficients(), 8, s)) EXPECT_TRUE(std::isfinite(c));
    device_buffer<float> probabilities(101, s);
    expect_usage_error_containing(
        [&] { model.predict_proba_async(linalg::column_major<const float>(x.data(), 101, 6, 1003), probabilities.span()); },
        "the model was fitted on 7 features, X has 6 columns");
    expect_usage_error_containing(
        [&] { model.predict_proba_async(linalg::column_major<const float>(x.data(), 102, 7, 1003), probabilities.span()); },
        "101 outputs for 102 rows");
  }
}

// PCA with its input check, every version: a NaN column and one Inf are usage_error naming the
// column and the first bad row (a constant column: BadInputIsRefusedWithOneClearLine); the clean
// data then fits. transform refuses X of other features and an output of the wrong shape or order.
TEST_F(ml_regression_gpu, PcaRefusesBadInputWithOneClearLine) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const std::int64_t n = 1003;
  const linear_dataset data = make_pca_data(n, 7, 10, 12);
  const broken_features bad = break_columns(data.x, n);
  const device_buffer<float> x = gpulab::upload(data.x, s), nan_column = gpulab::upload(bad.nan_column, s),
                             one_inf = gpulab::upload(bad.one_inf, s);
  const pca_params versions[] = {{.method = pca_method::covariance_eigen, .gram = gram_product::chunked},
                                 {.method = pca_method::covariance_eigen, .gram = gram_product::one_pass},
                                 {.method = pca_method::qr_svd, .qr = qr_factorization::tall_skinny},
                                 {.method = pca_method::qr_svd, .qr = qr_factorization::geqrf}};
  for (pca_params p : versions) {
    SCOPED_TRACE(std::string(method_name(p.method)) + ", " + gram_name(p.gram) + ", " + qr_name(p.qr));
    p.components = 3;
    pca model(res, n, 7, p);
    expect_usage_error_containing([&] { model.fit_async(view(nan_column, n, 7)); },
                                  "PCA: column 5 holds 1003 NaN or Inf values, the first at row 0");
    expect_usage_error_containing([&] { model.fit_async(view(one_inf, n, 7)); },
                                  "PCA: column 6 holds 1 NaN or Inf value, the first at row 611");
    model.fit_async(view(x, n, 7));
    model.check();
    for (const float v : read(model.explained_variance(), 3, s)) EXPECT_TRUE(std::isfinite(v) && v > 0) << v;
    device_buffer<float> out(501 * 3, s);
    const auto rows = linalg::column_major<const float>(x.data(), 501, 7, 1003);
    expect_usage_error_containing(
        [&] { model.transform_async(linalg::column_major<const float>(x.data(), 501, 6, 1003), linalg::column_major(out.data(), 501, 3)); },
        "PCA: fitted on 7 features, X has 6 columns");
    expect_usage_error_containing([&] { model.transform_async(rows, linalg::column_major(out.data(), 500, 3)); },
                                  "PCA: transform of 501 x 7 needs a 501 x 3 output, got 500 x 3");
    expect_usage_error_containing([&] { model.transform_async(rows, linalg::column_major(out.data(), 501, 2)); },
                                  "needs a 501 x 3 output, got 501 x 2");
    expect_usage_error_containing([&] { model.transform_async(rows, linalg::row_major(out.data(), 501, 3)); },
                                  "PCA: the transform's output must be column-major with leading dimension rows");
  }
}

// A PCA fit's outputs, read back: the components (features x components, in double
// for the angle checks), their variances and shares, and the means.
struct pca_outputs {
  std::vector<double> components;
  std::vector<float> variance, ratio, mean;
};

// Fits `model` on x (rows x model.features()) with every output poisoned first (a
// value not written fails), waits, and reads the outputs back.
pca_outputs fit_and_read(pca& model, const device_buffer<float>& x, std::int64_t rows, cuda::stream_ref s) {
  const auto d = static_cast<std::size_t>(model.features()), k = static_cast<std::size_t>(model.component_count());
  poison(model.components(), d * k, s);
  poison(model.explained_variance(), k, s);
  poison(model.explained_variance_ratio(), k, s);
  poison(const_cast<float*>(model.mean()), d, s);
  model.fit_async(view(x, rows, model.features()));
  model.check();
  const std::vector<float> c = read(model.components(), d * k, s);
  return {{c.begin(), c.end()}, read(model.explained_variance(), k, s), read(model.explained_variance_ratio(), k, s),
          read(model.mean(), d, s)};
}

TEST_F(ml_regression_gpu, PcaMatchesTheCpuInBothVersions) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const linear_dataset data = make_pca_data(1001, 7, 10, 13);
  const cpu_pca_fit cpu = fit_pca_cpu(data.x, data.rows, data.features, 3);
  const device_buffer<float> x = gpulab::upload(data.x, s);
  const pca_params versions[] = {{.method = pca_method::covariance_eigen, .gram = gram_product::chunked},
                                 {.method = pca_method::covariance_eigen, .gram = gram_product::one_pass},
                                 {.method = pca_method::qr_svd, .qr = qr_factorization::tall_skinny},
                                 {.method = pca_method::qr_svd, .qr = qr_factorization::geqrf}};
  for (pca_params p : versions) {
    const pca_method method = p.method;
    SCOPED_TRACE(std::string(method_name(method)) + ", " + gram_name(p.gram) + ", " + qr_name(p.qr));
    p.components = 3;
    pca model(res, data.rows, 7, p);
    const pca_outputs fit = fit_and_read(model, x, data.rows, s);
    const std::vector<double>& components = fit.components;
    const std::vector<float>&var = fit.variance, &ratio = fit.ratio;
    // Eigengaps of this spectrum are > 30%: float errors of ~1e-6 turn the subspace by far less than 1e-4.
    EXPECT_LT(largest_principal_angle(components, cpu.components, 7, 3), 1e-4) << method_name(method);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(var[k], cpu.explained_variance[k], 1e-4 * cpu.explained_variance[k]) << method_name(method);
      EXPECT_NEAR(ratio[k], cpu.explained_variance_ratio[k], 1e-4 * cpu.explained_variance_ratio[k]);
      // Each component singly too (signed so that its largest entry is positive), not only the subspace.
      double dot = 0;
      for (std::size_t i = 0; i < 7; ++i) dot += components[i + 7 * k] * cpu.components[i + 7 * k];
      EXPECT_NEAR(std::abs(dot), 1.0, 1e-5) << method_name(method) << " component " << k;
    }
    // transform = (X - mean) V_k, on 501 rows.
    device_buffer<float> out(501 * 3, s);
    poison(out.data(), 501 * 3, s);
    model.transform_async(linalg::column_major<const float>(x.data(), 501, 7, 1001),
                          linalg::column_major(out.data(), 501, 3));
    const std::vector<float> projected = read(out.data(), 501 * 3, s);
    for (int i = 0; i < 501; ++i) {
      for (int k = 0; k < 3; ++k) {
        double expected = 0;
        for (int j = 0; j < 7; ++j) {
          expected += (data.x[std::size_t(i + j * 1001)] - cpu.mean[std::size_t(j)]) * components[std::size_t(j + 7 * k)];
        }
        ASSERT_NEAR(projected[std::size_t(i + 501 * k)], expected, 1e-5 * (1 + std::abs(expected))) << i << ", " << k;
      }
    }
    expect_usage_error_containing(
        [&] { model.transform_async(linalg::column_major<const float>(x.data(), 501, 6, 1001), linalg::column_major(out.data(), 501, 3)); },
        "fitted on 7 features");
  }
}

// The one-pass PCA reads X once, summing X - shift in float (the shift: the mean of the
// first rows). Data far from the origin are where that matters: without the shift the
// float sums of x^2 ~ 1e8 would bury variances of ~1. Both the chunked version and the
// CPU centre exactly; all three must agree, and the means too.
TEST_F(ml_regression_gpu, PcaOnePassKeepsItsAccuracyFarFromTheOrigin) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  linear_dataset data = make_pca_data(20011, 9, 10, 17);
  for (int j = 0; j < 9; ++j) {
    for (std::int64_t i = 0; i < data.rows; ++i) data.x[std::size_t(i + j * data.rows)] += 1e4f * float(1 + j % 3);
  }
  const cpu_pca_fit cpu = fit_pca_cpu(data.x, data.rows, data.features, 4);
  const device_buffer<float> x = gpulab::upload(data.x, s);
  pca_params p{.method = pca_method::covariance_eigen, .gram = gram_product::one_pass};
  p.components = 4;
  pca model(res, data.rows, 9, p);
  const pca_outputs fit = fit_and_read(model, x, data.rows, s);
  const std::vector<double>& components = fit.components;
  const std::vector<float>&var = fit.variance, &mean = fit.mean;
  // Eigengaps > 30% (condition 10 over 9 features): float sums of ~2e4 rows err by ~1e-5.
  EXPECT_LT(largest_principal_angle(components, cpu.components, 9, 4), 1e-4);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(var[k], cpu.explained_variance[k], 1e-4 * cpu.explained_variance[k]);
  // The data's float spacing at 3e4 is 2e-3: the means agree to that, not better.
  for (std::size_t j = 0; j < 9; ++j) EXPECT_NEAR(mean[j], cpu.mean[j], 4e-3) << "mean " << j;
}

// With check_input off nothing scans X first: a NaN in X must come out as NaN, not as
// plausible components (the one-block solver turns a NaN matrix into NaN outputs, and
// its sign rule reads only inside the vector).
TEST_F(ml_regression_gpu, PcaOnePassWithoutTheCheckTurnsNanIntoNan) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  linear_dataset data = make_pca_data(1001, 7, 10, 19);
  data.x[std::size_t(500 + 2 * data.rows)] = std::numeric_limits<float>::quiet_NaN();
  const device_buffer<float> x = gpulab::upload(data.x, s);
  pca_params p{.method = pca_method::covariance_eigen, .gram = gram_product::one_pass};
  p.components = 3;
  p.check_input = false;
  pca model(res, data.rows, 7, p);
  const pca_outputs fit = fit_and_read(model, x, data.rows, s);
  for (double v : fit.components) EXPECT_TRUE(std::isnan(v)) << "component entry " << v;
  for (float v : fit.variance) EXPECT_TRUE(std::isnan(v)) << "variance " << v;
  for (float v : fit.ratio) EXPECT_TRUE(std::isnan(v)) << "ratio " << v;
  EXPECT_TRUE(std::isnan(fit.mean[2])) << "the mean of the column holding the NaN: " << fit.mean[2];
  EXPECT_FALSE(std::isnan(fit.mean[1])) << "a clean column's mean";
}

// The wide pass (17 to 64 features: a row a lane, the warp's gradient by a transposing
// shuffle tree) at widths that fill neither a float4 nor a warp of columns, on row counts
// that leave the last warp's tile part empty: the same fit as the CPU, step by step.
TEST_F(ml_regression_gpu, LogisticGradientDescentMatchesTheCpuAtWideWidths) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  for (const int d : {17, 37, 64}) {
    const classification_dataset data = make_classification_data({.rows = 4099 + 2 * d, .features = d, .seed = 70u + d});
    const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
    logistic_regression_params p;
    p.iterations = 40;
    const cpu_logistic_fit cpu = fit_logistic_cpu(data.x, data.rows, d, data.y, p);
    logistic_regression model(res, data.rows, d, p);
    const std::size_t history = static_cast<std::size_t>(p.iterations) + 1, size = std::size_t(d) + 1;
    poison(model.coefficients(), size, s);
    poison(model.loss(), history, s);
    poison(model.accuracy(), history, s);
    model.fit_async(view(x, data.rows, d), y.span());
    model.check();
    const std::vector<float> c = read(model.coefficients(), size, s);
    const std::vector<float> loss = read(model.loss(), history, s);
    const std::vector<float> accuracy = read(model.accuracy(), history, s);
    EXPECT_LT(relative_error({c.begin(), c.end()}, cpu.coefficients), 1e-4) << d << " features";
    for (std::size_t t = 0; t < history; ++t) {
      EXPECT_NEAR(loss[t], cpu.loss[t], 1e-5 * cpu.loss[t]) << d << " features, iteration " << t;
      EXPECT_NEAR(accuracy[t], cpu.accuracy[t], 3.0 / static_cast<double>(data.rows)) << d << " features, iteration " << t;
    }
  }
}

TEST_F(ml_regression_gpu, LogisticRegressionMatchesTheCpuAndNewtonWinsInAFewSteps) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const classification_dataset data = make_classification_data({.rows = 20001, .features = 7, .seed = 31});
  const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
  std::vector<float> gd_loss;
  for (const auto method : {logistic_method::gradient_descent, logistic_method::newton}) {
    logistic_regression_params p;
    p.method = method;
    p.iterations = method == logistic_method::newton ? 6 : 100;
    const cpu_logistic_fit cpu = fit_logistic_cpu(data.x, data.rows, 7, data.y, p);
    logistic_regression model(res, data.rows, 7, p);
    const std::size_t history = static_cast<std::size_t>(p.iterations) + 1;
    poison(model.coefficients(), 8, s);
    poison(model.loss(), history, s);
    poison(model.accuracy(), history, s);
    model.fit_async(view(x, data.rows, 7), y.span());
    model.check();
    const std::vector<float> c = read(model.coefficients(), 8, s);
    const std::vector<float> loss = read(model.loss(), history, s);
    const std::vector<float> accuracy = read(model.accuracy(), history, s);
    EXPECT_LT(relative_error({c.begin(), c.end()}, cpu.coefficients), 1e-4) << method_name(method);
    for (std::size_t t = 0; t < history; ++t) {
      EXPECT_NEAR(loss[t], cpu.loss[t], 1e-5 * cpu.loss[t]) << method_name(method) << " iteration " << t;
      EXPECT_NEAR(accuracy[t], cpu.accuracy[t], 3.0 / 20001) << method_name(method) << " iteration " << t;
    }
    if (method == logistic_method::gradient_descent) {
      gd_loss = loss;
    } else {
      std::size_t reached = 0;
      while (reached < loss.size() && loss[reached] > gd_loss.back()) ++reached;
      EXPECT_LE(reached, 5u) << "Newton steps to the loss of 100 gradient steps";
    }
    // predict_proba agrees with the coefficients.
    device_buffer<float> probabilities(101, s);
    poison(probabilities.data(), 101, s);
    model.predict_proba_async(linalg::column_major<const float>(x.data(), 101, 7, 20001), probabilities.span());
    const std::vector<float> prob = read(probabilities.data(), 101, s);
    for (int i = 0; i < 101; ++i) {
      double z = c[7];
      for (int j = 0; j < 7; ++j) z += double(c[std::size_t(j)]) * data.x[std::size_t(i + j * 20001)];
      ASSERT_NEAR(prob[std::size_t(i)], 1.0 / (1.0 + std::exp(-z)), 1e-6) << i;
    }
  }
}

TEST_F(ml_regression_gpu, TheWideFusedKernelMatchesTheCpuAtOddWidths) {
  // 64 features uses the MaxD = 64 kernel; 33 features leaves 31 of its register slots empty.
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  for (const int d : {33, 64}) {
    const classification_dataset data = make_classification_data({.rows = 4099, .features = d, .seed = 7});
    const device_buffer<float> x = gpulab::upload(data.x, s), y = gpulab::upload(data.y, s);
    logistic_regression_params p;
    p.iterations = 20;
    p.l2 = 1e-3f;
    const cpu_logistic_fit cpu = fit_logistic_cpu(data.x, data.rows, d, data.y, p);
    logistic_regression model(res, data.rows, d, p);
    poison(model.coefficients(), std::size_t(d) + 1, s);
    model.fit_async(view(x, data.rows, d), y.span());
    const std::vector<float> c = read(model.coefficients(), std::size_t(d) + 1, s);
    EXPECT_LT(relative_error({c.begin(), c.end()}, cpu.coefficients), 1e-4) << d;
    EXPECT_NEAR(read(model.loss(), 21, s).back(), cpu.loss.back(), 1e-5 * cpu.loss.back()) << d;
  }
}

}  // namespace
