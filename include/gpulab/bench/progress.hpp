// SPDX-License-Identifier: MIT
// A progress line on stderr for runs that take a while: "sum_cub (3/24): timing
// 20 repeats, about 2 s left". Shown only when stderr is a terminal and the run
// has already taken more than two seconds, so scripts and short runs see nothing.
#pragma once

#include <string>

namespace gpulab {

// Starts the clock of a run (the two seconds count from here).
void progress_start();
// Replaces the progress line with `text` (when shown at all).
void progress(const std::string& text);
// Prints `text` as a line of its own in place of the progress line (a finished
// case's summary), under the same conditions.
void progress_line_done(const std::string& text);
// Erases the line, before a report or an error is printed.
void progress_clear();

}  // namespace gpulab
