// SPDX-License-Identifier: MIT
// The runtime-compilation demo: the course's PyCUDA SourceModule and
// ReductionKernel examples, written with gpulab::rtc and checked.
#include <cmath>
#include <string>
#include <vector>

#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/rtc/elementwise.hpp"

namespace gpulab::custom {

// [snippet:course_source_module]
// The course's SourceModule: the degree and coefficients in __constant__ memory,
// a __device__ function, and two ways to share n elements among the threads.
const char* const course_source_module = R"(
__constant__ int degree = 2;
__constant__ float a[3] = {1.0f, -2.0f, -0.5f};

__device__ float polynomial(float x) {  // Horner: a[0] + x (a[1] + x a[2])
  float y = a[degree];
  for (int k = degree - 1; k >= 0; --k) y = y * x + a[k];
  return y;
}

// The course's kernel: thread t takes a contiguous run of n / threads elements.
// At each step the 32 threads of a warp read addresses a run apart: uncoalesced.
__global__ void polynomial_contiguous_runs(const float* x, float* y, int n) {
  const int threads = gridDim.x * blockDim.x, t = blockIdx.x * blockDim.x + threadIdx.x;
  const int run = (n + threads - 1) / threads;
  for (int i = t * run; i < min(n, (t + 1) * run); ++i) y[i] = polynomial(x[i]);
}

// The same work interleaved: at each step the warp reads 32 neighbours.
__global__ void polynomial_interleaved(const float* x, float* y, int n) {
  const int threads = gridDim.x * blockDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += threads) {
    y[i] = polynomial(x[i]);
  }
}
)";
// [/snippet:course_source_module]

namespace {

constexpr const char* polynomial_signature = "const float* x, float* y, int n";

// The largest |y - p(x)| relative to sum |c_k x^k|, with p evaluated in double.
double polynomial_error(const std::vector<float>& x, const std::vector<float>& y, const std::vector<float>& c) {
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double value = 0, scale = 0, power = 1;
    for (float ck : c) value += ck * power, scale += std::abs(ck * power), power *= x[i];
    const double error = std::abs(y[i] - value) / scale;
    if (std::isnan(error)) return error;  // never written (the output starts as NaN)
    worst = std::max(worst, error);
  }
  return worst;
}

}  // namespace

demo_output runtime_compilation_demo(resources& res, const run_options& options) {
  cuda::stream_ref s = res.stream();
  demo_output out;
  table t;
  t.title = "Runtime compilation (NVRTC): the course's SourceModule and ReductionKernel";
  t.columns = {"kernel", "elements", "blocks x threads", "GPU ms", "GB/s", "max error", "verified"};
  const double tolerance = 8 * std::ldexp(1.0, -24);  // a few float roundings of sum |c_k x^k|

  rtc::source_module module(course_source_module, "course_polynomial");
  const rtc::kernel runs = module.function("polynomial_contiguous_runs", polynomial_signature);
  const rtc::kernel interleaved = module.function("polynomial_interleaved", polynomial_signature);
  const auto run_polynomial = [&](const rtc::kernel& k, int n, unsigned blocks, unsigned threads,
                                  const std::vector<float>& coefficients, const std::string& label) {
    std::vector<float> x(static_cast<std::size_t>(n));
    fill_uniform(x, options.seed, -2.0f, 2.0f);
    const device_buffer<float> x_device = upload(x, s);
    device_buffer<float> y_device(x.size(), s);
    y_device.fill_bytes_async(0xFF, s);  // NaN: an element left unwritten fails
    const double ms = summarize(time_on_stream(s, 1, 5, [&] {
                        k.launch(blocks, threads, s, x_device, y_device, n);
                      })).median_ms;
    const double error = polynomial_error(x, download(y_device, s), coefficients);
    const bool ok = error <= tolerance;  // NaN fails too
    out.verified = out.verified && ok;
    t.rows.push_back({cell(label), integer_cell(n), cell(std::to_string(blocks) + " x " + std::to_string(threads)),
                      number_cell(ms, 4), number_cell(8.0 * n / (ms * 1e6), 0), significant_cell(error),
                      cell(ok ? "yes" : "NO")});
  };
  const std::vector<float> course = {1.0f, -2.0f, -0.5f};
  // The course's launch: one block of 512 threads, 1024 elements.
  run_polynomial(runs, 1024, 1, 512, course, "polynomial_contiguous_runs (the course's)");
  // The access pattern at a size where it matters, on a full GPU.
  const int large = 1 << 26;
  const unsigned resident = interleaved.resident_blocks(256);
  run_polynomial(runs, large, resident, 256, course, "polynomial_contiguous_runs");
  run_polynomial(interleaved, large, resident, 256, course, "polynomial_interleaved");
  // New coefficients into __constant__ memory from the host (PyCUDA: get_global + memcpy_htod).
  const std::vector<float> changed = {2.0f, 0.0f, 1.0f};
  module.set_global("a", std::span<const float>(changed), s);
  run_polynomial(interleaved, large, resident, 256, changed, "polynomial_interleaved, a = {2, 0, 1}");

  // [snippet:course_reduction_kernel]
  // The course's ReductionKernel: a dot product of 1,000,000 floats.
  //   neutral, reduce (of a and b), map (of i), parameters, name
  const rtc::reduction_kernel<float> dot("0.0f", "a + b", "x[i] * y[i]",
                                         "const float* x, const float* y", "dot");
  // [/snippet:course_reduction_kernel]
  const std::size_t n = 1000000;
  std::vector<float> x(n), y(n);
  fill_uniform(x, options.seed, -1.0f, 1.0f);
  fill_uniform(y, options.seed + 1, -1.0f, 1.0f);
  const device_buffer<float> x_device = upload(x, s), y_device = upload(y, s);
  float result = 0;
  const double ms = summarize(time_on_stream(s, 1, 5, [&] { result = dot(s, static_cast<std::int64_t>(n), x_device, y_device); }))
                        .median_ms;
  const double error = std::abs(result - dot_cpu(x, y));
  // The order of the additions is known, so is the error bound: one rounding per
  // product, one per addition on the longest chain, each at most 2^-24 of sum |x y|.
  const auto chain = dot.longest_addition_chain(static_cast<std::int64_t>(n));
  const double bound = float_sum_error_bound(static_cast<double>(chain + 1), dot_of_magnitudes(x, y));
  const bool ok = error <= bound;
  out.verified = out.verified && ok;
  t.rows.push_back({cell("dot (reduction_kernel, two passes)"), integer_cell(static_cast<long long>(n)),
                    cell("<= " + std::to_string(rtc::reduction_kernel<float>::block_size) + "-thread blocks"),
                    number_cell(ms, 4), number_cell(8.0 * static_cast<double>(n) / (ms * 1e6), 0),
                    significant_cell(error), cell(ok ? "yes" : "NO")});
  t.notes.push_back("polynomial max error: |y - p(x)| / sum |c_k x^k| against double (tolerance " +
                    format_significant(tolerance) + "); dot: |gpu - double| (bound " + format_significant(bound) + ")");
  t.notes.push_back("the dot's time includes its wait for the result on the host (it returns a float), as PyCUDA's does");
  t.notes.push_back("contiguous runs: each warp's 32 reads are a run apart; interleaved: 32 neighbours per read");
  out.tables.push_back(std::move(t));
  return out;
}

}  // namespace gpulab::custom
