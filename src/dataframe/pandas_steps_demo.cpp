// SPDX-License-Identifier: MIT
// The course's second notebook, cudf.pandas: the same pandas-like code run on the
// CPU backend and on the GPU backend, step by step, timed and compared. The code
// below is the same for both: only the table's backend differs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "steps_agreement.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/dataframe/cases.hpp"
#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/csv_columns.hpp"
#include "gpulab/dataframe/cut.hpp"
#include "gpulab/dataframe/dataframe.hpp"
#include "gpulab/dataframe/options.hpp"

namespace gpulab::dataframe {

namespace {

constexpr int timed_runs = 3;  // after one warm-up run (the GPU's first eval compiles its kernel)

struct step {
  std::string name;
  std::string pandas;
  std::function<step_result(table&)> run;
};

std::vector<double> doubles_of(const column& c) { return c.to_host<double>(); }

// [snippet:pandas_steps]
std::vector<step> course_steps(const std::vector<double>& bins) {
  return {
      {"column mean", "df.A.mean()",
       [](table& df) { return step_result{{reduce(df["A"], reduction::mean)}, {}}; }},
      {"row mean", "df[['A','B','C']].mean(axis=1)",
       [](table& df) { return step_result{doubles_of(row_mean(df, {"A", "B", "C"})), {}}; }},
      {"derived column", "df.eval('D = 2.1*A + 3.5*B')",
       [](table& df) {
         eval(df, course_expression);
         return step_result{doubles_of(df["D"]), {}};
       }},
      {"cut", "pd.cut(df.A, bins, labels=labels)",
       [bins](table& df) {
         df.add("label", cut(df["A"], bins, course_labels));
         return step_result{{}, df["label"].to_host<std::int32_t>()};
       }},
      // [/snippet:pandas_steps]
      // [snippet:pandas_steps_groupby]
      {"groupby mean", "df.groupby('label').A.mean()",
       [](table& df) {
         const table means = groupby(df, {"label"}, {{"A", agg_func::mean, "A"}});
         return step_result{doubles_of(means["A"]), means["label"].to_host<std::int32_t>()};
       }},
      {"pivot table", "df.pivot_table(index='label', values=['A','B','C'])",
       [](table& df) {
         const table pivot = pivot_table(df, "label", {"A", "B", "C"});
         step_result r{{}, pivot["label"].to_host<std::int32_t>()};
         for (const char* v : {"A", "B", "C"}) {
           const std::vector<double> m = doubles_of(pivot[v]);
           r.numbers.insert(r.numbers.end(), m.begin(), m.end());
         }
         return r;
       }},
  };
}
// [/snippet:pandas_steps_groupby]

// Where the rows come from: the course's generated columns, or three columns of a CSV file
// (--input FILE.csv --columns x,y,z), taken as A, B and C.
struct steps_data {
  std::int64_t rows = 0;  // the course's
  std::uint64_t seed = 0;
  std::string file;                  // empty: the course's data
  std::vector<std::string> columns;  // the file's three columns
};

// The bins of the cut step: the course's for its data; for a file, 5 equal-width bins over
// A's range, as pd.cut(df.A, 5) makes them (the same on both backends: min and max are exact).
std::vector<double> bins_for(const steps_data& data, const table& df) {
  if (data.file.empty()) return course_bins;
  const double min = reduce(df["A"], reduction::min), max = reduce(df["A"], reduction::max);
  if (!std::isfinite(min) || !std::isfinite(max)) {  // no value at all (NaN), or an infinity
    throw usage_error(data.file + ": column '" + data.columns[0] + "' (A) " +
                      (std::isnan(min) ? "has no value" : "holds an infinity") +
                      ": cut's equal-width bins need A's range");
  }
  return equal_width_bins(min, max, static_cast<int>(course_labels.size()));
}

struct backend_run {
  std::vector<double> median_ms;
  std::vector<step_result> results;
  std::string pivot_text;
  std::vector<double> bins;
  std::int64_t rows = 0;
  std::vector<std::vector<double>> tolerances;  // with `compare`: each number's (steps_agreement.hpp)
};

// `compare`: the other backend runs too, and this (CPU) run works out the tolerances.
backend_run run_steps(backend where, const steps_data& data, bool compare, cuda::stream_ref s) {
  backend_run run;
  // Made before any clock starts.
  table df = data.file.empty() ? course_table(data.rows, data.seed, where, s)
                               : csv_course_table(data.file, data.columns, where, s);
  run.rows = df.rows();
  run.bins = bins_for(data, df);
  for (const step& st : course_steps(run.bins)) {  // in order: eval and cut add D and label
    std::vector<double> times;
    step_result result;
    for (int k = 0; k <= timed_runs; ++k) {  // a repeated eval or cut replaces its column
      const auto start = std::chrono::steady_clock::now();
      result = st.run(df);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (k > 0) times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    run.median_ms.push_back(times[times.size() / 2]);
    run.results.push_back(std::move(result));
  }
  run.pivot_text = to_string(pivot_table(df, "label", {"A", "B", "C"}), "label");
  if (compare) run.tolerances = step_tolerances(df, run.results);  // after the clocks
  return run;
}

}  // namespace

namespace {

// The demo on the backends --backend names; `s` is used by the GPU backend only.
demo_output pandas_steps(const run_options& options, cuda::stream_ref s) {
  const std::string choice = backend_option.text(options);
  steps_data data{static_cast<std::int64_t>(options.size.value_or(course_rows)), options.seed,
                  input_option.text(options), {}};
  if (data.rows < 1 || data.rows > max_rows) {
    throw usage_error("pandas_steps: 1.." + std::to_string(max_rows) + " rows");
  }
  if (!data.file.empty()) data.columns = parse_column_list(columns_option.text(options));
  const bool cpu = choice != "gpu", gpu = choice != "cpu";
  std::optional<backend_run> on_cpu, on_gpu;
  if (cpu) on_cpu = run_steps(backend::cpu, data, gpu, s);
  if (gpu) on_gpu = run_steps(backend::gpu, data, false, s);
  const backend_run& shown = gpu ? *on_gpu : *on_cpu;  // the one whose pivot table is printed
  const std::int64_t rows = shown.rows;

  gpulab::table out;  // the report's table (dataframe::table is the data's)
  const std::string source =
      data.file.empty() ? "" : data.file + ": A = " + data.columns[0] + ", B = " + data.columns[1] + ", C = " +
                                   data.columns[2] + "; ";
  out.title = "The course's six steps through the dataframe API (" + source + std::to_string(rows) +
              " rows; --backend " + choice + ")";
  out.columns = {"step", "pandas"};
  if (cpu) out.columns.emplace_back("CPU ms");
  if (gpu) out.columns.emplace_back("GPU ms");
  if (cpu && gpu) {
    out.columns.emplace_back("speed-up");
    out.columns.emplace_back("same result");
  }
  demo_output demo;
  const std::vector<step> steps = course_steps(shown.bins);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    std::vector<cell> row = {cell(steps[k].name), cell(steps[k].pandas)};
    if (cpu) row.push_back(number_cell(on_cpu->median_ms[k], 2));
    if (gpu) row.push_back(number_cell(on_gpu->median_ms[k], 3));
    if (cpu && gpu) {
      const double speedup = on_cpu->median_ms[k] / on_gpu->median_ms[k];
      row.emplace_back(format_significant(speedup) + "x", speedup);
      const bool same = agree(on_cpu->results[k], on_gpu->results[k], on_cpu->tolerances[k]);
      demo.verified = demo.verified && same;
      row.emplace_back(same ? "yes" : "NO");
    }
    out.rows.push_back(std::move(row));
  }
  out.notes.push_back("wall-clock time of each call (it returns when its result is there), median of " +
                      std::to_string(timed_runs) + " runs after a warm-up; the table is made before the clock starts");
  if (!data.file.empty()) {
    std::string edges;
    for (const double e : shown.bins) {
      char text[32];
      std::snprintf(text, sizeof text, "%.6g", e);
      edges += (edges.empty() ? "" : ", ") + std::string(text);
    }
    out.notes.push_back("cut: 5 equal-width bins over A's range, as pd.cut(df.A, 5) makes them: " + edges);
  }
  std::istringstream pivot(shown.pivot_text);
  out.notes.push_back(std::string("the pivot table, as pandas prints it (") + (gpu ? "GPU" : "CPU") + " backend):");
  for (std::string line; std::getline(pivot, line);) out.notes.push_back("  " + line);
  demo.tables.push_back(std::move(out));
  return demo;
}

}  // namespace

demo_output pandas_steps_demo(resources& res, const run_options& options) { return pandas_steps(options, res.stream()); }

demo_output pandas_steps_on_cpu(const run_options& options) {
  if (backend_option.text(options) != "cpu") throw usage_error("pandas_steps_on_cpu: --backend cpu only");
  return pandas_steps(options, cuda::stream_ref{cudaStream_t{}});  // the CPU backend never uses the stream
}

}  // namespace gpulab::dataframe
