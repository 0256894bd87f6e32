// SPDX-License-Identifier: MIT
// Features from a CSV file for module 7's algorithms (`--input FILE.csv --columns
// a,b,c`): read by module 6's CSV reader, the chosen columns (float64 or int64)
// turned into an n x d float32 matrix, row-major.
//
// Errors, one line each: an unreadable or malformed file (text in a number
// column included) is io_error with file:line:column from the reader; an unknown
// column is usage_error naming the columns there are; a missing value or NaN/Inf
// in a chosen column is numerical_error with its file line and column name.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/dataframe/csv_columns.hpp"
#include "gpulab/ml/feature_matrix.hpp"

namespace gpulab::ml {

// "a,b,c" -> {"a", "b", "c"}: module 6's, which reads `--columns` the same way.
using dataframe::parse_column_list;

// What `--input FILE.csv --columns a,b,c [--target y]` ask for (options.hpp).
struct csv_input {
  std::string path;
  std::vector<std::string> columns;  // the features, in this order
  std::string target;                // the column to predict; "" when not given
};

// nullopt when none of --input, --columns, --target is given. usage_error for --columns or
// --target without --input, --input without --columns, --size with --input, and a target that
// is also a feature. (The file itself is read later: load_features_host, load_features_and_target_host.)
std::optional<csv_input> csv_input_of(const run_options& options);

// The features and the target of one file, read once: y[i] is row i's target value as the
// file gives it (double: a label is checked before it is narrowed, so 0.99999999 is not 1).
// Errors as load_features_host's (the target column's missing values and NaN/Inf included).
struct features_and_target {
  host_features x;
  std::vector<double> y;
};
features_and_target load_features_and_target_host(const csv_input& input);

// Where data row `row` (from 0) of a file is, for a one-line error: "f.csv:7: column 'y'"
// (the header is line 1, so row i is line i + 2; rows spanning lines in quotes aside).
std::string csv_place(const std::string& path, std::size_t row, const std::string& column);

// A value as the file would write it: the shortest text that reads back as the same double.
std::string shortest_text(double value);

host_features load_features_host(const std::filesystem::path& path, const std::vector<std::string>& columns);

// The file as module 6's CPU reader parses it, parsed once for all the cases made from it:
// `gpulab ml --input f.csv` makes a case per algorithm and version from one file. The last file
// parsed stays in memory and is parsed again only when its size or modification time changed,
// so a file edited between two runs of one process is read anew; a file written less than two
// seconds ago is parsed every time (an edit within one timestamp tick could keep both).
// (Both load_* above use it.)
std::shared_ptr<const dataframe::csv_columns> parsed_csv_file(const std::filesystem::path& path);

// The same on the device (complete when this returns).
feature_matrix load_features(const std::filesystem::path& path, const std::vector<std::string>& columns,
                             cuda::stream_ref s);

}  // namespace gpulab::ml
