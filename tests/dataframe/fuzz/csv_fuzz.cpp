// SPDX-License-Identifier: MIT
// libFuzzer target for the CSV parsing (opt-in: -DGPULAB_FUZZ=ON with clang++, see
// tests/dataframe/csv.cmake). Each input is used three ways:
//
//   1. as number fields: the whole input and each of its ','/'\n'-separated pieces go
//      through the GPU reader's __host__ __device__ number parsing (scan, Eisel-Lemire,
//      the exact path; int64; the first pass's classification) and through
//      std::from_chars: status and bits must agree
//   2. as a CSV file for the CPU reader, with options taken from its first byte:
//      parsed with 1..13-byte slices (parallel task boundaries everywhere) and with
//      one slice, the result or the one-line message must be the same
//   3. when it parses, written back with write_csv and read again: the same bits
//
// A disagreement aborts (a crash for libFuzzer); an io_error or usage_error is the
// reader doing its job; any other exception escapes and is a crash too.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_detail.hpp"
#include "gpulab/dataframe/csv_number.hpp"
#include "gpulab/dataframe/csv_syntax.hpp"

namespace {

using namespace gpulab::dataframe;

[[noreturn]] void disagree(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "DISAGREEMENT: %s\ninput (%zu bytes): ", what.c_str(), input.size());
  for (const char c : input) std::fprintf(stderr, "\\x%02x", static_cast<unsigned char>(c));
  std::fprintf(stderr, "\n");
  std::abort();
}

void check_number(std::string_view t) {
  const char* b = t.data();
  const char* e = t.data() + t.size();
  // float64
  double expected = 0, got = 0;
  const auto r = std::from_chars(b, e, expected);
  const number_status want = r.ptr != e || r.ec == std::errc::invalid_argument ? number_status::invalid
                             : r.ec == std::errc::result_out_of_range          ? number_status::out_of_range
                                                                               : number_status::ok;
  static simple_decimal scratch;
  const number_status have = parse_double(b, e, powers_of_ten_128().data(), scratch, got);
  if (have != want) disagree("parse_double status " + std::to_string(static_cast<int>(have)), t);
  if (want == number_status::ok && std::memcmp(&expected, &got, sizeof got) != 0) disagree("parse_double bits", t);
  // int64
  std::int64_t expected_integer = 0, got_integer = 0;
  const auto ri = std::from_chars(b, e, expected_integer);
  const number_status want_integer = ri.ptr != e || ri.ec == std::errc::invalid_argument ? number_status::invalid
                                     : ri.ec == std::errc::result_out_of_range          ? number_status::out_of_range
                                                                                        : number_status::ok;
  if (parse_int64(b, e, got_integer) != want_integer) disagree("parse_int64 status", t);
  if (want_integer == number_status::ok && got_integer != expected_integer) disagree("parse_int64 value", t);
  // The GPU's first pass against the reference (which also sees the float64 range).
  for (const column_kind kind : {column_kind::inferred, column_kind::float64, column_kind::int64}) {
    const classified_field device = classify_field(b, e, kind);
    const classified_field reference = detail::classify_field_reference(b, e, kind);
    const bool range_later = reference.problem == csv_problem::out_of_range && kind != column_kind::int64;
    if (device.flags != reference.flags || device.problem != (range_later ? csv_problem::none : reference.problem)) {
      disagree("classify_field, kind " + std::to_string(static_cast<int>(kind)), t);
    }
  }
}

// The result of a parse, or its message.
struct outcome {
  csv_columns columns;
  std::string message;
};

outcome parse(std::string_view text, const csv_options& options, std::uint64_t slice) {
  outcome o;
  try {
    detail::parse_csv_cpu(detail::memory_source(text, "<fuzz>"), options, slice, o.columns);
  } catch (const gpulab::io_error& e) {
    o.message = e.what();
  } catch (const gpulab::usage_error& e) {
    o.message = e.what();
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // 1. Numbers.
  check_number(input);
  int pieces = 0;
  for (std::size_t begin = 0; begin <= input.size() && pieces < 64; ++pieces) {
    std::size_t end = input.find_first_of(",\n", begin);
    if (end == std::string_view::npos) end = input.size();
    check_number(input.substr(begin, end - begin));
    begin = end + 1;
  }

  // 2. The CPU reader, whole and in slices. Options from the first byte.
  csv_options options;
  const unsigned char first = size > 0 ? data[0] : 0;
  const char delimiters[] = {',', ';', '\t', '|'};
  options.delimiter = delimiters[first % 4];
  if (first & 4) options.dtypes["a"] = csv_dtype::int64;
  if (first & 8) options.dtypes["b"] = csv_dtype::float64;
  const outcome whole = parse(input, options, std::uint64_t{1} << 20);
  const outcome sliced = parse(input, options, 1 + first % 13);
  if (whole.message != sliced.message) disagree("slices: '" + whole.message + "' vs '" + sliced.message + "'", input);
  if (!whole.message.empty()) return 0;
  const std::string difference = first_difference(whole.columns, sliced.columns);
  if (!difference.empty()) disagree("slices: " + difference, input);

  // 3. Write, read again: the same bits (declaring every column's type keeps an
  //    int64 column whose values are all missing an int64 column).
  csv_options again = options;
  again.dtypes.clear();
  for (const csv_host_column& c : whole.columns.columns) again.dtypes[c.name] = c.dtype;
  const std::string written = write_csv_text(whole.columns, {options.delimiter});
  const outcome back = parse(written, again, std::uint64_t{1} << 20);
  if (!back.message.empty()) disagree("round trip: " + back.message, input);
  const std::string changed = first_difference(whole.columns, back.columns);
  if (!changed.empty()) disagree("round trip: " + changed, input);
  return 0;
}
