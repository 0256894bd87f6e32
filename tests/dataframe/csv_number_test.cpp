// SPDX-License-Identifier: MIT
// The __host__ __device__ number parsing (the GPU reader's) against std::from_chars
// (the CPU reader's), on the host: status and bits must agree for every input.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <system_error>

#include "csv_test_inputs.hpp"
#include "gpulab/dataframe/csv_detail.hpp"
#include "gpulab/dataframe/csv_number.hpp"
#include "gpulab/dataframe/csv_syntax.hpp"

namespace {

using namespace gpulab::dataframe;

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// from_chars' verdict on the whole text: ok, invalid (not all of it read), out of range.
number_status reference_status(const std::string& t, double& value) {
  const auto r = std::from_chars(t.data(), t.data() + t.size(), value);
  if (r.ptr != t.data() + t.size() || r.ec == std::errc::invalid_argument) return number_status::invalid;
  return r.ec == std::errc::result_out_of_range ? number_status::out_of_range : number_status::ok;
}

// "" when parse_double agrees with from_chars on `t`, else what differs.
std::string disagreement(const std::string& t) {
  static simple_decimal scratch;
  double expected = 0, got = 0;
  const number_status want = reference_status(t, expected);
  const number_status have = parse_double(t.data(), t.data() + t.size(), powers_of_ten_128().data(), scratch, got);
  if (want != have) {
    return "'" + t + "': status " + std::to_string(static_cast<int>(have)) + ", from_chars says " +
           std::to_string(static_cast<int>(want));
  }
  if (want == number_status::ok && bits(expected) != bits(got)) {
    return "'" + t + "': bits " + std::to_string(bits(got)) + ", from_chars gives " + std::to_string(bits(expected));
  }
  return "";
}

TEST(dataframe_csv_number, PowersOfTenMatchGosPublishedTable) {
  const auto& p = powers_of_ten_128();
  ASSERT_EQ(p.size(), 2u * power_of_ten_count);
  const auto entry = [&](int q, std::uint64_t high, std::uint64_t low) {
    const auto i = 2 * static_cast<std::size_t>(q - power_of_ten_min_exponent);
    EXPECT_EQ(p[i + 1], high) << "10^" << q;
    EXPECT_EQ(p[i], low) << "10^" << q;
  };
  entry(-348, 0xFA8FD5A0081C0288, 0x1732C869CD60E453);
  entry(-342, 0xEEF453D6923BD65A, 0x113FAA2906A13B3F);
  entry(0, 0x8000000000000000, 0);
  entry(1, 0xA000000000000000, 0);
  entry(43, 0xE596B7B0C643C719, 0x6D9CCD05D0000000);
  entry(308, 0x8E679C2F5E44FF8F, 0x570F09EAA7EA7648);
  entry(347, 0xD13EB46469447567, 0x4B7195F2D2D1A9FB);
}

TEST(dataframe_csv_number, EdgeCasesAgreeWithFromChars) {
  const char* cases[] = {
      "0", "-0", "0.0", "-0.0", "1", "-1", "1.", ".5", "-.5", "5e-1", "1e5", "1E+05", "1e-05", "0e999999999",
      "1e-400", "-1e-400", "1e400", "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2e-324",
      "1e-310", "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308",
      "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993", "9007199254740992.5",
      "1.00000000000000011102230246251565404236316680908203125",
      "1.00000000000000011102230246251565404236316680908203124",
      "1.00000000000000011102230246251565404236316680908203126", "123456789012345678901234567890",
      "0.000000000000000000000000000000000000001e-300", "1e-99999999999999999999", "nan", "NaN", "-nan", "nan()",
      "nan(abc_09)", "nan(", "nan(a b)", "nan(a))", "inf", "-inf", "INFINITY", "-Infinity", "infin", "infinityx",
      "", "-", "+1", " 1", "1 ", ".", "..5", "1..5", "1e", "1e+", "1e-", "e5", ".e5", "1.e5", "0x10", "1_000",
      "--1", "1.5e3.2", "١",
  };
  for (const char* c : cases) EXPECT_EQ(disagreement(c), "") << c;
}

TEST(dataframe_csv_number, RandomDoublesAtEveryPrecisionAgree) {
  std::mt19937_64 rng(2026);
  char text[64];
  for (int i = 0; i < 400000; ++i) {
    const double x = i % 4 == 0 ? std::uniform_real_distribution<double>(0.0, 1.0)(rng) : csv_test::random_bits_double(rng);
    const int precision = 1 + i % 17;
    const auto end = std::to_chars(text, text + sizeof text, x, std::chars_format::general, precision).ptr;
    const std::string t(text, end);
    ASSERT_EQ(disagreement(t), "");
    if (precision == 17) {  // 17 digits: the exact bits come back
      double back = 0;
      static simple_decimal scratch;
      ASSERT_EQ(parse_double(text, end, powers_of_ten_128().data(), scratch, back), number_status::ok);
      ASSERT_EQ(bits(back), bits(x)) << t;
    }
  }
}

TEST(dataframe_csv_number, HalfwayPointsAndTheirNeighboursAgree) {
  // The exact midpoint between two adjacent doubles (up to 767 digits), and
  // just above, just below and cut short: where correct rounding is hard.
  std::mt19937_64 rng(7);
  char text[1200];
  for (int i = 0; i < 4000; ++i) {
    double x = std::abs(csv_test::random_bits_double(rng));
    if (i % 3 == 0) x = std::ldexp(static_cast<double>(rng() % (std::uint64_t{1} << 52)), -1074);  // subnormal
    const double y = std::nextafter(x, HUGE_VAL);
    if (!std::isfinite(y)) continue;
    const long double middle = (static_cast<long double>(x) + y) / 2;  // exact: 54 bits fit in 64
    const int n = std::snprintf(text, sizeof text, "%.800Le", middle);
    const std::string all(text, static_cast<std::size_t>(n));
    const std::size_t e = all.find('e');
    std::string digits = all.substr(0, e);
    const std::string exponent = all.substr(e);
    while (digits.back() == '0') digits.pop_back();
    ASSERT_EQ(disagreement(digits + exponent), "");
    ASSERT_EQ(disagreement(digits + "000000001" + exponent), "");
    ASSERT_EQ(disagreement(digits.substr(0, 18 + rng() % 40) + exponent), "");
    std::string below = digits;  // the last digit one lower
    std::size_t k = below.size() - 1;
    while (below[k] == '0' || below[k] == '.') {
      if (below[k] == '0') below[k] = '9';
      --k;
    }
    --below[k];
    ASSERT_EQ(disagreement(below + exponent), "");
  }
}

TEST(dataframe_csv_number, GeneratedFieldsAgree) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200000; ++i) ASSERT_EQ(disagreement(csv_test::float_text(rng)), "");
}

