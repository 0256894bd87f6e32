// SPDX-License-Identifier: MIT
// eval's expressions: the tree the parser builds, the CUDA C++ the GPU backend
// compiles (NVRTC, which needs no GPU), and the messages for malformed ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/derived_column.hpp"
#include "gpulab/dataframe/expression.hpp"
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

}  // namespace
