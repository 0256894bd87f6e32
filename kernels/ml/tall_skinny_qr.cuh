// SPDX-License-Identifier: MIT
// Householder QR of a tall, skinny matrix (the course's [X - mean | y - mean]:
// 1M x 65) as a tree, TSQR: each block turns its share of the rows into a small
// upper-triangular R, the blocks' Rs stacked are a new, much shorter matrix, and
// the same kernel reduces that, until one R is left (src/ml/tall_skinny_qr.cu).
// Every row of X is read once. cuSOLVER's geqrf is built for square-ish matrices:
// it factors 64 columns panel after panel, each panel a few passes over all 1M
// rows (the whole least-squares fit of 1M x 64: 18 ms on the H200; this tree
// took 2.65 ms for the same R in a harness, docs/perf-notes.md).
//
// Least squares needs only R: with y as the last column, R's last column holds
// Q^T y above its diagonal, and Q itself is never stored.
//
// How a block works: one thread per column.
//  - The block keeps its R (columns x columns) in shared memory, zero at first,
//    and takes its rows a panel (PanelRows rows) at a time: [R; panel] = Q' [R'; 0].
//  - Column j of the panel is annihilated by one Householder reflector
//    H = I - tau v v^T, v = [1 at R's row j; u in the panel]: R[j][j] becomes beta,
//    and every column k > j gets w = R[j][k] + u . panel[:, k], then
//    R[j][k] -= tau w, panel[:, k] -= tau w u.
//  - Thread k holds column k of the panel in registers and column k of R (nobody
//    else touches it), so every sum runs down a column inside one thread: no
//    shuffles, no shared-memory reductions. The threads meet once per column, at
//    the barrier that publishes the reflector (u and tau) of thread j.
//  - The next panel is loaded into registers while this one is reduced. Its shift
//    is subtracted when it is taken, so that nothing waits for the loads early
//    (ncu had put 27% of the stall samples on those subtractions; the time did not
//    change, 1.77 and 1.81 ms for level 0 on 1M x 65: the wait moved, the barrier
//    per column is what the blocks mostly wait on, 36% of the samples).
//  - The reflector u is read as float4 from 16-byte-aligned shared memory: a
//    quarter of the loads (level 0 on 1M x 65: 2.50 -> 1.77 ms on the H200).
#pragma once

#include <cfloat>
#include <cstdint>

namespace gpulab::ml::kernels {

inline constexpr int tsqr_max_columns = 128;  // R: 64 KiB of shared memory

// The rows a level of the tree reduces. Column k is x + k * ld for k < x_columns,
// then `extra` (y, read where it lies instead of copied beside X); `shift` (or
// nullptr) is subtracted from each column as it is loaded (the centring).
struct tall_matrix {
  const float* x = nullptr;  // column-major
  std::int64_t ld = 0;
  std::int64_t rows = 0;
  int x_columns = 0;
  const float* extra = nullptr;
  const float* shift = nullptr;