TEST(dataframe_csv_number, Int64AgreesWithFromChars) {
  const char* cases[] = {"0",  "-0",  "7",  "007", "-1", "9223372036854775807", "9223372036854775808",
                         "-9223372036854775808", "-9223372036854775809", "99999999999999999999",
                         "99999999999999999999x", "", "-", "+1", "1.0", "1e3", " 1", "0x1"};
  std::mt19937_64 rng(3);
  std::vector<std::string> all(std::begin(cases), std::end(cases));
  for (int i = 0; i < 100000; ++i) all.push_back(csv_test::integer_text(rng));
  for (const std::string& t : all) {
    std::int64_t expected = 0, got = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), expected);
    const number_status want = r.ptr != t.data() + t.size() || r.ec == std::errc::invalid_argument
                                   ? number_status::invalid
                               : r.ec == std::errc::result_out_of_range ? number_status::out_of_range
                                                                         : number_status::ok;
    ASSERT_EQ(parse_int64(t.data(), t.data() + t.size(), got), want) << t;
    if (want == number_status::ok) {
      ASSERT_EQ(got, expected) << t;
    }
  }
}

TEST(dataframe_csv_number, ClassificationAgreesWithTheReference) {
  std::mt19937_64 rng(5);
  const char* words[] = {"", "1", "-0", "1.5", "1e3", "99999999999999999999", "abc", "1e999", "nan", "-",
                         "9223372036854775808", "1.0", "inf"};
  for (const column_kind kind : {column_kind::inferred, column_kind::float64, column_kind::int64}) {
    for (const char* w : words) {
      const std::string t = w;
      const classified_field device = classify_field(t.data(), t.data() + t.size(), kind);
      const classified_field reference = detail::classify_field_reference(t.data(), t.data() + t.size(), kind);
      // The GPU's first pass leaves the float64 range to its second pass.
      if (reference.problem == csv_problem::out_of_range && kind != column_kind::int64) {
        EXPECT_EQ(device.problem, csv_problem::none) << t;
        EXPECT_EQ(device.flags, reference.flags) << t;
        continue;
      }
      EXPECT_EQ(device.problem, reference.problem) << t << " kind " << static_cast<int>(kind);
      EXPECT_EQ(device.flags, reference.flags) << t << " kind " << static_cast<int>(kind);
    }
  }
}

// A UTF-8 decoder going forwards, stopping at the first byte it cannot take.
std::size_t first_bad_byte_forwards(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0) return i;
    if (b < 0x80) {
      ++i;
      continue;
    }
    int length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) length = 2;
    else if (b >= 0xE0 && b <= 0xEF) length = 3;
    else if (b >= 0xF0 && b <= 0xF4) length = 4;
    else return i;
    if (b == 0xE0) low = 0xA0;
    if (b == 0xED) high = 0x9F;
    if (b == 0xF0) low = 0x90;
    if (b == 0xF4) high = 0x8F;
    if (i + static_cast<std::size_t>(length) > s.size()) return i;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < low || second > high) return i;
    for (int k = 2; k < length; ++k) {
      if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) return i;
    }
    i += static_cast<std::size_t>(length);
  }
  return s.size();
}

TEST(dataframe_csv_number, ByteChecksFindWhereADecoderStops) {
  std::mt19937_64 rng(13);
  const char* pieces[] = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\xA9", "\xE0\x80\x80",
                          "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\xAF", "\xFF", "", "\xF0\x9F"};  // "" stands for a NUL byte
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    const int parts = 1 + static_cast<int>(rng() % 8);
    for (int p = 0; p < parts; ++p) {
      const std::size_t k = rng() % 13;
      s += k == 11 ? std::string(1, '\0') : std::string(pieces[k]);
    }
    std::size_t first = s.size();
    const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
    for (std::size_t j = 0; j < s.size(); ++j) {
      if (byte_problem(bytes, s.size(), j) != csv_problem::none) {
        first = j;
        break;
      }
    }
    ASSERT_EQ(first, first_bad_byte_forwards(s)) << "case " << i;
  }
}

}  // namespace
