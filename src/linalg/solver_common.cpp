// SPDX-License-Identifier: MIT
// What every cuSOLVER class (solver.hpp) uses: the handle, device matrices and
// their copies and poison, and the info flags (solver_detail.hpp). The classes
// themselves have one file each: lu_solver.cpp, cholesky_solver.cpp,
// qr_factorizer.cpp, svd_solver.cpp, symmetric_eigen_solver.cpp.
#include <array>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/solver.hpp"
#include "solver_detail.hpp"

namespace gpulab::linalg {

solver_handle::solver_handle(cuda::stream_ref s) : stream_(s) {
  GPULAB_CUSOLVER_TRY(cusolverDnCreate(&handle_));
  GPULAB_CUSOLVER_TRY(cusolverDnSetStream(handle_, s.get()));
  GPULAB_CUSOLVER_TRY(cusolverDnCreateParams(&params_));
}
solver_handle::~solver_handle() {
  if (params_ != nullptr) (void)cusolverDnDestroyParams(params_);
  if (handle_ != nullptr) (void)cusolverDnDestroy(handle_);
}

template <class T>
device_matrix<T>::device_matrix(int m, int n, cuda::stream_ref s)
    : rows(m), cols(n), data(static_cast<std::size_t>(m) * static_cast<std::size_t>(n), s) {
  if (m < 0 || n < 0) throw usage_error("matrix sizes must not be negative");
}

template <class T>
void copy_matrix_async(matrix_view<const T> from, device_matrix<T>& to, cuda::stream_ref s) {
  require_valid(from, "A");
  if (storage_order(from) != layout::column_major) {
    throw usage_error("cuSOLVER reads column-major matrices: pass column_major(...), or transpose first");
  }
  if (from.extent(0) != to.rows || from.extent(1) != to.cols) {
    throw usage_error("shapes do not conform: the solver was made for " + std::to_string(to.rows) + " x " +
                      std::to_string(to.cols) + ", got " + shape(from));
  }
  if (to.rows == 0 || to.cols == 0) return;
  // Column by column: the source may have a larger leading dimension than the copy.
  GPULAB_CUDA_TRY(cudaMemcpy2DAsync(to.data.data(), sizeof(T) * to.rows, from.data_handle(),
                                    sizeof(T) * leading_dimension(from), sizeof(T) * to.rows, to.cols,
                                    cudaMemcpyDeviceToDevice, s.get()));
}

template <class T>
device_matrix<T> copy_to_device(const host_matrix<T>& m, cuda::stream_ref s) {
  device_matrix<T> d(m.rows, m.cols, s);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(d.data.data(), m.data.data(), sizeof(T) * m.data.size(), cudaMemcpyHostToDevice,
                                  s.get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return d;
}

template <class T>
host_matrix<T> copy_to_host(matrix_view<const T> m, cuda::stream_ref s) {
  if (storage_order(m) != layout::column_major) throw usage_error("copy_to_host: column-major matrices only");
  host_matrix<T> h(rows(m), cols(m));
  if (!h.data.empty()) {
    GPULAB_CUDA_TRY(cudaMemcpy2DAsync(h.data.data(), sizeof(T) * h.rows, m.data_handle(),
                                      sizeof(T) * leading_dimension(m), sizeof(T) * h.rows, h.cols,
                                      cudaMemcpyDeviceToHost, s.get()));
  }
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return h;
}

template <class T>
void poison_async(matrix_view<const T> m, cuda::stream_ref s) {
  // required_span_size: from the first element to the last, leading-dimension gaps included.
  const auto elements = static_cast<std::size_t>(m.mapping().required_span_size());
  if (elements == 0) return;
  // The memory is owned (non-const) by whoever computes into it; the view is const for readers.
  GPULAB_CUDA_TRY(cudaMemsetAsync(const_cast<T*>(m.data_handle()), 0xFF, sizeof(T) * elements, s.get()));
}

template <class T>
void poison_async(cuda::std::span<const T> v, cuda::stream_ref s) {
  if (!v.empty()) GPULAB_CUDA_TRY(cudaMemsetAsync(const_cast<T*>(v.data()), 0xFF, v.size_bytes(), s.get()));
}

namespace detail {

device_buffer<int> zeroed_info(std::size_t count, cuda::stream_ref s) {
  device_buffer<int> info(count, s);
  info.fill_bytes_async(0, s);
  return info;
}

void check_infos(const device_buffer<int>& info, std::initializer_list<solver_routine> routines) {
  std::array<int, 4> host{};
  if (routines.size() > host.size() || routines.size() > info.size()) {
    throw error("check_infos: more routines than info flags");  // a bug here, not in the input
  }
  GPULAB_CUDA_TRY(cudaMemcpyAsync(host.data(), info.data(), sizeof(int) * routines.size(), cudaMemcpyDeviceToHost,
                                  info.stream().get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(info.stream().get()));
  std::size_t i = 0;
  for (solver_routine r : routines) check_solver_info(r, host[i++]);
}

void require_dimension(int n, const char* what) {
  if (n < 0) throw usage_error(std::string(what) + " must not be negative, got " + std::to_string(n));
}

}  // namespace detail

#define GPULAB_SOLVER_COMMON_INSTANTIATE(T)                                                       \
  template struct device_matrix<T>;                                                              \
  template void copy_matrix_async<T>(matrix_view<const T>, device_matrix<T>&, cuda::stream_ref); \
  template device_matrix<T> copy_to_device<T>(const host_matrix<T>&, cuda::stream_ref);          \
  template host_matrix<T> copy_to_host<T>(matrix_view<const T>, cuda::stream_ref);               \
  template void poison_async<T>(matrix_view<const T>, cuda::stream_ref);                         \
  template void poison_async<T>(cuda::std::span<const T>, cuda::stream_ref);
GPULAB_SOLVER_COMMON_INSTANTIATE(float)
GPULAB_SOLVER_COMMON_INSTANTIATE(double)
#undef GPULAB_SOLVER_COMMON_INSTANTIATE

}  // namespace gpulab::linalg
