// SPDX-License-Identifier: MIT
// Text as pandas prints a DataFrame (display.precision = 6), so that head() and
// describe() read the same in both courses:
//   - a float column: every value as " %.6f", then trailing zeros cut off all values
//     alike (keeping one decimal); " %.6e" instead when a value is below 1e-6 (and not
//     0), or above 1e6 with a value longer than 12 characters; NaN as "NaN";
//   - an integer column " %d", a text (categorical) column " text";
//   - each column right-aligned to its widest cell or name, the row labels
//     left-aligned, one space between columns.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace gpulab::dataframe {

// One float column's cells (NaN: "NaN").
std::vector<std::string> format_floats(std::span<const double> values);
// One integer column's cells (nullopt: "NaN").
std::vector<std::string> format_integers(std::span<const std::optional<std::int64_t>> values);
// One text column's cells (nullopt: "NaN").
std::vector<std::string> format_texts(std::span<const std::optional<std::string>> values);

// The frame: a header line with the column names, then one line per row label; with
// an index name, a line with that name (padded to the frame's width) after the header.
std::string format_frame(const std::vector<std::string>& row_labels, const std::vector<std::string>& names,
                         const std::vector<std::vector<std::string>>& columns, const std::string& index_name = "");

}  // namespace gpulab::dataframe
