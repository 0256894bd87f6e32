// SPDX-License-Identifier: MIT
// PCA on the GPU: covariance + syevd, or the thin SVD through QR (pca.hpp).
#include "gpulab/ml/pca.hpp"

#include <algorithm>
#include <climits>
#include <optional>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/resources.hpp"
#include "gpulab/linalg/solver.hpp"
#include "gram.hpp"
#include "gram_one_pass.hpp"
#include "kernels/ml/principal_components.cuh"
#include "least_squares_detail.hpp"

namespace gpulab::ml {

struct pca::state {
  linalg::blas_handle* blas;
  linalg::solver_handle* solver;
  std::int64_t rows;
  int features, k;
  pca_params params;
  device_buffer<float> components, variance, ratio;
  // covariance_eigen
  device_buffer<double> sums;
  device_buffer<float> means, centered, covariance;
  device_buffer<float> gram_partials;  // one d x d partial covariance per chunk of rows (src/ml/gram.hpp)
  std::optional<linalg::symmetric_eigen_solver<float>> eigen;
  // or, one pass: the Gram of [X - shift | 1] in one read of X, then one block for the rest
  std::optional<detail::one_pass_gram> one_pass;
  device_buffer<float> shift;
  device_buffer<double> gram;  // (d + 1) x (d + 1)
  // qr_svd
  std::optional<detail::centered_qr> qr;
  device_buffer<float> r;
  std::optional<linalg::svd_solver<float>> svd;
};

pca::pca(resources& res, std::int64_t rows, int features, pca_params params) : state_(std::make_unique<state>()) {
  if (features < 1) throw usage_error("PCA: at least 1 feature");
  if (params.components < 1 || params.components > features) {
    throw usage_error("PCA: components must be in 1.." + std::to_string(features) + " (got " +
                      std::to_string(params.components) + ")");
  }
  if (rows < 2) throw usage_error("PCA: at least 2 rows (the covariance divides by rows - 1)");
  if (rows > INT_MAX) throw usage_error("PCA: at most 2^31 - 1 rows (cuBLAS and cuSOLVER count in int)");
  if (params.method == pca_method::qr_svd && rows < features) {
    throw usage_error("PCA (qr_svd): at least as many rows as features (got " + std::to_string(rows) + " x " +
                      std::to_string(features) + "); use covariance_eigen");
  }
  if (params.method == pca_method::covariance_eigen && params.gram != gram_product::chunked &&
      params.gram != gram_product::one_pass) {
    throw usage_error(std::string("PCA: the covariance's Gram is chunked or one_pass (got ") + gram_name(params.gram) + ")");
  }
  if (params.method == pca_method::covariance_eigen && params.gram == gram_product::one_pass &&
      features > kernels::eigen_max_n) {
    throw usage_error("PCA (one_pass): at most " + std::to_string(kernels::eigen_max_n) + " features (got " +
                      std::to_string(features) + "; its eigen solver is one block); use gram_product::chunked");
  }
  state& st = *state_;
  st.blas = &linalg::blas(res);
  st.solver = &linalg::solver(res);
  st.rows = rows;
  st.features = features;
  st.k = params.components;
  st.params = params;
  const cuda::stream_ref s = res.stream();
  const auto d = static_cast<std::size_t>(features);
  st.components = device_buffer<float>(d * static_cast<std::size_t>(st.k), s);
  st.variance = device_buffer<float>(static_cast<std::size_t>(st.k), s);
  st.ratio = device_buffer<float>(static_cast<std::size_t>(st.k), s);
  if (params.method == pca_method::covariance_eigen) {
    st.means = device_buffer<float>(d, s);
    if (params.gram == gram_product::one_pass) {
      st.one_pass.emplace(rows, features, s);  // the ones column folded: X's 64 columns are 8 tiles
      st.shift = device_buffer<float>(d, s);
      st.gram = device_buffer<double>((d + 1) * (d + 1), s);
      allow_dynamic_shared_memory(kernels::principal_components_one_block, kernels::eigen_shared_bytes(st.k));
    } else {
      st.sums = device_buffer<double>(d, s);
      st.covariance = device_buffer<float>(d * d, s);  // both triangles written (gram_async: zeros above)
      st.centered = device_buffer<float>(d * static_cast<std::size_t>(rows), s);
      st.gram_partials = device_buffer<float>(detail::gram_workspace_floats(rows, features), s);
      st.eigen.emplace(*st.solver, features);
    }
  } else {
    st.qr.emplace(*st.solver, *st.blas, rows, features, false, params.qr);
    st.r = device_buffer<float>(d * d, s);
    st.svd.emplace(*st.solver, *st.blas, linalg::svd_algorithm::qr_iteration, features, features);
  }
}

pca::~pca() = default;

void pca::fit_async(linalg::matrix_view<const float> x) {
  state& st = *state_;
  const cuda::stream_ref s = st.blas->stream();
  if (x.extent(0) != st.rows || x.extent(1) != st.features) {
    throw usage_error("PCA: built for " + std::to_string(st.rows) + " x " + std::to_string(st.features) + ", given X " +
                      linalg::shape(x));
  }
  if (linalg::storage_order(x) != linalg::layout::column_major || x.stride(1) != st.rows) {
    throw usage_error("PCA: X must be column-major with leading dimension rows");
  }
  const int d = st.features;
  if (st.params.check_input) detail::require_usable_features(x.data_handle(), st.rows, d, "PCA", s);
  const float per_row = 1.0f / static_cast<float>(st.rows - 1);
  if (st.params.method == pca_method::covariance_eigen) {
    if (st.one_pass) {
      // [snippet:pca_one_pass]
      // One read of X: the Gram of [X - shift | 1], whose last row holds the sums and the
      // count (the ones column folded: summed by the diagonal tiles, no tile of its own).
      // Then one block: the covariance, the means and the top eigenpairs.
      const int sample = static_cast<int>(std::min<std::int64_t>(st.rows, 256));
      kernels::sample_column_means<<<d, 32, 0, s.get()>>>(x.data_handle(), st.rows, sample,
                                                          st.shift.data());
      GPULAB_CHECK_LAUNCH();
      kernels::augmented_columns z;
      z.x = x.data_handle();
      z.shift = st.shift.data();
      z.rows = st.rows;
      z.d = d;
      z.ones = true;
      z.ones_folded = true;
      st.one_pass->compute_async(z, 1.0, st.gram.data(), d + 1, s);
      const int threads = kernels::eigen_threads;
      const std::size_t bytes = kernels::eigen_shared_bytes(st.k);
      kernels::principal_components_one_block<<<1, threads, bytes, s.get()>>>(
          st.gram.data(), d + 1, d, st.k, st.rows, st.shift.data(), st.means.data(),
          st.components.data(), st.variance.data(), st.ratio.data());
      // [/snippet:pca_one_pass]
      GPULAB_CHECK_LAUNCH();
      return;
    }
    // [snippet:pca_covariance]
    detail::column_means_async(x.data_handle(), st.rows, d, nullptr, st.sums.data(), st.means.data(), s);
    detail::center_columns_async(x.data_handle(), st.rows, d, nullptr, st.means.data(), st.centered.data(), s);
    // C = X_c^T X_c / (n - 1): the lower triangle, which syevd reads, from row chunks.
    detail::gram_async(*st.blas, st.centered.data(), st.rows, d, per_row, st.covariance.data(), d,
                       st.gram_partials.data());
    st.eigen->compute_async(linalg::column_major<const float>(st.covariance.data(), d, d));
    // syevd's eigenvalues are ascending: the top components are its last vectors.
    kernels::extract_components<<<1, 128, 0, s.get()>>>(st.eigen->vectors().data_handle(), st.eigen->values().data(),
                                                        d, st.k, true, false, 1.0f, st.components.data(),
                                                        st.variance.data(), st.ratio.data());
    // [/snippet:pca_covariance]
    GPULAB_CHECK_LAUNCH();
    return;
  }
  st.qr->factor_async(x.data_handle(), nullptr);
  st.qr->copy_r_async(st.r.data());
  st.svd->compute_async(linalg::column_major<const float>(st.r.data(), d, d));
  kernels::extract_components<<<1, 128, 0, s.get()>>>(st.svd->v().data_handle(), st.svd->singular_values().data(), d,
                                                      st.k, false, true, per_row, st.components.data(),
                                                      st.variance.data(), st.ratio.data());
  GPULAB_CHECK_LAUNCH();
}

void pca::check() const {
  if (state_->eigen) state_->eigen->check();
  if (state_->qr) state_->qr->check();
  if (state_->svd) state_->svd->check();
}

float* pca::components() { return state_->components.data(); }
float* pca::explained_variance() { return state_->variance.data(); }
float* pca::explained_variance_ratio() { return state_->ratio.data(); }
const float* pca::mean() const { return state_->qr ? state_->qr->means() : state_->means.data(); }
int pca::component_count() const noexcept { return state_->k; }
int pca::features() const noexcept { return state_->features; }

void pca::transform_async(linalg::matrix_view<const float> x, linalg::matrix_view<float> out) {
  state& st = *state_;
  const cuda::stream_ref s = st.blas->stream();
  if (x.extent(1) != st.features) {
    throw usage_error("PCA: fitted on " + std::to_string(st.features) + " features, X has " +
                      std::to_string(x.extent(1)) + " columns");
  }
  if (out.extent(0) != x.extent(0) || out.extent(1) != st.k) {
    throw usage_error("PCA: transform of " + linalg::shape(x) + " needs a " + std::to_string(x.extent(0)) + " x " +
                      std::to_string(st.k) + " output, got " + linalg::shape(out));
  }
  if (linalg::storage_order(out) != linalg::layout::column_major || out.stride(1) != out.extent(0)) {
    throw usage_error("PCA: the transform's output must be column-major with leading dimension rows");
  }
  if (x.extent(0) == 0) return;
  linalg::gemm_async(*st.blas, 1.0f, x, linalg::column_major<const float>(st.components.data(), st.features, st.k), 0.0f,
                     out);
  kernels::subtract_projected_mean<<<detail::column_grid(x.extent(0), st.k), 256, 0, s.get()>>>(
      out.data_handle(), x.extent(0), st.components.data(), mean(), st.features);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::ml
