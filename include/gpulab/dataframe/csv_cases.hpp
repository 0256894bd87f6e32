// SPDX-License-Identifier: MIT
// The CSV cases of module 6 (issue 12's performance targets), for the module's
// case list, and the data they read: the course's table (A, B, C) as CSV text.
//
//   csv_parse_device_text   the GPU parse of text already in device memory (target:
//                           >= 20 GB/s of text on an H200), bit-exact to the CPU reader
//   csv_read_file           end to end from a page-cached file: read, copy, parse
//                           (target: >= 6 GB/s), bit-exact to the CPU reader on the same file
//   csv_read_cpu            the CPU reader on the same file, as a row of its own,
//                           bit-exact to the values that were written
// --size counts rows (default the course's 20,000,000: about 1.16 GB of text).
#pragma once

#include <cstdint>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/dataframe/csv_columns.hpp"

namespace gpulab::dataframe {

std::vector<case_entry> csv_case_entries();

// The cases' table: `rows` rows of float64 columns A, B, C, uniform in [0.1, 1)
// (seeded), each written with 17 significant digits in exactly 19 characters
// ("0.d1...d17", the last digit not 0), and field (row i, column c) missing when
// (7 i + c) % 31 == 0: every validity word of 32 rows has both bits.
csv_columns course_csv_columns(std::uint64_t rows, std::uint64_t seed);
// The exact size of write_csv_text(course_csv_columns(rows, seed)), for any seed.
std::uint64_t course_csv_text_bytes(std::uint64_t rows);

}  // namespace gpulab::dataframe
