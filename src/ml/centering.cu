// SPDX-License-Identifier: MIT
// Centring, the input checks and the centred QR (least_squares_detail.hpp).
#include <algorithm>
#include <climits>
#include <cusolverDn.h>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/stream.hpp"
#include "kernels/ml/centering.cuh"
#include "least_squares_detail.hpp"
#include "tall_skinny_qr.hpp"

namespace gpulab::ml::detail {

namespace {
constexpr unsigned column_block = 256;

int checked_int(std::int64_t v, const char* what) {
  if (v > INT_MAX) throw usage_error(std::string(what) + " " + std::to_string(v) + " exceeds cuSOLVER's int (2^31 - 1)");
  return static_cast<int>(v);
}

}  // namespace

dim3 column_grid(std::int64_t rows, int columns) {
  if (columns < 1 || columns > 65535) throw usage_error("between 1 and 65535 columns (got " + std::to_string(columns) + ")");
  const std::int64_t wanted = std::max<std::int64_t>(1, (std::int64_t{sm_count()} * 8 + columns - 1) / columns);
  const std::int64_t x = std::clamp<std::int64_t>(blocks_for(rows, column_block), 1, wanted);
  return dim3(static_cast<unsigned>(x), static_cast<unsigned>(columns));
}

void column_means_async(const float* x, std::int64_t rows, int x_columns, const float* extra, double* sums,
                        float* means, cuda::stream_ref s) {
  const int columns = x_columns + (extra != nullptr ? 1 : 0);
  GPULAB_CUDA_TRY(cudaMemsetAsync(sums, 0, sizeof(double) * static_cast<std::size_t>(columns), s.get()));
  kernels::column_sums<<<column_grid(rows, columns), column_block, 0, s.get()>>>(x, rows, x_columns, extra, sums);
  GPULAB_CHECK_LAUNCH();
  kernels::sums_to_means<<<blocks_for(columns, 128), 128, 0, s.get()>>>(sums, columns, rows, means);
  GPULAB_CHECK_LAUNCH();
}

void center_columns_async(const float* x, std::int64_t rows, int x_columns, const float* extra, const float* means,
                          float* out, cuda::stream_ref s) {
  const int columns = x_columns + (extra != nullptr ? 1 : 0);
  kernels::center_columns<<<column_grid(rows, columns), column_block, 0, s.get()>>>(x, rows, x_columns, extra, means,
                                                                                    out);
  GPULAB_CHECK_LAUNCH();
}

void require_usable_features(const float* x, std::int64_t rows, int features, const std::string& what,
                             cuda::stream_ref s) {
  std::vector<kernels::column_scan> scans(static_cast<std::size_t>(features),
                                          kernels::column_scan{0xFFFFFFFFu, 0u, 0ull, ~0ull});
  device_buffer<kernels::column_scan> device = upload(scans, s);
  kernels::scan_columns<<<column_grid(rows, features), column_block, 0, s.get()>>>(x, rows, device.data());
  GPULAB_CHECK_LAUNCH();
  scans = download(device, s);
  for (int j = 0; j < features; ++j) {
    const kernels::column_scan& c = scans[static_cast<std::size_t>(j)];
    if (c.non_finite > 0) {
      throw usage_error(what + ": column " + std::to_string(j) + " holds " + std::to_string(c.non_finite) +
                        " NaN or Inf value" + (c.non_finite > 1 ? "s" : "") + ", the first at row " +
                        std::to_string(c.first_non_finite));
    }
    if (rows > 1 && c.min_key == c.max_key) {
      throw usage_error(what + ": column " + std::to_string(j) + " is constant (every value is " +
                        std::to_string(key_to_float(c.min_key)) +
                        "): it carries no information and makes X^T X singular; drop it");
    }
  }
}

void require_binary_labels(const float* y, std::int64_t rows, const std::string& what, cuda::stream_ref s) {
  std::vector<unsigned long long> counts = {0ull, ~0ull};  // how many, the first
  device_buffer<unsigned long long> device = upload(counts, s);
  const unsigned grid = static_cast<unsigned>(std::clamp<std::int64_t>(blocks_for(rows, 256), 1, sm_count() * 8));
  kernels::scan_labels<<<grid, 256, 0, s.get()>>>(y, rows, device.data(), device.data() + 1);
  GPULAB_CHECK_LAUNCH();
  counts = download(device, s);
  if (counts[0] > 0) {
    float label = 0;
    GPULAB_CUDA_TRY(cudaMemcpyAsync(&label, y + counts[1], sizeof label, cudaMemcpyDeviceToHost, s.get()));
    synchronize(s);
    throw usage_error(what + ": label " + std::to_string(counts[1]) + " is " + std::to_string(label) +
                      ": binary labels must be 0 or 1");
  }
}

// ------------------------------------------------------------------ centred QR
namespace {
// The one rule for which factorization runs: the tree when asked for and [X y] fits it, else geqrf.
bool uses_tree(qr_factorization algorithm, int columns) {
  return algorithm == qr_factorization::tall_skinny && columns <= tall_skinny_qr::max_columns;
}
}  // namespace

std::size_t centered_qr_floats_at_most(std::int64_t rows, int features, bool with_y, qr_factorization algorithm) {
  const int columns = features + (with_y ? 1 : 0);
  if (uses_tree(algorithm, columns)) return tall_skinny_qr::scratch_floats_at_most(rows, columns);
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns);
}

