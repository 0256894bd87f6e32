// SPDX-License-Identifier: MIT
// The device-API kernels (kernels/random/), instantiated for the three state types.
#include <curand.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/random/device_api.hpp"
#include "kernels/random/init_states.cuh"
#include "kernels/random/monte_carlo_pi.cuh"

namespace gpulab::random {

namespace {

// Calls `body` with a default-constructed value of the state type of `g`.
template <class Body>
void with_state_type(device_generator g, Body&& body) {
  switch (g) {
    case device_generator::xorwow: body(curandStateXORWOW_t{}); return;
    case device_generator::philox: body(curandStatePhilox4_32_10_t{}); return;
    case device_generator::mrg32k3a: body(curandStateMRG32k3a_t{}); return;
  }
}

template <class State>
cuda::std::span<State> typed(device_states& states) {
  return {static_cast<State*>(states.data()), states.threads()};
}
template <class State>
cuda::std::span<const State> typed(const device_states& states) {
  return {static_cast<const State*>(states.data()), states.threads()};
}

std::size_t state_size(device_generator g) {
  std::size_t size = 0;
  with_state_type(g, [&](auto state) { size = sizeof(state); });
  return size;
}

unsigned blocks_for_threads(std::size_t threads, int block) {
  return static_cast<unsigned>((threads + static_cast<std::size_t>(block) - 1) / static_cast<std::size_t>(block));
}

}  // namespace

const char* device_generator_name(device_generator g) {
  switch (g) {
    case device_generator::xorwow: return "xorwow";
    case device_generator::philox: return "philox";
    case device_generator::mrg32k3a: return "mrg32k3a";
  }
  return "?";
}

device_generator parse_device_generator(std::string_view name) {
  for (device_generator g : {device_generator::xorwow, device_generator::philox, device_generator::mrg32k3a}) {
    if (name == device_generator_name(g)) return g;
  }
  throw usage_error("unknown device-API generator '" + std::string(name) + "' (known: xorwow, philox, mrg32k3a)");
}

const char* init_method_name(init_method m) {
  switch (m) {
    case init_method::subsequence_per_thread: return "subsequence per thread";
    case init_method::seed_per_thread: return "seed per thread";
    case init_method::offset_per_thread: return "offset per thread";
    case init_method::clock_plus_thread_id: return "clock() + thread id";
  }
  return "?";
}

const char* hit_counter_name(hit_counter c) {
  switch (c) {
    case hit_counter::integer: return "unsigned int";
    case hit_counter::float32: return "float";
    case hit_counter::float64: return "double";
  }
  return "?";
}

device_states::device_states(device_generator g, std::size_t threads, cuda::stream_ref s)
    : generator_(g), threads_(threads), storage_(threads * state_size(g), s) {}

void device_states::init_async(init_method method, std::uint64_t seed, cuda::stream_ref s, std::uint64_t stride) {
  if (threads_ == 0) return;
  const unsigned blocks = blocks_for_threads(threads_, pi_block_size);
  with_state_type(generator_, [&](auto state) {
    using State = decltype(state);
    const auto view = typed<State>(*this);
    switch (method) {
      case init_method::subsequence_per_thread:
        kernels::init_subsequence_per_thread<<<blocks, pi_block_size, 0, s.get()>>>(view, seed);
        break;
      case init_method::seed_per_thread:
        kernels::init_seed_per_thread<<<blocks, pi_block_size, 0, s.get()>>>(view, seed);
        break;
      case init_method::offset_per_thread:
        kernels::init_offset_per_thread<<<blocks, pi_block_size, 0, s.get()>>>(view, seed, stride);
        break;
      case init_method::clock_plus_thread_id:
        kernels::init_from_clock<<<blocks, pi_block_size, 0, s.get()>>>(view);
        break;
    }
  });
  GPULAB_CHECK_LAUNCH();
}

std::size_t resident_pi_threads(device_generator g, int threads_per_block) {
  int blocks_per_sm = 0;
  with_state_type(g, [&](auto state) {
    using State = decltype(state);
    GPULAB_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, kernels::count_hits<State, unsigned>,
                                                                  threads_per_block, 0));
  });
  return static_cast<std::size_t>(sm_count()) * static_cast<std::size_t>(std::max(1, blocks_per_sm)) *
         static_cast<std::size_t>(threads_per_block);
}

void require_dart_count(std::uint64_t darts, const char* what) {
  if (darts == 0) throw usage_error(std::string("the number of ") + what + " must be at least 1");
  if (darts > max_darts_per_run) {
    throw usage_error(std::string("at most 2^40 ") + what + " per run (got " + std::to_string(darts) + ")");
  }
}

