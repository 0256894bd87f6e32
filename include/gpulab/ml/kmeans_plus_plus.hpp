// SPDX-License-Identifier: MIT
// What k-means++ shares between the GPU and the CPU, so that the same seed picks
// the same centres on both (kernels/ml/kmeans_plus_plus.cuh, src/ml/kmeans_cpu.cpp).
//
// D^2 sampling: after centres c_0..c_j, the next centre is point i with
// probability w_i / sum(w), where w_i = the squared distance from x_i to its
// nearest centre so far. We draw it as an "exponential race": each point gets
// key_i = E_i / w_i with E_i an exponential variate made from (seed, round, i),
// and the smallest key wins (ties: the smallest index). P(i wins) = w_i / sum(w)
// exactly, and an argmin needs no prefix sum: it is one parallel reduction,
// and its answer does not depend on the order of a floating-point sum.
//
// The same choice on both sides needs the same w_i bit for bit:
// squared_distance_exact() sums (x - c)^2 over the features in order, each
// operation rounded on its own (no fused multiply-add: __fmul_rn/__fadd_rn on
// the GPU, -ffp-contract=off on the CPU). E_i uses log() in double, which CUDA
// and the C library may round differently in the last bit: two keys would have
// to agree to about 1e-16 for that to change a pick.
#pragma once

#include <cmath>
#include <cstdint>

#include "gpulab/core/host_device.hpp"

namespace gpulab::ml {

// splitmix64's mixing function (bench/inputs.hpp has the same), callable on both sides.
GPULAB_HOST_DEVICE inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The first centre: a uniform pick among the n points.
GPULAB_HOST_DEVICE inline std::int64_t kmeans_plus_plus_first(std::uint64_t seed, std::int64_t n) {
  return static_cast<std::int64_t>(mix64(seed ^ 0x6B6D65616E732B2Bull) % static_cast<std::uint64_t>(n));
}

// E_i for round `round` (the index of the centre being chosen) and point i: -log(u)
// with u uniform in (0, 1] from 53 bits of the hash (never log(0)).
GPULAB_HOST_DEVICE inline double kmeans_plus_plus_exponential(std::uint64_t seed, int round, std::int64_t i) {
  const std::uint64_t h = mix64(mix64(seed + static_cast<std::uint64_t>(round)) ^ static_cast<std::uint64_t>(i));
  const double u = static_cast<double>((h >> 11) + 1) * 0x1p-53;
  return -log(u);
}

// Point i's key in the race: E_i / w_i; a point already on a centre (w = 0) never wins,
// unless every point is (then the smallest index does: a duplicate centre).
GPULAB_HOST_DEVICE inline double kmeans_plus_plus_key(std::uint64_t seed, int round, std::int64_t i, float w) {
  return w > 0.0f ? kmeans_plus_plus_exponential(seed, round, i) / static_cast<double>(w) : HUGE_VAL;
}

// sum_j (x_j - c_j)^2 in float, in feature order, each operation rounded on its own.
GPULAB_HOST_DEVICE inline float squared_distance_exact(const float* x, const float* c, int d) {
  float s = 0.0f;
  for (int j = 0; j < d; ++j) {
#ifdef __CUDA_ARCH__
    const float t = __fsub_rn(x[j], c[j]);
    s = __fadd_rn(s, __fmul_rn(t, t));
#else
    const float t = x[j] - c[j];
    s = s + t * t;  // the file that calls this is compiled with -ffp-contract=off
#endif
  }
  return s;
}

}  // namespace gpulab::ml
