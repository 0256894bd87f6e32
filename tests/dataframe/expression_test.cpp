// SPDX-License-Identifier: MIT
// eval's expressions: the tree the parser builds, the CUDA C++ the GPU backend
// compiles (NVRTC, which needs no GPU), and the messages for malformed ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/derived_column.hpp"
#include "gpulab/dataframe/expression.hpp"
#include "gpulab/rtc/program.hpp"
#include "common/usage_error_message.hpp"

namespace {

using namespace gpulab::dataframe;

TEST(dataframe_expression, ParsesTheCourseAssignment) {
  const assignment a = parse_assignment("D = 2.1*A + 3.5*B");
  EXPECT_EQ(a.target, "D");
  EXPECT_EQ(a.value.columns, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(to_cuda(a.value), "__dadd_rn(__dmul_rn(2.1000000000000001, operand(0)), __dmul_rn(3.5, operand(1)))");
}

TEST(dataframe_expression, KeepsPrecedenceParenthesesAndUnaryMinus) {
  EXPECT_EQ(to_cuda(parse_expression("A - B / 2 * C")),
            "__dsub_rn(operand(0), __dmul_rn(__ddiv_rn(operand(1), 2.0), operand(2)))");  // left to right
  EXPECT_EQ(to_cuda(parse_expression("-(A + 1e3) * -B")), "__dmul_rn((-__dadd_rn(operand(0), 1000.0)), (-operand(1)))");
  const expression e = parse_expression(" A*A + `PM2.5` ");  // a column used twice is one operand
  EXPECT_EQ(e.columns, (std::vector<std::string>{"A", "PM2.5"}));
  EXPECT_EQ(to_cuda(e), "__dadd_rn(__dmul_rn(operand(0), operand(0)), operand(1))");
}

TEST(dataframe_expression, SyntaxErrorsSayWhatWasExpectedAndWhere) {
  const auto message = [](const char* text) { return usage_error_message([&] { (void)parse_assignment(text); }); };
  EXPECT_EQ(message("D = 2.1*"), "eval: expected a number, a column name or '(' at character 9 of \"D = 2.1*\" (found the end)");
  EXPECT_EQ(message("D = (A + B"), "eval: expected ')' at character 11 of \"D = (A + B\" (found the end)");
  EXPECT_EQ(message("2*A"), "eval: expected the new column's name, as in \"D = 2.1*A + 3.5*B\" at character 1 of \"2*A\" (found '2')");
  EXPECT_EQ(message("D 2*A"), "eval: expected '=' after the new column's name at character 3 of \"D 2*A\" (found '2')");
  EXPECT_EQ(message("D = A B"), "eval: expected an operator (+ - * /) or the end at character 7 of \"D = A B\" (found 'B')");
  EXPECT_EQ(message("D = 1e999"), "eval: expected a number a double can hold at character 5 of \"D = 1e999\" (found '1')");
  EXPECT_EQ(message("D = A % B").substr(0, 36), "eval: expected an operator (+ - * /)");
  EXPECT_EQ(message("D = ``"), "eval: expected a column name between backticks at character 5 of \"D = ``\" (found '`')");
}

TEST(dataframe_expression, TheGeneratedKernelCompilesWithNvrtc) {
  const expression e = parse_expression("2.1*A + 3.5*B - C / 4");
  const std::uint32_t mask[1] = {1};
  const std::vector<operand_view> operands = {
      {dtype::float64, nullptr, nullptr}, {dtype::float32, nullptr, mask}, {dtype::int32, nullptr, nullptr}};
  const std::string preamble = derived_column_preamble(operands);
  EXPECT_NE(preamble.find("(double)((const float*)p.data[1])[row]"), std::string::npos) << preamble;
  EXPECT_NE(preamble.find("p.validity[1]"), std::string::npos) << "a masked operand reads NaN where masked";
  EXPECT_EQ(preamble.find("p.validity[0]"), std::string::npos) << "an operand without a mask needs no check";
  EXPECT_NO_THROW(check_derived_column_compiles(e, operands));
  const std::vector<operand_view> categorical = {{dtype::category, nullptr, nullptr}};
  EXPECT_THROW((void)derived_column_preamble(categorical), gpulab::usage_error);
}

// A sum of n terms is a tree n deep (each + takes the sum so far); n parentheses nest n deep.
std::string sum_of(int terms) {
  std::string text = "A";
  for (int t = 1; t < terms; ++t) text += t % 2 ? "+B" : "-A";
  return text;
}

// The parser and to_cuda recurse per level: 100,000 levels were a stack overflow (a crash).
TEST(dataframe_expression, TooDeepAnExpressionIsOneLineNotACrash) {
  for (const std::string& text : {std::string(100000, '(') + "A" + std::string(100000, ')'), sum_of(100000),
                                  std::string(100000, '-') + "A", sum_of(max_expression_depth + 1)}) {
    const std::string assignment = "D = " + text;
    const std::string m = usage_error_message([&] { (void)parse_assignment(assignment); });
    EXPECT_EQ(m.rfind("eval: the expression nests deeper than 256 levels at character ", 0), 0u) << m.substr(0, 200);
    EXPECT_EQ(m.find('\n'), std::string::npos);
  }
}

// The deepest expressions the parser accepts still compile with NVRTC.
TEST(dataframe_expression, TheDeepestAcceptedExpressionsCompile) {
  const std::vector<operand_view> two = {{dtype::float64, nullptr, nullptr}, {dtype::float64, nullptr, nullptr}};
  const expression deepest_sum = parse_expression(sum_of(max_expression_depth));
  EXPECT_EQ(deepest_sum.nodes.size(), 2u * max_expression_depth - 1);
  EXPECT_NO_THROW(check_derived_column_compiles(deepest_sum, two));
  const std::string nested = std::string(max_expression_depth, '(') + "A*B" + std::string(max_expression_depth, ')');
  EXPECT_NO_THROW(check_derived_column_compiles(parse_expression(nested), two));
}

// Every expression the parser accepts compiles, so NVRTC's refusal is reached by a tree built
// by hand: here one that reads an operand the kernel was not given. The error is one line
// naming the kernel; NVRTC's whole log comes with it and names what is wrong.
TEST(dataframe_expression, ATreeThatDoesNotCompileGivesNvrtcsLog) {
  expression e = parse_expression("A + B");
  ASSERT_EQ(e.nodes[1].what, expression_node::kind::column);
  e.nodes[1].column = 7;  // operand 7 of 2
  const std::vector<operand_view> two = {{dtype::float64, nullptr, nullptr}, {dtype::float64, nullptr, nullptr}};
  try {
    check_derived_column_compiles(e, two);
    FAIL() << "an undefined operand compiled";
  } catch (const gpulab::rtc::compile_error& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("does not compile"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(error.log().find("operand_7"), std::string::npos) << error.log();
  }
}

}  // namespace
