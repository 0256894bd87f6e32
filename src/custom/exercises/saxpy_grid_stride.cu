// SPDX-License-Identifier: MIT
#include <cmath>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/custom/exercises/saxpy_grid_stride.hpp"
#include "gpulab/custom/elementwise.hpp"
#include "kernels/custom/exercises/saxpy_grid_stride.cuh"
#include "check_helpers.hpp"

namespace gpulab::exercises {

unsigned saxpy_exercise_blocks() {
  return 2u * static_cast<unsigned>(sm_count());
}

namespace reference {
void saxpy_grid_stride(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                       cuda::std::span<float> r, cuda::stream_ref s) {
  custom::elementwise_params p;
  p.a = a;
  custom::map_async(custom::elementwise_op::saxpy, custom::map_version::grid_stride, p, x, y,
                            r, s);
}
}  // namespace reference

namespace trainee {
// The launch is fixed: a grid that does not grow with n.
void saxpy_grid_stride(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                       cuda::std::span<float> r, cuda::stream_ref s) {
  trainee_kernels::saxpy_grid_stride<<<saxpy_exercise_blocks(), 256, 0, s.get()>>>(
      a, x.data(), y.data(), r.data(), static_cast<long long>(r.size()));
  GPULAB_CHECK_LAUNCH();
}
}  // namespace trainee

namespace {

constexpr float a = 0.31f;  // the course's

// "" when every r[i] is a x[i] + y[i] within one rounding of |a x| + |y|
// (with or without a fused multiply-add), and no guard cell was written.
std::string inspect(const std::vector<float>& x, const std::vector<float>& y, const std::vector<float>& got,
                    const guarded_output& r) {
  const double u = std::ldexp(1.0, -24);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double expected = static_cast<double>(a) * x[i] + y[i];
    const double scale = std::abs(static_cast<double>(a) * x[i]) + std::abs(y[i]);
    if (!(std::abs(got[i] - expected) <= 2 * u * scale)) {
      return "r[" + std::to_string(i) + "] is " + std::to_string(got[i]) + never_written(got[i]) + ", expected " +
             std::to_string(expected);
    }
  }
  return r.guard_problem(got);
}

}  // namespace

check_report check_saxpy_grid_stride(saxpy_fn candidate, const check_options& options) {
  check_report report = start_check("saxpy_grid_stride", options);
  stream s;
  const std::size_t threads = 256u * saxpy_exercise_blocks();
  // Fewer elements than threads, about as many, and many more (each thread loops).
  for (const std::size_t n : {std::size_t{1}, std::size_t{31}, threads - 1, threads + 1, std::size_t{1000003},
                              std::size_t{5000011}}) {
    std::vector<float> x(n), y(n);
    fill_uniform(x, options.seed + n, -1.0f, 1.0f);
    fill_uniform(y, options.seed + n + 1, -1.0f, 1.0f);
    const auto x_device = upload_with_guard(x, 64, s), y_device = upload_with_guard(y, 64, s);
    guarded_output r(n, 64, s);
    r.poison(s);
    const bool ran = record_run(report, std::to_string(n) + " elements", [&] {
      candidate(a, {x_device.data(), n}, {y_device.data(), n}, r.view(), s);
      return inspect(x, y, r.read(s), r);
    });
    if (!ran) return report;
  }
  // Time candidate and reference on 2^24 elements, then check what the last timed run left.
  const std::size_t n = std::size_t{1} << 24;
  std::vector<float> x(n), y(n);
  fill_uniform(x, options.seed, -1.0f, 1.0f);
  fill_uniform(y, options.seed + 1, -1.0f, 1.0f);
  const auto x_device = upload_with_guard(x, 64, s), y_device = upload_with_guard(y, 64, s);
  const cuda::std::span<const float> x_view(x_device.data(), n), y_view(y_device.data(), n);
  guarded_output r(n, 64, s);
  r.poison(s);
  time_against_reference(
      report, s, std::to_string(n) + " elements", [&] { candidate(a, x_view, y_view, r.view(), s); },
      [&] { reference::saxpy_grid_stride(a, x_view, y_view, r.view(), s); },
      [&] { return inspect(x, y, r.read(s), r); });
  return report;
}

}  // namespace gpulab::exercises
