// SPDX-License-Identifier: MIT
#include "check_helpers.hpp"
#include "gpulab/linalg/exercises/row_major_gemm.hpp"

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/resources.hpp"
#include "kernels/linalg/exercises/row_major_gemm.hpp"
#include "matmul_check.hpp"

namespace gpulab::exercises {

namespace reference {
// [snippet:row_major_gemm]
// Row-major memory read column-major holds the transpose. So ask cuBLAS for
// C^T = B^T A^T: pass B first, swap m and n, and use the row lengths as
// leading dimensions. Nothing is copied or transposed.
void row_major_gemm(cublasHandle_t handle, int m, int n, int k, const float* a, const float* b, float* c) {
  const float alpha = 1.0f, beta = 0.0f;
  GPULAB_CUBLAS_TRY(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, b, n, a, k, &beta, c, n));
}
// [/snippet:row_major_gemm]
}  // namespace reference

check_report check_row_major_gemm(row_major_gemm_fn candidate, const check_options& options) {
  check_report report = start_check("row_major_gemm", options);
  resources res(options.device);  // the device's stream and its cuBLAS handle
  const cuda::stream_ref s = res.stream();
  linalg::blas_handle& blas = linalg::blas(res);
  auto with_handle = [&blas](row_major_gemm_fn f) {
    return [&blas, f](const float* a, const float* b, float* c, int m, int n, int k) { f(blas.get(), m, n, k, a, b, c); };
  };
  try {
    if (!detail::check_matmul_shapes(report, with_handle(candidate), s, options.seed)) return report;
    const int n = options.matmul_timing_size;
    report.candidate_ms = detail::time_and_recheck_matmul(report, with_handle(candidate), n, s, options.seed);
    report.reference_ms = detail::time_and_recheck_matmul(report, with_handle(reference::row_major_gemm), n, s,
                                                          options.seed);
  } catch (const error& e) {  // e.g. a cuBLAS status error from a wrong argument
    report.record(false, std::string("error: ") + e.what());
  }
  return report;
}

}  // namespace gpulab::exercises
