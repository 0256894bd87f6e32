// SPDX-License-Identifier: MIT
// The expressions of eval("D = 2.1*A + 3.5*B"): + - * /, parentheses, unary
// minus, numbers and column names (`name` in backticks for a name with other
// characters, as pandas allows). Parsed once into a small tree that the GPU
// backend turns into CUDA C++ (compiled by NVRTC, derived_column.hpp) and the
// CPU backend interprets. A syntax error is one usage_error line that says what
// was expected and where.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gpulab::dataframe {

struct expression_node {
  enum class kind { number, column, negate, add, subtract, multiply, divide };
  kind what = kind::number;
  double value = 0;  // number
  int column = -1;   // column: its index in expression::columns
  int left = -1;     // negate: its operand; the others: both
  int right = -1;
};

struct expression {
  std::vector<expression_node> nodes;  // children before their parents
  int root = -1;
  std::vector<std::string> columns;  // the column names used, in order of first use
};

struct assignment {
  std::string target;  // the new column's name
  expression value;
};

// The deepest tree, and the most parentheses and unary signs open at once, an expression may
// have: far past what anyone writes, and well inside the parser's and to_cuda's stack.
inline constexpr int max_expression_depth = 256;

// "D = 2.1*A + 3.5*B" -> D and the tree of the right-hand side; usage_error when malformed.
assignment parse_assignment(std::string_view text);
expression parse_expression(std::string_view text);

// The expression in CUDA C++ (double arithmetic), operand k written as `operand(k)`:
// "__dadd_rn(__dmul_rn(2.1000000000000001, operand(0)), __dmul_rn(3.5, operand(1)))".
// Every number has 17 significant digits, so the compiled constant is the parsed
// double exactly; the _rn intrinsics are never fused into an FMA (which rounds once
// where the CPU rounds twice), so the GPU computes exactly what the CPU interpreter does.
std::string to_cuda(const expression& e);

}  // namespace gpulab::dataframe
