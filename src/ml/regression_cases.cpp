// SPDX-License-Identifier: MIT
// The cases of linear regression, logistic regression and PCA, each verified
// against its CPU baseline (regression_cpu.hpp) by a stated bound, and the
// conditioning demo. Every case: seeded data with a known truth, or the rows of
// --input (no truth there: the CPU baseline alone), the GPU fit timed (the input
// check runs once in setup, outside the timed region), the model's quality in
// the row's detail (R^2, accuracy, explained variance).
#include "gpulab/ml/regression_cases.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/linalg/layout.hpp"
#include "gpulab/ml/csv_features.hpp"
#include "gpulab/ml/linear_data.hpp"
#include "gpulab/ml/linear_regression.hpp"
#include "gpulab/ml/logistic_regression.hpp"
#include "gpulab/ml/pca.hpp"
#include "gpulab/ml/regression_cpu.hpp"
#include "gram.hpp"
#include "least_squares_detail.hpp"

namespace gpulab::ml {

namespace {

constexpr std::uint64_t max_rows = 2147483647;  // cuBLAS and cuSOLVER count rows in int

// 64 features, fewer for tiny inputs: (rows - 1) / 2 keeps more rows than parameters.
int features_for(std::uint64_t rows, const char* what) {
  if (rows < 3 || rows > max_rows) {
    throw usage_error(std::string(what) + ": --size counts rows, 3..2^31 - 1 (got " + std::to_string(rows) + ")");
  }
  return static_cast<int>(std::min<std::uint64_t>(regression_features, (rows - 1) / 2));
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::vector<float> download_floats(const float* device, std::size_t count, cuda::stream_ref s) {
  std::vector<float> host(count);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(host.data(), device, count * sizeof(float), cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return host;
}

// |a - b| / |b| over vectors; NaN when a holds one (then no bound passes).
double relative_error(std::span<const double> a, std::span<const double> b) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < b.size(); ++i) diff += (a[i] - b[i]) * (a[i] - b[i]), norm += b[i] * b[i];
  return std::sqrt(diff / std::max(norm, 1e-300));
}

// The rounding growth of a float sum over `rows` terms in blocks: about
// sqrt(rows / 3) units of roundoff in practice (a random walk over the partial
// sums), what the tolerances below are built on.
double sum_growth(std::int64_t rows) { return std::max(1.0, std::sqrt(static_cast<double>(rows) / 3.0)); }

linalg::matrix_view<const float> view_of(const device_buffer<float>& x, std::int64_t rows, int features) {
  return linalg::column_major<const float>(x.data(), static_cast<int>(rows), features);
}

// ------------------------------------------------------------------ the problem: generated or from a file
// What a case fits. Seeded data is made in setup (the seed comes then) with its planted truth;
// the rows of --input are read when the case is made, so a bad file is refused before any GPU
// work, and have no truth: they are verified against the CPU baseline alone.
struct regression_problem {
  std::int64_t rows = 0;
  int features = 0;
  std::string input;                 // the CSV file; "" for seeded data
  std::vector<std::string> columns;  // the file's feature columns
  std::string target;                // the file's target column; "" for PCA
  std::vector<float> x;              // rows x features, column-major: what every fit here takes
  std::vector<float> y;              // rows: the target (regression only)
  std::vector<double> truth;         // the planted weights (seeded regression data only)
  std::string not_a_label;           // a file's first target value other than 0 or 1, and where; "" if none

  [[nodiscard]] bool from_file() const { return !input.empty(); }
  // "1001 x 64", or "data.csv: 997 x 5".
  [[nodiscard]] std::string size_label() const {
    return (from_file() ? input + ": " : "") + std::to_string(rows) + " x " + std::to_string(features);
  }
};

// The rows as CSV files give them (row-major) turned column-major: the layout cuSOLVER's QR
// and the one-thread-per-row kernels read (linear_data.hpp says why). Once, when the case is made.
std::vector<float> column_major_of(const host_features& f) {
  std::vector<float> out(f.values.size());
  const auto n = static_cast<std::size_t>(f.rows), d = static_cast<std::size_t>(f.cols);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d; ++j) out[i + j * n] = f.values[i * d + j];
  }
  return out;
}

