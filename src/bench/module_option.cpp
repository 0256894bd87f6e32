// SPDX-License-Identifier: MIT
// The one parser of the modules' own options (see module_option in runner.hpp):
// the command line runs problem() while parsing, the modules call the accessors.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "gpulab/bench/runner.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab {

namespace {

// 255 -> "255", 1e9 -> "1e9", 0.5 -> "0.5".
std::string number_text(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == std::floor(v) && std::abs(v) < 1e7) return std::to_string(static_cast<long long>(v));
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  std::string s = text;
  for (const char* from : {"e+0", "e+", "e-0"}) {  // "1e+09" -> "1e9"
    if (const auto at = s.find(from); at != std::string::npos) {
      s.replace(at, std::string_view(from).size(), from[1] == '-' ? "e-" : "e");
      break;
    }
  }
  return s;
}

// The whole text as one number in base 10, or nothing ("12x", "", "0x10" fail).
template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_finite(std::string_view text) {
  const std::optional<double> v = parse_number<double>(text);
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return v;
}

std::string joined(const std::vector<std::string>& names, const char* separator) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : separator) + n;
  return out;
}

bool is_choice(const module_option& o, std::string_view value) {
  for (const std::string& c : o.choices) {
    if (c == value) return true;
  }
  return false;
}

// "a whole number in 1..255", "a finite number > 0", "a number in (0, 1e9]".
std::string expected(const module_option& o) {
  const bool low = std::isfinite(o.min), high = std::isfinite(o.max);
  switch (o.kind) {
    case option_kind::integer:
      if (low && high) return "a whole number in " + number_text(o.min) + ".." + number_text(o.max);
      if (low) return "a whole number >= " + number_text(o.min);
      if (high) return "a whole number <= " + number_text(o.max);
      return "a whole number";
    case option_kind::real:
      if (low && high) {
        return std::string("a number in ") + (o.min_exclusive ? "(" : "[") + number_text(o.min) + ", " +
               number_text(o.max) + "]";
      }
      if (low) return std::string("a finite number ") + (o.min_exclusive ? "> " : ">= ") + number_text(o.min);
      if (high) return "a finite number <= " + number_text(o.max);
      return "a finite number";
    case option_kind::real_pair: return "RE,IM: two finite numbers such as 0.4,0.6";
    case option_kind::choice: return "one of: " + joined(o.choices, ", ");
    case option_kind::choice_list: return "all, or a comma-separated list of: " + joined(o.choices, ", ");
    case option_kind::text: return "some text";
  }
  return "a value";
}

bool in_range(const module_option& o, double v) {
  return (o.min_exclusive ? v > o.min : v >= o.min) && v <= o.max;
}

}  // namespace

std::string module_option::problem(std::string_view value) const {
  if (value.empty()) {
    return "an empty value is not allowed" +
           (default_value.empty() ? std::string() : " (leave the option out for its default, " + default_value + ")");
  }
  const std::string got = " (got '" + std::string(value) + "')";
  switch (kind) {
    case option_kind::integer: {
      const std::optional<std::int64_t> v = parse_number<std::int64_t>(value);
      if (!v || !in_range(*this, static_cast<double>(*v))) return "must be " + expected(*this) + got;
      return {};
    }
    case option_kind::real: {
      const std::optional<double> v = parse_finite(value);
      if (!v || !in_range(*this, *v)) return "must be " + expected(*this) + got;
      return {};
    }
    case option_kind::real_pair: {
      const std::size_t comma = value.find(',');
      if (comma == std::string_view::npos || !parse_finite(value.substr(0, comma)) ||
          !parse_finite(value.substr(comma + 1))) {
        return "must be " + expected(*this) + got;
      }
      return {};
    }
    case option_kind::choice:
      if (!is_choice(*this, value)) return "must be " + expected(*this) + got;
      return {};
    case option_kind::choice_list: {
      if (value == "all") return {};
      std::size_t start = 0;
      while (true) {  // one pass over the items
        const std::size_t comma = value.find(',', start);
        const std::string_view item = value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
        if (!is_choice(*this, item)) {
          const std::string what =
              item.empty() ? std::string("an empty name in the list") : "'" + std::string(item) + "' is not known";
          return what + "; give " + expected(*this) + got;
        }
        if (comma == std::string_view::npos) return {};
        start = comma + 1;
      }
    }
    case option_kind::text: return {};
  }
  return {};
}

void module_option::check(std::string_view value) const {
  if (const std::string why = problem(value); !why.empty()) throw usage_error("--" + name + ": " + why);
}

std::string module_option::type_name() const {
  if (!placeholder.empty()) return placeholder;
  const bool low = std::isfinite(min), high = std::isfinite(max);
  switch (kind) {
    case option_kind::integer:
      return "INT" + (low && high ? " in " + number_text(min) + ".." + number_text(max) : std::string());
    case option_kind::real:
      if (low && high) {
        return std::string("NUMBER in ") + (min_exclusive ? "(" : "[") + number_text(min) + ", " + number_text(max) +
               "]";
      }
      if (low) return std::string("NUMBER ") + (min_exclusive ? "> " : ">= ") + number_text(min);
      return "NUMBER";
    case option_kind::real_pair: return "RE,IM";
    case option_kind::choice: return joined(choices, "|");
    case option_kind::choice_list: return "all|NAME[,NAME...]";
    case option_kind::text: return "TEXT";
  }
  return "VALUE";
}

std::string module_option::text(const run_options& options) const {
  const auto it = options.parameters.find(name);
  if (it == options.parameters.end()) {
    if (kind != option_kind::text || !default_value.empty()) check(default_value);  // a declaration's own mistake
    return default_value;
  }
  check(it->second);
  return it->second;
}

std::int64_t module_option::integer(const run_options& options) const {
  return *parse_number<std::int64_t>(text(options));
}

double module_option::real(const run_options& options) const { return *parse_number<double>(text(options)); }

std::pair<double, double> module_option::real_pair(const run_options& options) const {
  const std::string value = text(options);
  const std::size_t comma = value.find(',');
  return {*parse_number<double>(std::string_view(value).substr(0, comma)),
          *parse_number<double>(std::string_view(value).substr(comma + 1))};
}

std::vector<std::string> module_option::list(const run_options& options) const {
  const std::string value = text(options);
  if (value == "all") return choices;
  std::vector<std::string> items;
  std::size_t start = 0;
  for (std::size_t comma = value.find(','); comma != std::string::npos; comma = value.find(',', start)) {
    items.push_back(value.substr(start, comma - start));
    start = comma + 1;
  }
  items.push_back(value.substr(start));
  return items;
}

}  // namespace gpulab
