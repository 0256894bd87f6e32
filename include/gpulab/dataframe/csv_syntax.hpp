// SPDX-License-Identifier: MIT
// The CSV syntax both readers share, as __host__ __device__ code: the CPU reader
// runs these functions on OpenMP threads, the GPU reader in its kernels, so the
// two agree on every byte, including on what is wrong and where.
//
//   byte_problem    a NUL byte or a byte that is not valid UTF-8
//   quote_summary   what a stretch of text does to the quote state, and how many rows
//                   it ends: the element of the parallel scan that finds row boundaries
//   walk_row        the fields of one row: quoting, field count, then each field's value
//
// The grammar (RFC 4180 plus what files in the wild need): rows end at '\n' outside
// quotes, a '\r' before it is dropped (CRLF); fields are separated by the delimiter;
// a field that starts with '"' is quoted, may hold delimiters, newlines and doubled
// quotes (""), and ends at the next single '"', which the delimiter or the end of
// the row must follow; an unquoted field holds no '"'; an empty field is missing.
//
// A problem is reported at one byte offset. When a file has several, both readers
// report the one at the smallest offset (a byte problem first on a tie): the one a
// reader going through the file from its first byte would meet first.
#pragma once

#include <cstdint>

#include "gpulab/core/host_device.hpp"
#include "gpulab/dataframe/csv_number.hpp"

