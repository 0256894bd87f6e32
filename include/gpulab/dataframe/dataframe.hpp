// SPDX-License-Identifier: MIT
// The pandas-like operations on a table, the same on both backends: a GPU table
// computes on the GPU (on its stream), a CPU table on every core; results come
// back on the table's backend. The course's six steps:
//
//   pandas                                      gpulab::dataframe
//   df["A"].mean()                              reduce(df["A"], reduction::mean)
//   df[["A", "B", "C"]].mean(axis=1)            row_mean(df, {"A", "B", "C"})
//   df.eval("D = 2.1*A + 3.5*B", inplace=True)  eval(df, "D = 2.1*A + 3.5*B")
//   pd.cut(df.A, bins, labels=...)              cut(df["A"], bins, labels)
//   df.groupby("label").A.mean()                groupby(df, {"label"}, {{"A", agg_func::mean}})
//   df.pivot_table(index="label",               pivot_table(df, "label", {"A", "B", "C"})
//                  values=["A", "B", "C"])
//
// and filter(df, "A", compare_op::greater, 0.5) (df[df.A > 0.5]), sort_values,
// head(df) and describe(df) (text as pandas prints it); pd.read_csv and df.to_csv are
// read_csv and write_csv (csv_table.hpp). Functions that return a
// host value or text wait for the table's stream; bad names and arguments are a
// one-line usage_error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpulab/dataframe/column.hpp"
#include "gpulab/dataframe/group_rows.hpp"
#include "gpulab/dataframe/select_rows.hpp"
#include "gpulab/dataframe/table.hpp"

namespace gpulab::dataframe {

enum class reduction { count, sum, mean, min, max, std };
const char* reduction_name(reduction r);

// count, sum, mean, min, max or std (pandas': ddof 1) of a numeric column, missing
// values skipped; NaN where pandas gives NaN (the mean of no value, std of fewer than 2).
double reduce(const column& c, reduction r);

// The mean of each row over `columns` (numeric, one type); NaN for a row with no value.
column row_mean(const table& t, const std::vector<std::string>& columns);

// Adds (or replaces) the float64 column the assignment names: eval(t, "D = 2.1*A + 3.5*B").
void eval(table& t, const std::string& assignment);

// pandas.cut (right-closed bins, outside or missing -> missing): a categorical column
// with `labels` (or interval names when none are given).
column cut(const column& c, const std::vector<double>& bins, const std::vector<std::string>& labels = {});

struct aggregation {
  std::string column;
  agg_func func = agg_func::mean;
  std::string name = {};  // the output column's name; default "<column>_<func>"
};
// The key columns (categorical or integer) and one column per aggregation, one row per
// group present, ordered by the keys (pandas' sort=True); rows with a missing key are left
// out (dropna=True). count is an int64 column, the others float64.
table groupby(const table& t, const std::vector<std::string>& keys, const std::vector<aggregation>& aggregations);

// pandas.pivot_table(index=index, values=values, aggfunc=func): the groupby of each value
// column by `index`, each output column named after its value column.
table pivot_table(const table& t, const std::string& index, const std::vector<std::string>& values,
                  agg_func func = agg_func::mean);

// The rows where `column` op value (a missing value never passes), every column kept.
table filter(const table& t, const std::string& column, compare_op op, double value);

// The rows ordered by `column` (stable; missing values last).
table sort_values(const table& t, const std::string& column, bool ascending = true);

// As pandas prints df.head(n), df (every row) and df.describe().
std::string head(const table& t, std::int64_t n = 5);
std::string to_string(const table& t);
// As pandas prints df.set_index(index): that column's values label the rows, its name on
// a line of its own (how a pivot_table result prints, indexed by its keys).
std::string to_string(const table& t, const std::string& index);
std::string describe(const table& t);

}  // namespace gpulab::dataframe
