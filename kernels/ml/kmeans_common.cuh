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

// Of two (score, label) pairs the better: the smaller score, on a tie the smaller
// label (the tie rule above, whichever lane holds which).
__device__ __forceinline__ void keep_better(float& score, int& label, float other_score, int other_label) {
  if (other_score < score || (other_score == score && other_label < label)) {
    score = other_score;
    label = other_label;
  }
}

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
// A block's own sums and counts per cluster, in shared memory; at the end the block
// writes them out once, to its own slot of the partials: no global atomics, no
// dependence on block order. Not with float atomics either: for sm_90 a float
// atomicAdd to shared memory compiles to a compare-and-swap loop (ATOMS.CAST.SPIN),
// an integer one to one instruction. So each tile of blockDim.x points is sorted by
// cluster (a counting sort: one integer atomic a point), and each sum (c, j) has
// one owner thread that adds feature j of cluster c's points: plain adds.
struct block_partials {
  float* sums;            // k x d
  unsigned int* counts;   // k
  unsigned int* sizes;    // k: the tile's points in each cluster
  unsigned int* starts;   // k + 1: where each cluster's points start in `order`
  unsigned int* order;    // blockDim.x: the tile's points by cluster, each as the offset of its row

  __device__ static block_partials in_shared(float* shared, int k, int d) {
    unsigned int* words = reinterpret_cast<unsigned int*>(shared + k * d);
    return {shared, words, words + k, words + 2 * k, words + 3 * k + 1};
  }
  __device__ void zero(int k, int d) {
    for (int e = threadIdx.x; e < k * d; e += blockDim.x) sums[e] = 0.0f;
    for (int c = threadIdx.x; c < k; c += blockDim.x) counts[c] = sizes[c] = 0u;
  }
  // [/snippet:kmeans_block_partials]
  // [snippet:kmeans_block_partials_add]
  // Every thread calls it once per tile (label < 0: no point, past n), since it
  // synchronizes the block. Point t of the tile is row tile_start + t of x.
  __device__ void add_tile(const float* x, std::int64_t tile_start, int label, int k, int d) {
    add_rows(x + tile_start * d, d, static_cast<int>(threadIdx.x), label, k, d);
  }
  // The same, for a tile whose rows are at tile_rows, row_stride floats apart (global
  // memory, or a copy in shared memory: kmeans_fused_tiles.cuh); this thread's point is
  // the tile's row `row` (each row one thread's).
  __device__ void add_rows(const float* tile_rows, int row_stride, int row, int label, int k, int d) {
    unsigned int slot = 0;
    if (label >= 0) slot = atomicAdd(&sizes[label], 1u);  // a place in its cluster's bucket
    __syncthreads();
    if (threadIdx.x < 32) scan_sizes(k);  // starts = exclusive prefix sums of sizes
    __syncthreads();
    if (label >= 0) order[starts[label] + slot] = row * row_stride;  // where this point's row starts
    __syncthreads();
    // [/snippet:kmeans_block_partials_add]
    // Offsets within the tile are 32-bit: (tile_start + t) * d + j in 64 bits for every
    // load was a 64-bit multiply and three 64-bit adds (PTX) an element.
    // The owner's (c, j) is stepped, not divided out of each e (a division by a run-time
    // d is some 20 instructions; one a sum was 7% of the register-tiled kernel's).
    // [snippet:kmeans_block_partials_owners]
    if (static_cast<int>(threadIdx.x) < k * d) {
      int c = static_cast<int>(threadIdx.x) / d, j = static_cast<int>(threadIdx.x) % d;
      // The step only where this thread owns a second sum: at 1M x 16, k = 8 (512 threads,
      // 128 sums) none does, and the step's division was the only one added there.
      const int threads = static_cast<int>(blockDim.x);
      int step_c = 0, step_j = 0;
      if (static_cast<int>(threadIdx.x) + threads < k * d) {
        step_c = threads / d;
        step_j = threads % d;
      }
      for (int e = threadIdx.x; e < k * d; e += blockDim.x) {  // the owner of sum e = (c, j)
        float s = 0.0f;
        for (unsigned int q = starts[c]; q < starts[c + 1]; ++q) {
          s += tile_rows[order[q] + j];  // the tile's rows: read again (from L1, or shared memory)
        }
        sums[e] += s;
        c += step_c;
        j += step_j;
        if (j >= d) {
          j -= d;
          ++c;
        }
      }
    }
    // [/snippet:kmeans_block_partials_owners]
    for (int c = threadIdx.x; c < k; c += blockDim.x) {
      counts[c] += sizes[c];
      sizes[c] = 0u;
    }
    __syncthreads();  // the sums and the cleared sizes, before the next tile
  }
  // One warp: starts[c] = sizes[0] + ... + sizes[c - 1], 32 clusters a round;
  // starts[k] = the total.
  __device__ void scan_sizes(int k) {
    const unsigned int lane = threadIdx.x;
    unsigned int carry = 0;
    for (int base = 0; base < k; base += 32) {
      const int c = base + static_cast<int>(lane);
      const unsigned int size = c < k ? sizes[c] : 0u;
      unsigned int inclusive = size;
      for (unsigned int offset = 1; offset < 32; offset *= 2) {
        const unsigned int before = __shfl_up_sync(0xffffffffu, inclusive, offset);
        if (lane >= offset) inclusive += before;
      }
      if (c < k) starts[c] = carry + inclusive - size;
      carry += __shfl_sync(0xffffffffu, inclusive, 31);
    }
    if (lane == 0) starts[k] = carry;
  }
  // The block's tiles of blockDim.x points, a grid-stride loop that the whole block walks
  // together (add_tile synchronizes it): label_of(i) gives point i's cluster.
  template <class LabelOf>
  __device__ void add_tiles(const float* x, std::int64_t n, int k, int d, LabelOf label_of) {
    const std::int64_t tile_step = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
    for (std::int64_t tile = static_cast<std::int64_t>(blockIdx.x) * blockDim.x; tile < n; tile += tile_step) {
      const std::int64_t i = tile + threadIdx.x;
      add_tile(x, tile, i < n ? label_of(i) : -1, k, d);  // -1: no point, past the end
    }
  }
  // After a __syncthreads(): this block's slot of the global partials.
  __device__ void write_out(int k, int d, float* partial_sums, unsigned int* partial_counts) const {
    const std::int64_t block = blockIdx.x;
    for (int e = threadIdx.x; e < k * d; e += blockDim.x) partial_sums[block * k * d + e] = sums[e];
    for (int c = threadIdx.x; c < k; c += blockDim.x) partial_counts[block * k + c] = counts[c];
  }
};

}  // namespace gpulab::ml::kernels
