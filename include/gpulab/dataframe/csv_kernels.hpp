// SPDX-License-Identifier: MIT
// The GPU CSV reader's kernels as the host sees them (plain C++: the reader's
// pipeline in csv_gpu_reader.cpp calls these; the kernels are in
// kernels/dataframe/csv_*.cuh, the launchers in src/dataframe/csv_gpu_kernels.cu).
//
//   summarize_tiles    each 4 KiB tile's quote_summary                   (csv_boundaries.cuh)
//   scan_tiles         their inclusive prefix scan (CUB)
//   write_row_ends     the offset of every '\n' outside quotes, by row   (csv_boundaries.cuh)
//   find_byte_problems the first NUL or invalid UTF-8 byte               (csv_text_checks.cuh)
//   classify_rows      one thread per row: syntax and the type flags     (csv_rows.cuh)
//   parse_rows         one thread per row: values, validity, fast path   (csv_rows.cuh)
//   parse_exact_rows   the rows with a value the fast path declined      (csv_rows.cuh)
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>

#include "gpulab/dataframe/csv_columns.hpp"
#include "gpulab/dataframe/csv_decimal.hpp"
#include "gpulab/dataframe/csv_syntax.hpp"

namespace gpulab::dataframe {

// A tile is one thread block's share of the text: 256 threads x 16 bytes.
inline constexpr unsigned csv_tile_threads = 256;
inline constexpr unsigned csv_bytes_per_thread = 16;
inline constexpr std::uint64_t csv_tile_bytes = std::uint64_t{csv_tile_threads} * csv_bytes_per_thread;

// CSV text in device memory. `data` may have any alignment: the kernels load
// aligned 16-byte blocks and skip the bytes outside [data, data + size).
struct csv_device_text {
  const char* data = nullptr;
  std::uint64_t size = 0;
  std::uint64_t file_offset = 0;  // where data[0] is in the file: problems are reported at file offsets
};

// Tiles covering the text (counted from the 16-byte boundary at or before data).
std::uint64_t csv_tile_count(const csv_device_text& text);

// The rows of a text: row r is data[r == 0 ? 0 : row_ends[r - 1] + 1, row_ends[r]).
struct csv_rows_view {
  csv_device_text text;
  const std::uint64_t* row_ends = nullptr;
  std::uint64_t rows = 0;
  std::uint64_t first_row = 0;  // the index in the columns of row 0 (a byte range's first row)
  std::uint32_t columns = 0;
  char delimiter = ',';
};

// Where parse_rows writes one column (the pointer of its dtype; validity zeroed before).
struct csv_column_target {
  double* float64 = nullptr;
  std::int64_t* int64 = nullptr;
  std::uint32_t* validity = nullptr;
  csv_dtype dtype = csv_dtype::float64;
  column_kind kind = column_kind::inferred;
};

// tiles[first_tile + i] for i < tile_count.
void summarize_tiles_async(const csv_device_text& text, std::uint64_t first_tile, std::uint64_t tile_count,
                           quote_summary* tiles, cuda::stream_ref s);
// scanned[i] = tiles[0] + ... + tiles[i] (combine_quote_summaries); `temp` of scan_tiles_temp_bytes(count).
std::size_t scan_tiles_temp_bytes(std::uint64_t count);
void scan_tiles_async(const quote_summary* tiles, quote_summary* scanned, std::uint64_t count, void* temp,
                      std::size_t temp_bytes, cuda::stream_ref s);
// row_ends[r] for every '\n' outside quotes; when `open_last_row`, row_ends[rows - 1] = text.size.
void write_row_ends_async(const csv_device_text& text, const quote_summary* scanned, std::uint64_t* row_ends,
                          std::uint64_t rows, bool open_last_row, cuda::stream_ref s);
// atomicMin of problem_key(...) over the first `checked` bytes' NUL and invalid UTF-8 bytes.
void find_byte_problems_async(const csv_device_text& text, std::uint64_t checked, unsigned long long* key,
                              cuda::stream_ref s);
// flags[c] |= column_has_value / column_has_real; atomicMin(key) of the syntax problems.
void classify_rows_async(const csv_rows_view& rows, const column_kind* kinds, std::uint32_t* flags,
                         unsigned long long* key, cuda::stream_ref s);
// Values and validity; a row with a float the fast path declined gets its bit in
// exact_rows (one word per 32 rows, every word written) and is counted in exact_count.
void parse_rows_async(const csv_rows_view& rows, const csv_column_target* targets, const std::uint64_t* powers,
                      std::uint32_t* exact_rows, unsigned long long* exact_count, unsigned long long* key,
                      cuda::stream_ref s);
// The declined values by the exact path, on `threads` threads (exact_threads: no more
// than fill the GPU, nor than there are values), thread t keeping its digits in scratch[t].
unsigned exact_threads(std::uint64_t declined_values);
void parse_exact_rows_async(const csv_rows_view& rows, const csv_column_target* targets, const std::uint64_t* powers,
                            const std::uint32_t* exact_rows, simple_decimal* scratch, unsigned threads,
                            unsigned long long* key, cuda::stream_ref s);
// The index of the row that ends at or after `offset` (a binary search; waits for `s`).
std::uint64_t row_containing(const std::uint64_t* row_ends, std::uint64_t rows, std::uint64_t offset,
                             cuda::stream_ref s);

}  // namespace gpulab::dataframe
