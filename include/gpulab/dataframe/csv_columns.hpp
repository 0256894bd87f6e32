// SPDX-License-Identifier: MIT
// What a CSV read produces: named columns of float64 or int64 values with a
// validity bitmask, on the host (the CPU reader) or on the device (the GPU
// reader). Plain owners with public members: the CSV reader's own result type,
// which the dataframe's tables can take their columns from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gpulab/core/memory.hpp"

namespace gpulab::dataframe {

enum class csv_dtype : std::uint8_t { float64, int64 };
const char* csv_dtype_name(csv_dtype t);  // "float64", "int64"

// The validity bitmask: bit (row % 32) of word (row / 32) is 1 when the row has a
// value, 0 when its field was empty (missing). Bits past the last row are 0.
constexpr std::size_t validity_words(std::size_t rows) { return (rows + 31) / 32; }
inline bool is_valid(std::span<const std::uint32_t> validity, std::size_t row) {
  return ((validity[row / 32] >> (row % 32)) & 1U) != 0;
}

// One column on the host. Exactly one of the value vectors has `rows` elements,
// the one of its dtype; a missing float64 is NaN, a missing int64 is 0.
struct csv_host_column {
  std::string name;
  csv_dtype dtype = csv_dtype::float64;
  std::vector<double> float64;
  std::vector<std::int64_t> int64;
  std::vector<std::uint32_t> validity;
};

// Column names as typed on a command line (`--columns a,b,c`) -> {"a", "b", "c"}.
// Throws usage_error for an empty list, an empty name or a name given twice.
std::vector<std::string> parse_column_list(std::string_view list);
// Throws usage_error "--columns: FILE has no column 'q' (its columns: a, b, c)" for the first of
// `chosen` that is not among `names` (the file's header).
void check_columns_present(const std::vector<std::string>& chosen, const std::vector<std::string>& names,
                           const std::string& file);
// The rules `--input FILE --columns a,b,c` follow in every module: --columns needs --input,
// --input needs --columns (`columns_hint` says what to give, e.g. "a,b,c (the feature columns)"),
// and --size with --input is refused (the file decides the rows). Returns the parsed columns;
// empty when neither option is given. usage_error for each broken rule.
std::vector<std::string> input_columns(const std::string& input, const std::string& columns, bool size_given,
                                       const std::string& columns_hint);

struct csv_columns {
  std::size_t rows = 0;
  std::vector<csv_host_column> columns;

  // The column called `name`; throws usage_error naming the columns when there is none.
  [[nodiscard]] const csv_host_column& column(std::string_view name) const;
};

// One column on the device: the same layout in device buffers.
struct csv_device_column {
  std::string name;
  csv_dtype dtype = csv_dtype::float64;
  device_buffer<double> float64;
  device_buffer<std::int64_t> int64;
  device_buffer<std::uint32_t> validity;
};

struct csv_device_columns {
  std::size_t rows = 0;
  std::vector<csv_device_column> columns;

  // Bytes of values and validity: what "columns" means in the reader's memory target.
  [[nodiscard]] std::size_t bytes() const;
};

// A host copy of device columns (waits for the copies).
csv_columns to_host(const csv_device_columns& device, cuda::stream_ref s);

// "" when the two are the same bit for bit (names, dtypes, values, validity, row
// count), else where they first differ, e.g. "column 'B' row 17: 0x3fe0... vs 0x3fe1...".
std::string first_difference(const csv_columns& expected, const csv_columns& actual);

}  // namespace gpulab::dataframe
