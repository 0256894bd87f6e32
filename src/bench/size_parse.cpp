// SPDX-License-Identifier: MIT
#include "gpulab/bench/size_parse.hpp"

#include <cctype>
#include <limits>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab {

namespace {

// One pass over the text, every loop bounded by the text's length or by a small
// constant (an exponent of at most 63): "1^99999999999" fails at once instead of
// multiplying for hours.
constexpr std::uint64_t max_size = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t max_power_exponent = 63;    // 2^63 is the largest power of two that fits
constexpr std::uint64_t max_decimal_exponent = 19;  // 1e19 fits, 1e20 does not
constexpr std::size_t max_fraction_digits = 19;     // 10^19 fits: the fraction stays exact

[[noreturn]] void bad_size(std::string_view text, const std::string& why) {
  // Quote at most 40 characters: an absurd input should not flood the terminal.
  const std::string shown = text.size() > 40 ? std::string(text.substr(0, 40)) + "..." : std::string(text);
  throw usage_error("invalid size '" + shown + "': " + why + " (examples: 1000003, 50M, 2^29, 64KiB, 1GiB)");
}

[[noreturn]] void too_large(std::string_view text) {
  bad_size(text, "it does not fit in 64 bits (the largest size is 2^64 - 1 = " + std::to_string(max_size) + ")");
}

// a * b, or an error when it does not fit in 64 bits.
std::uint64_t checked_multiply(std::uint64_t a, std::uint64_t b, std::string_view text) {
  if (b != 0 && a > max_size / b) too_large(text);
  return a * b;
}

// Reads the decimal digits of `s` from `pos` into `value`, failing as soon as the
// value passes `limit` (so a thousand digits cost one pass and end at the 20th).
bool read_integer(std::string_view s, std::size_t& pos, std::uint64_t& value, std::uint64_t limit,
                  const std::string& past_limit, std::string_view text) {
  const std::size_t start = pos;
  value = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    const auto digit = static_cast<std::uint64_t>(s[pos] - '0');
    if (value > (limit - digit) / 10) bad_size(text, past_limit);
    value = value * 10 + digit;
    ++pos;
  }
  return pos > start;
}

std::uint64_t power(std::uint64_t base, std::uint64_t exponent, std::string_view text) {
  std::uint64_t result = 1;
  for (std::uint64_t i = 0; i < exponent; ++i) result = checked_multiply(result, base, text);  // at most 63 steps
  return result;
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) bad_size(text, "it is empty");
  if (s.front() == '-') bad_size(text, "sizes must be positive");
  if (s.front() == '+') s.remove_prefix(1);

  const std::string too_many = "it does not fit in 64 bits (the largest size is 2^64 - 1 = " +
                               std::to_string(max_size) + ")";
  std::size_t pos = 0;
  std::uint64_t whole = 0;
  if (!read_integer(s, pos, whole, max_size, too_many, text)) bad_size(text, "it does not start with a number");

  // 2^k
  if (pos < s.size() && s[pos] == '^') {
    ++pos;
    const std::string exponent_limit = "the exponent after '^' must be at most " + std::to_string(max_power_exponent) +
                                       " (sizes fit in 64 bits)";
    std::uint64_t exponent = 0;
    if (!read_integer(s, pos, exponent, max_power_exponent, exponent_limit, text) || pos != s.size()) {
      bad_size(text, "expected an exponent after '^'");
    }
    if (whole == 0) bad_size(text, "sizes must be at least 1");
    return power(whole, exponent, text);
  }

  // Optional fraction: "1.5G". Kept as numerator / 10^digits to stay exact.
  std::uint64_t fraction = 0, fraction_scale = 1;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t end = pos;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
    if (end == pos) bad_size(text, "expected digits after '.'");
    std::size_t last = end;  // trailing zeros change nothing: "1.50000000000000000000K" is 1500
    while (last > pos && s[last - 1] == '0') --last;
    if (last - pos > max_fraction_digits) {
      bad_size(text, "at most " + std::to_string(max_fraction_digits) + " digits after '.'");
    }
    std::size_t digits_end = pos;
    (void)read_integer(s.substr(0, last), digits_end, fraction, max_size, too_many, text);
    fraction_scale = power(10, last - pos, text);
    pos = end;
  }

  // Optional exponent: "1e6".
  std::uint64_t multiplier = 1;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    const std::string exponent_limit = "the exponent after 'e' must be at most " +
                                       std::to_string(max_decimal_exponent) + " (sizes fit in 64 bits)";
    std::uint64_t exponent = 0;
    if (!read_integer(s, pos, exponent, max_decimal_exponent, exponent_limit, text)) {
      bad_size(text, "expected an exponent after 'e'");
    }
    multiplier = power(10, exponent, text);
  }

  // Optional unit.
  std::string_view unit = s.substr(pos);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.remove_suffix(1);
  if (!unit.empty()) {
    const std::string shown(unit.substr(0, 8));
    if (multiplier != 1) bad_size(text, "use either an exponent or a unit, not both");
    const char prefix = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
    const bool binary = unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I');
    if (unit.size() > 2 || (unit.size() == 2 && !binary)) bad_size(text, "unknown unit '" + shown + "'");
    const std::uint64_t base = binary ? 1024 : 1000;
    std::uint64_t exponent = 0;
    switch (prefix) {
      case 'K': exponent = 1; break;
      case 'M': exponent = 2; break;
      case 'G': exponent = 3; break;
      case 'T': exponent = 4; break;
      default: bad_size(text, "unknown unit '" + shown + "'");
    }
    multiplier = power(base, exponent, text);
  }

  const std::uint64_t whole_part = checked_multiply(whole, multiplier, text);
  // fraction / fraction_scale * multiplier must be a whole number.
  const std::uint64_t fraction_times = checked_multiply(fraction, multiplier, text);
  if (fraction_times % fraction_scale != 0) bad_size(text, "it is not a whole number");
  const std::uint64_t fraction_part = fraction_times / fraction_scale;
  if (whole_part > max_size - fraction_part) too_large(text);
  const std::uint64_t result = whole_part + fraction_part;
  if (result == 0) bad_size(text, "sizes must be at least 1");
  return result;
}

}  // namespace gpulab