// The problem of a case made from the command's options: --size rows of seeded data (features
// by features_for), or the rows of --input with --columns as X and, when the case learns one,
// --target as y. nullopt when there is nothing to learn (--input without --target): the case is
// left out of a run of all cases (module.cpp's validate refuses it by name).
std::optional<regression_problem> problem_of(const run_options& options, bool learns_target, const char* what) {
  const std::optional<csv_input> input = csv_input_of(options);  // also refuses --size with --input
  regression_problem p;
  if (!input) {
    const std::uint64_t rows = options.size.value_or(regression_default_rows);
    p.features = features_for(rows, what);
    p.rows = static_cast<std::int64_t>(rows);
    return p;
  }
  if (learns_target && input->target.empty()) return std::nullopt;
  p.input = input->path;
  p.columns = input->columns;
  host_features f;
  if (learns_target) {
    features_and_target file = load_features_and_target_host(*input);  // missing, NaN or Inf refused with their line
    f = std::move(file.x);
    p.y.assign(file.y.begin(), file.y.end());  // float: what the fits take
    p.target = input->target;
    // Logistic regression's labels, checked as the file gives them (0.99999999 is no label).
    for (std::size_t i = 0; i < file.y.size() && p.not_a_label.empty(); ++i) {
      if (file.y[i] != 0.0 && file.y[i] != 1.0) {
        p.not_a_label = csv_place(p.input, i, p.target) + " is " + shortest_text(file.y[i]) +
                        "; logistic regression needs labels 0 or 1";
      }
    }
  } else {
    f = load_features_host(input->path, input->columns);
  }
  if (static_cast<std::uint64_t>(f.rows) > max_rows) {
    throw usage_error(std::string(what) + ": " + input->path + " has " + std::to_string(f.rows) +
                      " rows; at most 2^31 - 1 (cuBLAS and cuSOLVER count rows in int)");
  }
  p.rows = f.rows;
  p.features = static_cast<int>(f.cols);
  p.x = column_major_of(f);
  // Said here by the column's name; the fit's own check (setup) would say "column 3".
  for (int j = 0; j < p.features && p.rows > 1; ++j) {
    const float* column = p.x.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(p.rows);
    if (std::all_of(column, column + p.rows, [&](float v) { return v == column[0]; })) {
      throw usage_error(std::string(what) + ": " + input->path + ": column '" + p.columns[static_cast<std::size_t>(j)] +
                        "' is constant (every value is " + format("%g", column[0]) +
                        "): it carries no information and makes X^T X singular; drop it from --columns");
    }
  }
  return p;
}

// "; vs the planted truth 1.2e-03" for seeded data; nothing for a file's, which has no truth.
std::string truth_part(const char* words, std::span<const double> fitted, const std::vector<double>& truth) {
  if (truth.empty()) return "";
  return std::string("; ") + words + " " + format("%.2e", relative_error(fitted, truth));
}

// ------------------------------------------------------------------ linear regression
class linear_regression_case final : public bench_case {
 public:
  linear_regression_case(least_squares_method method, regression_problem problem, gram_product gram, qr_factorization qr)
      : method_(method), gram_(gram), qr_(qr), n_(problem.rows), d_(problem.features), problem_(std::move(problem)) {
    // No ridge here: more rows than parameters (the intercept is one). Seeded data has them by features_for.
    if (problem_.from_file()) {
      require_regression_shape(problem_.x.size(), problem_.y.size(), n_, d_, false,
                               (problem_.input + ": linear regression").c_str());
    }
  }

  std::string name() const override { return std::string("linear_") + version(); }
  case_parameters parameters() const override { return {"linear_regression", version(), "float"}; }
  // normal_equations (the chunked Gram), normal_equations_syrk, _gemm, _one_pass; qr (the tall-skinny
  // tree), qr_geqrf; svd (from the tree's R).
  std::string version() const {
    if (method_ == least_squares_method::normal_equations) {
      if (gram_ == gram_product::chunked) return method_name(method_);
      return std::string(method_name(method_)) + "_" + gram_name(gram_);
    }
    if (qr_ == qr_factorization::tall_skinny) return method_name(method_);
    return std::string(method_name(method_)) + "_" + qr_name(qr_);
  }
  std::string size_label() const override { return problem_.size_label(); }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override {
    // X, y, and the method's own: [y 1] and the chunked Gram's partials (normal equations: about
    // one float per row at 64 features, src/ml/gram.hpp), or the centred [X y] (geqrf) or the
    // tree's stacked Rs (tall_skinny: at most 1536 Rs of 65 x 65 floats, 26 MB).
    const std::uint64_t extra = method_ == least_squares_method::normal_equations
                                    ? 2 * static_cast<std::uint64_t>(n_) + detail::gram_workspace_floats(n_, d_)
                                    : detail::centered_qr_floats_at_most(n_, d_, true, qr_);
    return bytes_of<float>(checked_add(checked_multiply(n_, d_ + 1, "ml"), extra, "ml"), "linear regression") +
           (std::size_t{1} << 24);
  }
  // The float data, the generator's Gaussian matrix and the CPU's double copies.
  std::size_t host_bytes_needed() const override { return bytes_of<float>(checked_multiply(n_, 12 * d_ + 2, "ml"), "ml"); }
  // The least any method must move: X and y read once, the d + 1 coefficients and the rank written.
  // The normal equations read X twice (SYRK, GEMM); QR more: "% peak" shows it.
  work_amount work() const override {
    const double n = static_cast<double>(n_), d = d_;
    // SYRK and the one-pass kernel compute one triangle (the latter of [X 1 y], d + 2 columns).
    const double gram_flops = gram_ == gram_product::syrk       ? n * d * (d + 1)
                              : gram_ == gram_product::one_pass ? n * (d + 2) * (d + 3) - 4 * n * d
                                                                : 2 * n * d * d;
    const double flops = method_ == least_squares_method::normal_equations
                             ? gram_flops + 4 * n * d                  // X^T X + X^T [y 1]
                             : 2 * n * d * d - 2.0 / 3 * d * d * d + 4 * n * d + 3 * n * d;  // centre, geqrf, ormqr
    return {.bytes_read = 4 * n * (d + 1), .bytes_written = 4 * (d + 2), .flops = flops};
  }
  double estimated_cpu_seconds() const override {
    return 4.0 * static_cast<double>(n_) * d_ * d_ / 1e10 + static_cast<double>(n_) * d_ * 24 / 2e9;
  }

