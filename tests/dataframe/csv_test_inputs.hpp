// SPDX-License-Identifier: MIT
// Seeded CSV text for the reader tests: every feature the readers take (quoted
// fields, CRLF, missing values, numbers in every spelling from_chars reads, long
// and hard-to-round digit strings, subnormals, int64 extremes), and the same text
// broken in the ways the readers must report.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/under_sanitizer.hpp"
#include "gpulab/dataframe/csv_columns.hpp"

namespace csv_test {

// How many seeded files a test walks: all of them, or every tenth under
// compute-sanitizer, where the same code paths are reached with fewer files.
inline std::uint64_t seeds(std::uint64_t all) {
  return under_sanitizer() ? (all + 9) / 10 : all;
}

// A double from random bits (any finite value, subnormals included).
inline double random_bits_double(std::mt19937_64& rng) {
  for (;;) {
    const std::uint64_t bits = rng();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isfinite(x)) return x;
  }
}

// One float field: a spelling chosen at random.
inline std::string float_text(std::mt19937_64& rng) {
  char text[64];
  switch (rng() % 12) {
    case 0: {  // a uniform [0, 1) value at 17 digits, as the course's data
      const double x = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      return std::string(text, std::to_chars(text, text + 64, x, std::chars_format::general, 17).ptr);
    }
    case 1: {  // any double, shortest round trip
      const double x = random_bits_double(rng);
      return std::string(text, std::to_chars(text, text + 64, x).ptr);
    }
    case 2: {  // any double at 17 digits, scientific
      const double x = random_bits_double(rng);
      return std::string(text, std::to_chars(text, text + 64, x, std::chars_format::scientific, 16).ptr);
    }
    case 3: {  // a subnormal
      const double x = std::ldexp(static_cast<double>(rng() % (std::uint64_t{1} << 52)), -1074);
      return std::string(text, std::to_chars(text, text + 64, x, std::chars_format::general, 17).ptr);
    }
    case 4: {  // a long digit string: more than 19 significant digits
      std::string s = rng() % 2 ? "-" : "";
      const int digits = 20 + static_cast<int>(rng() % 40);
      for (int i = 0; i < digits; ++i) s += static_cast<char>('0' + rng() % 10);
      s.insert(s.size() - rng() % static_cast<std::uint64_t>(digits), ".");
      return s + "e" + std::to_string(static_cast<int>(rng() % 540) - 300);  // in range: at most 1e300
    }
    case 5: {  // halfway between two doubles, to 40 digits: the hard cases
      const double x = std::abs(random_bits_double(rng)), y = std::nextafter(x, 2 * x + 1);
      const long double middle = (static_cast<long double>(x) + y) / 2;
      std::snprintf(text, sizeof text, "%.40Le", middle);
      return text;
    }
    case 6: return (rng() % 2 ? "-" : "") + std::to_string(rng() % 1000) + "." + std::to_string(rng() % 1000);
    case 7: {  // spellings: .5, 5., exponents with signs and case, -0
      const char* forms[] = {".5", "5.", "-.25", "1e5", "1E+05", "2.5e-3", "-0", "0.0", "-0e10", "000.125", "1e0"};
      return forms[rng() % 11];
    }
    case 8: {
      const char* specials[] = {"inf", "-inf", "Infinity", "nan", "NaN", "-nan", "nan(x1_)", "INF"};
      return specials[rng() % 8];
    }
    case 9: {  // near the ends of the range
      const char* edges[] = {"1.7976931348623157e308", "-1.7976931348623157e308", "2.2250738585072014e-308",
                             "4.9406564584124654e-324", "2.4703282292062328e-324", "1e-323", "9007199254740993"};
      return edges[rng() % 7];
    }
    default: {
      const double x = std::normal_distribution<double>(0.0, 1e3)(rng);
      return std::string(text, std::to_chars(text, text + 64, x, std::chars_format::general, 17).ptr);
    }
  }
}

// One int field.
inline std::string integer_text(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return std::to_string(static_cast<std::int64_t>(rng()));
    case 1: {
      const char* edges[] = {"9223372036854775807", "-9223372036854775808", "0", "-0", "007", "-1"};
      return edges[rng() % 6];
    }
    default: return std::to_string(static_cast<std::int64_t>(rng() % 20001) - 10000);
  }
}

struct shape {
  int columns = 4;            // the first half float columns, the rest int columns
  double missing = 0.05;      // chance of an empty field
  double quoted = 0.1;        // chance that a field is quoted
  double crlf = 0.3;          // chance that a row ends with "\r\n"
  bool final_newline = true;  // whether the last row ends with a line break
};

// A well-formed CSV text of `rows` rows.
inline std::string random_csv(std::uint64_t seed, std::size_t rows, const shape& s = {}, char delimiter = ',') {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  std::string text;
  for (int c = 0; c < s.columns; ++c) {
    if (c > 0) text += delimiter;
    text += c % 3 == 2 ? "\"col " + std::to_string(c) + ", \"\"quoted\"\"\"" : "c" + std::to_string(c);
  }
  text += "\n";
  for (std::size_t r = 0; r < rows; ++r) {
    for (int c = 0; c < s.columns; ++c) {
      if (c > 0) text += delimiter;
      if (chance(rng) < s.missing) {
        if (chance(rng) < s.quoted) text += "\"\"";
        continue;
      }
      const std::string value = c < (s.columns + 1) / 2 ? float_text(rng) : integer_text(rng);
      text += chance(rng) < s.quoted ? "\"" + value + "\"" : value;
    }
    if (r + 1 < rows || s.final_newline) text += chance(rng) < s.crlf ? "\r\n" : "\n";
  }
  return text;
}

