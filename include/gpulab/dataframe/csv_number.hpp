// SPDX-License-Identifier: MIT
// Numbers in CSV fields, bit-exact to std::from_chars, on the CPU and the GPU:
// one set of __host__ __device__ functions that the GPU reader's kernels call,
// and that the fuzz target and the tests run on the host against std::from_chars.
//
// A field is a number when std::from_chars would read *all* of it:
//   float64: -?(digits[.digits] | .digits)([eE][+-]?digits)?, inf, infinity,
//            nan, nan(letters digits _), the words in any case; no '+', no spaces
//   int64:   -?digits
// and it is out of range when from_chars says so: a float64 that rounds to
// infinity, or to zero from a non-zero decimal; an int64 past [-2^63, 2^63).
//
// decimal -> double in three steps:
//   scan_number     checks the syntax and keeps the first 19 significant digits
//   fast_double     Eisel-Lemire (csv_eisel_lemire.hpp): nearly every number
//   exact_double    simple decimal conversion (csv_decimal.hpp): the rest
#pragma once

#include <cstdint>
#include <cuda/std/bit>

#include "gpulab/core/host_device.hpp"
#include "gpulab/dataframe/csv_decimal.hpp"
#include "gpulab/dataframe/csv_eisel_lemire.hpp"

namespace gpulab::dataframe {

enum class number_status : std::uint8_t { ok, invalid, out_of_range };

// What scan_number found in a field.
struct number_scan {
  bool valid = false;            // the whole text is a float64 literal
  bool negative = false;
  bool integer_literal = false;  // -?digits: no point, no exponent
  bool infinity = false;
  bool nan = false;
  bool truncated = false;        // non-zero digits after the 19th significant one
  std::uint64_t mantissa = 0;    // the first 19 significant digits
  std::int64_t exponent = 0;     // value ~ mantissa x 10^exponent
};

GPULAB_HOST_DEVICE inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
GPULAB_HOST_DEVICE inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Whether [p, end) spells `word` (given in lower case), in any case.
GPULAB_HOST_DEVICE inline bool spells(const char* p, const char* end, const char* word) {
  for (; *word != '\0'; ++p, ++word) {
    if (p == end || ascii_lower(*p) != *word) return false;
  }
  return p == end;
}

// "nan" or "nan(chars)", chars being letters, digits and '_'.
GPULAB_HOST_DEVICE inline bool spells_nan(const char* p, const char* end) {
  if (end - p < 3 || !spells(p, p + 3, "nan")) return false;
  p += 3;
  if (p == end) return true;
  if (*p != '(' || end[-1] != ')') return false;
  for (++p; p < end - 1; ++p) {
    const char c = ascii_lower(*p);
    if (!is_digit(c) && !(c >= 'a' && c <= 'z') && c != '_') return false;
  }
  return true;
}

// Checks the syntax of [p, end) and keeps its first 19 significant digits
// (Go's strconv.readFloat, without its hex, '+' and '_').
GPULAB_HOST_DEVICE inline number_scan scan_number(const char* p, const char* end) {
  number_scan s;
  if (p < end && *p == '-') {
    s.negative = true;
    ++p;
  }
  if (p < end && (ascii_lower(*p) == 'i' || ascii_lower(*p) == 'n')) {
    s.infinity = spells(p, end, "inf") || spells(p, end, "infinity");
    s.nan = !s.infinity && spells_nan(p, end);
    s.valid = s.infinity || s.nan;
    return s;
  }
  bool saw_digits = false, saw_dot = false;
  std::int64_t significant = 0, kept = 0, point = 0;
  for (; p < end; ++p) {
    const char c = *p;
    if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
      point = significant;
      continue;
    }
    if (!is_digit(c)) break;
    saw_digits = true;
    if (c == '0' && significant == 0) {  // leading zeros move the point only
      --point;
      continue;
    }
    ++significant;
    if (kept < 19) {
      s.mantissa = s.mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      ++kept;
    } else if (c != '0') {
      s.truncated = true;
    }
  }
  if (!saw_digits) return s;
  if (!saw_dot) point = significant;
  bool exponent_part = false;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    exponent_part = true;
    bool negative_exponent = false;
    if (p < end && (*p == '+' || *p == '-')) negative_exponent = *p++ == '-';
    if (p == end || !is_digit(*p)) return s;  // "1e", "1e+": from_chars stops before the 'e'
    std::int64_t e = 0;
    for (; p < end && is_digit(*p); ++p) {
      if (e < decimal_exponent_clamp) e = e * 10 + (*p - '0');
    }
    point += negative_exponent ? -e : e;
  }
  if (p != end) return s;
  s.valid = true;
  s.integer_literal = !saw_dot && !exponent_part;
  s.exponent = s.mantissa != 0 ? point - kept : 0;
  return s;
}