  void attach(resources& res) override { res_ = &res; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    if (!problem_.from_file()) {
      linear_dataset data = make_linear_data({.rows = n_, .features = d_, .condition = regression_condition,
                                              .noise = 0.01, .intercept = 0.5, .seed = seed});
      problem_.x = std::move(data.x);
      problem_.y = std::move(data.y);
      problem_.truth = std::move(data.true_weights);
    }
    x_ = upload(problem_.x, s);
    y_ = upload(problem_.y, s);
    // The input check, once, outside the timed region (it waits for the stream).
    detail::require_usable_features(x_.data(), n_, d_, "linear regression", s);
    linear_regression_params p;
    p.method = method_;
    p.gram = gram_;
    p.qr = qr_;
    p.check_input = false;
    model_.emplace(*res_, n_, d_, p);
    // The bound of the method (see verify) scales with the data's actual condition
    // (the planted one times cond(G), which is far from 1 when rows ~ features; a file's own).
    condition_ = centered_condition_number(problem_.x, n_, d_);
  }

  void run_cpu() override {
    linear_regression_params p;
    p.method = method_;
    expected_ = fit_linear_cpu(problem_.x, n_, d_, problem_.y, p);
  }

  std::vector<output_region> outputs() override {
    return {output_of(model_->coefficients_data(), static_cast<std::size_t>(d_) + 1), output_of(model_->rank_data(), 1)};
  }

  void run_gpu(cuda::stream_ref) override { model_->fit_async(view_of(x_, n_, d_), y_.span()); }

  verification verify(cuda::stream_ref s) override {
    verification v;
    // Float against the double reference: a blocked float sum over n rows errs by
    // about sqrt(n / 3) roundoffs; the normal equations amplify that by cond(X)^2
    // (they solve with X^T X), QR and SVD by cond(X) (times 20 for the centring,
    // the Householder updates and R's solve).
    const double base = float_unit_roundoff * sum_growth(n_);
    const double tolerance = method_ == least_squares_method::normal_equations ? 6 * base * condition_ * condition_
                                                                               : 20 * base * condition_;
    v.check = "vs CPU (double), rel tol " + format("%.1e", tolerance);
    try {
      model_->check();
    } catch (const numerical_error& e) {
      v.detail = e.what();
      return v;
    }
    const std::vector<float> c = download_floats(model_->coefficients().data(), static_cast<std::size_t>(d_) + 1, s);
    int rank = -1;
    GPULAB_CUDA_TRY(cudaMemcpyAsync(&rank, model_->rank().data(), sizeof rank, cudaMemcpyDeviceToHost, s.get()));
    synchronize(s);
    const std::vector<double> w(c.begin(), c.end() - 1);
    const double intercept = c.back();
    const double weights_error = relative_error(w, expected_.weights);
    const double intercept_error = std::abs(intercept - expected_.intercept) / std::max(1.0, std::abs(expected_.intercept));
    const double r2 = r_squared(problem_.x, n_, d_, problem_.y, w, intercept);
    v.passed = weights_error <= tolerance && intercept_error <= tolerance && rank == expected_.rank;
    v.detail = "weights rel err " + format("%.2e", weights_error) + ", intercept " + format("%.2e", intercept_error) +
               " (tol " + format("%.1e", tolerance) + "), rank " + std::to_string(rank) + " (CPU " +
               std::to_string(expected_.rank) + ")" + truth_part("vs the planted truth", w, problem_.truth) + "; R^2 " +
               format("%.6f", r2);
    return v;
  }

 private:
  least_squares_method method_;
  gram_product gram_;
  qr_factorization qr_;
  std::int64_t n_;
  int d_;
  regression_problem problem_;
  resources* res_ = nullptr;
  device_buffer<float> x_, y_;
  std::optional<linear_regression> model_;
  cpu_linear_fit expected_;
  double condition_ = 1;
};

// ------------------------------------------------------------------ logistic regression
std::string logistic_case_name(logistic_method method) { return std::string("logistic_") + method_name(method); }

constexpr int gradient_descent_iterations = 100;
constexpr int newton_iterations = 8;
// A little l2: the optimum is finite even when a small sample is separable, and
// Newton's Hessian stays well away from singular in float.
constexpr float case_l2 = 1e-3f;

class logistic_regression_case final : public bench_case {
 public:
  logistic_regression_case(logistic_method method, regression_problem problem)
      : method_(method), n_(problem.rows), d_(problem.features), problem_(std::move(problem)) {
    if (d_ > logistic_max_features) {  // seeded data has at most 64 (features_for)
      throw usage_error("logistic regression: " + problem_.input + " gives " + std::to_string(d_) + " features; at most " +
                        std::to_string(logistic_max_features) + " (the fused pass keeps a row in registers)");
    }
    if (!problem_.not_a_label.empty()) throw usage_error(problem_.not_a_label);  // seeded labels are 0 or 1
    params_.method = method;
    params_.iterations = method == logistic_method::gradient_descent ? gradient_descent_iterations : newton_iterations;
    params_.learning_rate = 1.0f;  // gradient descent: setup lowers it to what X allows
    params_.l2 = case_l2;
    params_.check_input = false;
  }

