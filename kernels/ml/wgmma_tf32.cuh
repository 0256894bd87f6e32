// SPDX-License-Identifier: MIT
// Hopper's warpgroup MMA for TF32, the pieces the kNN filter's wgmma pass (knn_tf32_wgmma.cuh)
// and k-means' split_tf32 pass (kmeans_wgmma.cuh) use. Facts from the PTX ISA, "Asynchronous
// Warpgroup Level Matrix Multiply-Accumulate Instructions", checked on the H200 by exact probes
// (docs/perf-notes.md):
//
//  - wgmma.mma_async.sync.aligned.m64nNk8.f32.tf32.tf32 (kNN: N = 128; k-means: N = 64): the
//    128 threads of a warpgroup (4 consecutive warps) compute D (64 x N, float) = A (64 x 8)
//    B (8 x N) [+ D]. A comes from registers, B from shared memory through a 64-bit matrix
//    descriptor; the tensor cores read B themselves (no shared-memory loads by the threads).
//  - Registers, thread 32 w + 4 g + t: a0 = A[16w + g][t], a1 = A[16w + g + 8][t],
//    a2 = A[16w + g][t + 4], a3 = A[16w + g + 8][t + 4]; d[nt][e] = D[16w + g + 8 (e / 2)][8 nt + 2t + e % 2]:
//    per warp, m16n8k8's A and C fragments.
//  - TF32 has no transpose: B in shared memory is "K-major", each column of B (a database
//    row) with its 8 k-values contiguous. With the 128-byte swizzle, an atom is 8 rows x 128
//    bytes (32 TF32 values) on a 1024-byte boundary; 16-byte chunk c of row r is stored at
//    chunk c ^ (r % 8) (so that 8 rows' chunk c sit in 8 different bank groups).
//  - The descriptor: bits 0-13 the start address >> 4, 16-29 the leading byte offset >> 4
//    (unused with this swizzle: 1), 32-45 the stride byte offset >> 4 (1024: from one 8-row
//    atom to the next), 62-63 the swizzle (1: 128 bytes).
//  - wgmma reads shared memory through the "async proxy": writes by cp.async or plain stores
//    must be followed by fence.proxy.async (each writer) and a barrier before the wgmma.
//  - wgmma.fence before the first wgmma of a chain (the registers were touched by other
//    instructions), wgmma.commit_group after it, wgmma.wait_group 0 before reading D.
//
// These instructions exist only in code built for sm_90a (nvcc -arch=sm_90a; CMake's
// gpulab_ml_wgmma target); compiled for anything else this header stops the build. The host
// checks that the GPU can run the sm_90a code before it launches (knn_tf32_wgmma.hpp).
#pragma once

#include <cstdint>

