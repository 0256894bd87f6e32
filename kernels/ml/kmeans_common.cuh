// SPDX-License-Identifier: MIT
// What the k-means kernels share: the squared distance, the tie rule, and the
// per-block partial sums that replace atomics on global memory.
#pragma once

#include <cstdint>

namespace gpulab::ml::kernels {

// sum_j (x_j - c_j)^2 over d features, in order.
__device__ __forceinline__ float squared_distance(const float* x, const float* c, int d) {
  float s = 0.0f;
  for (int j = 0; j < d; ++j) {
    const float t = x[j] - c[j];
    s += t * t;
  }
  return s;
}

// One point's d features, held in registers. Reading x[i * d + j] again for every
// centroid would load the row k times (and each load instruction of a warp touches
// 32 different rows): load it once. MaxD >= d is a compile-time bound, so that
// after unrolling every index is a constant and the array stays in registers;
// MaxD = 0 keeps no copy and reads the row from memory each time (any d).
template <int MaxD>
struct point_features {
  float v[MaxD > 0 ? MaxD : 1];
  const float* row;

  __device__ void load(const float* x, int d) {
    row = x;
    if constexpr (MaxD > 0 && MaxD % 4 == 0) {
      // A row of exactly MaxD features, 16-byte aligned: float4 loads, 4 times fewer
      // load instructions (each of a warp's touches 32 different rows).
      if (d == MaxD && (reinterpret_cast<std::uintptr_t>(x) & 15u) == 0) {
#pragma unroll
        for (int q = 0; q < MaxD / 4; ++q) {
          const float4 f = reinterpret_cast<const float4*>(x)[q];
          v[4 * q] = f.x;
          v[4 * q + 1] = f.y;
          v[4 * q + 2] = f.z;
          v[4 * q + 3] = f.w;
        }
        return;
      }
    }
    if constexpr (MaxD > 0) {
#pragma unroll
      for (int j = 0; j < MaxD; ++j) v[j] = j < d ? x[j] : 0.0f;
    }
  }
  // sum_j (x_j - c_j)^2, in feature order (the same sum as squared_distance).
  __device__ float distance_to(const float* c, int d) const {
    if constexpr (MaxD == 0) {
      return squared_distance(row, c, d);
    } else {
      if constexpr (MaxD % 4 == 0) {
        // A centroid of exactly MaxD features, 16-byte aligned: one 16-byte load
        // (LDS.128 from shared memory) per 4 features, so that the loads keep up
        // with the arithmetic. The same additions in the same order as below.
        if (d == MaxD && (reinterpret_cast<std::uintptr_t>(c) & 15u) == 0) {
          const float4* c4 = reinterpret_cast<const float4*>(c);
          float s = 0.0f;
#pragma unroll
          for (int q = 0; q < MaxD / 4; ++q) {
            const float4 cq = c4[q];
            float t = v[4 * q] - cq.x;
            s += t * t;
            t = v[4 * q + 1] - cq.y;
            s += t * t;
            t = v[4 * q + 2] - cq.z;
            s += t * t;
            t = v[4 * q + 3] - cq.w;
            s += t * t;
          }
          return s;
        }
      }
      float s = 0.0f;
#pragma unroll
      for (int j = 0; j < MaxD; ++j) {
        if (j < d) {
          const float t = v[j] - c[j];
          s += t * t;
        }
      }
      return s;
    }
  }
  // sums[j] += x_j for every feature, with shared-memory atomics (the block's threads share sums).
  __device__ void add_to(float* sums, int d) const {
    if constexpr (MaxD == 0) {
      for (int j = 0; j < d; ++j) atomicAdd(&sums[j], row[j]);
    } else {
#pragma unroll
      for (int j = 0; j < MaxD; ++j) {
        if (j < d) atomicAdd(&sums[j], v[j]);
      }
    }
  }
};

// [snippet:kmeans_tie_rule]
// The nearest of k centroids, scanning 0..k-1 with a strict <: on a tie the
// smallest index wins, in every version, on every block, and on the CPU.
template <int MaxD>
__device__ __forceinline__ int nearest_centroid(const point_features<MaxD>& x, const float* centroids, int k, int d,
                                                float* best_distance) {
  float best = __int_as_float(0x7f800000);  // +infinity: the first centroid always wins it
  int label = 0;
  for (int c = 0; c < k; ++c) {
    const float dist = x.distance_to(centroids + static_cast<std::int64_t>(c) * d, d);
    if (dist < best) {
      best = dist;
      label = c;
    }
  }
  *best_distance = best;
  return label;
}
// [/snippet:kmeans_tie_rule]

// The sum of one double per thread over the block (blockDim.x a multiple of 32, <= 1024),
// in a fixed order (so the same inputs give the same bits); the total is valid in thread 0.
__device__ __forceinline__ double block_total(double value) {
  __shared__ double warp_totals[32];
  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
  __syncthreads();  // warp_totals may still be read by an earlier call
  if (lane == 0) warp_totals[warp] = value;
  __syncthreads();
  value = 0.0;
  if (warp == 0) {
    value = lane < blockDim.x / 32 ? warp_totals[lane] : 0.0;
    for (int offset = 16; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
  }
  return value;
}

// [snippet:kmeans_block_partials]
// A block's own sums and counts per cluster, in shared memory: k * d floats then
// k counters. Threads add to them with shared-memory atomics (cheap, and only the
// block's threads contend); at the end the block writes them out once, to its own
// slot of the partials, so no global atomics and no dependence on block order.
struct block_partials {
  float* sums;             // k x d
  unsigned int* counts;    // k

  __device__ static block_partials in_shared(float* shared, int k, int d) {
    return {shared, reinterpret_cast<unsigned int*>(shared + k * d)};
  }
  __device__ void zero(int k, int d) {
    for (int e = threadIdx.x; e < k * d; e += blockDim.x) sums[e] = 0.0f;
    for (int c = threadIdx.x; c < k; c += blockDim.x) counts[c] = 0u;
  }
  // [/snippet:kmeans_block_partials]
  // [snippet:kmeans_block_partials_add]
  template <int MaxD>
  __device__ void add(const point_features<MaxD>& x, int label, int d) {
    x.add_to(sums + label * d, d);
    atomicAdd(&counts[label], 1u);
  }
  // After a __syncthreads(): this block's slot of the global partials.
  __device__ void write_out(int k, int d, float* partial_sums, unsigned int* partial_counts) const {
    const std::int64_t block = blockIdx.x;
    for (int e = threadIdx.x; e < k * d; e += blockDim.x) partial_sums[block * k * d + e] = sums[e];
    for (int c = threadIdx.x; c < k; c += blockDim.x) partial_counts[block * k + c] = counts[c];
  }
};
// [/snippet:kmeans_block_partials_add]

}  // namespace gpulab::ml::kernels