// An int64 field, as std::from_chars<std::int64_t> reads it (all of it).
GPULAB_HOST_DEVICE inline number_status parse_int64(const char* p, const char* end, std::int64_t& out) {
  bool negative = false;
  if (p < end && *p == '-') {
    negative = true;
    ++p;
  }
  if (p == end) return number_status::invalid;
  std::uint64_t magnitude = 0;
  bool overflow = false;
  for (; p < end; ++p) {
    if (!is_digit(*p)) return number_status::invalid;  // syntax first, as from_chars reads all of it
    const auto digit = static_cast<std::uint64_t>(*p - '0');
    if (magnitude > (~std::uint64_t{0} - digit) / 10) {
      overflow = true;
    } else {
      magnitude = magnitude * 10 + digit;
    }
  }
  const std::uint64_t limit = (std::uint64_t{1} << 63) - (negative ? 0 : 1);
  if (overflow || magnitude > limit) return number_status::out_of_range;
  out = static_cast<std::int64_t>(negative ? 0 - magnitude : magnitude);  // wraps to -2^63 exactly
  return number_status::ok;
}

// The value of a valid scan when the fast path can decide it: inf, nan (the
// quiet NaN from_chars gives, with the sign), or Eisel-Lemire. With more than 19
// digits the value lies between mantissa and mantissa + 1 (x 10^exponent): when
// both round to the same double, that is the answer.
GPULAB_HOST_DEVICE inline bool fast_double(const number_scan& s, const std::uint64_t* powers, double& out) {
  const std::uint64_t sign = s.negative ? 0x8000000000000000ull : 0;
  if (s.infinity) {
    out = cuda::std::bit_cast<double>(sign | 0x7FF0000000000000ull);
    return true;
  }
  if (s.nan) {
    out = cuda::std::bit_cast<double>(sign | 0x7FF8000000000000ull);
    return true;
  }
  if (!eisel_lemire(s.mantissa, s.exponent, s.negative, powers, out)) return false;
  if (!s.truncated) return true;
  double upper = 0;
  return eisel_lemire(s.mantissa + 1, s.exponent, s.negative, powers, upper) &&
         cuda::std::bit_cast<std::uint64_t>(upper) == cuda::std::bit_cast<std::uint64_t>(out);
}

// The exact path for a valid decimal [p, end); `scratch` holds the digits.
// Out of range as from_chars: rounds to infinity, or to zero from a non-zero decimal.
GPULAB_HOST_DEVICE inline number_status exact_double(const char* p, const char* end, simple_decimal& scratch,
                                                     double& out) {
  assign_decimal(scratch, p, end);
  const bool non_zero = scratch.count > 0;
  bool overflow = false;
  const std::uint64_t bits = decimal_to_double_bits(scratch, overflow);
  if (overflow || (non_zero && (bits & 0x7FFFFFFFFFFFFFFFull) == 0)) return number_status::out_of_range;
  out = cuda::std::bit_cast<double>(bits);
  return number_status::ok;
}

// A float64 field, as std::from_chars<double> reads it (all of it).
GPULAB_HOST_DEVICE inline number_status parse_double(const char* p, const char* end, const std::uint64_t* powers,
                                                     simple_decimal& scratch, double& out) {
  const number_scan s = scan_number(p, end);
  if (!s.valid) return number_status::invalid;
  if (fast_double(s, powers, out)) return number_status::ok;
  return exact_double(p, end, scratch, out);
}

}  // namespace gpulab::dataframe
