// SPDX-License-Identifier: MIT
// CSV in module 6: the options every reader takes, the CPU reader (the baseline
// and the reference) and the writer. The GPU reader is in csv_gpu.hpp.
//
// What is read: a header line of unique column names, then rows of numbers
// (float64 or int64 columns), the delimiter of the options, quoted fields, CRLF
// or LF line ends, an empty field = a missing value, an optional UTF-8 byte order
// mark. Numbers are what std::from_chars reads (see csv_number.hpp): no spaces
// and no '+' around them.
//
// Malformed input throws io_error with one line, `file:line:column: what was
// expected` (line and column count bytes from 1), and nothing is returned: ragged
// rows, text in a numeric column, an unterminated quote, an empty file, a first line
// of numbers (no header), duplicate column names, invalid UTF-8, NUL bytes, a number
// out of range. When there are several problems, the first in the file is reported;
// the CPU and GPU readers report the same line for the same input.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gpulab/dataframe/csv_columns.hpp"

namespace gpulab::dataframe {

struct csv_options {
  char delimiter = ',';
  // Declared types by column name; the other columns are inferred: int64 when every
  // value is an integer that fits in int64, float64 otherwise (also when all are missing).
  // A name that is not a column is a usage_error.
  std::map<std::string, csv_dtype> dtypes = {};
};

// The column names of a file's header line, checked as the readers check it (io_error
// file:line:column), without reading the rows: for a command line checked before any work.
std::vector<std::string> read_csv_header(const std::filesystem::path& path, const csv_options& options = {});

// `--input FILE` checked before any GPU work, as every module that reads one checks it: io_error
// "--input FILE: cannot be opened for reading", then the header (read_csv_header) and that it
// has each of `chosen` (check_columns_present). Returns the header's names.
std::vector<std::string> check_input_header(const std::string& path, const std::vector<std::string>& chosen);

// The CPU reader: the file read into memory, then row boundaries, types and values
// found on every core (OpenMP), numbers by std::from_chars.
csv_columns read_csv_cpu(const std::filesystem::path& path, const csv_options& options = {});
// The same from text in memory; `source_name` stands for the file name in messages.
csv_columns read_csv_cpu_text(std::string_view text, const csv_options& options = {},
                              const std::string& source_name = "<text>");
// The same into `out`, reusing its buffers when the result has the same shape (names,
// dtypes, rows); `out` is left empty when the read throws.
void read_csv_cpu_into(const std::filesystem::path& path, const csv_options& options, csv_columns& out);
void read_csv_cpu_text_into(std::string_view text, const csv_options& options, const std::string& source_name,
                            csv_columns& out);

// The writer: a header line, then one line per row ('\n'); float64 values with 17
// significant digits (so that reading them back gives the same bits) and ".0" after
// whole numbers (so that the column is read back as float64), "nan", "inf" and "-inf"
// for those values, int64 values as integers, a missing value as an empty field.
// Names holding the delimiter, a quote, '\r' or '\n' (or starting with a byte order
// mark) are quoted. (An int64 column
// whose values are all missing reads back as float64 unless its type is declared.)
// Throws usage_error for columns of different lengths or an unknown layout.
struct csv_write_options {
  char delimiter = ',';
};
std::string write_csv_text(const csv_columns& columns, const csv_write_options& options = {});
// Throws io_error when the file cannot be written.
void write_csv(const std::filesystem::path& path, const csv_columns& columns, const csv_write_options& options = {});

}  // namespace gpulab::dataframe
