// SPDX-License-Identifier: MIT
// cuRAND's device API, seen from the host: per-thread generator states in
// device memory, their initialisation, and the Monte Carlo pi kernels that
// draw from them (kernels/random/). Plain C++: the kernels are instantiated in
// src/random/device_api.cu.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <string_view>

#include "gpulab/core/memory.hpp"

namespace gpulab::random {

// The device-API generators whose states live one per thread.
enum class device_generator { xorwow, philox, mrg32k3a };
const char* device_generator_name(device_generator g);
device_generator parse_device_generator(std::string_view name);  // usage_error when unknown

enum class init_method {
  subsequence_per_thread,  // curand_init(seed, t, 0): independent streams (cuRAND's advice)
  seed_per_thread,         // curand_init(seed + t, 0, 0): cheap, no guarantee
  offset_per_thread,       // curand_init(seed, 0, t * stride): one stream, split
  clock_plus_thread_id,    // curand_init(clock() + t, 0, 0): the course's seeding (a pitfall)
};
const char* init_method_name(init_method m);

// One generator state per thread, in device memory.
class device_states {
 public:
  device_states() = default;
  device_states(device_generator g, std::size_t threads, cuda::stream_ref s);

  // `stride` is used by offset_per_thread only: numbers between two threads' starts.
  void init_async(init_method method, std::uint64_t seed, cuda::stream_ref s, std::uint64_t stride = 0);

  [[nodiscard]] device_generator generator() const noexcept { return generator_; }
  [[nodiscard]] std::size_t threads() const noexcept { return threads_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return storage_.size(); }
  [[nodiscard]] void* data() noexcept { return storage_.data(); }
  [[nodiscard]] const void* data() const noexcept { return storage_.data(); }

 private:
  device_generator generator_ = device_generator::philox;
  std::size_t threads_ = 0;
  device_buffer<unsigned char> storage_;  // threads x sizeof(curandState...)
};

// The type hits are counted in, per thread: the integer is right; float shows
// the pitfall of a counter that stops at 2^24; double is exact but slower on
// GPUs with few FP64 units.
enum class hit_counter { integer, float32, float64 };
const char* hit_counter_name(hit_counter c);

// Threads per block of the pi kernels (a multiple of 32).
constexpr int pi_block_size = 256;
// At most this many darts per call: about a second on an H100, and per-thread counts stay in 32 bits.
constexpr std::uint64_t max_darts_per_run = std::uint64_t{1} << 40;

// How many generator states (threads) the pi kernel of `g` keeps resident on
// the current device: SMs x resident blocks per SM (occupancy API) x block size.
// More states than that would only wait; fewer would leave SMs idle.
std::size_t resident_pi_threads(device_generator g, int threads_per_block = pi_block_size);

// Throws usage_error for 0 darts or more than max_darts_per_run (what is the count for: `what`).
void require_dart_count(std::uint64_t darts, const char* what = "darts");

// Throws `darts` darts from the states (each thread continues its stream) and
// adds the hits to *hits (device memory; the caller zeroes it). threads_per_block
// must divide states.threads().
void count_hits_async(device_states& states, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s,
                      int threads_per_block = pi_block_size, hit_counter counter = hit_counter::integer);

// The same darts, one hit count per thread written to per_thread_hits (the tests' reference for the reduction).
void count_hits_per_thread_async(device_states& states, std::uint64_t darts, cuda::std::span<unsigned> per_thread_hits,
                                 cuda::stream_ref s);

// Darts from numbers made in bulk: x = xy[0, darts), y = xy[darts, 2 * darts).
void count_hits_from_uniforms_async(cuda::std::span<const float> xy, std::uint64_t darts, unsigned long long* hits,
                                    int blocks, cuda::stream_ref s);

// cuRAND's 32-bit Sobol sequences have 2^32 - 1 points after the first.
constexpr std::uint64_t max_sobol_points = 0xFFFFFFFF;

// Quasi-random darts: the 2D Sobol sequence, coordinates XOR-shifted by shift_x/shift_y.
// Uses cuRAND's direction vectors for dimensions 1 and 2 (copied to the device once per call).
void count_hits_sobol_async(std::uint64_t darts, std::uint32_t shift_x, std::uint32_t shift_y,
                            unsigned long long* hits, int blocks, cuda::stream_ref s);

// The sum of 4 / (1 + x^2) over the first `points` points of the 1D Sobol
// sequence, XOR-shifted by `shift`, added to *sum (device memory; the caller
// zeroes it). sum / points estimates pi.
void integrate_sobol_async(std::uint64_t points, std::uint32_t shift, double* sum, int blocks, cuda::stream_ref s);

// The first two numbers of every thread's stream (as one 64-bit value): equal
// values mean two threads draw the same darts.
void first_numbers_async(const device_states& states, cuda::std::span<std::uint64_t> out, cuda::stream_ref s);

// pi from a hit count, and the standard error of that estimate:
// 4 * sqrt(p (1 - p) / darts) with p = pi / 4.
double pi_estimate(unsigned long long hits, std::uint64_t darts);
double pi_standard_error(std::uint64_t darts);

}  // namespace gpulab::random
