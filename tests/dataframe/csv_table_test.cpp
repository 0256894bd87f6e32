// SPDX-License-Identifier: MIT
// read_csv and write_csv for tables (csv_table.hpp) on the CPU backend: a table written and
// read back is the same table bit for bit (float32 and int32 come back widened, exactly),
// missing values stay missing, declared types are kept, and what cannot be written or read
// is one clear error. (The GPU backend's read is compared with this one in csv_gpu_test.cpp.)
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "common/temporary_file.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv_table.hpp"

namespace {

using namespace gpulab::dataframe;
const cuda::stream_ref no_stream{cudaStream_t{}};

using temporary_path = gpulab::testing::temporary_file;  // created by the test itself

std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  for (const double x : v) out.push_back(std::bit_cast<std::uint64_t>(x));
  return out;
}

TEST(dataframe_csv_table, WriteThenReadGivesTheSameTableBitForBit) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> price = {0.1, -2.5e300, 7.0, 1.0 / 3.0, 5e-324, -inf, 123456789.125};
  const std::vector<std::int64_t> qty = {1, std::numeric_limits<std::int64_t>::min(), 0, 42, -7, 3, 9};
  const std::vector<float> ratio = {0.1f, 1e-45f, -3.5f, 16777217.0f, 0.0f, 2.0f, 1e38f};
  const std::vector<std::int32_t> small = {-1, 2, std::numeric_limits<std::int32_t>::max(), 0, 5, 6, -8};
  const std::vector<std::uint32_t> price_valid = {0b1111011u}, qty_valid = {0b1011111u};  // row 2, row 5 missing
  table t(backend::cpu, no_stream);
  t.add("price", column::from_host<double>(price, backend::cpu, no_stream, price_valid));
  t.add("qty", column::from_host<std::int64_t>(qty, backend::cpu, no_stream, qty_valid));
  t.add("ratio", column::from_host<float>(ratio, backend::cpu, no_stream));
  t.add("small", column::from_host<std::int32_t>(small, backend::cpu, no_stream));
  const temporary_path file("round_trip");
  write_csv(file.path, t);
  const table back = read_csv(file.path, {}, backend::cpu, no_stream);

  EXPECT_EQ(back.names(), t.names());
  ASSERT_EQ(back.rows(), 7);
  ASSERT_EQ(back["price"].type(), dtype::float64);
  std::vector<double> want_price = price;
  want_price[2] = back["price"].to_host<double>()[2];  // a missing value's bits are the reader's
  EXPECT_EQ(bits(back["price"].to_host<double>()), bits(want_price));
  EXPECT_EQ(back["price"].validity_to_host(), price_valid);
  ASSERT_EQ(back["qty"].type(), dtype::int64);
  std::vector<std::int64_t> got_qty = back["qty"].to_host<std::int64_t>(), want_qty = qty;
  want_qty[5] = got_qty[5];
  EXPECT_EQ(got_qty, want_qty);
  EXPECT_EQ(back["qty"].validity_to_host(), qty_valid);
  ASSERT_EQ(back["ratio"].type(), dtype::float64);  // widened: every float is a double
  EXPECT_EQ(bits(back["ratio"].to_host<double>()), bits(std::vector<double>(ratio.begin(), ratio.end())));
  EXPECT_EQ(back["ratio"].validity_to_host(), std::vector<std::uint32_t>{0b1111111u});  // every row present
  ASSERT_EQ(back["small"].type(), dtype::int64);
  EXPECT_EQ(back["small"].to_host<std::int64_t>(), std::vector<std::int64_t>(small.begin(), small.end()));
}

TEST(dataframe_csv_table, DeclaredTypesAreKeptAndReadErrorsPassThrough) {
  const temporary_path file("typed"), bad("malformed");
  std::ofstream(file.path) << "a,b\n1,2\n3,\n";
  std::ofstream(bad.path) << "a,b\n1,2\n3,x\n";
  csv_options options;
  options.dtypes["a"] = csv_dtype::float64;
  const table t = read_csv(file.path, options, backend::cpu, no_stream);
  EXPECT_EQ(t["a"].type(), dtype::float64);
  EXPECT_EQ(t["a"].to_host<double>(), (std::vector<double>{1, 3}));
  EXPECT_EQ(t["b"].type(), dtype::int64);
  EXPECT_EQ(t["b"].validity_to_host(), std::vector<std::uint32_t>{0b01u});
  try {
    (void)read_csv(bad.path, {}, backend::cpu, no_stream);
    ADD_FAILURE() << "a malformed file was read";
  } catch (const gpulab::io_error& e) {
    EXPECT_NE(std::string(e.what()).find(":3:3: expected a number in column 'b'"), std::string::npos) << e.what();
  }
  options.dtypes["nosuch"] = csv_dtype::int64;
  EXPECT_THROW((void)read_csv(file.path, options, backend::cpu, no_stream), gpulab::usage_error);
}

TEST(dataframe_csv_table, WhatCannotBeWrittenIsOneClearError) {
  const temporary_path file("refused");
  table labels(backend::cpu, no_stream);
  labels.add("label", column::categorical(std::vector<std::int32_t>{0, 1}, {"c1", "c2"}, backend::cpu, no_stream));
  try {
    write_csv(file.path, labels);
    ADD_FAILURE() << "a categorical column was written";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("column 'label' is categorical"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_csv(file.path, table(backend::cpu, no_stream)), gpulab::usage_error);
  table numbers(backend::cpu, no_stream);
  numbers.add("x", column::from_host<double>(std::vector<double>{1.5}, backend::cpu, no_stream));
  EXPECT_THROW(write_csv(std::filesystem::temp_directory_path() / "no_such_folder" / "x.csv", numbers),
               gpulab::io_error);
  EXPECT_FALSE(std::filesystem::exists(file.path)) << "nothing is written when the table is refused";
}

}  // namespace
