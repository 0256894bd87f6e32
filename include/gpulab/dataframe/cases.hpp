// SPDX-License-Identifier: MIT
// Module 6's cases (one per step and version, each verified against the CPU
// backend, which is also the timed baseline) and its demo. --size counts rows.
#pragma once

#include <cstdint>
#include <memory>

#include "gpulab/bench/runner.hpp"
#include "gpulab/dataframe/groupby.hpp"

namespace gpulab::dataframe {

// df.A.mean(): one pass over A gives its sum and count.
std::unique_ptr<bench_case> make_column_mean_case(std::int64_t rows);
// One pass over A gives count, sum, min, max and sum of squares (what min, max and std read).
std::unique_ptr<bench_case> make_column_stats_case(std::int64_t rows);
// df[["A", "B", "C"]].mean(axis=1).
std::unique_ptr<bench_case> make_row_mean_case(std::int64_t rows);
// df.eval("D = 2.1*A + 3.5*B"), compiled at run time by NVRTC.
std::unique_ptr<bench_case> make_derived_column_case(std::int64_t rows);
// pd.cut(df.A, [0, .2, .4, .6, .8, 1], labels=["c1", ..., "c5"]).
std::unique_ptr<bench_case> make_cut_case(std::int64_t rows);
// df.groupby("label").A.mean() on the 5 labels, by one version.
std::unique_ptr<bench_case> make_groupby_mean_case(groupby_version v, std::int64_t rows);
// df.pivot_table(index="label", values=["A", "B", "C"]) (mean): 3 values x 5 labels, by one version.
std::unique_ptr<bench_case> make_pivot_table_case(groupby_version v, std::int64_t rows);
// The mean of A by an int64 key with rows / 20 distinct values (1M at 20M rows), by one version.
std::unique_ptr<bench_case> make_groupby_many_keys_case(groupby_version v, std::int64_t rows);

// The six steps through the table API on --backend gpu, cpu or both (side by side:
// the cudf.pandas demo), timed, compared, the pivot table printed as pandas prints it.
demo_output pandas_steps_demo(resources& res, const run_options& options);
// The same steps with --backend cpu on a machine that may have no GPU: the module's
// run_without_gpu (nothing here touches a device).
demo_output pandas_steps_on_cpu(const run_options& options);

}  // namespace gpulab::dataframe
