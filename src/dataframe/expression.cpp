// SPDX-License-Identifier: MIT
// A recursive-descent parser for eval's expressions:
//   assignment := name '=' sum
//   sum        := product (('+' | '-') product)*
//   product    := unary (('*' | '/') unary)*
//   unary      := '-' unary | '+' unary | atom
//   atom       := number | name | '`' any text but '`' '`' | '(' sum ')'
// The parser and to_cuda recurse, once per level of the tree and per open parenthesis or
// unary sign: both are held to max_expression_depth, so that a pathological expression
// (100,000 parentheses) is one clear error, not a stack overflow.
#include "gpulab/dataframe/expression.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <system_error>
#include <vector>

#include "gpulab/core/error.hpp"

namespace gpulab::dataframe {

namespace {

class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  expression whole_expression() {
    expression e;
    e.root = sum(e);
    skip_spaces();
    if (at_ < text_.size()) fail("an operator (+ - * /) or the end");
    return e;
  }

  assignment whole_assignment() {
    assignment a;
    skip_spaces();
    a.target = name();
    if (a.target.empty()) fail("the new column's name, as in \"D = 2.1*A + 3.5*B\"");
    skip_spaces();
    if (!take('=')) fail("'=' after the new column's name");
    a.value = whole_expression();
    return a;
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    const std::string found = at_ < text_.size() ? "'" + std::string(1, text_[at_]) + "'" : "the end";
    throw usage_error("eval: expected " + expected + " at character " + std::to_string(at_ + 1) + " of \"" +
                      std::string(text_) + "\" (found " + found + ")");
  }
  void skip_spaces() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  bool take(char c) {
    skip_spaces();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  // A node's depth: 1 for a leaf, one more than its deeper child's.
  int add(expression& e, expression_node node) {
    const auto depth_of = [&](int child) { return child < 0 ? 0 : depth_[static_cast<std::size_t>(child)]; };
    const int depth = 1 + std::max(depth_of(node.left), depth_of(node.right));
    if (depth > max_expression_depth) fail_depth();
    e.nodes.push_back(node);
    depth_.push_back(depth);
    return static_cast<int>(e.nodes.size()) - 1;
  }
  [[noreturn]] void fail_depth() const {
    throw usage_error("eval: the expression nests deeper than " + std::to_string(max_expression_depth) +
                      " levels at character " + std::to_string(at_) + " of its " + std::to_string(text_.size()) +
                      " characters");
  }
  // One more open parenthesis or unary sign in the recursion, until the returned guard ends.
  struct nesting_guard {
    int& level;
    ~nesting_guard() { --level; }
  };
  [[nodiscard]] nesting_guard enter() {
    if (++nesting_ > max_expression_depth) fail_depth();
    return {nesting_};
  }
  int binary(expression& e, expression_node::kind k, int left, int right) {
    return add(e, {.what = k, .left = left, .right = right});
  }

  int sum(expression& e) {
    int left = product(e);
    for (;;) {
      if (take('+')) left = binary(e, expression_node::kind::add, left, product(e));
      else if (take('-')) left = binary(e, expression_node::kind::subtract, left, product(e));
      else return left;
    }
  }
  int product(expression& e) {
    int left = unary(e);
    for (;;) {
      if (take('*')) left = binary(e, expression_node::kind::multiply, left, unary(e));
      else if (take('/')) left = binary(e, expression_node::kind::divide, left, unary(e));
      else return left;
    }
  }
  int unary(expression& e) {
    if (take('-')) {
      const nesting_guard level = enter();
      return add(e, {.what = expression_node::kind::negate, .left = unary(e)});
    }
    if (take('+')) {
      const nesting_guard level = enter();
      return unary(e);
    }
    return atom(e);
  }
  int atom(expression& e) {
    skip_spaces();
    if (take('(')) {
      const nesting_guard level = enter();
      const int inside = sum(e);
      if (!take(')')) fail("')'");
      return inside;
    }
    if (at_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[at_])) || text_[at_] == '.')) {
      return add(e, {.what = expression_node::kind::number, .value = number()});
    }
    const std::string column = name();
    if (column.empty()) fail("a number, a column name or '('");
    const auto known = std::find(e.columns.begin(), e.columns.end(), column);
    if (known == e.columns.end()) e.columns.push_back(column);
    return add(e, {.what = expression_node::kind::column,
                   .column = static_cast<int>(std::find(e.columns.begin(), e.columns.end(), column) - e.columns.begin())});
  }
  double number() {
    double value = 0;
    const char* begin = text_.data() + at_;
    const auto [end, error] = std::from_chars(begin, text_.data() + text_.size(), value);
    if (error == std::errc::result_out_of_range) fail("a number a double can hold");
    if (error != std::errc()) fail("a number");
    at_ += static_cast<std::size_t>(end - begin);
    return value;
  }
  // An identifier, or `any name` in backticks; "" when neither starts here.
  std::string name() {
    skip_spaces();
    if (at_ < text_.size() && text_[at_] == '`') {
      const std::size_t close = text_.find('`', at_ + 1);
      if (close == std::string_view::npos || close == at_ + 1) fail("a column name between backticks");
      std::string quoted(text_.substr(at_ + 1, close - at_ - 1));
      at_ = close + 1;
      return quoted;
    }
    const std::size_t start = at_;
    const auto word = [&](char c, bool first) {
      return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (!first && std::isdigit(static_cast<unsigned char>(c)));
    };
    while (at_ < text_.size() && word(text_[at_], at_ == start)) ++at_;
    return std::string(text_.substr(start, at_ - start));
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::vector<int> depth_;  // each node's depth, as e.nodes
  int nesting_ = 0;         // open parentheses and unary signs being parsed
};

std::string cuda_of(const expression& e, int node) {
  const expression_node& n = e.nodes[static_cast<std::size_t>(node)];
  switch (n.what) {
    case expression_node::kind::number: {
      char text[40];
      std::snprintf(text, sizeof text, "%.17g", n.value);
      std::string s = text;
      if (s.find_first_of(".e") == std::string::npos) s += ".0";  // a double literal, never an int
      return s;
    }
    case expression_node::kind::column: return "operand(" + std::to_string(n.column) + ")";
    case expression_node::kind::negate: return "(-" + cuda_of(e, n.left) + ")";
    case expression_node::kind::add: return "__dadd_rn(" + cuda_of(e, n.left) + ", " + cuda_of(e, n.right) + ")";
    case expression_node::kind::subtract: return "__dsub_rn(" + cuda_of(e, n.left) + ", " + cuda_of(e, n.right) + ")";
    case expression_node::kind::multiply: return "__dmul_rn(" + cuda_of(e, n.left) + ", " + cuda_of(e, n.right) + ")";
    case expression_node::kind::divide: return "__ddiv_rn(" + cuda_of(e, n.left) + ", " + cuda_of(e, n.right) + ")";
  }
  return "";
}

}  // namespace

assignment parse_assignment(std::string_view text) { return parser(text).whole_assignment(); }

expression parse_expression(std::string_view text) { return parser(text).whole_expression(); }

std::string to_cuda(const expression& e) { return cuda_of(e, e.root); }

}  // namespace gpulab::dataframe