  std::string name() const override { return logistic_case_name(method_); }
  case_parameters parameters() const override { return {"logistic_regression", method_name(method_), "float"}; }
  std::string size_label() const override {
    return problem_.size_label() + ", " + std::to_string(params_.iterations) + " iterations";
  }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override {
    // Newton: Z and the Hessian's chunk partials; gradient descent: the stable step's Gram in setup.
    const std::uint64_t weighted = method_ == logistic_method::newton
                                       ? checked_multiply(n_, d_ + 1, "ml") + detail::gram_workspace_floats(n_, d_ + 1)
                                       : detail::gram_workspace_floats(n_, d_) + static_cast<std::uint64_t>(d_) * d_;
    return bytes_of<float>(checked_add(checked_multiply(n_, d_ + 1, "ml"), weighted, "ml"), "logistic regression") +
           (std::size_t{1} << 24);
  }
  std::size_t host_bytes_needed() const override {
    const std::uint64_t cpu_weighted = method_ == logistic_method::newton ? checked_multiply(n_, 2 * (d_ + 1), "ml") : 0;
    return bytes_of<float>(checked_add(checked_multiply(n_, 2 * d_ + 2, "ml"), cpu_weighted, "ml"), "ml");
  }
  // Gradient descent: X and y read once per pass (iterations + 1 passes, the last
  // for the final loss); nothing of size rows written. Newton adds per iteration
  // a pass that writes Z = sqrt(p (1 - p)) [X 1] and the SYRK that reads it.
  work_amount work() const override {
    const double n = static_cast<double>(n_), d = d_, passes = params_.iterations + 1.0;
    const double pass_bytes = 4 * n * (d + 1);
    const double history = 4 * (d + 1 + 2 * passes);
    if (method_ == logistic_method::gradient_descent) {
      return {.bytes_read = passes * pass_bytes, .bytes_written = history, .flops = passes * n * (4 * d + 20)};
    }
    const double steps = params_.iterations;
    return {.bytes_read = passes * pass_bytes + steps * (4 * n * d + pass_bytes),
            .bytes_written = steps * pass_bytes + history,
            .flops = passes * n * (4 * d + 20) + steps * (n * (d + 1) * (d + 2) + n * (3 * d + 20))};
  }
  double estimated_cpu_seconds() const override { return work().flops / 5e9; }
  // The passes re-read X: an X that fits in L2 (50 MB on an H100/H200) is read
  // from there after the first pass, and no DRAM ceiling applies. Past 128 MiB
  // every pass comes from DRAM and "% peak" means what it says.
  peak_kind peak() const override {
    return 4.0 * static_cast<double>(n_) * (d_ + 1) > 128.0 * (1 << 20) ? peak_kind::device_memory : peak_kind::none;
  }

  void attach(resources& res) override { res_ = &res; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    if (!problem_.from_file()) {
      classification_dataset data = make_classification_data({.rows = n_, .features = d_, .seed = seed});
      problem_.x = std::move(data.x);
      problem_.y = std::move(data.y);
      problem_.truth = std::move(data.true_weights);
    }
    x_ = upload(problem_.x, s);
    y_ = upload(problem_.y, s);
    detail::require_usable_features(x_.data(), n_, d_, "logistic regression", s);
    detail::require_binary_labels(y_.data(), n_, "logistic regression", s);
    if (method_ == logistic_method::gradient_descent) {
      // Step 1 suits standard-scaled columns (the seeded data's); a file's columns may be
      // in the thousands, where it diverges: the step is what this X allows, at most 1.
      // Found on the GPU, where X already is (with --cpu off nothing here runs on the CPU).
      const double stable = logistic_stable_step(*res_, view_of(x_, n_, d_), params_.l2);
      params_.learning_rate = static_cast<float>(std::min(1.0, stable));
    }
    model_.emplace(*res_, n_, d_, params_);
  }

  void run_cpu() override {
    logistic_regression_params p = params_;
    p.check_input = true;
    expected_ = fit_logistic_cpu(problem_.x, n_, d_, problem_.y, p);
  }

  std::vector<output_region> outputs() override {
    const std::size_t history = static_cast<std::size_t>(params_.iterations) + 1;
    return {output_of(model_->coefficients(), static_cast<std::size_t>(d_) + 1), output_of(model_->loss(), history),
            output_of(model_->accuracy(), history)};
  }

  void run_gpu(cuda::stream_ref) override { model_->fit_async(view_of(x_, n_, d_), y_.span()); }

