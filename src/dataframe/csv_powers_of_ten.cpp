// SPDX-License-Identifier: MIT
// The Eisel-Lemire table: 10^q for q in [-348, 347] as 128-bit mantissas rounded
// down (csv_eisel_lemire.hpp), computed once by exact big-integer arithmetic
// instead of being pasted in as 1392 hexadecimal constants. The tests compare
// entries with Go's published table.
#include <bit>
#include <cstdint>
#include <vector>

#include "gpulab/dataframe/csv_eisel_lemire.hpp"

namespace gpulab::dataframe {

namespace {

using big_integer = std::vector<std::uint32_t>;  // little-endian 32-bit limbs

void multiply(big_integer& x, std::uint32_t factor) {
  std::uint64_t carry = 0;
  for (std::uint32_t& limb : x) {
    const std::uint64_t product = std::uint64_t{limb} * factor + carry;
    limb = static_cast<std::uint32_t>(product);
    carry = product >> 32;
  }
  if (carry != 0) x.push_back(static_cast<std::uint32_t>(carry));
}

int bit_length(const big_integer& x) {
  for (int i = static_cast<int>(x.size()) - 1; i >= 0; --i) {
    if (x[static_cast<std::size_t>(i)] != 0) return 32 * i + std::bit_width(x[static_cast<std::size_t>(i)]);
  }
  return 0;
}

bool bit_at(const big_integer& x, int i) {
  return i >= 0 && (x[static_cast<std::size_t>(i / 32)] >> (i % 32)) & 1U;
}

// x = 2 x + low_bit
void double_plus(big_integer& x, bool low_bit) {
  std::uint32_t carry = low_bit ? 1 : 0;
  for (std::uint32_t& limb : x) {
    const std::uint32_t next = limb >> 31;
    limb = (limb << 1) | carry;
    carry = next;
  }
  if (carry != 0) x.push_back(carry);
}

bool at_least(const big_integer& a, const big_integer& b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = n; i-- > 0;) {
    const std::uint32_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x > y;
  }
  return true;
}

void subtract(big_integer& a, const big_integer& b) {  // a >= b
  std::int64_t borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::int64_t d = std::int64_t{a[i]} - (i < b.size() ? std::int64_t{b[i]} : 0) - borrow;
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += std::int64_t{1} << 32;
    a[i] = static_cast<std::uint32_t>(d);
  }
}

big_integer power_of_five(int e) {
  big_integer x{1};
  for (int i = 0; i < e; ++i) multiply(x, 5);
  return x;
}

// The 128 most significant bits of 10^q (those of 5^q), rounded down.
void mantissa_128(int q, std::uint64_t& high, std::uint64_t& low) {
  high = low = 0;
  const auto put = [&](int position, bool one) {  // position 127 is the top bit
    if (!one) return;
    if (position >= 64) high |= std::uint64_t{1} << (position - 64);
    else low |= std::uint64_t{1} << position;
  };
  if (q >= 0) {
    const big_integer p = power_of_five(q);
    const int top = bit_length(p) - 1;
    for (int i = 0; i < 128; ++i) put(127 - i, bit_at(p, top - i));
    return;
  }
  // 5^-m: floor(2^(b + 127) / 5^m) has exactly 128 bits when 5^m has b bits.
  const big_integer divisor = power_of_five(-q);
  const int b = bit_length(divisor);
  big_integer remainder{0};
  for (int position = b + 127; position >= 0; --position) {
    double_plus(remainder, position == b + 127);
    const bool one = at_least(remainder, divisor);
    if (one) subtract(remainder, divisor);
    if (position < 128) put(position, one);
  }
}

}  // namespace

const std::vector<std::uint64_t>& powers_of_ten_128() {
  static const std::vector<std::uint64_t> table = [] {
    std::vector<std::uint64_t> t(2 * static_cast<std::size_t>(power_of_ten_count));
    for (int q = power_of_ten_min_exponent; q <= power_of_ten_max_exponent; ++q) {
      const auto i = 2 * static_cast<std::size_t>(q - power_of_ten_min_exponent);
      mantissa_128(q, t[i + 1], t[i]);
    }
    return t;
  }();
  return table;
}

}  // namespace gpulab::dataframe