namespace gpulab::dataframe {

// What can be wrong at one offset, in the order that breaks ties.
enum class csv_problem : std::uint8_t {
  none = 0,
  nul_byte = 1,
  invalid_utf8 = 2,
  unterminated_quote = 3,  // at the opening quote
  quote_in_field = 4,      // a '"' inside an unquoted field
  text_after_quote = 5,    // something other than the delimiter or the row end after a closing quote
  too_few_fields = 6,      // at the row's end
  too_many_fields = 7,     // at the delimiter that starts the first extra field
  not_a_number = 8,        // at the field's first byte
  not_an_integer = 9,      // likewise, in a column declared int64
  out_of_range = 10,       // likewise
};

// A problem and its offset, packed so that the smallest key is the one to report
// (atomicMin on the GPU, std::min on the CPU). Offsets below 2^60 bytes.
GPULAB_HOST_DEVICE constexpr std::uint64_t problem_key(std::uint64_t offset, csv_problem p) {
  return (offset << 4) | static_cast<std::uint64_t>(p);
}
inline constexpr std::uint64_t no_problem_key = ~std::uint64_t{0};
GPULAB_HOST_DEVICE constexpr std::uint64_t key_offset(std::uint64_t key) { return key >> 4; }
GPULAB_HOST_DEVICE constexpr csv_problem key_problem(std::uint64_t key) { return static_cast<csv_problem>(key & 15); }

// ------------------------------------------------------------------ bytes
// How many bytes the UTF-8 sequence that `b` starts has; 0 when b starts none.
GPULAB_HOST_DEVICE inline int utf8_length(unsigned char b) {
  if (b < 0x80) return 1;
  if (b < 0xC2) return 0;  // a continuation byte, or C0/C1 (overlong)
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  if (b < 0xF5) return 4;
  return 0;
}
GPULAB_HOST_DEVICE inline bool utf8_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// The problem at byte i of t[0, n): NUL, or a byte not part of valid UTF-8
// (Unicode table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
// It looks at most 3 bytes either side, so the text can be checked in parallel;
// the first byte it flags is where a decoder going forwards would stop.
GPULAB_HOST_DEVICE inline csv_problem byte_problem(const unsigned char* t, std::uint64_t n, std::uint64_t i) {
  const unsigned char b = t[i];
  if (b == 0) return csv_problem::nul_byte;
  if (b < 0x80) return csv_problem::none;
  if (utf8_continuation(b)) {  // fine when a lead byte up to 3 before claims it
    for (std::uint64_t back = 1; back <= 3 && back <= i; ++back) {
      if (utf8_length(t[i - back]) > static_cast<int>(back)) return csv_problem::none;
    }
    return csv_problem::invalid_utf8;
  }
  const int length = utf8_length(b);
  if (length == 0 || i + static_cast<std::uint64_t>(length) > n) return csv_problem::invalid_utf8;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (b == 0xE0) low = 0xA0;              // overlong
  if (b == 0xED) high = 0x9F;             // surrogates
  if (b == 0xF0) low = 0x90;              // overlong
  if (b == 0xF4) high = 0x8F;             // past U+10FFFF
  if (t[i + 1] < low || t[i + 1] > high) return csv_problem::invalid_utf8;
  for (int k = 2; k < length; ++k) {
    if (!utf8_continuation(t[i + static_cast<std::uint64_t>(k)])) return csv_problem::invalid_utf8;
  }
  return csv_problem::none;
}

// ------------------------------------------------------------------ row boundaries
// What a stretch of text does: whether it holds an odd number of quotes, and how
// many rows it ends ('\n' outside quotes) if it starts outside quotes and if it
// starts inside. Two stretches combine associatively (not commutatively), so a
// prefix scan over tiles gives, for each tile, the quote state and the row index
// at its start: row boundaries found in parallel with quotes respected.
// Every member 8 bytes: no padding, so a copy of the struct (a read_back, a CUB scan)
// reads no byte that nobody wrote (compute-sanitizer initcheck reports such bytes).
struct quote_summary {
  std::uint64_t odd_quotes = 0;  // 0 or 1
  std::uint64_t rows_from_outside = 0;
  std::uint64_t rows_from_inside = 0;
};

struct combine_quote_summaries {
  GPULAB_HOST_DEVICE quote_summary operator()(const quote_summary& a, const quote_summary& b) const {
    quote_summary ab;
    ab.odd_quotes = a.odd_quotes ^ b.odd_quotes;
    ab.rows_from_outside = a.rows_from_outside + (a.odd_quotes ? b.rows_from_inside : b.rows_from_outside);
    ab.rows_from_inside = a.rows_from_inside + (a.odd_quotes ? b.rows_from_outside : b.rows_from_inside);
    return ab;
  }
};

// Adds one byte to a summary that is being built left to right.
GPULAB_HOST_DEVICE inline void summarize_byte(quote_summary& s, char c) {
  if (c == '"') {
    s.odd_quotes ^= 1;
  } else if (c == '\n') {
    if (s.odd_quotes) {
      ++s.rows_from_inside;
    } else {
      ++s.rows_from_outside;
    }
  }
}

// ------------------------------------------------------------------ one row
struct csv_issue {
  std::uint64_t offset = 0;  // relative to the `text` pointer given to walk_row
  csv_problem problem = csv_problem::none;
};

// Walks the fields of the row text[begin, end) ('\n' excluded; a final '\r' is
// dropped). For each of the first `expected` fields (every field when expected is
// 0) calls field(index, content_begin, content_end) -> csv_problem, the content
// being what is between the quotes of a quoted field; stops at the first problem.
template <class FieldFunction>
GPULAB_HOST_DEVICE csv_issue walk_row(const char* text, std::uint64_t begin, std::uint64_t end, char delimiter,
                                      std::uint32_t expected, FieldFunction&& field) {
  if (end > begin && text[end - 1] == '\r') --end;
  std::uint64_t position = begin;
  for (std::uint32_t index = 0;; ++index) {
    const std::uint64_t field_begin = position;
    std::uint64_t content_begin = position, content_end = position, after = position;
    if (position < end && text[position] == '"') {
      std::uint64_t i = position + 1;
      for (;;) {
        if (i >= end) return {field_begin, csv_problem::unterminated_quote};
        if (text[i] == '"') {
          if (i + 1 < end && text[i + 1] == '"') {  // "" is a quote inside the field
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      content_begin = position + 1;
      content_end = i;
      after = i + 1;
      if (after < end && text[after] != delimiter) return {after, csv_problem::text_after_quote};
    } else {
      std::uint64_t i = position;
      for (; i < end && text[i] != delimiter; ++i) {
        if (text[i] == '"') return {i, csv_problem::quote_in_field};
      }
      content_end = after = i;
    }
    if (expected == 0 || index < expected) {
      const csv_problem p = field(index, text + content_begin, text + content_end);
      if (p != csv_problem::none) return {field_begin, p};
    }
    if (after >= end) {  // the row's last field
      if (index + 1 < expected) return {end, csv_problem::too_few_fields};
      return {};
    }
    if (expected != 0 && index + 1 == expected) return {after, csv_problem::too_many_fields};
    position = after + 1;
  }
}

// ------------------------------------------------------------------ field values
// A column's type as the options declare it; `inferred` columns become int64 when
// every value is an integer that fits, float64 otherwise (also when all are missing).
enum class column_kind : std::uint8_t { inferred, float64, int64 };

// What a field holds, for the inference. Flags per column: has_value | has_real.
inline constexpr std::uint32_t column_has_value = 1;
inline constexpr std::uint32_t column_has_real = 2;  // a value that is not an int64

struct classified_field {
  csv_problem problem = csv_problem::none;
  std::uint32_t flags = 0;
};

// The first look at a field (the GPU's inference pass): its syntax only, except for
// the int64 range, which costs nothing to check. The float64 range needs the full
// conversion; parse_float64_field finds it.
GPULAB_HOST_DEVICE inline classified_field classify_field(const char* b, const char* e, column_kind kind) {
  if (b == e) return {};
  std::int64_t integer = 0;
  if (kind == column_kind::int64) {
    const number_status s = parse_int64(b, e, integer);
    if (s == number_status::invalid) return {csv_problem::not_an_integer, 0};
    if (s == number_status::out_of_range) return {csv_problem::out_of_range, 0};
    return {csv_problem::none, column_has_value};
  }
  if (!scan_number(b, e).valid) return {csv_problem::not_a_number, 0};
  if (kind == column_kind::inferred && parse_int64(b, e, integer) == number_status::ok) {
    return {csv_problem::none, column_has_value};
  }
  return {csv_problem::none, column_has_value | column_has_real};
}

// The problem an int64 column reports for a field that parse_int64 rejects.
GPULAB_HOST_DEVICE inline csv_problem int64_problem(number_status s, column_kind kind) {
  if (s == number_status::out_of_range) return csv_problem::out_of_range;
  return kind == column_kind::int64 ? csv_problem::not_an_integer : csv_problem::not_a_number;
}

// A non-empty float64 field by the fast path: `slow` when only the exact path can decide.
GPULAB_HOST_DEVICE inline csv_problem parse_float64_fast(const char* b, const char* e, const std::uint64_t* powers,
                                                          double& value, bool& slow) {
  const number_scan s = scan_number(b, e);
  if (!s.valid) return csv_problem::not_a_number;
  slow = !fast_double(s, powers, value);
  return csv_problem::none;
}

}  // namespace gpulab::dataframe
