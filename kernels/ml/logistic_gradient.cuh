// SPDX-License-Identifier: MIT
// Logistic regression's passes over X (column-major, so the threads of a warp
// that take neighbouring rows read neighbouring floats of each column: coalesced).
//
// The fused gradient pass is the lesson of the gradient-descent version: per
// row, p - y and the contribution x * (p - y) to the gradient are computed from
// the same registers, so X is read ONCE per iteration and nothing of size rows
// is ever written. A lane holds a whole row; the warp adds its 32 rows' shares of
// the gradient by a transposing shuffle tree once a tile. At the end the block adds
// the sums up (shared memory) and writes one partial per block. A second,
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

// The gradient's sums of a warp's 32 rows, column by column, by a transposing
// shuffle tree. Each lane holds N values (x_j (p - y) of its row, j < N); at each
// level the lanes pair up across `offset`, each keeps one half of its values and
// sends the other half to its partner, and adds what it receives: N/2 shuffles
// and adds a level. After 5 levels a lane holds the warp's sums of max(N/32, 1)
// columns (transposed_column says which). Summing each column with its own
// butterfly would take 5 shuffles a column (320 a tile for 64 columns, not 62).
template <int Width, int Offset, int N>
__device__ __forceinline__ void transpose_sum(float (&v)[N], unsigned lane) {
  if constexpr (Offset > 0) {
    if constexpr (Width > 1) {
      constexpr int half = Width / 2;
      const bool upper = (lane & Offset) != 0;  // upper lanes keep the upper half
#pragma unroll
      for (int i = 0; i < half; ++i) {
        const float send = upper ? v[i] : v[i + half];
        const float keep = upper ? v[i + half] : v[i];
        v[i] = keep + __shfl_xor_sync(0xffffffffu, send, Offset);
      }
      transpose_sum<half, Offset / 2>(v, lane);
    } else {  // one value left and lanes to spare: neighbours hold the same column
      v[0] += __shfl_xor_sync(0xffffffffu, v[0], Offset);
      transpose_sum<1, Offset / 2>(v, lane);
    }
  }
}
// After transpose_sum<N, 16>: the column of value q (q < transposed_kept(N)) in `lane`.
__host__ __device__ constexpr int transposed_kept(int n) { return n >= 32 ? n / 32 : 1; }
__host__ __device__ constexpr int transposed_sharing(int n) { return n >= 32 ? 1 : 32 / n; }
__device__ __forceinline__ int transposed_column(int n, unsigned lane, int q) {
  return static_cast<int>(lane) / transposed_sharing(n) * transposed_kept(n) + q;
}

