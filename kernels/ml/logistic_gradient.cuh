// SPDX-License-Identifier: MIT
// Logistic regression's passes over X (column-major, so the threads of a warp
// that take neighbouring rows read neighbouring floats of each column: coalesced).
//
// The fused gradient pass is the lesson of the gradient-descent version: per
// row, p - y and the contribution x * (p - y) to the gradient are computed from
// the same registers, so X is read ONCE per iteration and nothing of size rows
// is ever written. A row is shared by `Split` threads, each holding its slice of
// the features and of the gradient's partial sums in registers; the slices' dot
// products meet through warp shuffles. At the end the block adds the sums up
// (shuffles, then shared memory) and writes one partial per block. A second,
// tiny kernel sums the partials in a fixed order (no float atomics: the same
// answer every run) and takes the step.
#pragma once

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/launch.cuh"

namespace gpulab::ml::kernels {

constexpr int logistic_block = 256;

// Where the extras sit in a block's partial (stride MaxD + 3).
template <int MaxD>
struct partial_layout {
  static constexpr int stride = MaxD + 3;
  static constexpr int intercept = MaxD, loss = MaxD + 1, correct = MaxD + 2;
};

// log(1 + e^z) - y z: the log-loss of one row, with no exp that can overflow.
__device__ __forceinline__ float row_log_loss(float z, float label) {
  return fmaxf(z, 0.0f) + log1pf(expf(-fabsf(z))) - label * z;
}

// Why Split: with a whole row of 64 floats and 67 sums a thread, the pass needs
// 226 registers, so one block of 256 threads fits an SM (8 warps: too few to hide
// the loads; 46% of the read ceiling under ncu on the H200, 2026-12-03). Two
// threads a row halve the registers and double the warps an SM can hold.
constexpr int logistic_split = 2;

// [snippet:fused_gradient_pass]
template <int MaxD, int Split = logistic_split>
__global__ void __launch_bounds__(logistic_block, Split)
    logistic_gradient_pass(const float* __restrict__ x, const float* __restrict__ y, std::int64_t rows, int d,
                           const float* __restrict__ coefficients, float* __restrict__ partials) {
  static_assert(MaxD % Split == 0 && 32 % Split == 0, "a warp and a row divide evenly into slices");
  using layout = partial_layout<MaxD>;
  constexpr int slice_size = MaxD / Split;      // features per thread
  constexpr int rows_per_warp = 32 / Split;     // a warp takes this many rows at a time
  constexpr int extras = 3;                     // the intercept's sum, the loss, the correct count
  __shared__ float w[MaxD];
  __shared__ float bias;
  __shared__ float warp_sums[logistic_block / 32][layout::stride];
  // Launched with launch_dependent (core/dependent_launch.cuh): the reduction after this
  // pass may be placed on the SMs now; the weights are read only once the step before
  // this pass has finished.
  let_next_grid_launch();
  wait_for_prior_grid();
  for (int j = static_cast<int>(threadIdx.x); j < MaxD; j += blockDim.x) w[j] = j < d ? coefficients[j] : 0.0f;
  if (threadIdx.x == 0) bias = coefficients[d];
  __syncthreads();

  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int first = static_cast<int>(lane / rows_per_warp) * slice_size;  // this thread's first feature
  const bool keeps_extras = first == 0;
  float sums[slice_size + extras];
#pragma unroll
  for (int j = 0; j < slice_size + extras; ++j) sums[j] = 0.0f;
  const std::int64_t warps_in_grid = grid_thread_count() / 32;
  // The loop bound is the same for the whole warp: every lane reaches the shuffles.
  for (std::int64_t base = global_thread_id() / 32 * rows_per_warp; base < rows;
       base += warps_in_grid * rows_per_warp) {
    const std::int64_t i = base + lane % rows_per_warp;
    const bool active = i < rows;
    float row[slice_size];
#pragma unroll
    for (int j = 0; j < slice_size; ++j) {  // all loads in flight
      row[j] = active && first + j < d ? x[i + static_cast<std::int64_t>(first + j) * rows] : 0.0f;
    }
    float z = 0.0f;
#pragma unroll
    for (int j = 0; j < slice_size; ++j) z += row[j] * w[first + j];
    // The other slices of the row sit rows_per_warp lanes apart: a butterfly gives
    // every one of them the same full dot product.
    for (int offset = rows_per_warp; offset < 32; offset *= 2) z += __shfl_xor_sync(0xffffffffu, z, offset);
    z += bias;
    const float label = active ? y[i] : 0.0f;
    const float r = active ? 1.0f / (1.0f + expf(-z)) - label : 0.0f;  // sigmoid(z) - y
#pragma unroll
    for (int j = 0; j < slice_size; ++j) sums[j] += row[j] * r;  // the same registers: X is not read again
    if (active && keeps_extras) {
      sums[slice_size] += r;
      sums[slice_size + 1] += row_log_loss(z, label);
      sums[slice_size + 2] += (z > 0.0f) == (label > 0.5f) ? 1.0f : 0.0f;
    }
  }

  // The block's sum of each partial: shuffles among the lanes that hold the same
  // slice (rows_per_warp neighbouring lanes), then across warps.
#pragma unroll
  for (int j = 0; j < slice_size + extras; ++j) {
    float v = sums[j];
    for (int offset = rows_per_warp / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
    if (lane % rows_per_warp == 0) {
      if (j < slice_size) warp_sums[warp][first + j] = v;
      else if (keeps_extras) warp_sums[warp][layout::intercept + (j - slice_size)] = v;
    }
  }
  __syncthreads();
  for (int j = static_cast<int>(threadIdx.x); j < layout::stride; j += blockDim.x) {
    float v = 0.0f;
    for (unsigned k = 0; k < blockDim.x / 32; ++k) v += warp_sums[k][j];
    partials[static_cast<std::int64_t>(blockIdx.x) * layout::stride + j] = v;
  }
}
// [/snippet:fused_gradient_pass]

// Sums the blocks' partials (in double, in a fixed order), records loss[t] and
// accuracy[t] at the current w, forms the gradient
//   g = X^T (p - y) / rows + l2 w,  g_b = sum(p - y) / rows
// into `gradient` (when not null) and, when step != 0, takes w <- w - step g.
// One block of logistic_reduce_threads; every thread reads w before any thread
// writes it. What its time is: the loads of the partials, one round trip to L2 each
// unless many are in flight at once. (A warp per value, each lane adding every 32nd
// block, took 7.0-7.5 us a step under ncu on the H200, 2026-12-04: a lane's loads came
// one after the other; the pass over X is about 88 us.)
constexpr int logistic_reduce_threads = 1024;
template <int MaxD>
__global__ void __launch_bounds__(logistic_reduce_threads)
    logistic_reduce_and_step(const float* __restrict__ partials, int blocks, int d, std::int64_t rows, float l2,
                             float step, float* __restrict__ coefficients, float* __restrict__ gradient,
                             float* __restrict__ loss, float* __restrict__ accuracy, int t) {
  using layout = partial_layout<MaxD>;
  __shared__ double totals[layout::stride];
  __shared__ double warp_totals[logistic_reduce_threads / 32][layout::stride];
  __shared__ float g[MaxD + 1];
  __shared__ double norm2;
  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  let_next_grid_launch();  // launched with launch_dependent, as is the pass after it
  wait_for_prior_grid();   // the partials are complete
  // |w|^2 for the ridge's share of the loss: the first warp, a shuffle tree (one thread
  // adding d weights one after the other waited on each load: most of this kernel's 7.5 us).
  if (warp == 0) {
    double v = 0;
    for (int j = static_cast<int>(lane); j < d; j += 32) v += static_cast<double>(coefficients[j]) * coefficients[j];
    for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
    if (lane == 0) norm2 = v;
  }
  // Lane l of warp w adds values l, l + 32, ... of blocks w, w + 32, ...: a warp reads
  // neighbouring floats of a partial, and every load of a lane is independent of
  // the others, so they are in flight together. Then the warps' sums, in warp order.
  constexpr int values_per_lane = (layout::stride + 31) / 32;
  double sum[values_per_lane] = {};
#pragma unroll 8
  for (int b = static_cast<int>(warp); b < blocks; b += static_cast<int>(warps)) {
#pragma unroll
    for (int q = 0; q < values_per_lane; ++q) {
      const int j = static_cast<int>(lane) + 32 * q;
      if (j < layout::stride) sum[q] += partials[static_cast<std::int64_t>(b) * layout::stride + j];
    }
  }
#pragma unroll
  for (int q = 0; q < values_per_lane; ++q) {
    const int j = static_cast<int>(lane) + 32 * q;
    if (j < layout::stride) warp_totals[warp][j] = sum[q];
  }
  __syncthreads();
  for (int j = static_cast<int>(threadIdx.x); j < layout::stride; j += blockDim.x) {
    double total = 0;
    for (unsigned w = 0; w < warps; ++w) total += warp_totals[w][j];
    totals[j] = total;
  }
  __syncthreads();
  const double n = static_cast<double>(rows);
  for (int j = static_cast<int>(threadIdx.x); j <= d; j += blockDim.x) {
    g[j] = j < d ? static_cast<float>(totals[j] / n + static_cast<double>(l2) * coefficients[j])
                 : static_cast<float>(totals[layout::intercept] / n);
  }
  if (threadIdx.x == 0) {
    loss[t] = static_cast<float>(totals[layout::loss] / n + 0.5 * l2 * norm2);
    accuracy[t] = static_cast<float>(totals[layout::correct] / n);
  }
  __syncthreads();
  for (int j = static_cast<int>(threadIdx.x); j <= d; j += blockDim.x) {
    if (gradient != nullptr) gradient[j] = g[j];
    if (step != 0.0f) coefficients[j] -= step * g[j];
  }
}

// Newton: z[i + j rows] = sqrt(p_i (1 - p_i)) x_ij for j < d, and the same weight
// alone in column d, so that Z^T Z (one SYRK) is the Hessian of [X 1].
template <int MaxD>
__global__ void __launch_bounds__(logistic_block)
    logistic_weighted_rows(const float* __restrict__ x, std::int64_t rows, int d,
                           const float* __restrict__ coefficients, float* __restrict__ z_out) {
  __shared__ float w[MaxD];
  __shared__ float bias;
  for (int j = static_cast<int>(threadIdx.x); j < MaxD; j += blockDim.x) w[j] = j < d ? coefficients[j] : 0.0f;
  if (threadIdx.x == 0) bias = coefficients[d];
  __syncthreads();
  for (std::int64_t i = global_thread_id(); i < rows; i += grid_thread_count()) {
    float row[MaxD];
#pragma unroll
    for (int j = 0; j < MaxD; ++j) row[j] = j < d ? x[i + static_cast<std::int64_t>(j) * rows] : 0.0f;
    float z = bias;
#pragma unroll
    for (int j = 0; j < MaxD; ++j) z += row[j] * w[j];
    const float p = 1.0f / (1.0f + expf(-z));
    const float weight = sqrtf(p * (1.0f - p));
#pragma unroll
    for (int j = 0; j < MaxD; ++j) {
      if (j < d) z_out[i + static_cast<std::int64_t>(j) * rows] = weight * row[j];
    }
    z_out[i + static_cast<std::int64_t>(d) * rows] = weight;
  }
}

// The Hessian's ridge: h[j, j] += l2 for the d weights (not the intercept). One block.
static __global__ void add_to_weight_diagonal(float* __restrict__ h, int d, float l2) {
  for (int j = static_cast<int>(threadIdx.x); j < d; j += blockDim.x) h[j + static_cast<std::int64_t>(j) * (d + 1)] += l2;
}

// w <- w - delta (d + 1 values). One block.
static __global__ void subtract_step(float* __restrict__ coefficients, const float* __restrict__ delta, int size) {
  for (int j = static_cast<int>(threadIdx.x); j < size; j += blockDim.x) coefficients[j] -= delta[j];
}

// probabilities[i] = sigmoid(x_i . w + b); X column-major with leading dimension ld >= rows.
static __global__ void logistic_probabilities(const float* __restrict__ x, std::int64_t rows, std::int64_t ld, int d,
                                              const float* __restrict__ coefficients, float* __restrict__ out) {
  for (std::int64_t i = global_thread_id(); i < rows; i += grid_thread_count()) {
    float z = coefficients[d];
    for (int j = 0; j < d; ++j) z += x[i + static_cast<std::int64_t>(j) * ld] * coefficients[j];
    out[i] = 1.0f / (1.0f + expf(-z));
  }
}

}  // namespace gpulab::ml::kernels