void count_hits_async(device_states& states, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s,
                      int threads_per_block, hit_counter counter) {
  require_dart_count(darts);
  if (threads_per_block <= 0 || threads_per_block % 32 != 0 || threads_per_block > 1024 ||
      states.threads() % static_cast<std::size_t>(threads_per_block) != 0) {
    throw usage_error("threads per block must be a multiple of 32 (at most 1024) that divides the state count");
  }
  const std::uint64_t per_thread = (darts + states.threads() - 1) / states.threads();
  const unsigned blocks = blocks_for_threads(states.threads(), threads_per_block);
  with_state_type(states.generator(), [&](auto state) {
    using State = decltype(state);
    const auto view = typed<State>(states);
    switch (counter) {
      case hit_counter::integer:
        kernels::count_hits<State, unsigned><<<blocks, threads_per_block, 0, s.get()>>>(view, darts, per_thread, hits);
        break;
      case hit_counter::float32:
        kernels::count_hits<State, float><<<blocks, threads_per_block, 0, s.get()>>>(view, darts, per_thread, hits);
        break;
      case hit_counter::float64:
        kernels::count_hits<State, double><<<blocks, threads_per_block, 0, s.get()>>>(view, darts, per_thread, hits);
        break;
    }
  });
  GPULAB_CHECK_LAUNCH();
}

void count_hits_per_thread_async(device_states& states, std::uint64_t darts, cuda::std::span<unsigned> per_thread_hits,
                                 cuda::stream_ref s) {
  require_dart_count(darts);
  if (per_thread_hits.size() != states.threads()) throw usage_error("one hit count per state is needed");
  const std::uint64_t per_thread = (darts + states.threads() - 1) / states.threads();
  with_state_type(states.generator(), [&](auto state) {
    using State = decltype(state);
    kernels::count_hits_per_thread<<<blocks_for_threads(states.threads(), pi_block_size), pi_block_size, 0, s.get()>>>(
        typed<State>(states), darts, per_thread, per_thread_hits);
  });
  GPULAB_CHECK_LAUNCH();
}

void count_hits_from_uniforms_async(cuda::std::span<const float> xy, std::uint64_t darts, unsigned long long* hits,
                                    int blocks, cuda::stream_ref s) {
  if (xy.size() < 2 * darts) throw usage_error("count_hits_from_uniforms: need 2 numbers per dart");
  kernels::count_hits_from_uniforms<<<static_cast<unsigned>(blocks), pi_block_size, 0, s.get()>>>(xy, darts, hits);
  GPULAB_CHECK_LAUNCH();
}

namespace {

// cuRAND's direction numbers for the first `dimensions` Sobol dimensions (32 per dimension), on the device.
// (The table is static host memory; a pageable copy has read it by the time the call returns.)
device_buffer<unsigned> sobol_directions(int dimensions, cuda::stream_ref s) {
  curandDirectionVectors32_t* vectors = nullptr;
  GPULAB_CURAND_TRY(curandGetDirectionVectors32(&vectors, CURAND_DIRECTION_VECTORS_32_JOEKUO6));
  const std::size_t count = 32 * static_cast<std::size_t>(dimensions);
  device_buffer<unsigned> directions(count, s);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(directions.data(), vectors, count * sizeof(unsigned), cudaMemcpyHostToDevice, s.get()));
  return directions;
}

void require_sobol_points(std::uint64_t points) {
  require_dart_count(points, "points");
  if (points > max_sobol_points) throw usage_error("the Sobol sequence of cuRAND has 2^32 points at most");
}

}  // namespace

void count_hits_sobol_async(std::uint64_t darts, std::uint32_t shift_x, std::uint32_t shift_y,
                            unsigned long long* hits, int blocks, cuda::stream_ref s) {
  require_sobol_points(darts);
  const device_buffer<unsigned> directions = sobol_directions(2, s);
  const std::uint64_t threads = std::uint64_t{static_cast<unsigned>(blocks)} * pi_block_size;
  const std::uint64_t per_thread = (darts + threads - 1) / threads;
  kernels::count_hits_sobol<<<static_cast<unsigned>(blocks), pi_block_size, 0, s.get()>>>(
      directions.data(), directions.data() + 32, shift_x, shift_y, darts, per_thread, hits);
  GPULAB_CHECK_LAUNCH();
}

void integrate_sobol_async(std::uint64_t points, std::uint32_t shift, double* sum, int blocks, cuda::stream_ref s) {
  require_sobol_points(points);
  const device_buffer<unsigned> directions = sobol_directions(1, s);
  const std::uint64_t threads = std::uint64_t{static_cast<unsigned>(blocks)} * pi_block_size;
  const std::uint64_t per_thread = (points + threads - 1) / threads;
  kernels::integrate_sobol<<<static_cast<unsigned>(blocks), pi_block_size, 0, s.get()>>>(directions.data(), shift,
                                                                                          points, per_thread, sum);
  GPULAB_CHECK_LAUNCH();
}

void first_numbers_async(const device_states& states, cuda::std::span<std::uint64_t> out, cuda::stream_ref s) {
  if (out.size() != states.threads()) throw usage_error("first_numbers: one output per state is needed");
  with_state_type(states.generator(), [&](auto state) {
    using State = decltype(state);
    kernels::first_numbers<<<blocks_for_threads(states.threads(), pi_block_size), pi_block_size, 0, s.get()>>>(
        typed<State>(states), out);
  });
  GPULAB_CHECK_LAUNCH();
}

double pi_estimate(unsigned long long hits, std::uint64_t darts) {
  return 4.0 * static_cast<double>(hits) / static_cast<double>(darts);
}

double pi_standard_error(std::uint64_t darts) {
  const double p = std::numbers::pi / 4.0;
  return 4.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(darts));
}

}  // namespace gpulab::random
