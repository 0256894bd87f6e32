// SPDX-License-Identifier: MIT
// What a call says when it refuses its input: the one line of its usage_error, or
// "no error" when it accepts it, so that a test can compare the exact message.
#pragma once

#include <string>

#include "gpulab/core/error.hpp"

template <class Call>
std::string usage_error_message(Call&& call) {
  try {
    call();
  } catch (const gpulab::usage_error& e) {
    return e.what();
  }
  return "no error";
}