centered_qr::centered_qr(linalg::solver_handle& solver, linalg::blas_handle& blas, std::int64_t rows, int features,
                         bool with_y, qr_factorization algorithm)
    : solver_(&solver),
      blas_(&blas),
      n_(rows),
      d_(features),
      with_y_(with_y),
      workspace_(solver.stream()) {
  const cuda::stream_ref s = solver.stream();
  const int m = checked_int(rows, "rows");
  if (features < 1 || rows < features) {
    throw usage_error("QR needs at least as many rows as features (got " + std::to_string(rows) + " x " +
                      std::to_string(features) + ")");
  }
  const int columns = features + (with_y ? 1 : 0);
  sums_ = device_buffer<double>(static_cast<std::size_t>(columns), s);
  means_ = device_buffer<float>(static_cast<std::size_t>(columns), s);
  if (uses_tree(algorithm, columns)) {
    tree_ = std::make_unique<tall_skinny_qr>(rows, columns, s);
    return;
  }
  centered_ = device_buffer<float>(static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns), s);
  tau_ = device_buffer<float>(static_cast<std::size_t>(features), s);
  info_ = device_buffer<int>(2, s);
  // Without y, ormqr never runs and never writes info[1]; check() downloads both (initcheck, H200, 2026-12-03).
  GPULAB_CUDA_TRY(cudaMemsetAsync(info_.data(), 0, sizeof(int) * info_.size(), s.get()));
  // sgeqrf reads tau[1] before it writes it (compute-sanitizer initcheck, H200, 2026-12-03: the
  // read is inside cuSOLVER's geqr2 kernel); start tau at zero so that read sees a defined value.
  GPULAB_CUDA_TRY(cudaMemsetAsync(tau_.data(), 0, sizeof(float) * tau_.size(), s.get()));
  // Ask each routine for its scratch once, here: nothing is allocated in fit.
  int geqrf_work = 0, ormqr_work = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnSgeqrf_bufferSize(solver.get(), m, features, centered_.data(), m, &geqrf_work));
  if (with_y) {
    GPULAB_CUSOLVER_TRY(cusolverDnSormqr_bufferSize(solver.get(), CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, 1, features,
                                                    centered_.data(), m, tau_.data(),
                                                    centered_.data() + static_cast<std::int64_t>(features) * rows, m,
                                                    &ormqr_work));
  }
  workspace_.reserve_elements<float>(std::max(geqrf_work, ormqr_work));
}

centered_qr::~centered_qr() = default;

void centered_qr::factor_async(const float* x, const float* y) {
  const cuda::stream_ref s = solver_->stream();
  const float* extra = with_y_ ? y : nullptr;
  column_means_async(x, n_, d_, extra, sums_.data(), means_.data(), s);
  if (tree_) {
    // The tree reads [X | y] where they lie and subtracts the means as it loads them.
    tree_->factor_async(kernels::tall_matrix{.x = x, .ld = n_, .rows = n_, .x_columns = d_, .extra = extra,
                                             .shift = means_.data()},
                        s);
    return;
  }
  center_columns_async(x, n_, d_, extra, means_.data(), centered_.data(), s);
  const int m = static_cast<int>(n_);
  GPULAB_CUSOLVER_TRY(cusolverDnSgeqrf(solver_->get(), m, d_, centered_.data(), m, tau_.data(),
                                      workspace_.device_as<float>(), workspace_.device_elements<float>(),
                                      info_.data()));
  if (with_y_) {
    float* yc = centered_.data() + static_cast<std::int64_t>(d_) * n_;
    GPULAB_CUSOLVER_TRY(cusolverDnSormqr(solver_->get(), CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, 1, d_, centered_.data(), m,
                                        tau_.data(), yc, m, workspace_.device_as<float>(),
                                        workspace_.device_elements<float>(), info_.data() + 1));
  }
}

float* centered_qr::r_data() { return tree_ ? tree_->r() : centered_.data(); }
const float* centered_qr::r_data() const { return tree_ ? tree_->r() : centered_.data(); }
std::int64_t centered_qr::r_ld() const { return tree_ ? tree_->columns() : n_; }

const float* centered_qr::q_transpose_y() const { return r_data() + static_cast<std::int64_t>(d_) * r_ld(); }

void centered_qr::solve_with_r_async() {
  // Q^T y_c, R's last column after the features' (the tree) or y_c's buffer (geqrf), is overwritten by w.
  float* r = r_data();
  const int ld = static_cast<int>(r_ld());
  GPULAB_CUBLAS_TRY(cublasStrsv(blas_->get(), CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, d_, r, ld,
                                r + static_cast<std::int64_t>(d_) * ld, 1));
}

void centered_qr::copy_r_async(float* r) {
  const cuda::stream_ref s = solver_->stream();
  GPULAB_CUDA_TRY(cudaMemcpy2DAsync(r, sizeof(float) * d_, r_data(), sizeof(float) * r_ld(), sizeof(float) * d_, d_,
                                    cudaMemcpyDeviceToDevice, s.get()));
  // The tree's R is zero below its diagonal; below geqrf's lie its reflectors, not R's: zero them in the copy.
  if (!tree_) linalg::zero_below_diagonal_async(linalg::column_major(r, d_, d_), s);
}

void centered_qr::check() const {
  if (tree_) return;  // the tree has no error to report: a zero column leaves a zero on R's diagonal
  const std::vector<int> info = download(info_, solver_->stream());
  if (info[0] != 0 || (with_y_ && info[1] != 0)) {
    throw numerical_error("QR (geqrf/ormqr) reported info " + std::to_string(info[0]) + ", " + std::to_string(info[1]));
  }
}

}  // namespace gpulab::ml::detail
