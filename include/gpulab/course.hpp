// SPDX-License-Identifier: MIT
// The course: every module of the kit, in the order the course teaches them.
// The apps build their commands from this list, `gpulab list` prints it, and
// the tests that must cover every case (the sabotage test) walk it, so a new
// module is enrolled everywhere by adding one line to src/course/course.cpp.
#pragma once

#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"

namespace gpulab {

// Every module, in course order.
std::vector<training_module> all_modules();

// The module with this id (or one of its aliases); nullptr when there is none.
const training_module* find_module(const std::string& name);

}  // namespace gpulab
