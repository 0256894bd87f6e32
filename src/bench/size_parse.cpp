// SPDX-License-Identifier: MIT
#include "gpulab/bench/size_parse.hpp"

#include <cctype>
#include <cmath>
#include <limits>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab {

namespace {

[[noreturn]] void bad_size(std::string_view text, const std::string& why) {
  throw usage_error("invalid size '" + std::string(text) + "': " + why +
                    " (examples: 1000003, 50M, 2^29, 64KiB, 1GiB)");
}

constexpr std::uint64_t max_size = std::numeric_limits<std::uint64_t>::max();

// a * b, or an error when it does not fit in 64 bits.
std::uint64_t checked_multiply(std::uint64_t a, std::uint64_t b, std::string_view text) {
  if (b != 0 && a > max_size / b) bad_size(text, "it does not fit in 64 bits");
  return a * b;
}

// Reads the leading decimal digits of `s` starting at `pos` into `value`.
bool read_integer(std::string_view s, std::size_t& pos, std::uint64_t& value, std::string_view text) {
  const std::size_t start = pos;
  value = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    value = checked_multiply(value, 10, text);
    const auto digit = static_cast<std::uint64_t>(s[pos] - '0');
    if (value > max_size - digit) bad_size(text, "it does not fit in 64 bits");
    value += digit;
    ++pos;
  }
  return pos > start;
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) bad_size(text, "it is empty");
  if (s.front() == '-') bad_size(text, "sizes must be positive");
  if (s.front() == '+') s.remove_prefix(1);

  std::size_t pos = 0;
  std::uint64_t whole = 0;
  if (!read_integer(s, pos, whole, text)) bad_size(text, "it does not start with a number");

  // 2^k
  if (pos < s.size() && s[pos] == '^') {
    ++pos;
    std::uint64_t exponent = 0;
    if (!read_integer(s, pos, exponent, text) || pos != s.size()) bad_size(text, "expected an exponent after '^'");
    std::uint64_t result = 1;
    for (std::uint64_t i = 0; i < exponent; ++i) result = checked_multiply(result, whole, text);
    if (result == 0) bad_size(text, "sizes must be at least 1");
    return result;
  }

  // Optional fraction: "1.5G". Kept as numerator / 10^digits to stay exact.
  std::uint64_t fraction = 0, fraction_scale = 1;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    if (!read_integer(s, pos, fraction, text)) bad_size(text, "expected digits after '.'");
    for (std::size_t i = start; i < pos; ++i) fraction_scale = checked_multiply(fraction_scale, 10, text);
  }

  // Optional exponent: "1e6".
  std::uint64_t multiplier = 1;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    std::uint64_t exponent = 0;
    if (!read_integer(s, pos, exponent, text)) bad_size(text, "expected an exponent after 'e'");
    for (std::uint64_t i = 0; i < exponent; ++i) multiplier = checked_multiply(multiplier, 10, text);
  }

  // Optional unit.
  std::string unit(s.substr(pos));
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  if (!unit.empty()) {
    if (multiplier != 1) bad_size(text, "use either an exponent or a unit, not both");
    const char prefix = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
    const bool binary = unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I');
    if (unit.size() > 2 || (unit.size() == 2 && !binary)) bad_size(text, "unknown unit '" + unit + "'");
    const std::uint64_t base = binary ? 1024 : 1000;
    int power = 0;
    switch (prefix) {
      case 'K': power = 1; break;
      case 'M': power = 2; break;
      case 'G': power = 3; break;
      case 'T': power = 4; break;
      default: bad_size(text, "unknown unit '" + unit + "'");
    }
    for (int i = 0; i < power; ++i) multiplier = checked_multiply(multiplier, base, text);
  }

  const std::uint64_t whole_part = checked_multiply(whole, multiplier, text);
  // fraction / fraction_scale * multiplier must be a whole number.
  const std::uint64_t fraction_times = checked_multiply(fraction, multiplier, text);
  if (fraction_times % fraction_scale != 0) bad_size(text, "it is not a whole number");
  const std::uint64_t fraction_part = fraction_times / fraction_scale;
  if (whole_part > max_size - fraction_part) bad_size(text, "it does not fit in 64 bits");
  const std::uint64_t result = whole_part + fraction_part;
  if (result == 0) bad_size(text, "sizes must be at least 1");
  return result;
}

}  // namespace gpulab
