// SPDX-License-Identifier: MIT
// TF32 tensor-core pieces that two kernels share: kNN's filter (knn_tf32_filter.cuh) and
// k-means' tf32 version (kmeans_tf32.cuh). One warp-wide mma.sync.m16n8k8 with float
// accumulators, and the two ways a float becomes a TF32 operand.
//
// The fragments of m16n8k8 (row-major A 16 x 8, column-major B 8 x 8, C 16 x 8), for lane
// = 4 g + t (g = 0..7, t = 0..3):
//   A: a0 = A[g][t], a1 = A[g + 8][t], a2 = A[g][t + 4], a3 = A[g + 8][t + 4]
//   B: b0 = B[t][g], b1 = B[t + 4][g]
//   C: c0 = C[g][2t], c1 = C[g][2t + 1], c2 = C[g + 8][2t], c3 = C[g + 8][2t + 1]
// A product sums over k, and any order of k that both operands share gives the same
// sum: the kernels map logical k = t to feature 2t and t + 4 to 2t + 1 within each group
// of 8 features, so that a lane's two values of a row are neighbours (one 8-byte load).
#pragma once

#include <mma.h>

namespace gpulab::ml::kernels {

inline constexpr unsigned tf32_mask = 0xffffe000u;  // sign, exponent and 10 mantissa bits: truncation

// C += A B on the tensor cores (sm_80 and later).
__device__ __forceinline__ void mma_m16n8k8_tf32(float (&c)[4], const unsigned (&a)[4], unsigned b0, unsigned b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// x with its low 13 mantissa bits cleared: a TF32 value whose error (< 2^-10 relative) does
// not depend on what the tensor cores do with bits they ignore.
__device__ __forceinline__ float truncate_to_tf32(float x) { return __uint_as_float(__float_as_uint(x) & tf32_mask); }

#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
// x rounded to the nearest TF32 value (cvt.rna, <= 2^-11 relative), as an operand's bits.
__device__ __forceinline__ unsigned round_to_tf32(float x) { return __float_as_uint(nvcuda::wmma::__float_to_tf32(x)); }
#endif

}  // namespace gpulab::ml::kernels