  verification verify(cuda::stream_ref s) override {
    verification v;
    // The GPU sums each pass in float (per thread, then per block; the blocks in
    // double), the CPU in double: the gradient differs by ~1e-6 of its terms, and
    // the iterations contract (a stable step), so the weights stay within ~1e-5.
    // Bounds with margin: weights 1e-3 (norm-wise), each loss 1e-4 relative; the
    // accuracy may differ by rows whose x . w + b is within rounding of 0.
    constexpr double weights_tolerance = 1e-3, loss_tolerance = 1e-4;
    const double accuracy_tolerance = 1e-3 + 3.0 / static_cast<double>(n_);
    v.check = "vs CPU (double): weights 1e-3, loss 1e-4, accuracy " + format("%.1e", accuracy_tolerance);
    try {
      model_->check();
    } catch (const numerical_error& e) {
      v.detail = e.what();
      return v;
    }
    const std::size_t history = static_cast<std::size_t>(params_.iterations) + 1;
    const std::vector<float> c = download_floats(model_->coefficients(), static_cast<std::size_t>(d_) + 1, s);
    const std::vector<float> loss = download_floats(model_->loss(), history, s);
    const std::vector<float> accuracy = download_floats(model_->accuracy(), history, s);
    const std::vector<double> coefficients(c.begin(), c.end());
    const double weights_error = relative_error(coefficients, expected_.coefficients);
    double loss_error = 0, accuracy_error = 0;
    for (std::size_t t = 0; t < history; ++t) {
      const double le = std::abs(loss[t] - expected_.loss[t]) / expected_.loss[t];
      const double ae = std::abs(accuracy[t] - expected_.accuracy[t]);
      loss_error = std::isnan(le) || le > loss_error ? le : loss_error;  // NaN sticks: it must fail
      accuracy_error = std::isnan(ae) || ae > accuracy_error ? ae : accuracy_error;
    }
    v.passed = weights_error <= weights_tolerance && loss_error <= loss_tolerance && accuracy_error <= accuracy_tolerance;
    std::string path = "loss";
    const std::size_t step = method_ == logistic_method::newton ? 1 : 25;
    for (std::size_t t = 0; t < history; t += step) path += " " + format("%.4f", loss[t]);
    if ((history - 1) % step != 0) path += " " + format("%.4f", loss.back());
    std::vector<double> w(coefficients.begin(), coefficients.end() - 1);
    if (method_ == logistic_method::gradient_descent) path = "step " + format("%.3g", params_.learning_rate) + ", " + path;
    v.detail = "weights rel err " + format("%.2e", weights_error) + ", loss " + format("%.2e", loss_error) +
               ", accuracy " + format("%.2e", accuracy_error) + "; " + path + " (every " + std::to_string(step) +
               "); final accuracy " + format("%.4f", accuracy.back()) +
               truth_part("vs the planted boundary", w, problem_.truth);
    return v;
  }

 private:
  logistic_method method_;
  std::int64_t n_;
  int d_;
  regression_problem problem_;
  logistic_regression_params params_;
  resources* res_ = nullptr;
  device_buffer<float> x_, y_;
  std::optional<logistic_regression> model_;
  cpu_logistic_fit expected_;
};

// ------------------------------------------------------------------ PCA
class pca_case final : public bench_case {
 public:
  // min(8, features) components, whatever the data.
  pca_case(pca_method method, regression_problem problem, gram_product gram = gram_product::chunked)
      : method_(method),
        gram_(gram),
        n_(problem.rows),
        d_(problem.features),
        k_(std::min(pca_components, d_)),
        problem_(std::move(problem)) {
    // Seeded data has these by features_for; a file's are said before any GPU work.
    if (n_ < 2) throw usage_error("PCA: " + problem_.input + ": at least 2 rows (the covariance divides by rows - 1)");
    if (method_ == pca_method::qr_svd && n_ < d_) {
      throw usage_error("PCA (qr_svd): " + problem_.size_label() + ": at least as many rows as features");
    }
  }

  std::string name() const override {
    if (method_ == pca_method::qr_svd) return "pca_svd";
    return gram_ == gram_product::one_pass ? "pca_covariance_one_pass" : "pca_covariance";
  }
  case_parameters parameters() const override {
    const std::string version = method_name(method_);
    return {"pca", gram_ == gram_product::one_pass ? version + "_one_pass" : version, "float"};
  }
  std::string size_label() const override { return problem_.size_label() + " -> " + std::to_string(k_); }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override {
    return bytes_of<float>(checked_multiply(n_, 2 * d_, "ml") + detail::gram_workspace_floats(n_, d_), "PCA") +
           (std::size_t{1} << 24);
  }
  std::size_t host_bytes_needed() const override { return bytes_of<float>(checked_multiply(n_, 8 * d_, "ml"), "ml"); }
  // The least: X read once, the components and variances written. Centring reads
  // and writes X once more, and the SYRK (or QR) reads the centred copy.
  work_amount work() const override {
    const double n = static_cast<double>(n_), d = d_;
    const double flops = method_ == pca_method::covariance_eigen ? n * d * (d + 1) + 2 * n * d
                                                                 : 2 * n * d * d - 2.0 / 3 * d * d * d + 2 * n * d;
    return {.bytes_read = 4 * n * d, .bytes_written = 4.0 * k_ * (d + 2), .flops = flops};
  }
  double estimated_cpu_seconds() const override { return 2.0 * static_cast<double>(n_) * d_ * d_ / 1e10; }

  void attach(resources& res) override { res_ = &res; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    if (!problem_.from_file()) problem_.x = make_pca_data(n_, d_, regression_condition, seed).x;
    x_ = upload(problem_.x, s);
    detail::require_usable_features(x_.data(), n_, d_, "PCA", s);
    pca_params p;
    p.method = method_;
    p.gram = gram_;
    p.components = k_;
    p.check_input = false;
    model_.emplace(*res_, n_, d_, p);
  }

