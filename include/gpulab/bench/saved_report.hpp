// SPDX-License-Identifier: MIT
// A report saved with `--format json`, read back: the rows of its "case" table as
// case_results, with what a module's figure needs (name, module, operation and
// version, size, median time, and the work that gives its GB/s, GFLOP/s and
// G items/s). So `gpulab plot REPORT.json` draws a figure again on any machine,
// a laptop without a GPU included, from the numbers a GPU measured.
#pragma once

#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"

namespace gpulab {

struct saved_report {
  std::string title;
  std::string device;  // the header's "device" ("" when absent)
  std::string date;    // the header's "date" ("" when absent)
  std::vector<case_result> results;
};

// Parses the text of a JSON report. Throws usage_error, naming `source`, when it is not
// JSON or has no table of cases (columns "case", "size", "median ms"): a module's table of
// verified and timed cases, or the tour's summary.
saved_report parse_saved_report(const std::string& text, const std::string& source);

// Reads the file at `path` (io_error when it cannot be read) and parses it.
saved_report read_saved_report(const std::string& path);

}  // namespace gpulab
