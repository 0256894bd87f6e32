// SPDX-License-Identifier: MIT
// Logistic regression on the GPU: fused gradient descent and Newton (logistic_regression.hpp).
#include "gpulab/ml/logistic_regression.hpp"

#include <algorithm>
#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/resources.hpp"
#include "gpulab/linalg/solver.hpp"
#include "gpulab/ml/regression_cpu.hpp"
#include "gram.hpp"
#include "kernels/ml/logistic_gradient.cuh"
#include "least_squares_detail.hpp"

namespace gpulab::ml {

struct logistic_regression::state {
  linalg::blas_handle* blas;
  linalg::solver_handle* solver;
  std::int64_t rows;
  int features;
  logistic_regression_params params;
  int max_features;  // the kernels' MaxD: 16 or 64
  unsigned blocks;   // of the fused pass: what fits on the GPU at once
  device_buffer<float> coefficients, loss, accuracy, partials;
  // newton
  device_buffer<float> gradient, weighted, hessian;
  device_buffer<float> gram_partials;  // one partial Hessian per chunk of rows (src/ml/gram.hpp)
  std::optional<linalg::cholesky_solver<float>> cholesky;
};

namespace {

// The passes for one MaxD: the fused gradient pass and its reduction, both by
// programmatic dependent launch (core/dependent_launch.cuh): each is placed on the SMs
// while the one before it still runs, and waits there for it.
template <int MaxD>
void gradient_pass_async(logistic_regression::state& st, const float* x, const float* y, float step, float* gradient,
                         int t, cuda::stream_ref s) {
  launch_dependent(kernels::logistic_gradient_pass<MaxD>, st.blocks, kernels::logistic_block, 0, s.get(), x, y,
                   st.rows, st.features, st.coefficients.data(), st.partials.data());
  launch_dependent(kernels::logistic_reduce_and_step<MaxD>, 1, kernels::logistic_reduce_threads, 0, s.get(),
                   st.partials.data(), static_cast<int>(st.blocks), st.features, st.rows, st.params.l2, step,
                   st.coefficients.data(), gradient, st.loss.data(), st.accuracy.data(), t);
}

template <int MaxD>
void fit_with(logistic_regression::state& st, const float* x, const float* y, cuda::stream_ref s) {
  const int d = st.features, t_end = st.params.iterations;
  GPULAB_CUDA_TRY(cudaMemsetAsync(st.coefficients.data(), 0, st.coefficients.bytes(), s.get()));  // w = 0, b = 0
  if (st.params.method == logistic_method::gradient_descent) {
    // [snippet:gradient_descent_loop]
    for (int t = 0; t < t_end; ++t) gradient_pass_async<MaxD>(st, x, y, st.params.learning_rate, nullptr, t, s);
    // [/snippet:gradient_descent_loop]
  } else {
    const int size = d + 1;
    const float per_row = 1.0f / static_cast<float>(st.rows);
    for (int t = 0; t < t_end; ++t) {
      // [snippet:newton_step]
      gradient_pass_async<MaxD>(st, x, y, 0.0f, st.gradient.data(), t, s);  // g and the loss at w
      kernels::logistic_weighted_rows<MaxD><<<st.blocks, kernels::logistic_block, 0, s.get()>>>(
          x, st.rows, d, st.coefficients.data(), st.weighted.data());
      GPULAB_CHECK_LAUNCH();
      // H = Z^T Z / rows (+ l2 on the weights): the Hessian of the mean log-loss, from row chunks.
      detail::gram_async(*st.blas, st.weighted.data(), st.rows, size, per_row, st.hessian.data(), size,
                         st.gram_partials.data());
      kernels::add_to_weight_diagonal<<<1, 64, 0, s.get()>>>(st.hessian.data(), d, st.params.l2);
      GPULAB_CHECK_LAUNCH();
      st.cholesky->solve_async(linalg::column_major<const float>(st.hessian.data(), size, size),
                               linalg::column_major<const float>(st.gradient.data(), size, 1));
      kernels::subtract_step<<<1, 64, 0, s.get()>>>(st.coefficients.data(), st.cholesky->solution().data_handle(), size);
      GPULAB_CHECK_LAUNCH();
      // [/snippet:newton_step]
    }
  }
  gradient_pass_async<MaxD>(st, x, y, 0.0f, nullptr, t_end, s);  // the loss and accuracy of the final model
}

}  // namespace

logistic_regression::logistic_regression(resources& res, std::int64_t rows, int features,
                                         logistic_regression_params params)
    : state_(std::make_unique<state>()) {
  if (features < 1 || features > logistic_max_features) {
    throw usage_error("logistic regression: 1.." + std::to_string(logistic_max_features) +
                      " features (the fused pass keeps a row in registers; got " + std::to_string(features) + ")");
  }
  if (rows < 1 || rows > INT_MAX) throw usage_error("logistic regression: 1..2^31 - 1 rows (got " + std::to_string(rows) + ")");
  if (params.iterations < 1) throw usage_error("logistic regression: iterations must be >= 1");
  if (!(params.l2 >= 0) || !(params.learning_rate > 0)) {
    throw usage_error("logistic regression: l2 >= 0 and learning_rate > 0");
  }
  state& st = *state_;
  st.blas = &linalg::blas(res);
  st.solver = &linalg::solver(res);
  st.rows = rows;
  st.features = features;
  st.params = params;
  st.max_features = features <= 16 ? 16 : 64;
  const cuda::stream_ref s = res.stream();
  // Enough blocks to fill every SM (grid-stride), never more than the rows need.
  const unsigned fill = st.max_features == 16
                            ? occupancy_grid_size(kernels::logistic_gradient_pass<16>, kernels::logistic_block)
                            : occupancy_grid_size(kernels::logistic_gradient_pass<64>, kernels::logistic_block);
  st.blocks = std::max(1u, std::min(fill, blocks_for(rows, kernels::logistic_block)));
  const std::size_t size = static_cast<std::size_t>(features) + 1;
  const std::size_t history = static_cast<std::size_t>(params.iterations) + 1;
  st.coefficients = device_buffer<float>(size, s);
  st.loss = device_buffer<float>(history, s);
  st.accuracy = device_buffer<float>(history, s);
  st.partials = device_buffer<float>(static_cast<std::size_t>(st.blocks) * (st.max_features + 3), s);
  if (params.method == logistic_method::newton) {
    st.gradient = device_buffer<float>(size, s);
    st.weighted = device_buffer<float>(static_cast<std::size_t>(rows) * size, s);
    st.hessian = device_buffer<float>(size * size, s);  // gram_async writes both triangles (zeros above)
    st.gram_partials = device_buffer<float>(detail::gram_workspace_floats(rows, static_cast<int>(size)), s);
    st.cholesky.emplace(*st.solver, features + 1, 1);
  }
}

logistic_regression::~logistic_regression() = default;

void logistic_regression::fit_async(linalg::matrix_view<const float> x, cuda::std::span<const float> y) {
  state& st = *state_;
  const cuda::stream_ref s = st.blas->stream();
  if (x.extent(0) != st.rows || x.extent(1) != st.features || y.size() != static_cast<std::size_t>(st.rows)) {
    throw usage_error("logistic regression: built for " + std::to_string(st.rows) + " x " +
                      std::to_string(st.features) + ", given X " + linalg::shape(x) + " and " +
                      std::to_string(y.size()) + " labels");
  }
  if (linalg::storage_order(x) != linalg::layout::column_major || x.stride(1) != st.rows) {
    throw usage_error("logistic regression: X must be column-major with leading dimension rows");
  }
  if (st.params.check_input) {
    detail::require_usable_features(x.data_handle(), st.rows, st.features, "logistic regression", s);
    detail::require_binary_labels(y.data(), st.rows, "logistic regression", s);
  }
  if (st.max_features == 16) fit_with<16>(st, x.data_handle(), y.data(), s);
  else fit_with<64>(st, x.data_handle(), y.data(), s);
}

void logistic_regression::check() const {
  if (state_->cholesky) {
    try {
      state_->cholesky->check();
    } catch (const numerical_error& e) {
      throw numerical_error(std::string("logistic regression (Newton): the Hessian is not positive definite: ") + e.what());
    }
  }
}

float* logistic_regression::coefficients() { return state_->coefficients.data(); }
float* logistic_regression::loss() { return state_->loss.data(); }
float* logistic_regression::accuracy() { return state_->accuracy.data(); }
int logistic_regression::features() const noexcept { return state_->features; }
int logistic_regression::iterations() const noexcept { return state_->params.iterations; }
double logistic_regression::bytes_per_pass() const noexcept {
  return static_cast<double>(state_->rows) * (static_cast<double>(state_->features) + 1.0) * sizeof(float);
}

void logistic_regression::predict_proba_async(linalg::matrix_view<const float> x, cuda::std::span<float> probabilities) {
  state& st = *state_;
  const cuda::stream_ref s = st.blas->stream();
  if (x.extent(1) != st.features) {
    throw usage_error("logistic regression: the model was fitted on " + std::to_string(st.features) +
                      " features, X has " + std::to_string(x.extent(1)) + " columns");
  }
  if (probabilities.size() != static_cast<std::size_t>(x.extent(0))) {
    throw usage_error("logistic regression: " + std::to_string(probabilities.size()) + " outputs for " +
                      std::to_string(x.extent(0)) + " rows");
  }
  if (linalg::storage_order(x) != linalg::layout::column_major) {
    throw usage_error("logistic regression: X must be column-major");
  }
  const std::int64_t n = x.extent(0);
  if (n == 0) return;
  kernels::logistic_probabilities<<<blocks_for(n, 256), 256, 0, s.get()>>>(
      x.data_handle(), n, x.stride(1), st.features, st.coefficients.data(), probabilities.data());
  GPULAB_CHECK_LAUNCH();
}

double logistic_stable_step(resources& res, linalg::matrix_view<const float> x, double l2) {
  const std::int64_t n = x.extent(0);
  const int d = static_cast<int>(x.extent(1));
  if (n < 1 || n > INT_MAX || d < 1) {
    throw usage_error("logistic step: X must have 1..2^31 - 1 rows and a column (got " + linalg::shape(x) + ")");
  }
  if (linalg::storage_order(x) != linalg::layout::column_major || x.stride(1) != n) {
    throw usage_error("logistic step: X must be column-major with leading dimension rows");
  }
  linalg::blas_handle& blas = linalg::blas(res);
  const cuda::stream_ref s = blas.stream();
  // [X 1]^T [X 1] / n = [X^T X / n, means; means^T, 1]: the Gram of X and its column sums,
  // so that [X 1] is never built (it would copy all of X).
  device_buffer<float> gram(static_cast<std::size_t>(d) * d, s);
  device_buffer<float> workspace(detail::gram_workspace_floats(n, d), s);
  device_buffer<double> sums(static_cast<std::size_t>(d), s);
  device_buffer<float> means(static_cast<std::size_t>(d), s);  // column_means_async writes them; the sums are read
  detail::gram_async(blas, x.data_handle(), n, d, 1.0f / static_cast<float>(n), gram.data(), d, workspace.data());
  detail::column_means_async(x.data_handle(), n, d, nullptr, sums.data(), means.data(), s);
  const std::vector<float> xtx = download(gram, s);  // waits
  const std::vector<double> column_sums = download(sums, s);
  const int size = d + 1;
  std::vector<double> g(static_cast<std::size_t>(size) * size, 0.0);  // column-major, the lower triangle
  for (int j = 0; j < d; ++j) {
    for (int i = j; i < d; ++i) g[i + static_cast<std::size_t>(j) * size] = xtx[i + static_cast<std::size_t>(j) * d];
    g[d + static_cast<std::size_t>(j) * size] = column_sums[j] / static_cast<double>(n);
  }
  g.back() = 1.0;
  return logistic_step_from_gram(g, size, l2);
}

}  // namespace gpulab::ml