namespace gpulab::ml::kernels {

// Device code for any other target is a build error, not a kernel that traps at run time.
#if defined(__CUDA_ARCH__) && !defined(__CUDA_ARCH_FEAT_SM90_ALL)
#error "wgmma_tf32.cuh: wgmma exists only in code built for sm_90a (include it from a file compiled for sm_90a alone)"
#endif
#define GPULAB_WGMMA_ASM(...) asm volatile(__VA_ARGS__)

__device__ __forceinline__ void wgmma_fence() { GPULAB_WGMMA_ASM("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_commit_group() {
  GPULAB_WGMMA_ASM("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}
__device__ __forceinline__ void wgmma_wait_all() { GPULAB_WGMMA_ASM("wgmma.wait_group.sync.aligned 0;\n" ::: "memory"); }
// Generic-proxy writes to shared memory (cp.async, stores) made visible to the async proxy.
__device__ __forceinline__ void fence_proxy_async_shared() {
  GPULAB_WGMMA_ASM("fence.proxy.async.shared::cta;\n" ::: "memory");
}

// The descriptor of a K-major operand with the 128-byte swizzle starting at `shared_address`
// (a shared-memory byte address: 1024-byte aligned for a whole atom, + 32 bytes a k-step inside it).
__device__ __forceinline__ std::uint64_t wgmma_descriptor_swizzle128(std::uint32_t shared_address) {
  constexpr std::uint64_t leading = 1, stride = 1024 >> 4, swizzle_128_bytes = 1;
  return ((shared_address & 0x3FFFFu) >> 4) | (leading << 16) | (stride << 32) | (swizzle_128_bytes << 62);
}

#define GPULAB_WGMMA_D4(i) "+f"(d[i][0]), "+f"(d[i][1]), "+f"(d[i][2]), "+f"(d[i][3])
// D += A B (Accumulate) or D = A B: D 64 x 128 float (16 x 4 a thread), A 64 x 8 TF32 in
// registers, B 8 x 128 through the descriptor. "+f" on D in both: the accumulators are
// read (or not) and written by the instruction, and no other read or write moves across it.
template <bool Accumulate>
__device__ __forceinline__ void wgmma_m64n128k8_tf32(float (&d)[16][4], const unsigned (&a)[4], std::uint64_t b) {
  GPULAB_WGMMA_ASM(
      "{\n.reg .pred accumulate;\nsetp.ne.b32 accumulate, %69, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n128k8.f32.tf32.tf32 "
      "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "
      "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "
      "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "
      "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, "
      "{%64, %65, %66, %67}, %68, accumulate, 1, 1;\n}\n"
      : GPULAB_WGMMA_D4(0), GPULAB_WGMMA_D4(1), GPULAB_WGMMA_D4(2), GPULAB_WGMMA_D4(3), GPULAB_WGMMA_D4(4),
        GPULAB_WGMMA_D4(5), GPULAB_WGMMA_D4(6), GPULAB_WGMMA_D4(7), GPULAB_WGMMA_D4(8), GPULAB_WGMMA_D4(9),
        GPULAB_WGMMA_D4(10), GPULAB_WGMMA_D4(11), GPULAB_WGMMA_D4(12), GPULAB_WGMMA_D4(13), GPULAB_WGMMA_D4(14),
        GPULAB_WGMMA_D4(15)
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b), "r"(Accumulate ? 1 : 0));
}
// The same with N = 64: D 64 x 64 float (8 x 4 a thread), B 8 x 64 (k-means' centroids,
// kmeans_wgmma.cuh). The register layout is N = 128's for its first 8 n-tiles. Without
// Accumulate, D is write-only here ("=f"): the accumulators need not live before the chain.
#define GPULAB_WGMMA_M64N64K8                                                              \
  "{\n.reg .pred accumulate;\nsetp.ne.b32 accumulate, %37, 0;\n"                      \
  "wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32 "                                 \
  "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "              \
  "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}, "    \
  "{%32, %33, %34, %35}, %36, accumulate, 1, 1;\n}\n"
#define GPULAB_WGMMA_W4(i) "=f"(d[i][0]), "=f"(d[i][1]), "=f"(d[i][2]), "=f"(d[i][3])
template <bool Accumulate>
__device__ __forceinline__ void wgmma_m64n64k8_tf32(float (&d)[8][4], const unsigned (&a)[4], std::uint64_t b) {
  if constexpr (Accumulate) {
    GPULAB_WGMMA_ASM(GPULAB_WGMMA_M64N64K8
                     : GPULAB_WGMMA_D4(0), GPULAB_WGMMA_D4(1), GPULAB_WGMMA_D4(2), GPULAB_WGMMA_D4(3),
                       GPULAB_WGMMA_D4(4), GPULAB_WGMMA_D4(5), GPULAB_WGMMA_D4(6), GPULAB_WGMMA_D4(7)
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b), "n"(1));
  } else {
    GPULAB_WGMMA_ASM(GPULAB_WGMMA_M64N64K8
                     : GPULAB_WGMMA_W4(0), GPULAB_WGMMA_W4(1), GPULAB_WGMMA_W4(2), GPULAB_WGMMA_W4(3),
                       GPULAB_WGMMA_W4(4), GPULAB_WGMMA_W4(5), GPULAB_WGMMA_W4(6), GPULAB_WGMMA_W4(7)
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b), "n"(0));
  }
}
#undef GPULAB_WGMMA_W4
#undef GPULAB_WGMMA_M64N64K8
#undef GPULAB_WGMMA_D4

// After wgmma_wait_all: tells the compiler the accumulators were just written, so that no
// read of them is scheduled above the wait. (Before wgmma_fence, the same tells it that
// every earlier write of them is done before the chain reads them: CUTLASS's order.)
template <int NTiles>
__device__ __forceinline__ void wgmma_fence_operands(float (&d)[NTiles][4]) {
#pragma unroll
  for (int i = 0; i < NTiles; ++i) {
#pragma unroll
    for (int e = 0; e < 4; ++e) asm volatile("" : "+f"(d[i][e])::"memory");
  }
}

#undef GPULAB_WGMMA_ASM

}  // namespace gpulab::ml::kernels