// The same text broken once, at a random place, in one of the ways a reader must
// report (a stray quote, a dropped or extra delimiter, a letter, a NUL, a bad byte).
inline std::string break_csv(std::string text, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t header_end = text.find('\n') + 1;
  const std::size_t at = header_end + rng() % (text.size() - header_end);
  switch (rng() % 7) {
    case 0: text.insert(at, "\""); break;
    case 1: text.insert(at, ","); break;
    case 2: {
      const std::size_t comma = text.find(',', at);
      if (comma != std::string::npos) text.erase(comma, 1);
      break;
    }
    case 3: text.insert(at, "x"); break;
    case 4: text.insert(at, std::string(1, '\0')); break;
    case 5: text.insert(at, "\xC3"); break;
    default: text.insert(at, "9e999,"); break;
  }
  return text;
}

// A malformed input, the declared types it is read with, and the line both readers print.
struct malformed_case {
  const char* name;
  std::string text;
  std::map<std::string, gpulab::dataframe::csv_dtype> dtypes;
  std::string message;
};

inline std::vector<malformed_case> malformed_cases() {
  using gpulab::dataframe::csv_dtype;
  const std::string nul(1, '\0');
  return {
      {"ragged_row_too_few", "a,b,c\n1,2,3\n4,5\n", {}, "<text>:3:4: expected 3 fields, found 2"},
      {"ragged_row_too_many", "a,b\n1,2,3\n", {}, "<text>:2:4: expected 2 fields, found 3"},
      {"ragged_row_crlf", "a,b\r\n1,2\r\n3\r\n", {}, "<text>:3:2: expected 2 fields, found 1"},
      {"blank_line", "a,b\n1,2\n\n3,4\n", {}, "<text>:3:1: expected 2 fields, found 1"},
      {"text_in_numeric_column", "a,b\n1,x\n", {}, "<text>:2:3: expected a number in column 'b', found 'x'"},
      {"newline_in_numeric_field", "a,b\n\"1\n2\",3\n", {},
       "<text>:2:1: expected a number in column 'a', found '1\\x0a2'"},
      {"unterminated_quote", "a,b\n1,\"2\n", {},
       "<text>:2:3: expected a closing quote for the quoted field that starts here"},
      {"quote_inside_field", "a\n1\"2\n", {},
       "<text>:2:2: expected no quote inside an unquoted field (a field with quotes must start with one)"},
      {"text_after_closing_quote", "a,b\n\"1\"x,2\n", {},
       "<text>:2:4: expected the delimiter ',' or the end of the line after a closing quote, found 'x'"},
      {"empty_file", "", {}, "<text>:1:1: expected a header line of column names, found an empty file"},
      {"no_header", "1,2\n3,4\n", {},
       "<text>:1:1: expected a header line of column names, found a line of numbers only"},
      {"duplicate_header_names", "a,b,a\n1,2,3\n", {},
       "<text>:1:5: expected unique column names, found 'a' again (column 1 has it too)"},
      {"empty_header_name", "a,,c\n1,2,3\n", {}, "<text>:1:3: expected a column name, found an empty field"},
      {"invalid_utf8", "a,b\n1,\xff\n", {}, "<text>:2:3: expected UTF-8 text, found the byte 0xff"},
      {"invalid_utf8_in_header", "a,\xc3(\n1,2\n", {}, "<text>:1:3: expected UTF-8 text, found the byte 0xc3"},
      {"nul_byte", "a,b\n1," + nul + "\n", {}, "<text>:2:3: expected text, found a NUL byte"},
      {"nul_byte_in_header", "a" + nul + ",b\n1,2\n", {}, "<text>:1:2: expected text, found a NUL byte"},
      {"float_out_of_range", "a\n1e999\n", {},
       "<text>:2:1: expected a number within the float64 range in column 'a', found '1e999'"},
      {"float_underflow", "a\n0.5\n-1e-400\n", {},
       "<text>:3:1: expected a number within the float64 range in column 'a', found '-1e-400'"},
      // Found while testing: a float64 out of range in a column of integers once made the
      // column's type (and so the problem's kind) depend on which pass saw it first.
      {"float_out_of_range_among_integers", "a\n1\n9e999\n2\n", {},
       "<text>:3:1: expected a number within the float64 range in column 'a', found '9e999'"},
      // The range is found by the conversion, the extra field by the syntax: a byte-range
      // read sees the second in its first pass and must still report the first.
      {"float_out_of_range_before_an_extra_field", "a,b\n1,2\n3,9e999,4\n", {},
       "<text>:3:3: expected a number within the float64 range in column 'b', found '9e999'"},
      {"int_out_of_range", "n\n9223372036854775808\n", {{"n", csv_dtype::int64}},
       "<text>:2:1: expected a number within the int64 range in column 'n', found '9223372036854775808'"},
      {"not_an_integer", "n\n1.5\n", {{"n", csv_dtype::int64}},
       "<text>:2:1: expected an integer in column 'n' (declared int64), found '1.5'"},
      {"first_problem_wins", "a,b\n1,2\n3\n5," + nul + "\n", {}, "<text>:3:2: expected 2 fields, found 1"},
  };
}

}  // namespace csv_test
