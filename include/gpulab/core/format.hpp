// SPDX-License-Identifier: MIT
// Small formatting helpers shared by the report and the error messages.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace gpulab {

// "1.50 GiB", "64.0 KiB", "17 B": binary units, three significant digits.
inline std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(text, sizeof text, value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s", value,
                  units[unit]);
  }
  return text;
}

// A short size label for sweeps: 4096 -> "4K", 2^30 -> "1G", 50000000 -> "50000000".
inline std::string format_count_short(std::uint64_t n) {
  const char* suffix[] = {"", "K", "M", "G", "T"};
  int unit = 0;
  while (n >= 1024 && n % 1024 == 0 && unit < 4) {
    n /= 1024;
    ++unit;
  }
  return std::to_string(n) + suffix[unit];
}

// printf into a string, for report lines with several numbers ("%8.1f GB/s %5.1f%%").
// A line longer than 511 characters is cut: these are one-line report texts.
template <class... Values>
std::string format_printf(const char* format, Values... values) {
  char text[512];
  std::snprintf(text, sizeof text, format, values...);
  return text;
}

// Fixed-point with the given number of decimals.
inline std::string format_fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Three significant digits, switching to scientific notation for tiny or huge values.
inline std::string format_significant(double value) {
  char text[64];
  const double magnitude = value < 0 ? -value : value;
  if (value == 0.0) return "0";
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    std::snprintf(text, sizeof text, "%.2e", value);
  } else if (magnitude >= 100) {
    std::snprintf(text, sizeof text, "%.0f", value);
  } else if (magnitude >= 10) {
    std::snprintf(text, sizeof text, "%.1f", value);
  } else if (magnitude >= 1) {
    std::snprintf(text, sizeof text, "%.2f", value);
  } else {
    std::snprintf(text, sizeof text, "%.3g", value);
  }
  return text;
}

}  // namespace gpulab
