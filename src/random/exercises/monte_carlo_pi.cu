// SPDX-License-Identifier: MIT
#include <curand_kernel.h>

#include <string>

#include "check_helpers.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/random/exercises/monte_carlo_pi.hpp"
#include "gpulab/random/device_api.hpp"
#include "kernels/random/exercises/monte_carlo_pi.cuh"

namespace gpulab::exercises {

namespace {

// [snippet:exercise_solution]
// The reference solution: a per-thread count, then a shared-memory tree.
template <int BlockSize>
__global__ void monte_carlo_pi_reference(std::uint64_t seed, std::uint64_t darts, std::uint64_t darts_per_thread,
                                         unsigned long long* hits) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  const std::uint64_t begin = t * darts_per_thread;
  const std::uint64_t end = begin + darts_per_thread < darts ? begin + darts_per_thread : darts;
  unsigned my_hits = 0;
  if (begin < darts) {
    curandStatePhilox4_32_10_t state;
    curand_init(seed, t, 0, &state);
    for (std::uint64_t i = begin; i < end; ++i) {
      const float x = curand_uniform(&state);
      const float y = curand_uniform(&state);
      if (x * x + y * y < 1.0f) ++my_hits;
    }
  }
  __shared__ unsigned long long block_hits[BlockSize];
  block_hits[threadIdx.x] = my_hits;
  __syncthreads();
  for (int half = BlockSize / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) block_hits[threadIdx.x] += block_hits[threadIdx.x + half];
    __syncthreads();  // this step's sums are complete before the next step reads them
  }
  if (threadIdx.x == 0) atomicAdd(hits, block_hits[0]);
}
// [/snippet:exercise_solution]

struct trial {
  std::uint64_t darts;
  std::uint64_t seed;
};

unsigned long long run_counted(monte_carlo_pi_fn fn, const trial& tr, device_buffer<unsigned long long>& hits,
                               cuda::stream_ref s) {
  hits.fill_bytes_async(0, s);
  fn(tr.seed, tr.darts, hits.data(), s);
  unsigned long long value = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&value, hits.data(), sizeof value, cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return value;
}

std::string compare_counts(unsigned long long got, unsigned long long expected, std::uint64_t darts) {
  if (got == expected) return "";
  const long long off = static_cast<long long>(got) - static_cast<long long>(expected);
  std::string why = "hits " + std::to_string(got) + ", expected " + std::to_string(expected) + " (off by " +
                    std::to_string(off) + ")";
  if (got == 0) why += ": nothing was counted";
  if (got > darts) why += ": more hits than darts";
  return why;
}

}  // namespace

unsigned monte_carlo_pi_blocks(std::uint64_t darts) {
  const std::uint64_t threads = (darts + monte_carlo_pi_darts_per_thread - 1) / monte_carlo_pi_darts_per_thread;
  return static_cast<unsigned>((threads + monte_carlo_pi_block_size - 1) / monte_carlo_pi_block_size);
}

namespace reference {
void monte_carlo_pi(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s) {
  monte_carlo_pi_reference<monte_carlo_pi_block_size>
      <<<monte_carlo_pi_blocks(darts), monte_carlo_pi_block_size, 0, s.get()>>>(seed, darts,
                                                                                monte_carlo_pi_darts_per_thread, hits);
  GPULAB_CHECK_LAUNCH();
}
}  // namespace reference

namespace trainee {
// The same launch as the reference; only the kernel is the trainee's.
void monte_carlo_pi(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s) {
  trainee_kernels::monte_carlo_pi<monte_carlo_pi_block_size>
      <<<monte_carlo_pi_blocks(darts), monte_carlo_pi_block_size, 0, s.get()>>>(seed, darts,
                                                                                monte_carlo_pi_darts_per_thread, hits);
  GPULAB_CHECK_LAUNCH();
}
}  // namespace trainee

check_report check_monte_carlo_pi(monte_carlo_pi_fn candidate, const check_options& options) {
  check_report report = start_check("monte_carlo_pi", options);
  stream s;
  device_buffer<unsigned long long> hits(1, s), expected_hits(1, s);
  // Awkward counts: one dart, one thread's worth and one more or less, a block's worth
  // and one more or less, and ten million and some.
  const std::uint64_t per_block = monte_carlo_pi_darts_per_thread * monte_carlo_pi_block_size;
  const std::uint64_t counts[] = {1, 999, 1000, 1001, per_block - 1, per_block + 1, 10'000'019};
  int index = 0;
  for (const std::uint64_t darts : counts) {
    const trial tr{darts, splitmix64(options.seed + static_cast<std::uint64_t>(index++))};
    const std::string label = std::to_string(darts) + " darts";
    try {
      const unsigned long long expected = run_counted(reference::monte_carlo_pi, tr, expected_hits, s);
      const std::string problem = compare_counts(run_counted(candidate, tr, hits, s), expected, darts);
      report.record(problem.empty(), label + (problem.empty() ? "" : ": " + problem));
    } catch (const cuda_error& e) {
      report.record(false, label + ": CUDA error: " + e.what());
      return report;  // a faulting kernel leaves the context unusable
    }
  }
  // Time candidate and reference on 2^26 darts, zeroing the count before each
  // run (untimed), then check the count the last timed run left.
  const trial big{std::uint64_t{1} << 26, options.seed};
  auto timed = [&](monte_carlo_pi_fn fn) {
    return summarize(time_on_stream(s, 1, 10, [&] { fn(big.seed, big.darts, hits.data(), s); },
                                    [&] { hits.fill_bytes_async(0, s); }))
        .median_ms;
  };
  report.candidate_ms = timed(candidate);
  unsigned long long after = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&after, hits.data(), sizeof after, cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  const unsigned long long expected = run_counted(reference::monte_carlo_pi, big, expected_hits, s);
  const std::string problem = compare_counts(after, expected, big.darts);
  const double pi = random::pi_estimate(after, big.darts);
  report.record(problem.empty(), "after timing, " + std::to_string(big.darts) + " darts: pi = " + std::to_string(pi) +
                                     (problem.empty() ? "" : ": " + problem));
  report.reference_ms = timed(reference::monte_carlo_pi);
  return report;
}

}  // namespace gpulab::exercises
