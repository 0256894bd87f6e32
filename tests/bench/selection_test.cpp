// SPDX-License-Identifier: MIT
// What a module command runs: the named demos and cases, or all of them; with --input FILE,
// a demo that does not read the file is left out of a run of all and refused when named.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/core/error.hpp"

namespace {

using gpulab::run_item;
using gpulab::run_options;
using gpulab::training_module;

training_module two_demos_two_cases() {
  training_module m;
  m.name = "toy";
  for (const char* name : {"own_data", "reads_file"}) {
    gpulab::demo_entry d;
    d.name = name;
    d.reads_input = d.name == "reads_file";
    m.demos.push_back(d);
  }
  for (const char* name : {"case_a", "case_b"}) {
    gpulab::case_entry c;
    c.name = name;
    m.cases.push_back(c);
  }
  return m;
}

std::vector<std::string> names(const std::vector<run_item>& items) {
  std::vector<std::string> out;
  for (const run_item& i : items) out.push_back(i.name);
  return out;
}

run_options with_input(std::vector<std::string> selected) {
  run_options o;
  o.selected = std::move(selected);
  o.parameters["input"] = "data.csv";
  return o;
}

TEST(Selection, ARunOfAllTakesEveryDemoThenEveryCase) {
  const training_module m = two_demos_two_cases();
  run_options o;
  o.size = 1000;
  const std::vector<run_item> items = gpulab::selected_items(m, o);
  EXPECT_EQ(names(items), (std::vector<std::string>{"own_data", "reads_file", "case_a", "case_b"}));
  for (const run_item& i : items) EXPECT_EQ(i.size, o.size) << i.name;
}

TEST(Selection, NamedItemsKeepTheModulesOrder) {
  const training_module m = two_demos_two_cases();
  run_options o;
  o.selected = {"case_b", "own_data"};
  EXPECT_EQ(names(gpulab::selected_items(m, o)), (std::vector<std::string>{"own_data", "case_b"}));
}

TEST(Selection, WithInputADemoOnItsOwnDataIsLeftOutOfARunOfAll) {
  const training_module m = two_demos_two_cases();
  EXPECT_EQ(names(gpulab::selected_items(m, with_input({}))),
            (std::vector<std::string>{"reads_file", "case_a", "case_b"}));
  EXPECT_NO_THROW(gpulab::validate_selection(m, with_input({})));
}

TEST(Selection, WithInputADemoOnItsOwnDataIsRefusedWhenNamed) {
  const training_module m = two_demos_two_cases();
  try {
    gpulab::validate_selection(m, with_input({"case_a", "own_data"}));
    FAIL() << "own_data ran under --input";
  } catch (const gpulab::usage_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "own_data is a demo on data of its own: --input applies to the cases (run the demo without it)");
  }
  EXPECT_NO_THROW(gpulab::validate_selection(m, with_input({"reads_file", "case_a"})));
  run_options without;
  without.selected = {"own_data"};
  EXPECT_NO_THROW(gpulab::validate_selection(m, without));
  EXPECT_THROW(gpulab::validate_selection(m, with_input({"nope"})), gpulab::usage_error);  // unknown, as before
}

}  // namespace
