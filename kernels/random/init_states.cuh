// SPDX-License-Identifier: MIT
// The device API: every thread owns a generator state and draws its own numbers.
// Before that, each state must be initialised, and *how* decides both the cost
// and whether the threads' streams are independent.
//
//   curand_init(seed, subsequence, offset, &state)
//
// - subsequence per thread (seed shared, subsequence = thread id): the streams
//   are provably non-overlapping, 2^67 numbers apart (XORWOW). cuRAND's advice.
//   For XORWOW and MRG32k3a it costs a skip-ahead by thread id x 2^67 numbers
//   (precomputed matrix powers); for Philox it is just a different counter.
// - seed per thread (seed + thread id, subsequence 0): cheap, but nothing
//   guarantees the streams are unrelated.
// - offset per thread (one stream, thread t starts at t x stride): the threads
//   share one sequence, each skipping ahead to its own part.
#pragma once

#include <curand_kernel.h>

#include <cstdint>
#include <cuda/std/span>

namespace gpulab::random::kernels {

// [snippet:init_subsequence]
template <class State>
__global__ void init_subsequence_per_thread(cuda::std::span<State> states, std::uint64_t seed) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  if (t < states.size()) curand_init(seed, /*subsequence=*/t, /*offset=*/0, &states[t]);
}
// [/snippet:init_subsequence]

template <class State>
__global__ void init_seed_per_thread(cuda::std::span<State> states, std::uint64_t seed) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  if (t < states.size()) curand_init(seed + t, 0, 0, &states[t]);
}

template <class State>
__global__ void init_offset_per_thread(cuda::std::span<State> states, std::uint64_t seed, std::uint64_t stride) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  if (t < states.size()) curand_init(seed, 0, t * stride, &states[t]);
}

// [snippet:init_clock]
// The course's seeding, kept as the pitfall it is: clock() counts cycles on
// each SM, threads of a warp read the same value, and clock() + thread id
// collides between threads, which then throw exactly the same darts.
template <class State>
__global__ void init_from_clock(cuda::std::span<State> states) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  if (t < states.size()) curand_init(static_cast<unsigned>(clock()) + t, 0, 0, &states[t]);
}
// [/snippet:init_clock]

// The first two numbers of each thread's stream, as one 64-bit value: equal
// values mean two threads draw the same stream (a chance match is ~2^-64).
template <class State>
__global__ void first_numbers(cuda::std::span<const State> states, cuda::std::span<std::uint64_t> out) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  if (t >= states.size()) return;
  State local = states[t];  // a copy: the caller's states stay where they were
  const std::uint64_t high = curand(&local);
  out[t] = (high << 32) | curand(&local);
}

}  // namespace gpulab::random::kernels