  void run_cpu() override {
    // One component more than asked (when there is one): its variance gives the
    // eigengap the subspace's accuracy depends on.
    expected_ = fit_pca_cpu(problem_.x, n_, d_, std::min(d_, k_ + 1));
  }

  std::vector<output_region> outputs() override {
    return {output_of(model_->components(), static_cast<std::size_t>(d_) * k_),
            output_of(model_->explained_variance(), static_cast<std::size_t>(k_)),
            output_of(model_->explained_variance_ratio(), static_cast<std::size_t>(k_))};
  }

  void run_gpu(cuda::stream_ref) override { model_->fit_async(view_of(x_, n_, d_)); }

  verification verify(cuda::stream_ref s) override {
    verification v;
    const auto& variance = expected_.explained_variance;
    const double largest = variance.front(), kth = variance[static_cast<std::size_t>(k_ - 1)];
    const double gap = k_ < d_ ? kth - variance[static_cast<std::size_t>(k_)] : kth;
    // The covariance (or R) in float errs by ~sqrt(n / 3) roundoffs of the largest
    // variance; the subspace turns by that over the eigengap (Davis-Kahan), each
    // variance moves by that over itself. Times 10 for margin.
    const double base = 10 * float_unit_roundoff * sum_growth(n_) * largest;
    const double angle_tolerance = std::max(1e-6, base / gap);
    const double variance_tolerance = std::max(1e-6, base / kth);
    constexpr double orthonormality_tolerance = 1e-4;  // float columns of unit length: ~d roundoffs
    v.check = "vs CPU (double): subspace angle " + format("%.1e", angle_tolerance) + " rad, variance " +
              format("%.1e", variance_tolerance);
    try {
      model_->check();
    } catch (const numerical_error& e) {
      v.detail = e.what();
      return v;
    }
    const std::vector<float> c = download_floats(model_->components(), static_cast<std::size_t>(d_) * k_, s);
    const std::vector<float> var = download_floats(model_->explained_variance(), static_cast<std::size_t>(k_), s);
    const std::vector<float> ratio = download_floats(model_->explained_variance_ratio(), static_cast<std::size_t>(k_), s);
    const std::vector<double> components(c.begin(), c.end());
    double orthonormality = 0;
    for (int a = 0; a < k_; ++a) {
      for (int b = 0; b < k_; ++b) {
        double dot = 0;
        for (int i = 0; i < d_; ++i) dot += components[std::size_t(i + a * d_)] * components[std::size_t(i + b * d_)];
        const double e = std::abs(dot - (a == b ? 1.0 : 0.0));
        orthonormality = std::isnan(e) || e > orthonormality ? e : orthonormality;
      }
    }
    const std::vector<double> reference(expected_.components.begin(),
                                        expected_.components.begin() + static_cast<std::ptrdiff_t>(d_) * k_);
    const double angle = largest_principal_angle(components, reference, d_, k_);
    double variance_error = 0, ratio_error = 0, explained = 0;
    for (int j = 0; j < k_; ++j) {
      const std::size_t i = static_cast<std::size_t>(j);
      const double ve = std::abs(var[i] - variance[i]) / variance[i];
      const double re = std::abs(ratio[i] - expected_.explained_variance_ratio[i]) / expected_.explained_variance_ratio[i];
      variance_error = std::isnan(ve) || ve > variance_error ? ve : variance_error;
      ratio_error = std::isnan(re) || re > ratio_error ? re : ratio_error;
      explained += ratio[i];
    }
    v.passed = orthonormality <= orthonormality_tolerance && angle <= angle_tolerance &&
               variance_error <= variance_tolerance && ratio_error <= variance_tolerance;
    v.detail = "subspace angle " + format("%.2e", angle) + " rad, variance rel err " + format("%.2e", variance_error) +
               ", ratio " + format("%.2e", ratio_error) + ", orthonormality " + format("%.1e", orthonormality) +
               "; the " + std::to_string(k_) + " components explain " + format("%.4f", explained) + " of the variance";
    return v;
  }

 private:
  pca_method method_;
  gram_product gram_;
  std::int64_t n_;
  int d_, k_;
  regression_problem problem_;
  resources* res_ = nullptr;
  device_buffer<float> x_;
  std::optional<pca> model_;
  cpu_pca_fit expected_;
};

