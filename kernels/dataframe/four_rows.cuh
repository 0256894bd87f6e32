// SPDX-License-Identifier: MIT
// Four consecutive rows of a column in one or two 16-byte loads (and stores).
//
// A memory-bound kernel reaches the bandwidth ceiling only with enough bytes in
// flight: a thread that asks for 16 bytes at a time keeps four times as many in
// flight as one that asks for 4. Every column of the kit starts 256-byte aligned
// (cudaMallocAsync), so rows 4q .. 4q+3 are 16-byte aligned for any 4- or 8-byte type.
#pragma once

#include <cstdint>
#include <cstring>

namespace gpulab::dataframe::kernels {

template <class T>
struct four {
  T v[4];
};

// Rows 4q .. 4q + 3 of `data`: one 16-byte load for 4-byte types, two for 8-byte ones.
template <class T>
__device__ __forceinline__ four<T> load_four(const T* __restrict__ data, std::int64_t q) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "4- or 8-byte values");
  constexpr int loads = sizeof(T) / 4;
  const uint4* from = reinterpret_cast<const uint4*>(data + 4 * q);
  uint4 raw[loads];
#pragma unroll
  for (int k = 0; k < loads; ++k) raw[k] = from[k];
  four<T> out;
  memcpy(&out, raw, sizeof out);  // a register move, no memory traffic
  return out;
}

template <class T>
__device__ __forceinline__ void store_four(T* __restrict__ data, std::int64_t q, const four<T>& values) {
  constexpr int stores = sizeof(T) / 4;
  uint4 raw[stores];
  memcpy(raw, &values, sizeof values);
  uint4* to = reinterpret_cast<uint4*>(data + 4 * q);
#pragma unroll
  for (int k = 0; k < stores; ++k) to[k] = raw[k];
}

}  // namespace gpulab::dataframe::kernels
