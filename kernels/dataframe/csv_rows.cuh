// SPDX-License-Identifier: MIT
// One thread per row: once the row boundaries are known (csv_boundaries.cuh),
// every row can be walked on its own. walk_row (csv_syntax.hpp) splits it into
// fields with the quoting rules and calls a function per field:
//
//   classify_rows     the inference pass: each field's syntax, the column's type flags
//   parse_rows        the values: int64 by parse_int64, float64 by the Eisel-Lemire
//                     fast path; validity bits gathered per warp with __ballot_sync
//   parse_exact_rows  the few rows holding a value the fast path declined, by the
//                     exact path (csv_decimal.hpp) with its 800 digits in global memory
//
// The rows are short (about 60 bytes for the course's data) and similar, so a warp's
// threads stay together; a thread reads its row byte by byte, from L1 after the first
// touch of each line. This is compute work (about 20 instructions per byte and a
// 64 x 64 -> 128-bit product per number), not a bandwidth-bound pass.
#pragma once

#include <cstdint>
#include <cuda/std/bit>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/csv_kernels.hpp"
#include "gpulab/dataframe/csv_number.hpp"
#include "gpulab/dataframe/csv_syntax.hpp"

namespace gpulab::dataframe::kernels {

// Columns past this keep their flags and validity bits with one atomic per field
// instead of in a thread's 64-bit registers.
inline constexpr std::uint32_t register_columns = 64;

__device__ __forceinline__ std::uint64_t row_begin(const csv_rows_view& v, std::uint64_t r) {
  return r == 0 ? 0 : v.row_ends[r - 1] + 1;
}

__device__ __forceinline__ void report(unsigned long long* key, const csv_rows_view& v, const csv_issue& issue) {
  if (issue.problem != csv_problem::none) atomicMin(key, problem_key(v.text.file_offset + issue.offset, issue.problem));
}

// ORs 32 bits into a bitmask at any bit position (a byte range's first row need not
// start a word, so a warp's 32 rows may straddle two words).
__device__ __forceinline__ void or_bits(std::uint32_t* words, std::uint64_t bit, std::uint32_t bits) {
  const auto shift = static_cast<std::uint32_t>(bit % 32);
  atomicOr(&words[bit / 32], bits << shift);
  if (shift != 0 && (bits >> (32 - shift)) != 0) atomicOr(&words[bit / 32 + 1], bits >> (32 - shift));
}

static __global__ void classify_rows(csv_rows_view v, const column_kind* kinds, std::uint32_t* flags,
                                     unsigned long long* key) {
  std::uint64_t has_value = 0, has_real = 0;  // this thread's flags of the first 64 columns
  for (auto r = static_cast<std::uint64_t>(global_thread_id()); r < v.rows;
       r += static_cast<std::uint64_t>(grid_thread_count())) {
    const csv_issue issue = walk_row(v.text.data, row_begin(v, r), v.row_ends[r], v.delimiter, v.columns,
                                     [&](std::uint32_t c, const char* b, const char* e) {
                                       const classified_field f = classify_field(b, e, kinds[c]);
                                       if (c >= register_columns) {
                                         if (f.flags != 0) atomicOr(&flags[c], f.flags);
                                       } else {
                                         if (f.flags & column_has_value) has_value |= std::uint64_t{1} << c;
                                         if (f.flags & column_has_real) has_real |= std::uint64_t{1} << c;
                                       }
                                       return f.problem;
                                     });
    report(key, v, issue);
  }
  // The warp's flags ORed together, then one atomic per column and warp.
  for (int lanes = 16; lanes > 0; lanes /= 2) {
    has_value |= __shfl_xor_sync(0xFFFFFFFFu, has_value, lanes);
    has_real |= __shfl_xor_sync(0xFFFFFFFFu, has_real, lanes);
  }
  if (threadIdx.x % 32 != 0) return;
  for (std::uint32_t c = 0; c < v.columns && c < register_columns; ++c) {
    const std::uint32_t f = (((has_value >> c) & 1) != 0 ? column_has_value : 0) |
                            (((has_real >> c) & 1) != 0 ? column_has_real : 0);
    if (f != 0) atomicOr(&flags[c], f);
  }
}

// [snippet:parse_rows]
static __global__ void parse_rows(csv_rows_view v, const csv_column_target* targets, const std::uint64_t* powers,
                                  std::uint32_t* exact_rows, unsigned long long* exact_count,
                                  unsigned long long* key) {
  const unsigned lane = threadIdx.x % 32;
  // The loop is per warp (first = the warp's first row), so that the ballots below
  // see all 32 lanes every time round.
  for (std::uint64_t first = static_cast<std::uint64_t>(global_thread_id()) - lane; first < v.rows;
       first += static_cast<std::uint64_t>(grid_thread_count())) {
    const std::uint64_t r = first + lane;
    std::uint64_t valid = 0;  // bit c: this row has a value in column c (c < 64)
    bool exact = false;       // a value the fast path declined
    if (r < v.rows) {
      const std::uint64_t row = v.first_row + r;
      const csv_issue issue = walk_row(
          v.text.data, row_begin(v, r), v.row_ends[r], v.delimiter, v.columns,
          [&](std::uint32_t c, const char* b, const char* e) {
            const csv_column_target t = targets[c];
            if (b == e) {  // missing: NaN or 0, validity bit left 0
              if (t.dtype == csv_dtype::int64) t.int64[row] = 0;
              else t.float64[row] = cuda::std::bit_cast<double>(0x7FF8000000000000ull);
              return csv_problem::none;
            }
            if (t.dtype == csv_dtype::int64) {
              std::int64_t x = 0;
              const number_status s = parse_int64(b, e, x);
              if (s != number_status::ok) return int64_problem(s, t.kind);
              t.int64[row] = x;
            } else {
              double x = 0;
              bool declined = false;
              const csv_problem p = parse_float64_fast(b, e, powers, x, declined);
              if (p != csv_problem::none) return p;
              if (declined) exact = true;
              else t.float64[row] = x;
            }
            if (c < register_columns) valid |= std::uint64_t{1} << c;
            else atomicOr(&t.validity[row / 32], 1U << (row % 32));
            return csv_problem::none;
          });
      report(key, v, issue);
    }
    // Validity: lane i's bit of a ballot is row first + i: one word (or two) per warp and column.
    for (std::uint32_t c = 0; c < v.columns && c < register_columns; ++c) {
      const std::uint32_t word = __ballot_sync(0xFFFFFFFFu, ((valid >> c) & 1) != 0);
      if (lane == 0 && word != 0) or_bits(targets[c].validity, v.first_row + first, word);
    }
    const std::uint32_t exact_word = __ballot_sync(0xFFFFFFFFu, exact);
    if (lane == 0) {
      exact_rows[first / 32] = exact_word;
      if (exact_word != 0) atomicAdd(exact_count, static_cast<unsigned long long>(__popc(exact_word)));
    }
  }
}
// [/snippet:parse_rows]

// A fixed grid; thread t keeps its digits in scratch[t] (800 bytes of global memory
// instead of 800 bytes of stack for every thread of every parse).
static __global__ void parse_exact_rows(csv_rows_view v, const csv_column_target* targets,
                                        const std::uint64_t* powers, const std::uint32_t* exact_rows,
                                        simple_decimal* scratch, unsigned long long* key) {
  simple_decimal& digits = scratch[global_thread_id()];
  const std::uint64_t words = (v.rows + 31) / 32;
  for (auto w = static_cast<std::uint64_t>(global_thread_id()); w < words;
       w += static_cast<std::uint64_t>(grid_thread_count())) {
    for (std::uint32_t bits = exact_rows[w]; bits != 0; bits &= bits - 1) {
      const std::uint64_t r = w * 32 + static_cast<std::uint64_t>(__ffs(static_cast<int>(bits)) - 1);
      const std::uint64_t row = v.first_row + r;
      const csv_issue issue = walk_row(v.text.data, row_begin(v, r), v.row_ends[r], v.delimiter, v.columns,
                                       [&](std::uint32_t c, const char* b, const char* e) {
                                         const csv_column_target t = targets[c];
                                         if (b == e || t.dtype != csv_dtype::float64) return csv_problem::none;
                                         const number_scan s = scan_number(b, e);
                                         double x = 0;
                                         if (!s.valid || fast_double(s, powers, x)) return csv_problem::none;
                                         if (exact_double(b, e, digits, x) != number_status::ok) {
                                           return csv_problem::out_of_range;
                                         }
                                         t.float64[row] = x;
                                         return csv_problem::none;
                                       });
      report(key, v, issue);
    }
  }
}

}  // namespace gpulab::dataframe::kernels
