// SPDX-License-Identifier: MIT
// The split_tf32 kernel's shared-memory layout (gpulab/ml/kmeans_wgmma_layout.hpp), checked on
// the CPU against the rule by which wgmma reads a K-major operand with the 128-byte swizzle
// (PTX ISA, "Shared Memory Matrix Layout"; kernels/ml/wgmma_tf32.cuh): for k-step s the
// descriptor starts at the step's offset, centroid n's 8 values sit 128 n + 1024 (n / 8)
// bytes on (8 rows an atom), value kk 4 kk bytes into them, and the hardware XORs address
// bits 4-6 (the 16-byte chunk) with bits 7-9 (the row within the atom). Where the kernel's
// writes and those reads disagree, or A's features differ from B's, a score would pair a
// point's feature with another feature of the centroid: on the GPU a wrong label, here a
// named position.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "gpulab/ml/kmeans_wgmma_layout.hpp"

namespace {

using gpulab::ml::kmeans_wgmma_b_offset;
using gpulab::ml::kmeans_wgmma_feature;
using gpulab::ml::kmeans_wgmma_k_step_offset;
using gpulab::ml::kmeans_wgmma_k_steps;
using gpulab::ml::kmeans_wgmma_layout;

// The byte wgmma reads for B[kk][n] of k-step s, from a chunk's operand at offset 0 (1024-aligned).
int wgmma_reads(int s, int n, int kk) {
  const int logical = kmeans_wgmma_k_step_offset(s) + 1024 * (n / 8) + 128 * (n % 8) + 4 * kk;
  return logical ^ (((logical >> 7) & 7) << 4);
}

// Every feature below 8 k-steps once, and a thread's values (columns t and t + 4 of each
// k-step) the features 16 p + 4 t .. + 3 of its float4 p = s / 2: component 2 (s % 2) + kk / 4.
TEST(ml_kmeans_wgmma_layout, EveryFeatureOnceAndAThreadsValuesAreWholeFloat4s) {
  for (const int d : {4, 16, 20, 32, 36, 64}) {
    const int steps = kmeans_wgmma_k_steps(d);
    ASSERT_GE(8 * steps, d) << d;
    ASSERT_EQ(steps % 2, 0) << d;
    std::set<int> features;
    for (int s = 0; s < steps; ++s) {
      for (int kk = 0; kk < 8; ++kk) {
        const int f = kmeans_wgmma_feature(s, kk);
        EXPECT_TRUE(features.insert(f).second) << "feature " << f << " twice, d = " << d;
        const int t = kk % 4, component = 2 * (s % 2) + kk / 4;
        EXPECT_EQ(f, 16 * (s / 2) + 4 * t + component) << "k-step " << s << ", column " << kk;
      }
    }
    EXPECT_EQ(static_cast<int>(features.size()), 8 * steps);
    EXPECT_EQ(*features.rbegin(), 8 * steps - 1);
  }
}

// The kernel writes centroid c's position p at kmeans_wgmma_b_offset: wgmma must read it there,
// for every chunk, feature block, k-step, row and column, and no two values may share a byte.
TEST(ml_kmeans_wgmma_layout, WgmmaReadsWhereTheKernelWrites) {
  for (const int d : {8, 32, 36, 64}) {
    for (const int k : {1, 37, 64, 130}) {
      const kmeans_wgmma_layout at{k, d, 8};
      const int blocks = at.feature_blocks(), steps = kmeans_wgmma_k_steps(d);
      ASSERT_LE(steps, 4 * blocks) << d;
      std::vector<int> owner(static_cast<std::size_t>(at.operand_bytes()), -1);
      for (int c = 0; c < 64 * at.chunks(); ++c) {
        for (int p = 0; p < 32 * blocks; ++p) {
          const int offset = kmeans_wgmma_b_offset(c, p, blocks);
          ASSERT_GE(offset, 0);
          ASSERT_LT(offset + 4, at.operand_bytes() + 1);
          ASSERT_EQ(offset % 4, 0);
          ASSERT_EQ(owner[static_cast<std::size_t>(offset)], -1) << "two values at byte " << offset;
          owner[static_cast<std::size_t>(offset)] = c * 1000 + p;
        }
      }
      for (int chunk = 0; chunk < at.chunks(); ++chunk) {
        const int base = chunk * blocks * gpulab::ml::wgmma_kmeans_block_bytes;
        for (int s = 0; s < steps; ++s) {
          for (int n = 0; n < 64; ++n) {
            for (int kk = 0; kk < 8; ++kk) {
              const int read = base + wgmma_reads(s, n, kk);
              EXPECT_EQ(owner[static_cast<std::size_t>(read)], (64 * chunk + n) * 1000 + 8 * s + kk)
                  << "d " << d << ", k " << k << ": chunk " << chunk << ", k-step " << s << ", centroid " << n
                  << ", column " << kk;
            }
          }
        }
      }
    }
  }
}

// What the layout promises the kernel: its regions in order, 16-byte aligned sums, and the
// course's shapes within a Hopper SM's 227 KB (10M x 32, k = 64: two blocks an SM).
TEST(ml_kmeans_wgmma_layout, RegionsInOrderAndTheCourseShapesFit) {
  for (const int d : {4, 16, 32, 64}) {
    for (const int k : {1, 8, 64, 100}) {
      const kmeans_wgmma_layout at{k, d, 8};
      EXPECT_EQ(at.b_lo(), at.operand_bytes());
      EXPECT_EQ(at.norms(), 2 * at.operand_bytes());
      EXPECT_GE(at.exact(), at.norms() + 4 * 64 * at.chunks());
      EXPECT_EQ(at.warp_sums(0), at.exact() + 4 * k * d);
      for (int w = 0; w <= 8; ++w) EXPECT_EQ(at.warp_sums(w) % 16, 0) << "d " << d << ", k " << k;
      EXPECT_GE(at.warp_floats(), k * d + k);
    }
  }
  // A Hopper SM: 228 KB of shared memory, 1 KB of it reserved a block; a block may opt in to 227 KB.
  // The kernel's static shared memory (block_total's, as ptxas counts it): 1 KB more a block.
  constexpr int hopper_sm = 228 * 1024, reserved = 1024, hopper_optin = 227 * 1024, static_bytes = 1024;
  const kmeans_wgmma_layout course_large{64, 32, 8}, course_small{8, 16, 8}, too_large{600, 8, 4};
  EXPECT_LE(2 * (course_large.bytes() + static_bytes + reserved), hopper_sm) << "10M x 32, k 64: two blocks an SM";
  EXPECT_LE(course_small.bytes() + static_bytes, hopper_optin);
  EXPECT_GT(too_large.bytes() + static_bytes, hopper_optin) << "the GPU test's shape that falls back";
}

}  // namespace
