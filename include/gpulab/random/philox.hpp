// SPDX-License-Identifier: MIT
// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy
// as 1, 2, 3", SC11): a counter-based generator. Four 32-bit words of output are a
// pure function of a 128-bit counter and a 64-bit key, so number i can be made by
// whichever thread wants it, in any order, with no state to keep: the same
// function serves the kernel and the CPU reference (GPULAB_HOST_DEVICE).
// It is the algorithm behind cuRAND's CURAND_RNG_PSEUDO_PHILOX4_32_10; the test
// checks it against the published known-answer vectors (Random123's kat_vectors).
#pragma once

#include <cmath>
#include <cstdint>

#include "gpulab/core/host_device.hpp"

namespace gpulab::random {

struct philox_counter {
  std::uint32_t word[4];
};
struct philox_key {
  std::uint32_t word[2];
};

// The 64-bit product a * b as its high and low halves (one IMAD.WIDE on the GPU).
GPULAB_HOST_DEVICE inline void multiply_high_low(std::uint32_t a, std::uint32_t b, std::uint32_t& high,
                                                 std::uint32_t& low) {
  const std::uint64_t product = static_cast<std::uint64_t>(a) * b;
  high = static_cast<std::uint32_t>(product >> 32);
  low = static_cast<std::uint32_t>(product);
}

// Ten rounds; each multiplies two words by fixed odd constants and mixes the halves
// with the other two words and the key; the key moves on by a Weyl step (the golden
// ratio and sqrt(3) - 1, as 32-bit fractions) between rounds.
// [snippet:philox4x32_10]
GPULAB_HOST_DEVICE inline philox_counter philox4x32_10(philox_counter x, philox_key key) {
  constexpr std::uint32_t multiplier0 = 0xD2511F53u, multiplier1 = 0xCD9E8D57u;
  constexpr std::uint32_t weyl0 = 0x9E3779B9u, weyl1 = 0xBB67AE85u;
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key.word[0] += weyl0;
      key.word[1] += weyl1;
    }
    std::uint32_t high0, low0, high1, low1;
    multiply_high_low(multiplier0, x.word[0], high0, low0);
    multiply_high_low(multiplier1, x.word[2], high1, low1);
    x = {{high1 ^ x.word[1] ^ key.word[0], low1, high0 ^ x.word[3] ^ key.word[1], low0}};
  }
  return x;
}
// [/snippet:philox4x32_10]

// The key from a 64-bit seed; the counter of group g (numbers 4g .. 4g + 3) is g itself.
GPULAB_HOST_DEVICE inline philox_key philox_key_of(std::uint64_t seed) {
  return {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
}
GPULAB_HOST_DEVICE inline philox_counter philox_counter_of(std::uint64_t group) {
  return {{static_cast<std::uint32_t>(group), static_cast<std::uint32_t>(group >> 32), 0u, 0u}};
}

// A 32-bit word as a float in (0, 1]: (x + 1/2) / 2^32, rounded once (fmaf on both
// sides, so the CPU and the GPU get the same float); never 0, so log(u) is finite.
GPULAB_HOST_DEVICE inline float uniform_open_closed(std::uint32_t x) {
  return fmaf(static_cast<float>(x), 0x1p-32f, 0x1p-33f);
}

}  // namespace gpulab::random