// [snippet:fused_gradient_pass]
// A lane takes a whole row: its MaxD loads are in flight together and a warp reads
// 32 neighbouring floats of each column. The row's dot product needs no shuffle;
// the gradient's sums are added across the warp's 32 rows once a tile (above), so
// a lane keeps 2 running sums, not 64, and the registers go to loads in flight.
// (The version before gave each row two threads of 32 features and 35 running
// sums each: 100 registers, 16 rows a warp, 32 loads a thread in flight; on the
// H200, 2026-12-04, 100 steps took 8.98 ms with it and 7.65 ms with this one.)
// Two blocks an SM: ptxas gives the MaxD = 64 pass 124 registers. Asked for three
// (80 registers, 64 bytes spilled) it ran slower: 8.77 against 7.65 ms for 100 steps.
template <int MaxD>
__global__ void __launch_bounds__(logistic_block, 2)
    logistic_gradient_pass(const float* __restrict__ x, const float* __restrict__ y, std::int64_t rows, int d,
                           const float* __restrict__ coefficients, float* __restrict__ partials) {
  static_assert(MaxD % 4 == 0 && (MaxD >= 32 ? MaxD % 32 == 0 : 32 % MaxD == 0), "MaxD: 4, 8, 16 or a multiple of 32");
  using layout = partial_layout<MaxD>;
  constexpr int kept = transposed_kept(MaxD), sharing = transposed_sharing(MaxD);
  __shared__ float4 w4[MaxD / 4];  // the weights, read 4 at a time (the same address for every lane)
  __shared__ float bias;
  __shared__ float warp_sums[logistic_block / 32][layout::stride];
  // Launched with launch_dependent (core/dependent_launch.cuh): the reduction after this
  // pass may be placed on the SMs now; the weights are read only once the step before
  // this pass has finished.
  let_next_grid_launch();
  wait_for_prior_grid();
  float* w = reinterpret_cast<float*>(w4);
  for (int j = static_cast<int>(threadIdx.x); j < MaxD; j += blockDim.x) w[j] = j < d ? coefficients[j] : 0.0f;
  if (threadIdx.x == 0) bias = coefficients[d];
  __syncthreads();

  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  float sums[kept] = {};                                 // this lane's columns of the gradient
  float residual_sum = 0.0f, loss_sum = 0.0f, correct = 0.0f;  // this lane's rows
  const std::int64_t warps_in_grid = grid_thread_count() / 32;
  // The loop bound is the same for the whole warp: every lane reaches the shuffles.
  for (std::int64_t base = global_thread_id() / 32 * 32; base < rows; base += warps_in_grid * 32) {
    const std::int64_t i = base + lane;
    const bool active = i < rows;
    float v[MaxD];
#pragma unroll
    for (int j = 0; j < MaxD; ++j) v[j] = active && j < d ? x[i + static_cast<std::int64_t>(j) * rows] : 0.0f;
    float z4[4] = {};  // four chains of multiply-adds, not one of MaxD
#pragma unroll
    for (int j = 0; j < MaxD / 4; ++j) {
      const float4 wj = w4[j];
      z4[0] = fmaf(v[4 * j], wj.x, z4[0]);
      z4[1] = fmaf(v[4 * j + 1], wj.y, z4[1]);
      z4[2] = fmaf(v[4 * j + 2], wj.z, z4[2]);
      z4[3] = fmaf(v[4 * j + 3], wj.w, z4[3]);
    }
    const float z = (z4[0] + z4[1]) + (z4[2] + z4[3]) + bias;
    const float label = active ? y[i] : 0.0f;
    const float r = active ? 1.0f / (1.0f + expf(-z)) - label : 0.0f;  // sigmoid(z) - y
    if (active) {
      residual_sum += r;
      loss_sum += row_log_loss(z, label);
      correct += (z > 0.0f) == (label > 0.5f) ? 1.0f : 0.0f;
    }
#pragma unroll
    for (int j = 0; j < MaxD; ++j) v[j] *= r;  // x_j (p - y): the same registers, X is not read again
    transpose_sum<MaxD, 16>(v, lane);
#pragma unroll
    for (int q = 0; q < kept; ++q) sums[q] += v[q];
  }

  // The block's sums: the lanes' columns straight into shared memory (a column has
  // one lane, or `sharing` lanes with the same sum), the rows' extras by a shuffle
  // tree, then across warps in warp order.
  if (lane % sharing == 0) {
#pragma unroll
    for (int q = 0; q < kept; ++q) warp_sums[warp][transposed_column(MaxD, lane, q)] = sums[q];
  }
  for (int offset = 16; offset > 0; offset /= 2) {
    residual_sum += __shfl_down_sync(0xffffffffu, residual_sum, offset);
    loss_sum += __shfl_down_sync(0xffffffffu, loss_sum, offset);
    correct += __shfl_down_sync(0xffffffffu, correct, offset);
  }
  if (lane == 0) {
    warp_sums[warp][layout::intercept] = residual_sum;
    warp_sums[warp][layout::loss] = loss_sum;
    warp_sums[warp][layout::correct] = correct;
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
// one after the other; this version 6.0 us, in steps of about 77 us, pass included.)
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
