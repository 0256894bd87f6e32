// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/custom/exercises/block_sum.hpp"
#include "gpulab/custom/cpu_reference.hpp"
#include "check_helpers.hpp"
#include "kernels/custom/exercises/block_sum.cuh"

namespace gpulab::exercises {

unsigned block_sum_blocks(std::int64_t n) {
  return std::clamp(blocks_for(n, block_sum_threads), 1u, 4u * static_cast<unsigned>(sm_count()));
}

namespace {
// Both versions get the same launch; only the kernel differs.
void launch(void (*kernel)(const float*, long long, float*), cuda::std::span<const float> x,
            cuda::std::span<float> total, cuda::stream_ref s) {
  if (total.size() != 1) throw usage_error("block_sum: the total is one float");
  GPULAB_CUDA_TRY(cudaMemsetAsync(total.data(), 0, sizeof(float), s.get()));
  const auto n = static_cast<long long>(x.size());
  kernel<<<block_sum_blocks(n), block_sum_threads, 0, s.get()>>>(x.data(), n, total.data());
  GPULAB_CHECK_LAUNCH();
}

// The solution, for the reference timing (kernels/custom/reduce.cuh has the kit's versions).
__global__ void reference_block_sum(const float* x, long long n, float* total) {
  __shared__ float partial[block_sum_threads];
  float sum = 0.0f;
  for (long long i = global_thread_id(); i < n; i += grid_thread_count()) sum += x[i];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) atomicAdd(total, partial[0]);
}
}  // namespace

namespace reference {
void block_sum(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s) {
  launch(reference_block_sum, x, total, s);
}
}  // namespace reference

namespace trainee {
void block_sum(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s) {
  launch(trainee_kernels::block_sum, x, total, s);
}
}  // namespace trainee

namespace {

std::string all_digits(double value) {  // enough digits to see a difference of a few roundings
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

// "" when the total is within the rounding bound of this launch's summation
// order: each thread adds k = n / threads elements in turn, the tree adds
// log2(256) levels, the atomics add the blocks' totals one after another; each
// addition rounds by at most 2^-24 of sum |x|.
std::string inspect(const std::vector<float>& x, float got) {
  const auto n = static_cast<std::int64_t>(x.size());
  const unsigned blocks = block_sum_blocks(n);
  const double per_thread = std::ceil(static_cast<double>(n) / (static_cast<double>(blocks) * block_sum_threads));
  const double additions = per_thread + std::log2(static_cast<double>(block_sum_threads)) + blocks;
  const double bound = float_sum_error_bound(additions, custom::sum_of_magnitudes(x));
  const double expected = custom::sum_cpu(x);
  if (std::abs(got - expected) <= bound) return "";
  return "total " + all_digits(got) + ", expected " + all_digits(expected) + " (within " + format_significant(bound) +
         ")";
}

float run_once(block_sum_fn fn, const device_buffer<float>& x, device_buffer<float>& total, cuda::stream_ref s) {
  total.fill_bytes_async(0xFF, s);  // NaN: the launch must zero it, the kernel must add to it
  fn(x.span(), total.span(), s);
  return download(total, s)[0];
}

}  // namespace

check_report check_block_sum(block_sum_fn candidate, const check_options& options) {
  check_report report = start_check("block_sum", options);
  stream s;
  device_buffer<float> total(1, s);
  // Positive values: a total that is zero, or misses a block's share, is far outside the bound.
  for (const std::size_t n : {std::size_t{1}, std::size_t{255}, std::size_t{256}, std::size_t{257},
                              std::size_t{100003}, std::size_t{4194309}}) {
    std::vector<float> x(n);
    fill_uniform(x, options.seed + n, 0.0f, 1.0f);
    const auto x_device = upload(x, s);
    const bool ran = record_run(report, std::to_string(n) + " elements",
                                [&] { return inspect(x, run_once(candidate, x_device, total, s)); });
    if (!ran) return report;
  }
  // Time candidate and reference on 2^24 elements, then check the last timed result.
  std::vector<float> x(std::size_t{1} << 24);
  fill_uniform(x, options.seed, 0.0f, 1.0f);
  const auto x_device = upload(x, s);
  time_against_reference(
      report, s, std::to_string(x.size()) + " elements", [&] { candidate(x_device.span(), total.span(), s); },
      [&] { reference::block_sum(x_device.span(), total.span(), s); },
      [&] { return inspect(x, download(total, s)[0]); });
  return report;
}

}  // namespace gpulab::exercises