  __host__ __device__ int columns() const { return x_columns + (extra != nullptr ? 1 : 0); }
  __device__ const float* column(int k) const { return k < x_columns ? x + k * ld : extra; }
};

// Shared memory of reduce_rows_to_r: two reflector buffers (first, so that they are
// 16-byte aligned for float4 access), their two taus (padded to four floats), then R.
constexpr std::size_t tsqr_shared_bytes(int columns, int panel_rows) {
  return sizeof(float) * (2 * static_cast<std::size_t>(panel_rows) + 4 + static_cast<std::size_t>(columns) * columns);
}

// panel[i] = column[row + i] for the rows of [row, end); shift past end, so that
// once the shift is subtracted (as the panel is taken) they are zero rows, which change no R.
template <int PanelRows>
__device__ __forceinline__ void load_panel(float (&panel)[PanelRows], const float* column, std::int64_t row,
                                           std::int64_t end, float shift) {
#pragma unroll
  for (int i = 0; i < PanelRows; ++i) panel[i] = row + i < end ? column[row + i] : shift;
}

// Thread j's reflector for its panel column (LAPACK's slarfg): returns tau and
// writes u (the reflector's panel part, 16-byte aligned) and R[j][j] = beta. A zero
// column needs none: tau = 0 and R[j][j] stays as it is. A NaN or an Inf makes
// beta, tau and u NaN, so that it reaches R instead of vanishing.
template <int PanelRows>
__device__ __forceinline__ float make_reflector(const float (&panel)[PanelRows], float& r_jj, float4* u) {
  // Four partial sums: four independent chains of FMAs (one chain waits on each FMA).
  float s[4] = {0, 0, 0, 0};
#pragma unroll
  for (int i = 0; i < PanelRows; ++i) s[i % 4] = fmaf(panel[i], panel[i], s[i % 4]);
  const float sigma = (s[0] + s[1]) + (s[2] + s[3]);
  float alpha = r_jj;
  float norm = sqrtf(sigma);
  float up = 1.0f;  // the factor that alpha and the column are taken at (a power of two, see below)
  if (!(sigma >= FLT_MIN && sigma <= FLT_MAX)) {
    // The squares under- or overflowed, or the column is zero or holds a NaN or an
    // Inf: scale by the largest magnitude first, as snrm2 does. Rare: off the fast path.
    float largest = 0;
#pragma unroll
    for (int i = 0; i < PanelRows; ++i) largest = fmaxf(largest, fabsf(panel[i]));  // fmaxf skips a NaN
    if (largest == 0 && !isnan(sigma)) return 0.0f;  // a zero column: no reflector
    float scaled = 0;  // divided, not multiplied by 1 / largest: that overflows for a subnormal largest
#pragma unroll
    for (int i = 0; i < PanelRows; ++i) scaled = fmaf(panel[i] / largest, panel[i] / largest, scaled);
    if (fmaxf(largest, fabsf(alpha)) < 0x1p-100f) {
      // beta would be (nearly) subnormal, with fewer digits than tau and u need: work
      // at 2^100 times the size (exact: a power of two) and scale beta back, as slarfg does.
      up = 0x1p100f;
      alpha *= up;
      largest *= up;
    }
    norm = largest * sqrtf(scaled);
  }
  const float beta = -copysignf(hypotf(alpha, norm), alpha);  // the sign that avoids cancellation in alpha - beta
  // |alpha - beta| >= max(|alpha|, norm), at least 2^-100 here (2^-49 if scaled): its
  // inverse is finite, and every |u[i]| <= 1.
  const float inverse = 1.0f / (alpha - beta);
  if (up == 1.0f) {
#pragma unroll
    for (int i = 0; i < PanelRows; i += 4) {
      u[i / 4] = make_float4(panel[i] * inverse, panel[i + 1] * inverse, panel[i + 2] * inverse,
                             panel[i + 3] * inverse);
    }
    r_jj = beta;
  } else {
#pragma unroll
    for (int i = 0; i < PanelRows; i += 4) {
      u[i / 4] = make_float4(panel[i] * up * inverse, panel[i + 1] * up * inverse, panel[i + 2] * up * inverse,
                             panel[i + 3] * up * inverse);
    }
    r_jj = beta * 0x1p-100f;
  }
  return (beta - alpha) / beta;
}

// Reduces rows [b * rows_per_block, (b + 1) * rows_per_block) of `a` (b = blockIdx.x)
// to R_b and writes it as rows [b * c, (b + 1) * c) of r_out (column-major, leading
// dimension r_ld, c = a.columns(); zeros below the diagonal): the blocks' Rs stacked
// are the next level's matrix. Block: c threads rounded up to whole warps.
// Dynamic shared memory: tsqr_shared_bytes(c, PanelRows).
template <int PanelRows>
__global__ void __launch_bounds__(tsqr_max_columns) reduce_rows_to_r(tall_matrix a, std::int64_t rows_per_block,
                                                                     float* __restrict__ r_out, std::int64_t r_ld) {
  static_assert(PanelRows % 4 == 0, "the reflectors are read as float4");
  extern __shared__ float4 shared4[];
  const int c = a.columns();
  const int k = static_cast<int>(threadIdx.x);  // my column
  const bool mine = k < c;
  float4* reflectors = shared4;                 // two buffers of PanelRows / 4, alternating (see below)
  float* taus = reinterpret_cast<float*>(shared4 + PanelRows / 2);
  float* r = taus + 4;                          // r[j * c + k]: thread k's column is k, stride c
  for (int j = 0; j < c; ++j) {
    if (mine) r[j * c + k] = 0;
  }

  const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * rows_per_block;
  const std::int64_t end = first + rows_per_block < a.rows ? first + rows_per_block : a.rows;
  const float* column = mine ? a.column(k) : nullptr;
  const float shift = mine && a.shift != nullptr ? a.shift[k] : 0.0f;
  float next[PanelRows] = {};  // raw values: subtracting the shift here would wait for the loads at once
  if (mine) load_panel(next, column, first, end, shift);

  // Reflector j is written to buffer (step % 2) while the other threads may still read
  // buffer (step - 1) % 2: one barrier per column is enough. step runs on across panels.
  unsigned int step = 0;
  for (std::int64_t row = first; row < end; row += PanelRows) {
    float panel[PanelRows];
#pragma unroll
    for (int i = 0; i < PanelRows; ++i) panel[i] = next[i] - shift;
    if (mine && row + PanelRows < end) load_panel(next, column, row + PanelRows, end, shift);

    for (int j = 0; j < c; ++j, ++step) {
      float4* u = reflectors + (step % 2) * (PanelRows / 4);
      if (k == j) taus[step % 2] = make_reflector(panel, r[j * c + j], u);
      __syncthreads();
      const float tau = taus[step % 2];
      if (mine && k > j && tau != 0) {
        // u is read four floats at a time: a quarter of the shared-memory loads.
        float s[4] = {r[j * c + k], 0, 0, 0};
#pragma unroll
        for (int i = 0; i < PanelRows; i += 4) {
          const float4 u4 = u[i / 4];
          s[0] = fmaf(u4.x, panel[i], s[0]);
          s[1] = fmaf(u4.y, panel[i + 1], s[1]);
          s[2] = fmaf(u4.z, panel[i + 2], s[2]);
          s[3] = fmaf(u4.w, panel[i + 3], s[3]);
        }
        const float w = (s[0] + s[1]) + (s[2] + s[3]);
        r[j * c + k] -= tau * w;
        const float tw = tau * w;
#pragma unroll
        for (int i = 0; i < PanelRows; i += 4) {
          const float4 u4 = u[i / 4];
          panel[i] = fmaf(-tw, u4.x, panel[i]);
          panel[i + 1] = fmaf(-tw, u4.y, panel[i + 1]);
          panel[i + 2] = fmaf(-tw, u4.z, panel[i + 2]);
          panel[i + 3] = fmaf(-tw, u4.w, panel[i + 3]);
        }
      }
    }
  }
  // Thread k wrote only column k of R: it can write it out without a barrier.
  if (mine) {
    float* out = r_out + k * r_ld + static_cast<std::int64_t>(blockIdx.x) * c;
    for (int i = 0; i < c; ++i) out[i] = r[i * c + k];
  }
}

}  // namespace gpulab::ml::kernels
