// SPDX-License-Identifier: MIT
// TF32 on the CPU, as the kit's tensor-core kernels see it: one operand rounded to nearest
// (cvt.rna: ties away from zero), the other truncated to 10 mantissa bits. The host tests
// of the TF32 error bounds (kNN's filter, k-means' tf32 version) score with these.
#pragma once

#include <cstdint>
#include <cstring>

namespace gpulab::testing {

inline float tf32_rounded(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  u = (u + 0x1000u) & 0xffffe000u;
  std::memcpy(&x, &u, 4);
  return x;
}

inline float tf32_truncated(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  u &= 0xffffe000u;
  std::memcpy(&x, &u, 4);
  return x;
}

}  // namespace gpulab::testing
