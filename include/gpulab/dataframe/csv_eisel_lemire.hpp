// SPDX-License-Identifier: MIT
// The fast path of decimal -> double: the Eisel-Lemire algorithm, one function
// that runs on the CPU and on the GPU (csv_number.hpp calls it).
//
// A decimal with at most 19 significant digits is m x 10^q, m < 2^64. Multiply m
// (shifted so that its top bit is set) by a 128-bit approximation of 10^q,
// rounded down, from a table; the top 54 bits of the product are the double's
// mantissa plus one rounding bit, unless the product lies so close to a halfway
// point between two doubles that the table's rounding could have moved it
// across. The algorithm detects those cases and declines instead of guessing;
// it also declines subnormal and infinite results. Whatever it declines goes to
// the exact (slow) path of csv_decimal.hpp, so the pair is correctly rounded for
// every input. This is Go's strconv.eiselLemire64 (after Nigel Tao's Wuffs),
// line by line; Lemire, "Number parsing at a gigabyte per second" (2021) and
// Nigel Tao's "The Eisel-Lemire ParseNumberF64 Algorithm" (2020) prove it.
#pragma once

#include <cstdint>
#include <cuda/std/bit>
#include <vector>

#include "gpulab/core/host_device.hpp"

namespace gpulab::dataframe {

// The table covers 10^-348 .. 10^347; other exponents go to the exact path.
inline constexpr int power_of_ten_min_exponent = -348;
inline constexpr int power_of_ten_max_exponent = 347;
inline constexpr int power_of_ten_count = power_of_ten_max_exponent - power_of_ten_min_exponent + 1;

// 10^q as a 128-bit mantissa rounded down, top bit set: entries 2(q + 348) (low
// word) and 2(q + 348) + 1 (high word). Computed once on the host by exact
// big-integer arithmetic (csv_powers_of_ten.cpp); the GPU reader uploads it.
const std::vector<std::uint64_t>& powers_of_ten_128();

// The high 64 bits of the 128-bit product a x b.
GPULAB_HOST_DEVICE inline std::uint64_t multiply_high(std::uint64_t a, std::uint64_t b) {
#ifdef __CUDA_ARCH__
  return __umul64hi(a, b);
#else
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
#endif
}

// m x 10^q (negated when `negative`) correctly rounded into `out`, or false when
// the fast path cannot decide (then `out` is unchanged).
GPULAB_HOST_DEVICE inline bool eisel_lemire(std::uint64_t m, std::int64_t q, bool negative,
                                            const std::uint64_t* powers, double& out) {
  if (m == 0) {
    out = negative ? -0.0 : 0.0;
    return true;
  }
  if (q < power_of_ten_min_exponent || q > power_of_ten_max_exponent) return false;

  // Normalize m; the binary exponent of 10^q is about q log2(10) = q x 217706 / 2^16.
  const int zeros = cuda::std::countl_zero(m);
  m <<= zeros;
  std::int64_t exponent = ((217706 * q) >> 16) + 64 + 1023 - zeros;

  // The product's high 64 bits, refined with the table's low word when the
  // bits that decide the rounding are all ones and could still carry.
  const std::uint64_t* power = powers + 2 * (q - power_of_ten_min_exponent);
  std::uint64_t high = multiply_high(m, power[1]);
  std::uint64_t low = m * power[1];
  if ((high & 0x1FF) == 0x1FF && low + m < m) {
    const std::uint64_t next_high = multiply_high(m, power[0]);
    const std::uint64_t next_low = m * power[0];
    std::uint64_t merged_high = high;
    const std::uint64_t merged_low = low + next_high;
    if (merged_low < low) ++merged_high;
    if ((merged_high & 0x1FF) == 0x1FF && merged_low + 1 == 0 && next_low + m < m) return false;
    high = merged_high;
    low = merged_low;
  }

  // Keep 54 bits: 53 for the mantissa and one to round with.
  const std::uint64_t top_bit = high >> 63;
  std::uint64_t mantissa = high >> (top_bit + 9);
  exponent -= static_cast<std::int64_t>(1 ^ top_bit);

  // Exactly halfway as far as these bits can tell: only the exact path knows.
  if (low == 0 && (high & 0x1FF) == 0 && (mantissa & 3) == 1) return false;

  // Round half to even from 54 to 53 bits.
  mantissa += mantissa & 1;
  mantissa >>= 1;
  if ((mantissa >> 53) > 0) {
    mantissa >>= 1;
    ++exponent;
  }
  // Subnormal or infinite: the exact path decides (and reports out of range).
  if (exponent <= 0 || exponent >= 0x7FF) return false;

  std::uint64_t bits = (static_cast<std::uint64_t>(exponent) << 52) | (mantissa & 0x000FFFFFFFFFFFFFull);
  if (negative) bits |= 0x8000000000000000ull;
  out = cuda::std::bit_cast<double>(bits);
  return true;
}

}  // namespace gpulab::dataframe