// ------------------------------------------------------------------ the conditioning demo
demo_output linear_conditioning(resources& res, const run_options& options) {
  const std::uint64_t rows = options.size.value_or(100003);
  const int d = features_for(rows, "linear_conditioning");
  const auto n = static_cast<std::int64_t>(rows);
  const cuda::stream_ref s = res.stream();
  table t;
  t.title = "Conditioning: the same model, each method's weights against the planted truth (" + std::to_string(n) +
            " x " + std::to_string(d) + ", float, no noise)";
  t.columns = {"cond(X)", "normal_equations", "qr", "svd", "cond^2 x eps", "cond x eps"};
  for (const double condition : {1e1, 1e2, 1e3, 1e4}) {
    // No noise: the least-squares answer IS the truth (up to y's rounding), so
    // each error is the method's own.
    const linear_dataset data = make_linear_data(
        {.rows = n, .features = d, .condition = condition, .noise = 0, .intercept = 0.5, .seed = options.seed});
    const device_buffer<float> x = upload(data.x, s), y = upload(data.y, s);
    std::vector<cell> row = {format("%.0e", condition)};
    for (const auto method : {least_squares_method::normal_equations, least_squares_method::qr, least_squares_method::svd}) {
      linear_regression_params p;
      p.method = method;
      p.check_input = false;
      p.svd_cutoff = 0;  // keep every direction: the error, not the cutoff, is the lesson
      try {
        linear_regression model(res, n, d, p);
        model.fit_async(view_of(x, n, d), y.span());
        model.check();
        const linear_model m = model.model();
        const std::vector<double> w(m.weights.begin(), m.weights.end());
        row.push_back(significant_cell(relative_error(w, data.true_weights)));
      } catch (const numerical_error&) {
        row.push_back("not pos. definite");
      }
    }
    row.push_back(significant_cell(condition * condition * float_unit_roundoff));
    row.push_back(significant_cell(condition * float_unit_roundoff));
    t.rows.push_back(std::move(row));
  }
  t.notes = {"normal equations solve with X^T X, whose condition is cond(X)^2: they lose twice the digits QR and SVD lose",
             "(float keeps ~7: at cond 1e4 X^T X is singular to float and Cholesky fails); QR and SVD never form X^T X."};
  demo_output out;
  out.tables.push_back(std::move(t));
  return out;
}

// ------------------------------------------------------------------ the algorithm beats tuning
// Gradient descent's 100 fused passes against Newton's few steps on the same data:
// how many Newton steps reach the loss of 100 gradient steps, and what each costs.
demo_output logistic_newton_vs_gradient_descent(resources& res, const run_options& options) {
  const std::uint64_t rows = options.size.value_or(regression_default_rows);
  const int d = features_for(rows, "logistic_newton_vs_gd");
  const auto n = static_cast<std::int64_t>(rows);
  const cuda::stream_ref s = res.stream();
  const classification_dataset data = make_classification_data({.rows = n, .features = d, .seed = options.seed});
  const device_buffer<float> x = upload(data.x, s), y = upload(data.y, s);
  detail::require_usable_features(x.data(), n, d, "logistic_newton_vs_gd", s);
  detail::require_binary_labels(y.data(), n, "logistic_newton_vs_gd", s);
  struct run {
    std::vector<float> loss, accuracy;
    double ms = 0;
  };
  auto fit = [&](logistic_method method, int iterations) {
    logistic_regression_params p;
    p.method = method;
    p.iterations = iterations;
    p.l2 = case_l2;
    p.check_input = false;
    logistic_regression model(res, n, d, p);
    std::vector<double> times =
        time_on_stream(s, 1, 5, [&] { model.fit_async(view_of(x, n, d), y.span()); });
    model.check();
    std::sort(times.begin(), times.end());
    const std::size_t history = static_cast<std::size_t>(iterations) + 1;
    return run{download_floats(model.loss(), history, s), download_floats(model.accuracy(), history, s),
               times[times.size() / 2]};
  };
  const run gd = fit(logistic_method::gradient_descent, gradient_descent_iterations);
  const run newton = fit(logistic_method::newton, newton_iterations);
  const float target = gd.loss.back();
  table t;
  t.title = "Newton against " + std::to_string(gradient_descent_iterations) + " gradient steps (" + std::to_string(n) +
            " x " + std::to_string(d) + "): the loss after each Newton step";
  t.columns = {"Newton step", "loss", "accuracy", "below GD's final loss"};
  std::optional<std::size_t> reached;
  for (std::size_t k = 0; k < newton.loss.size(); ++k) {
    const bool below = newton.loss[k] <= target;
    if (below && !reached) reached = k;
    t.rows.push_back({integer_cell(static_cast<long long>(k)), number_cell(newton.loss[k], 6),
                      number_cell(newton.accuracy[k], 4), below ? "yes" : "no"});
  }
  t.notes = {"gradient descent: " + std::to_string(gradient_descent_iterations) + " steps in " + format("%.3f", gd.ms) +
                 " ms reach loss " + format("%.6f", target) + " (accuracy " + format("%.4f", gd.accuracy.back()) + ")",
             reached ? "Newton reaches it after " + std::to_string(*reached) + " steps; its " +
                           std::to_string(newton_iterations) + " steps take " + format("%.3f", newton.ms) +
                           " ms (about " + format("%.3f", newton.ms / newton_iterations) + " ms each)"
                     : "Newton did not reach it in " + std::to_string(newton_iterations) + " steps",
             "the algorithm beats tuning: curvature (one SYRK and a 65 x 65 Cholesky per step) buys what a hundred "
             "cheap steps cannot"};
  demo_output out;
  out.tables.push_back(std::move(t));
  out.verified = reached.has_value();
  return out;
}

}  // namespace

