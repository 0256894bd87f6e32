// SPDX-License-Identifier: MIT
// Monte Carlo pi: throw darts at the unit square; the fraction that lands inside
// the quarter circle x^2 + y^2 < 1 tends to pi / 4.
//
// Versions side by side:
// - count_hits: device API, each thread draws from its own generator state
//   (XORWOW, Philox, MRG32k3a), counts its hits in a register, and the block
//   sums them before one atomicAdd. No random number ever touches memory.
// - count_hits_from_uniforms: the numbers were made in bulk by the host API
//   and stored first; the kernel only reads them. Memory-bound by design.
// - count_hits_sobol: quasi-random points (scrambled Sobol), for the precision study.
//
// Each thread handles a contiguous run of darts: darts [t * per_thread, (t + 1) * per_thread),
// the last thread fewer; the caller picks per_thread = ceil(darts / threads).
#pragma once

#include <curand_kernel.h>

#include <cstdint>
#include <cuda/std/span>

#include "gpulab/core/block_reduce.cuh"

namespace gpulab::random::kernels {

// add_block_sum (gpulab/core/block_reduce.cuh: warp shuffles, one atomic per block) is the
// shared primitive that module 5's reduction lesson takes apart.

// The darts of one thread, as [begin, end).
struct dart_range {
  std::uint64_t begin, end;
};
__device__ inline dart_range darts_of_this_thread(std::uint64_t darts, std::uint64_t per_thread) {
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  const std::uint64_t begin = t * per_thread;
  if (begin >= darts) return {0, 0};
  return {begin, begin + per_thread < darts ? begin + per_thread : darts};
}

__device__ inline bool inside_quarter_circle(float x, float y) { return x * x + y * y < 1.0f; }

// [snippet:count_darts]
// `Counter` is the type the hits are counted in: unsigned is right; float is
// the pitfall (it stops counting at 2^24 = 16,777,216: adding 1 no longer changes it).
template <class Counter, class State>
__device__ Counter count_darts(State& state, std::uint64_t darts) {
  Counter hits = 0;
  for (std::uint64_t i = 0; i < darts; ++i) {
    const float x = curand_uniform(&state);  // (0, 1]
    const float y = curand_uniform(&state);
    if (inside_quarter_circle(x, y)) hits += Counter(1);
  }
  return hits;
}
// [/snippet:count_darts]

// Philox makes four numbers per call: two darts. Asking for them four at a time
// saves the bookkeeping of handing them out one by one (measured: 1.4x on an H100).
template <class Counter>
__device__ Counter count_darts(curandStatePhilox4_32_10_t& state, std::uint64_t darts) {
  Counter hits = 0;
  std::uint64_t i = 0;
  for (; i + 2 <= darts; i += 2) {
    const float4 r = curand_uniform4(&state);
    if (inside_quarter_circle(r.x, r.y)) hits += Counter(1);
    if (inside_quarter_circle(r.z, r.w)) hits += Counter(1);
  }
  if (i < darts) {
    const float4 r = curand_uniform4(&state);
    if (inside_quarter_circle(r.x, r.y)) hits += Counter(1);
  }
  return hits;
}

// [snippet:count_hits]
template <class State, class Counter = unsigned>
__global__ void count_hits(cuda::std::span<State> states, std::uint64_t darts,
                           std::uint64_t per_thread, unsigned long long* hits) {
  const dart_range mine = darts_of_this_thread(darts, per_thread);
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  Counter my_hits = 0;
  if (mine.end > mine.begin) {
    State state = states[t];  // into registers: the loop must not touch memory
    my_hits = count_darts<Counter>(state, mine.end - mine.begin);
    states[t] = state;  // the next launch continues the stream instead of repeating it
  }
  add_block_sum(static_cast<unsigned long long>(my_hits), hits);
}
// [/snippet:count_hits]

// The same count without the block reduction: one total per thread. The tests
// sum these on the host to check count_hits's reduction and tail handling exactly.
template <class State>
__global__ void count_hits_per_thread(cuda::std::span<State> states, std::uint64_t darts, std::uint64_t per_thread,
                                      cuda::std::span<unsigned> per_thread_hits) {
  const dart_range mine = darts_of_this_thread(darts, per_thread);
  const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  if (t >= per_thread_hits.size()) return;
  unsigned my_hits = 0;
  if (mine.end > mine.begin) {
    State state = states[t];
    my_hits = count_darts<unsigned>(state, mine.end - mine.begin);
    states[t] = state;
  }
  per_thread_hits[t] = my_hits;
}

// [snippet:count_hits_from_uniforms]
// Darts made in bulk by the host API: x in xy[0, darts), y in xy[darts, 2 * darts).
static __global__ void count_hits_from_uniforms(cuda::std::span<const float> xy, std::uint64_t darts,
                                         unsigned long long* hits) {
  unsigned my_hits = 0;
  const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
  for (std::uint64_t i = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x; i < darts; i += stride) {
    if (inside_quarter_circle(xy[i], xy[darts + i])) ++my_hits;
  }
  add_block_sum<unsigned long long>(my_hits, hits);
}
// [/snippet:count_hits_from_uniforms]

// [snippet:count_hits_sobol]
// Quasi-random darts: point i of the 2D Sobol sequence, each coordinate
// scrambled by XOR with a random constant (a "digital shift": every run gets a
// different, equally even point set, so runs can be averaged like random ones).
static __global__ void count_hits_sobol(const unsigned* directions_x, const unsigned* directions_y, unsigned shift_x,
                                 unsigned shift_y, std::uint64_t darts, std::uint64_t per_thread,
                                 unsigned long long* hits) {
  const dart_range mine = darts_of_this_thread(darts, per_thread);
  unsigned my_hits = 0;
  if (mine.end > mine.begin) {
    curandStateScrambledSobol32_t x_state, y_state;
    curand_init(const_cast<unsigned*>(directions_x), shift_x, static_cast<unsigned>(mine.begin), &x_state);
    curand_init(const_cast<unsigned*>(directions_y), shift_y, static_cast<unsigned>(mine.begin), &y_state);
    for (std::uint64_t i = mine.begin; i < mine.end; ++i) {
      if (inside_quarter_circle(curand_uniform(&x_state), curand_uniform(&y_state))) ++my_hits;
    }
  }
  add_block_sum<unsigned long long>(my_hits, hits);
}
// [/snippet:count_hits_sobol]

// [snippet:integrate_sobol]
// pi as an integral of a smooth function: pi = integral over [0, 1] of 4 / (1 + x^2).
// Quasi-random points reach their 1/N rate on smooth integrands like this one;
// the darts' hit-or-miss function jumps at the circle, which costs them speed.
static __global__ void integrate_sobol(const unsigned* directions, unsigned shift, std::uint64_t points,
                                std::uint64_t per_thread, double* sum) {
  const dart_range mine = darts_of_this_thread(points, per_thread);
  double my_sum = 0;
  if (mine.end > mine.begin) {
    curandStateScrambledSobol32_t state;
    curand_init(const_cast<unsigned*>(directions), shift, static_cast<unsigned>(mine.begin), &state);
    for (std::uint64_t i = mine.begin; i < mine.end; ++i) {
      const double x = curand_uniform_double(&state);
      my_sum += 4.0 / (1.0 + x * x);
    }
  }
  add_block_sum(my_sum, sum);
}
// [/snippet:integrate_sobol]

}  // namespace gpulab::random::kernels
