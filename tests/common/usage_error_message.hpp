// SPDX-License-Identifier: MIT
// What a call says when it refuses its input: the one line of the E it throws, or
// "no error" when it accepts it, so that a test can compare the exact message. An
// exception of another type goes on up, and gtest fails the test with it.
#pragma once

#include <string>
#include <utility>

#include "gpulab/core/error.hpp"

template <class E, class Call>
std::string error_message(Call&& call) {
  try {
    std::forward<Call>(call)();
  } catch (const E& e) {
    return e.what();
  }
  return "no error";
}

template <class Call>
std::string usage_error_message(Call&& call) {
  return error_message<gpulab::usage_error>(std::forward<Call>(call));
}