std::vector<std::unique_ptr<bench_case>> linear_regression_cases(least_squares_method method, const run_options& options,
                                                                 gram_product gram, qr_factorization qr) {
  std::vector<std::unique_ptr<bench_case>> cases;
  if (std::optional<regression_problem> p = problem_of(options, true, "linear regression")) {
    cases.push_back(std::make_unique<linear_regression_case>(method, std::move(*p), gram, qr));
  }
  return cases;
}
std::vector<std::unique_ptr<bench_case>> logistic_regression_cases(logistic_method method, const run_options& options) {
  std::vector<std::unique_ptr<bench_case>> cases;
  std::optional<regression_problem> p = problem_of(options, true, "logistic regression");
  if (!p) return cases;
  // A run of every case on a file whose target is a number (linear regression's price): no
  // labels for logistic regression, so its cases are left out. Named, they are refused (below).
  const std::string name = logistic_case_name(method);
  const bool named = std::find(options.selected.begin(), options.selected.end(), name) != options.selected.end();
  if (!p->not_a_label.empty() && !named) return cases;
  cases.push_back(std::make_unique<logistic_regression_case>(method, std::move(*p)));
  return cases;
}
std::vector<std::unique_ptr<bench_case>> pca_cases(pca_method method, const run_options& options, gram_product gram) {
  std::vector<std::unique_ptr<bench_case>> cases;
  cases.push_back(std::make_unique<pca_case>(method, *problem_of(options, false, "PCA"), gram));  // PCA always has one
  return cases;
}

bool learns_a_target(std::string_view name) {
  for (const case_entry& e : regression_cases()) {
    if (e.name == name) return name.starts_with("linear_") || name.starts_with("logistic_");
  }
  return false;  // a demo (linear_conditioning learns nothing from a file), or another module's
}

std::vector<case_entry> regression_cases() {
  const auto linear = [](least_squares_method method, gram_product gram = gram_product::chunked,
                         qr_factorization qr = qr_factorization::tall_skinny) -> case_maker {
    return [=](const run_options& o) { return linear_regression_cases(method, o, gram, qr); };
  };
  const auto logistic = [](logistic_method method) -> case_maker {
    return [=](const run_options& o) { return logistic_regression_cases(method, o); };
  };
  const auto principal = [](pca_method method, gram_product gram = gram_product::chunked) -> case_maker {
    return [=](const run_options& o) { return pca_cases(method, o, gram); };
  };
  constexpr std::uint64_t check_rows = 1001;  // the sabotage test's size: odd, 64 features
  return {
      {"linear_normal_equations",
       "least squares by X^T X from row chunks (one batched GEMM, a double sum) + Cholesky (--size: rows x 64 features; default 1M)",
       linear(least_squares_method::normal_equations), check_rows},
      {"linear_normal_equations_syrk", "the same, X^T X by one SYRK (one triangle, k = all rows) (--size: rows x 64; default 1M)",
       linear(least_squares_method::normal_equations, gram_product::syrk), check_rows},
      {"linear_normal_equations_gemm", "the same, X^T X by one GEMM (both triangles, k = all rows) (--size: rows x 64; default 1M)",
       linear(least_squares_method::normal_equations, gram_product::gemm), check_rows},
      {"linear_normal_equations_one_pass",
       "the same, [X 1 y]^T [X 1 y] by our one-pass kernel (X read once), solved by one block (--size: rows x 64; default 1M)",
       linear(least_squares_method::normal_equations, gram_product::one_pass), check_rows},
      {"linear_qr",
       "least squares by Householder QR of [X y] as a tree of blocks (tall-skinny QR: X read once), then trsv (--size: rows x 64; default 1M)",
       linear(least_squares_method::qr), check_rows},
      {"linear_qr_geqrf", "the same by cuSOLVER: a centred copy, geqrf + ormqr + trsv (--size: rows x 64; default 1M)",
       linear(least_squares_method::qr, gram_product::chunked, qr_factorization::geqrf), check_rows},
      {"linear_svd", "least squares by QR then the SVD of R, rank-revealing (--size: rows x 64; default 1M)",
       linear(least_squares_method::svd), check_rows},
      {"logistic_gradient_descent", "100 gradient steps, one fused pass over X each (--size: rows x 64; default 1M)",
       logistic(logistic_method::gradient_descent), check_rows},
      {"logistic_newton", "8 Newton (IRLS) steps: pass, SYRK, Cholesky (--size: rows x 64; default 1M)",
       logistic(logistic_method::newton), check_rows},
      {"pca_covariance", "8 principal components by SYRK + syevd (--size: rows x 64; default 1M)",
       principal(pca_method::covariance_eigen), check_rows},
      {"pca_covariance_one_pass",
       "the same in one read of X (the Gram of [X - shift | 1]), then one block for the covariance and its eigenpairs, no syevd (--size: rows x 64; default 1M)",
       principal(pca_method::covariance_eigen, gram_product::one_pass), check_rows},
      {"pca_svd", "8 principal components by the thin SVD (QR, then the SVD of R) (--size: rows x 64; default 1M)",
       principal(pca_method::qr_svd), check_rows},
  };
}

std::vector<demo_entry> regression_demos() {
  return {{"linear_conditioning",
           "each least-squares method's error at condition 10 .. 1e4 (--size: rows; default 100003)",
           linear_conditioning},
          {"logistic_newton_vs_gd",
           "how many Newton steps reach the loss of 100 gradient steps, and the time of each (--size: rows; default 1M)",
           logistic_newton_vs_gradient_descent}};
}

}  // namespace gpulab::ml
