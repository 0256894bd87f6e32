// SPDX-License-Identifier: MIT
// The exact (slow) path of decimal -> double, for what the Eisel-Lemire fast
// path declines: halfway cases, more than 19 significant digits whose rounding
// the truncation hides, subnormals, overflow. One function for the CPU and the GPU.
//
// The algorithm is "simple decimal conversion" (Go's strconv decimal.go and
// atof.go floatBits, after Ken Thompson's; Nigel Tao describes it): keep the
// decimal's digits (up to 800; beyond, only whether a non-zero digit was dropped),
// multiply or divide it by powers of two *in decimal* until it lies in [1/2, 1),
// then shift 53 bits into the integer part and round half to even. Each step is
// exact decimal arithmetic, so the result is correctly rounded for every input;
// 800 digits are enough because a halfway point between two doubles has at most
// 767 significant digits. It is slow (hundreds of digit operations) and needs
// 800 bytes of scratch: the GPU reader runs it in a separate kernel, only for
// the rows that need it, with the scratch in global memory.
#pragma once

#include <cstdint>
#include <cuda/std/bit>

#include "gpulab/core/host_device.hpp"

namespace gpulab::dataframe {

inline constexpr int decimal_capacity = 800;
// Exponents past this are clamped: they overflow or underflow whatever the digits.
inline constexpr std::int64_t decimal_exponent_clamp = 1'000'000'000'000;

// A decimal number 0.d1 d2 ... dn x 10^point (digits as values 0..9).
struct simple_decimal {
  std::uint8_t digits[decimal_capacity];
  int count;              // digits in use
  std::int64_t point;     // where the decimal point is, relative to digits[0]
  bool negative;
  bool truncated;         // a non-zero digit beyond the capacity was dropped
};

namespace decimal_detail {

GPULAB_HOST_DEVICE inline void trim(simple_decimal& d) {
  while (d.count > 0 && d.digits[d.count - 1] == 0) --d.count;
  if (d.count == 0) d.point = 0;
}

// Multiplying by 2^k (k <= 27) adds as many digits as 2^k has, or one fewer when the
// leading digits are below those of 5^k (Go's "leftcheats", computed instead of tabulated).
GPULAB_HOST_DEVICE inline int new_digits(const simple_decimal& d, int k) {
  int delta = 0;
  for (std::uint64_t p = std::uint64_t{1} << k; p > 0; p /= 10) ++delta;
  std::uint64_t five = 1;
  for (int i = 0; i < k; ++i) five *= 5;
  std::uint64_t divisor = 1;
  while (divisor <= five / 10) divisor *= 10;
  for (int i = 0; divisor > 0; ++i, divisor /= 10) {
    const auto digit = static_cast<std::uint8_t>((five / divisor) % 10);
    if (i >= d.count) return delta - 1;
    if (d.digits[i] != digit) return d.digits[i] < digit ? delta - 1 : delta;
  }
  return delta;
}

// d x 2^k, k <= 27, written from the last digit backwards.
GPULAB_HOST_DEVICE inline void left_shift(simple_decimal& d, int k) {
  const int delta = new_digits(d, k);
  int read = d.count;
  int write = d.count + delta;
  std::uint64_t n = 0;
  // Digits from the last: shift each in, write the lowest decimal digit of n,
  // then the digits the carry still holds once every input digit is in.
  for (--read; read >= 0 || n > 0; --read) {
    if (read >= 0) n += static_cast<std::uint64_t>(d.digits[read]) << k;
    const std::uint64_t quotient = n / 10, remainder = n - 10 * quotient;
    --write;
    if (write < decimal_capacity) {
      d.digits[write] = static_cast<std::uint8_t>(remainder);
    } else if (remainder != 0) {
      d.truncated = true;
    }
    n = quotient;
  }
  d.count += delta;
  if (d.count >= decimal_capacity) d.count = decimal_capacity;
  d.point += delta;
  trim(d);
}

// d / 2^k, k <= 27, from the first digit forwards.
GPULAB_HOST_DEVICE inline void right_shift(simple_decimal& d, int k) {
  int read = 0, write = 0;
  std::uint64_t n = 0;
  for (; (n >> k) == 0; ++read) {  // enough leading digits for the first quotient digit
    if (read >= d.count) {
      if (n == 0) {
        d.count = 0;
        return;
      }
      while ((n >> k) == 0) {
        n *= 10;
        ++read;
      }
      break;
    }
    n = n * 10 + d.digits[read];
  }
  d.point -= read - 1;
  const std::uint64_t mask = (std::uint64_t{1} << k) - 1;
  for (; read < d.count; ++read) {
    const std::uint64_t digit = n >> k;
    n &= mask;
    d.digits[write++] = static_cast<std::uint8_t>(digit);
    n = n * 10 + d.digits[read];
  }
  while (n > 0) {
    const std::uint64_t digit = n >> k;
    n &= mask;
    if (write < decimal_capacity) {
      d.digits[write++] = static_cast<std::uint8_t>(digit);
    } else if (digit > 0) {
      d.truncated = true;
    }
    n *= 10;
  }
  d.count = write;
  trim(d);
}

GPULAB_HOST_DEVICE inline void shift(simple_decimal& d, int k) {
  constexpr int max_shift = 27;
  if (d.count == 0) return;
  for (; k > max_shift; k -= max_shift) left_shift(d, max_shift);
  for (; k < -max_shift; k += max_shift) right_shift(d, max_shift);
  if (k > 0) left_shift(d, k);
  if (k < 0) right_shift(d, -k);
}

// Whether cutting d after `n` digits must round up (half to even; a dropped
// non-zero digit puts an apparent halfway point above the half).
GPULAB_HOST_DEVICE inline bool should_round_up(const simple_decimal& d, std::int64_t n) {
  if (n < 0 || n >= d.count) return false;
  if (d.digits[n] == 5 && n + 1 == d.count) {
    if (d.truncated) return true;
    return n > 0 && d.digits[n - 1] % 2 != 0;
  }
  return d.digits[n] >= 5;
}

// The integer part of d, rounded.
GPULAB_HOST_DEVICE inline std::uint64_t rounded_integer(const simple_decimal& d) {
  if (d.point > 20) return ~std::uint64_t{0};
  std::int64_t i = 0;
  std::uint64_t n = 0;
  for (; i < d.point && i < d.count; ++i) n = n * 10 + d.digits[i];
  for (; i < d.point; ++i) n *= 10;
  if (should_round_up(d, d.point)) ++n;
  return n;
}

// How far to shift to move the decimal point by `digits` places (2^n < 10^digits).
GPULAB_HOST_DEVICE inline int shift_for(std::int64_t digits) {
  constexpr int table[] = {1, 3, 6, 9, 13, 16, 19, 23, 26};
  return digits >= 9 ? 27 : table[digits];
}

}  // namespace decimal_detail

// Reads a number the scan (csv_number.hpp) found valid and not inf/nan:
// -?digits[.digits][e[+-]digits], with at most one of the two digit runs empty.
GPULAB_HOST_DEVICE inline void assign_decimal(simple_decimal& d, const char* p, const char* end) {
  d.count = 0;
  d.point = 0;
  d.negative = false;
  d.truncated = false;
  if (p < end && *p == '-') {
    d.negative = true;
    ++p;
  }
  bool saw_dot = false;
  std::int64_t significant = 0;  // digits after the leading zeros
  for (; p < end; ++p) {
    if (*p == '.') {
      saw_dot = true;
      d.point = significant;
      continue;
    }
    if (*p < '0' || *p > '9') break;
    if (*p == '0' && significant == 0) {  // a leading zero moves the point only
      --d.point;
      continue;
    }
    ++significant;
    if (d.count < decimal_capacity) {
      d.digits[d.count++] = static_cast<std::uint8_t>(*p - '0');
    } else if (*p != '0') {
      d.truncated = true;
    }
  }
  if (!saw_dot) d.point = significant;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative_exponent = false;
    if (p < end && (*p == '+' || *p == '-')) negative_exponent = *p++ == '-';
    std::int64_t e = 0;
    for (; p < end; ++p) {
      if (e < decimal_exponent_clamp) e = e * 10 + (*p - '0');
    }
    d.point += negative_exponent ? -e : e;
  }
}

