// SPDX-License-Identifier: MIT
// The modules' typed options: one parser, behind both the command line's
// validators and the modules' accessors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/core/error.hpp"

namespace {

using gpulab::module_option;
using gpulab::option_kind;

gpulab::run_options given(const std::string& name, const std::string& value) {
  gpulab::run_options o;
  o.parameters[name] = value;
  return o;
}

const module_option iterations{.name = "iterations", .description = "", .kind = option_kind::integer,
                               .default_value = "255", .min = 1, .max = 255};
const module_option sigma{.name = "sigma", .description = "", .kind = option_kind::real, .default_value = "1",
                          .min = 0, .min_exclusive = true};
const module_option lambda{.name = "lambda", .description = "", .kind = option_kind::real, .default_value = "10",
                           .min = 0, .max = 1e9, .min_exclusive = true};
const module_option c{.name = "c", .description = "", .kind = option_kind::real_pair, .default_value = "0.4,0.6"};
const module_option set{.name = "set", .description = "", .kind = option_kind::choice, .default_value = "julia",
                        .choices = {"julia", "mandelbrot"}};
const module_option generator{.name = "generator", .description = "", .kind = option_kind::choice_list,
                              .default_value = "all", .choices = {"xorwow", "philox", "sobol32"}};
const module_option image{.name = "image", .description = "", .kind = option_kind::text};

TEST(ModuleOption, DefaultsAndGivenValuesAreTyped) {
  const gpulab::run_options none;
  EXPECT_EQ(iterations.integer(none), 255);
  EXPECT_EQ(iterations.integer(given("iterations", "1")), 1);
  EXPECT_EQ(sigma.real(none), 1.0);
  EXPECT_EQ(sigma.real(given("sigma", "2.5e-3")), 2.5e-3);
  EXPECT_EQ(lambda.real(given("lambda", "1e9")), 1e9);  // the closed end
  EXPECT_EQ(c.real_pair(none), std::make_pair(0.4, 0.6));
  EXPECT_EQ(c.real_pair(given("c", "-0.8,0.156")), std::make_pair(-0.8, 0.156));
  EXPECT_EQ(set.text(given("set", "mandelbrot")), "mandelbrot");
  EXPECT_EQ(generator.list(none), (std::vector<std::string>{"xorwow", "philox", "sobol32"}));
  EXPECT_EQ(generator.list(given("generator", "sobol32,xorwow")), (std::vector<std::string>{"sobol32", "xorwow"}));
  EXPECT_EQ(image.text(none), "");  // a text option without default is off
  EXPECT_EQ(image.text(given("image", "j.png")), "j.png");
}

TEST(ModuleOption, BadValuesAreRefusedWithTheOptionsName) {
  const std::vector<std::pair<const module_option*, std::vector<std::string>>> bad = {
      {&iterations, {"", "0", "256", "-1", "ten", "12x", "1.0", "0x10", " 5", "99999999999999999999"}},
      {&sigma, {"", "0", "-1", "nan", "inf", "wide", "1,2"}},
      {&lambda, {"0", "1.000001e9", "-2.5", "NaN"}},
      {&c, {"", "0.4", "0.4,", ",0.6", "nan,0.6", "0.4,inf", "0.4,0.6i", "0.4,0.6,0.8"}},
      {&set, {"", "cantor", "Julia", "julia,mandelbrot"}},
      {&generator, {"", "ranlux", "philox,", ",philox", "philox,,xorwow", "all,philox"}},
      {&image, {""}},
  };
  for (const auto& [option, values] : bad) {
    for (const std::string& value : values) {
      EXPECT_NE(option->problem(value), "") << option->name << " accepted '" << value << "'";
      try {
        (void)option->text(given(option->name, value));
        ADD_FAILURE() << option->name << " read '" << value << "'";
      } catch (const gpulab::usage_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("--" + option->name + ": ", 0), 0u) << e.what();
      }
    }
  }
}

TEST(ModuleOption, MessagesAndHelpSayWhatIsExpected) {
  EXPECT_EQ(iterations.problem("0"), "must be a whole number in 1..255 (got '0')");
  EXPECT_EQ(sigma.problem("0"), "must be a finite number > 0 (got '0')");
  EXPECT_EQ(lambda.problem("0"), "must be a number in (0, 1e9] (got '0')");
  EXPECT_EQ(set.problem("cantor"), "must be one of: julia, mandelbrot (got 'cantor')");
  EXPECT_EQ(generator.problem("ranlux"),
            "'ranlux' is not known; give all, or a comma-separated list of: xorwow, philox, sobol32 (got 'ranlux')");
  EXPECT_EQ(set.problem(""), "an empty value is not allowed (leave the option out for its default, julia)");
  EXPECT_EQ(iterations.type_name(), "INT in 1..255");
  EXPECT_EQ(sigma.type_name(), "NUMBER > 0");
  EXPECT_EQ(lambda.type_name(), "NUMBER in (0, 1e9]");
  EXPECT_EQ(c.type_name(), "RE,IM");
  EXPECT_EQ(set.type_name(), "julia|mandelbrot");
  EXPECT_EQ(generator.type_name(), "all|NAME[,NAME...]");
}

}  // namespace
