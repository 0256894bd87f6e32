// SPDX-License-Identifier: MIT
// Linear regression on the GPU: normal equations, QR and SVD (linear_regression.hpp).
#include "gpulab/ml/linear_regression.hpp"

#include <algorithm>
#include <climits>
#include <optional>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/stream.hpp"
#include "gpulab/linalg/resources.hpp"
#include "gpulab/linalg/solver.hpp"
#include "gpulab/ml/regression_cpu.hpp"
#include "gram.hpp"
#include "gram_one_pass.hpp"
#include "kernels/ml/cholesky_one_block.cuh"
#include "kernels/ml/least_squares.cuh"
#include "least_squares_detail.hpp"

namespace gpulab::ml {

struct linear_regression::state {
  linalg::blas_handle* blas;
  linalg::solver_handle* solver;
  std::int64_t rows;
  int features;
  linear_regression_params params;
  device_buffer<float> coefficients;  // features + 1
  device_buffer<int> rank;
  // normal equations
  device_buffer<float> y_and_ones;  // rows x 2: y, then 1
  device_buffer<float> system;      // (features + 1)^2, then the right-hand side (features + 1)
  device_buffer<float> xt_y1, yt_y1;
  device_buffer<float> gram_partials;  // chunked: one features^2 partial Gram per chunk of rows
  std::optional<linalg::cholesky_solver<float>> cholesky;
  // normal equations, one pass: G = [X 1 y]^T [X 1 y] in double, solved by one block
  std::optional<detail::one_pass_gram> one_pass;
  device_buffer<double> augmented_gram;  // (features + 2)^2
  device_buffer<int> failed_column;      // 0, or the first column whose pivot was not positive
  std::size_t solve_bytes = 0;           // the one-block solve's shared memory
  // QR and SVD
  std::optional<detail::centered_qr> qr;
  device_buffer<float> r;  // svd: features x features
  std::optional<linalg::svd_solver<float>> svd;
};

namespace {
constexpr unsigned fill_block = 256;
const dim3 solve_block(32, 8);  // kernels/ml/cholesky_one_block.cuh: (lane, warp) strides

// The one-block solve keeps (features + 2)^2 doubles and the pivots' inverses in shared memory: past 48 KiB
// the kernel must ask for more, up to what the device allows a block.
std::size_t one_block_solve_bytes(int features) {
  const std::size_t c = static_cast<std::size_t>(features) + 2;
  const std::size_t bytes = sizeof(double) * (c * c + c - 1);
  const std::size_t allowed = shared_memory_opt_in_bytes();
  if (bytes > allowed) {
    throw usage_error("linear regression (one_pass): " + std::to_string(features) + " features need " +
                      std::to_string(bytes) + " bytes of shared memory for the one-block solve, the device allows " +
                      std::to_string(allowed) + "; use gram_product::chunked");
  }
  allow_dynamic_shared_memory(kernels::solve_normal_equations_one_block, bytes);
  return bytes;
}
}

linear_regression::linear_regression(resources& res, std::int64_t rows, int features, linear_regression_params params)
    : state_(std::make_unique<state>()) {
  const bool normal = params.method == least_squares_method::normal_equations;
  if (!(params.ridge >= 0)) throw usage_error("linear regression: ridge must be >= 0");
  if (params.method == least_squares_method::qr && params.ridge > 0) {
    throw usage_error("linear regression: QR solves plain least squares; for a ridge use normal_equations or svd");
  }
  if (rows > INT_MAX) throw usage_error("linear regression: at most 2^31 - 1 rows (cuBLAS and cuSOLVER count in int)");
  require_regression_shape(static_cast<std::size_t>(std::max<std::int64_t>(rows, 0)) * static_cast<std::size_t>(std::max(features, 0)),
                           static_cast<std::size_t>(std::max<std::int64_t>(rows, 0)), rows, features,
                           normal && params.ridge > 0, "linear regression");
  state& st = *state_;
  st.blas = &linalg::blas(res);
  st.solver = &linalg::solver(res);
  st.rows = rows;
  st.features = features;
  st.params = params;
  const cuda::stream_ref s = res.stream();
  const std::size_t size = static_cast<std::size_t>(features) + 1;
  st.coefficients = device_buffer<float>(size, s);
  st.rank = device_buffer<int>(1, s);
  if (normal && params.gram == gram_product::one_pass) {
    if (features + 2 > detail::one_pass_gram::max_columns) {
      throw usage_error("linear regression (one_pass): at most " + std::to_string(detail::one_pass_gram::max_columns - 2) +
                        " features (got " + std::to_string(features) + "); use gram_product::chunked");
    }
    st.solve_bytes = one_block_solve_bytes(features);
    st.one_pass.emplace(rows, features + 2, s);
    st.augmented_gram = device_buffer<double>((size + 1) * (size + 1), s);  // (features + 2)^2
    st.failed_column = device_buffer<int>(1, s);
  } else if (normal) {
    st.y_and_ones = device_buffer<float>(2 * static_cast<std::size_t>(rows), s);
    kernels::fill_value<<<blocks_for(rows, fill_block), fill_block, 0, s.get()>>>(st.y_and_ones.data() + rows, rows,
                                                                                  1.0f);
    GPULAB_CHECK_LAUNCH();
    st.system = device_buffer<float>(size * size + size, s);
    st.xt_y1 = device_buffer<float>(2 * static_cast<std::size_t>(features), s);
    st.yt_y1 = device_buffer<float>(4, s);
    if (params.gram == gram_product::chunked) {
      st.gram_partials = device_buffer<float>(detail::gram_workspace_floats(rows, features), s);
    }
    st.cholesky.emplace(*st.solver, features + 1, 1);
  } else {
    st.qr.emplace(*st.solver, *st.blas, rows, features, true, params.qr);
    if (params.method == least_squares_method::svd) {
      st.r = device_buffer<float>(static_cast<std::size_t>(features) * features, s);
      st.svd.emplace(*st.solver, *st.blas, linalg::svd_algorithm::qr_iteration, features, features);
    }
  }
}

linear_regression::~linear_regression() = default;

void linear_regression::fit_async(linalg::matrix_view<const float> x, cuda::std::span<const float> y) {
  state& st = *state_;
  const cuda::stream_ref s = st.blas->stream();
  if (x.extent(0) != st.rows || x.extent(1) != st.features || y.size() != static_cast<std::size_t>(st.rows)) {
    throw usage_error("linear regression: built for " + std::to_string(st.rows) + " x " + std::to_string(st.features) +
                      ", given X " + linalg::shape(x) + " and " + std::to_string(y.size()) + " labels");
  }
  if (linalg::storage_order(x) != linalg::layout::column_major || x.stride(1) != st.rows) {
    throw usage_error("linear regression: X must be column-major with leading dimension rows");
  }
  const int n = static_cast<int>(st.rows), d = st.features;
  if (st.params.check_input) detail::require_usable_features(x.data_handle(), st.rows, d, "linear regression", s);

  if (st.one_pass) {
    // [snippet:normal_equations_one_pass]
    // G = [X 1 y]^T [X 1 y]: X^T X, X^T 1, X^T y, n, 1^T y and y^T y from one read of X.
    kernels::augmented_columns z;
    z.x = x.data_handle();
    z.extra = y.data();
    z.rows = st.rows;
    z.d = d;
    z.ones = true;
    st.one_pass->compute_async(z, 1.0, st.augmented_gram.data(), d + 2, s);
    // Cholesky of the (d + 1) x (d + 1) system and both substitutions: one block, one launch.
    kernels::solve_normal_equations_one_block<<<1, solve_block, st.solve_bytes, s.get()>>>(
        st.augmented_gram.data(), d, st.params.ridge, st.coefficients.data(), st.rank.data(),
        st.failed_column.data());
    // [/snippet:normal_equations_one_pass]
    GPULAB_CHECK_LAUNCH();
    return;
  }
  if (st.params.method == least_squares_method::normal_equations) {
    const int size = d + 1;
    float* a = st.system.data();
    float* b = a + static_cast<std::ptrdiff_t>(size) * size;
    // [snippet:normal_equations]
    // X^T X into the top-left of the augmented system: by row chunks (the default, src/ml/gram.hpp),
    // one SYRK (one triangle, half a GEMM's FLOPs) or one GEMM: the three cases compare them.
    const float one = 1.0f, zero = 0.0f;
    if (st.params.gram == gram_product::chunked) {  // the lower triangle, from one batched GEMM over row chunks
      detail::gram_async(*st.blas, x.data_handle(), st.rows, d, 1.0f, a, size, st.gram_partials.data());
    } else if (st.params.gram == gram_product::syrk) {
      GPULAB_CUBLAS_TRY(cublasSsyrk(st.blas->get(), CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_T, d, n, &one, x.data_handle(),
                                    n, &zero, a, size));
    } else {  // both triangles, by GEMM: X^T (X's memory read row-major) times X
      linalg::gemm_async(*st.blas, 1.0f, linalg::row_major<const float>(x.data_handle(), d, n, n), x, 0.0f,
                         linalg::column_major(a, d, d, size));
    }
    // X^T [y 1] and [y 1]^T [y 1]: X^T y, the column sums, sum(y) and n (X^T is X's memory read row-major).
    GPULAB_CUDA_TRY(cudaMemcpyAsync(st.y_and_ones.data(), y.data(), sizeof(float) * st.rows, cudaMemcpyDeviceToDevice,
                                    s.get()));
    const auto y1 = linalg::column_major<const float>(st.y_and_ones.data(), n, 2);
    linalg::gemm_async(*st.blas, 1.0f, linalg::row_major<const float>(x.data_handle(), d, n, n), y1, 0.0f,
                       linalg::column_major(st.xt_y1.data(), d, 2));
    linalg::gemm_async(*st.blas, 1.0f, linalg::row_major<const float>(st.y_and_ones.data(), 2, n, n), y1, 0.0f,
                       linalg::column_major(st.yt_y1.data(), 2, 2));
    kernels::assemble_normal_equations<<<1, 256, 0, s.get()>>>(a, b, st.xt_y1.data(), st.yt_y1.data(), st.rows, d,
                                                               st.params.ridge, st.rank.data());
    GPULAB_CHECK_LAUNCH();
    // Cholesky (potrf + potrs) of the small (d + 1)^2 system.
    st.cholesky->solve_async(linalg::column_major<const float>(a, size, size),
                             linalg::column_major<const float>(b, size, 1));
    // [/snippet:normal_equations]
    GPULAB_CUDA_TRY(cudaMemcpyAsync(st.coefficients.data(), st.cholesky->solution().data_handle(),
                                    sizeof(float) * size, cudaMemcpyDeviceToDevice, s.get()));
    return;
  }

  // [snippet:qr_least_squares]
  // [X_c | y_c] = Q R by the tall-skinny tree (or geqrf + ormqr): Q^T y_c is R's last column.
  // Q is never formed.
  st.qr->factor_async(x.data_handle(), y.data());
  // [/snippet:qr_least_squares]
  if (st.params.method == least_squares_method::qr) {
    st.qr->solve_with_r_async();  // R w = Q^T y_c (trsv)
    kernels::finish_centered_solution<<<1, 128, 0, s.get()>>>(st.qr->q_transpose_y(), st.qr->means(), d,
                                                              st.coefficients.data(), st.rank.data());
    GPULAB_CHECK_LAUNCH();
    return;
  }
  // SVD of the small R: the same singular values and right vectors as X_c's.
  st.qr->copy_r_async(st.r.data());
  st.svd->compute_async(linalg::column_major<const float>(st.r.data(), d, d));
  kernels::svd_solution<<<1, 128, sizeof(float) * static_cast<std::size_t>(kernels::svd_filtered_floats(d)), s.get()>>>(
      st.svd->u().data_handle(), st.svd->singular_values().data(), st.svd->v().data_handle(), st.qr->q_transpose_y(),
      st.qr->means(), d, st.params.ridge, st.params.svd_cutoff, st.coefficients.data(), st.rank.data());
  GPULAB_CHECK_LAUNCH();
}

void linear_regression::check() const {
  const state& st = *state_;
  if (st.cholesky) {
    try {
      st.cholesky->check();
    } catch (const numerical_error& e) {
      throw numerical_error(std::string("linear regression (normal equations): X^T X is not positive definite in "
                                        "float (ill-conditioned or rank-deficient X; try qr or svd): ") +
                            e.what());
    }
  }
  if (st.one_pass) {
    const int failed = download(st.failed_column, st.blas->stream()).front();
    if (failed != 0) {
      throw numerical_error("linear regression (normal equations, one_pass): X^T X is not positive definite: the pivot "
                            "of column " + std::to_string(failed) + " of [X 1] is not positive (a zero, duplicate or "
                            "ill-conditioned column; try qr or svd)");
    }
  }
  if (st.qr) st.qr->check();
  if (st.svd) st.svd->check();
}

cuda::std::span<const float> linear_regression::coefficients() const { return state_->coefficients.span(); }
cuda::std::span<const int> linear_regression::rank() const { return state_->rank.span(); }
float* linear_regression::coefficients_data() { return state_->coefficients.data(); }
int* linear_regression::rank_data() { return state_->rank.data(); }
std::int64_t linear_regression::rows() const noexcept { return state_->rows; }
int linear_regression::features() const noexcept { return state_->features; }

linear_model linear_regression::model() const {
  const state& st = *state_;
  const cuda::stream_ref s = st.blas->stream();
  std::vector<float> c = download(st.coefficients, s);
  const std::vector<int> rank = download(st.rank, s);
  linear_model m;
  m.intercept = c.back();
  c.pop_back();
  m.weights = std::move(c);
  m.rank = rank.front();
  return m;
}

void linear_regression::predict_async(linalg::matrix_view<const float> x, cuda::std::span<float> predictions) {
  state& st = *state_;
  const cuda::stream_ref s = st.blas->stream();
  if (x.extent(1) != st.features) {
    throw usage_error("linear regression: the model was fitted on " + std::to_string(st.features) +
                      " features, X has " + std::to_string(x.extent(1)) + " columns");
  }
  if (predictions.size() != static_cast<std::size_t>(x.extent(0))) {
    throw usage_error("linear regression: " + std::to_string(predictions.size()) + " predictions for " +
                      std::to_string(x.extent(0)) + " rows");
  }
  const std::int64_t n = x.extent(0);
  if (n == 0) return;
  // predictions = b, then += X w (GEMV with beta = 1).
  kernels::fill_from_device_scalar<<<blocks_for(n, fill_block), fill_block, 0, s.get()>>>(
      predictions.data(), n, st.coefficients.data() + st.features);
  GPULAB_CHECK_LAUNCH();
  linalg::gemv_async(*st.blas, 1.0f, x, cuda::std::span<const float>(st.coefficients.data(), st.features), 1.0f,
                     predictions);
}

}  // namespace gpulab::ml