// The double nearest to d (ties to even); `overflow` when that is infinite.
// Go's decimal.floatBits for float64: 52 mantissa bits, 11 exponent bits, bias -1023.
GPULAB_HOST_DEVICE inline std::uint64_t decimal_to_double_bits(simple_decimal& d, bool& overflow) {
  using namespace decimal_detail;
  constexpr int mantissa_bits = 52;
  constexpr int bias = -1023;
  overflow = false;
  std::int64_t exponent = 0;
  std::uint64_t mantissa = 0;
  if (d.count == 0 || d.point < -330) {  // zero, or far below the smallest subnormal
    exponent = bias;
  } else if (d.point > 310) {  // far above the largest double
    overflow = true;
  } else {
    // Scale by powers of two into [1/2, 1).
    while (d.point > 0) {
      const int n = shift_for(d.point);
      shift(d, -n);
      exponent += n;
    }
    while (d.point < 0 || (d.point == 0 && d.digits[0] < 5)) {
      const int n = shift_for(-d.point);
      shift(d, n);
      exponent -= n;
    }
    --exponent;  // [1/2, 1) -> [1, 2)
    // Below the smallest normal exponent: denormalize.
    if (exponent < bias + 1) {
      const std::int64_t n = bias + 1 - exponent;
      shift(d, static_cast<int>(-n));
      exponent += n;
    }
    if (exponent - bias >= (1 << 11) - 1) {
      overflow = true;
    } else {
      shift(d, 1 + mantissa_bits);
      mantissa = rounded_integer(d);
      if (mantissa == (std::uint64_t{2} << mantissa_bits)) {  // rounding carried into a new bit
        mantissa >>= 1;
        ++exponent;
        if (exponent - bias >= (1 << 11) - 1) overflow = true;
      }
      if ((mantissa & (std::uint64_t{1} << mantissa_bits)) == 0) exponent = bias;  // subnormal
    }
  }
  if (overflow) {
    mantissa = 0;
    exponent = (1 << 11) - 1 + bias;
  }
  std::uint64_t bits = mantissa & ((std::uint64_t{1} << mantissa_bits) - 1);
  bits |= static_cast<std::uint64_t>((exponent - bias) & ((1 << 11) - 1)) << mantissa_bits;
  if (d.negative) bits |= std::uint64_t{1} << 63;
  return bits;
}

}  // namespace gpulab::dataframe
