// SPDX-License-Identifier: MIT
#include "check_helpers.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/exercises/row_major_gemm.hpp"
#include "gpulab/linalg/exercises/tiled_matmul.hpp"
#include "gpulab/linalg/resources.hpp"
#include "kernels/linalg/exercises/tiled_matmul.cuh"
#include "kernels/linalg/tiled_matmul.cuh"
#include "matmul_check.hpp"

namespace gpulab::exercises {

namespace {
// The launch every version uses: one thread per element of C, Tile x Tile blocks.
template <class Kernel>
void launch_tiled(Kernel kernel, const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s) {
  constexpr int tile = tiled_matmul_tile;
  const dim3 block(tile, tile);
  const dim3 grid((n + tile - 1) / tile, (m + tile - 1) / tile);
  kernel<<<grid, block, 0, s.get()>>>(a, b, c, m, n, k);
  GPULAB_CHECK_LAUNCH();
}
}  // namespace

namespace reference {
void tiled_matmul(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s) {
  launch_tiled(linalg::kernels::tiled_matmul<tiled_matmul_tile>, a, b, c, m, n, k, s);
}
}  // namespace reference

namespace trainee {
void tiled_matmul(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s) {
  launch_tiled(trainee_kernels::tiled_matmul<tiled_matmul_tile>, a, b, c, m, n, k, s);
}
}  // namespace trainee

check_report check_tiled_matmul(tiled_matmul_fn candidate, const check_options& options) {
  check_report report = start_check("tiled_matmul", options);
  resources res(options.device);  // the device's stream and its cuBLAS handle
  const cuda::stream_ref s = res.stream();
  auto on_stream = [&s](tiled_matmul_fn f) {
    return [&s, f](const float* a, const float* b, float* c, int m, int n, int k) { f(a, b, c, m, n, k, s); };
  };
  if (!detail::check_matmul_shapes(report, on_stream(candidate), s, options.seed)) return report;
  const int n = options.matmul_timing_size;
  report.candidate_ms = detail::time_and_recheck_matmul(report, on_stream(candidate), n, s, options.seed);
  report.reference_ms = detail::time_and_recheck_matmul(report, on_stream(reference::tiled_matmul), n, s,
                                                        options.seed);
  // The yardstick: the library on the same data.
  linalg::blas_handle& blas = linalg::blas(res);
  const double cublas_ms = detail::time_and_recheck_matmul(
      report,
      [&blas](const float* a, const float* b, float* c, int m, int nn, int k) {
        reference::row_major_gemm(blas.get(), m, nn, k, a, b, c);
      },
      n, s, options.seed);
  report.lines.push_back("note: cuBLAS SGEMM takes " + format_fixed(cublas_ms, 3) + " ms at " + std::to_string(n) +
                         "^3, " + format_significant(*report.candidate_ms / cublas_ms) +
                         "x faster than this kernel (register tiling, vector loads, no bank conflicts)");
  return report;
}

}  // namespace gpulab::exercises
