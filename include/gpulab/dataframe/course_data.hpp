// SPDX-License-Identifier: MIT
// The course's data and steps: n rows of three float64 columns A, B, C, uniform
// in [0, 1) and seeded (the notebook's 20,000,000 rows of np.random.rand), its
// bins and labels for cut, and its derived column.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gpulab/dataframe/table.hpp"

namespace gpulab::dataframe {

inline constexpr std::int64_t course_rows = 20000000;
inline const std::vector<double> course_bins = {0.0, 0.2, 0.4, 0.6, 0.8, 1.0};
inline const std::vector<std::string> course_labels = {"c1", "c2", "c3", "c4", "c5"};
inline constexpr const char* course_expression = "D = 2.1*A + 3.5*B";

// Column `index` (0: A, 1: B, 2: C) of the course's table: uniform in [0, 1), from
// (seed, index, row) alone, so every machine and every run sees the same values.
std::vector<double> course_column(std::int64_t rows, std::uint64_t seed, int index);

// The table itself (A, B, C) on `where`.
table course_table(std::int64_t rows, std::uint64_t seed, backend where, cuda::stream_ref s);
// The same steps on your data (`gpulab dataframe --input FILE.csv --columns x,y,z`): the
// three named columns of a CSV file, read as float64 by the CPU reader (a missing value
// stays missing), become A, B and C of a table on `where`. The reader's errors are one
// line (io_error: file:line:column; usage_error: a column that is not there, naming
// those that are); fewer or more than three names, or a file with no rows, is a usage_error.
table csv_course_table(const std::filesystem::path& path, const std::vector<std::string>& columns, backend where,
                       cuda::stream_ref s);
// The usage_error for a --columns list that is not three names (also checked before any GPU work).
void check_three_course_columns(const std::vector<std::string>& columns);

}  // namespace gpulab::dataframe
