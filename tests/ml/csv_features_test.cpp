// SPDX-License-Identifier: MIT
// Features from a CSV file (module 6's reader) without a GPU: the values, and one
// clear error for each bad input.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/ml/cases.hpp"
#include "gpulab/ml/csv_features.hpp"
#include "common/usage_error_message.hpp"

namespace {

namespace fs = std::filesystem;

// A CSV file in the test's temporary folder, removed at the end.
class csv_file {
 public:
  csv_file(const std::string& name, const std::string& text)
      : path_(fs::temp_directory_path() / ("gpulab_ml_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                           "_" + name)) {
    std::ofstream(path_) << text;
  }
  ~csv_file() { std::error_code ignored; fs::remove(path_, ignored); }
  csv_file(const csv_file&) = delete;
  csv_file& operator=(const csv_file&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(ml_csv_features, ChosenColumnsInTheirOrderAsFloat32) {
  const csv_file f("good.csv", "id,a,b,c\n1,0.5,10,-2.25\n2,1.5,20,3\n3,2.5,30,1e3\n");
  const auto x = gpulab::ml::load_features_host(f.path(), {"c", "a", "b"});
  EXPECT_EQ(x.rows, 3);
  EXPECT_EQ(x.cols, 3);
  EXPECT_EQ(x.values, (std::vector<float>{-2.25f, 0.5f, 10, 3, 1.5f, 20, 1000, 2.5f, 30}));
}

TEST(ml_csv_features, AnUnknownColumnNamesTheColumns) {
  const csv_file f("unknown.csv", "a,b\n1.5,2\n3.5,4\n");
  const std::string what = error_message<gpulab::usage_error>([&] { gpulab::ml::load_features_host(f.path(), {"a", "z"}); });
  EXPECT_NE(what.find("z"), std::string::npos) << what;
  EXPECT_NE(what.find("b"), std::string::npos) << what;
}

TEST(ml_csv_features, AMissingValueSaysWhere) {
  const csv_file f("missing.csv", "a,b\n1,2\n3,\n5,6\n");
  const std::string what = error_message<gpulab::numerical_error>([&] { gpulab::ml::load_features_host(f.path(), {"a", "b"}); });
  EXPECT_NE(what.find(":3: column 'b' has a missing value"), std::string::npos) << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << "one line";
  // The same column not chosen: no error.
  EXPECT_NO_THROW(gpulab::ml::load_features_host(f.path(), {"a"}));
}

TEST(ml_csv_features, NanOrInfInAChosenColumnIsRefused) {
  const csv_file f("nan.csv", "a,b\n1,2\n3,nan\n");
  const std::string what = error_message<gpulab::numerical_error>([&] { gpulab::ml::load_features_host(f.path(), {"b"}); });
  EXPECT_NE(what.find(":3: column 'b'"), std::string::npos) << what;
  const csv_file big("big.csv", "a\n1e300\n");  // finite in double, not in float32
  EXPECT_THROW(gpulab::ml::load_features_host(big.path(), {"a"}), gpulab::numerical_error);
}

TEST(ml_csv_features, ANonNumericColumnIsAFileErrorWithItsPlace) {
  const csv_file f("text.csv", "a,name\n1,2\n3,bob\n");
  const std::string what = error_message<gpulab::io_error>([&] { gpulab::ml::load_features_host(f.path(), {"a", "name"}); });
  EXPECT_NE(what.find(f.path().string() + ":3:"), std::string::npos) << what;
}

TEST(ml_csv_features, AnUnreadableFileIsAFileError) {
  EXPECT_THROW(gpulab::ml::load_features_host("/nonexistent/gpulab.csv", {"a"}), gpulab::io_error);
}

TEST(ml_csv_features, ColumnListsAreCheckedWhenParsed) {
  EXPECT_EQ(gpulab::ml::parse_column_list("a,b,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(gpulab::ml::parse_column_list("x"), (std::vector<std::string>{"x"}));
  EXPECT_THROW(gpulab::ml::parse_column_list(""), gpulab::usage_error);
  EXPECT_THROW(gpulab::ml::parse_column_list("a,,b"), gpulab::usage_error);
  EXPECT_THROW(gpulab::ml::parse_column_list("a,"), gpulab::usage_error);
  EXPECT_THROW(gpulab::ml::parse_column_list("a,b,a"), gpulab::usage_error);
}

// --input and --columns make one case per version from the file, read before any GPU work.
TEST(ml_csv_features, TheCasesReadTheFileWhenMade) {
  const csv_file f("cases.csv", "a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n");
  gpulab::run_options o;
  o.parameters["input"] = f.path().string();
  o.parameters["columns"] = "a,b";
  o.parameters["clusters"] = "2";
  const auto problems = gpulab::ml::kmeans_problems(o);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems.front().features, 2);
  EXPECT_EQ(problems.front().clusters, 2);
  const auto cases = gpulab::ml::kmeans_cases(gpulab::ml::kmeans_version::fused, o);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_DOUBLE_EQ(cases.front()->size_value(), 5.0);
  o.parameters["clusters"] = "6";  // k > rows
  EXPECT_THROW(gpulab::ml::kmeans_cases(gpulab::ml::kmeans_version::fused, o), gpulab::usage_error);
  o.parameters["clusters"] = "2";
  o.parameters["columns"] = "a,q";
  EXPECT_THROW(gpulab::ml::kmeans_cases(gpulab::ml::kmeans_version::naive, o), gpulab::usage_error);
}

// A dozen cases from one file parse it once; a file changed since is parsed anew (the same size
// with a later time included), and a file gone since is an error, never the old values. A file
// written just now is parsed every time: another write within the same timestamp tick would not show.
TEST(ml_csv_features, AFileIsParsedOnceUntilItChanges) {
  const csv_file f("parsed_once.csv", "a,b\n1.5,2\n3.5,4\n");
  EXPECT_NE(gpulab::ml::parsed_csv_file(f.path()).get(), gpulab::ml::parsed_csv_file(f.path()).get());
  const fs::file_time_type a_minute_ago = fs::file_time_type::clock::now() - std::chrono::minutes(1);
  fs::last_write_time(f.path(), a_minute_ago);
  const auto first = gpulab::ml::parsed_csv_file(f.path());
  EXPECT_EQ(gpulab::ml::parsed_csv_file(f.path()).get(), first.get());
  EXPECT_FLOAT_EQ(gpulab::ml::load_features_host(f.path(), {"a"}).values.at(1), 3.5f);

  std::ofstream(f.path()) << "a,b\n1.5,2\n5.5,4\n";  // the same size: only the time tells
  fs::last_write_time(f.path(), a_minute_ago + std::chrono::seconds(2));
  const auto second = gpulab::ml::parsed_csv_file(f.path());
  EXPECT_NE(second.get(), first.get());
  EXPECT_EQ(gpulab::ml::parsed_csv_file(f.path()).get(), second.get());
  EXPECT_EQ(first->column("a").float64.at(1), 3.5);  // a holder of the old parse keeps it
  EXPECT_FLOAT_EQ(gpulab::ml::load_features_host(f.path(), {"a"}).values.at(1), 5.5f);

  std::ofstream(f.path()) << "a,b\n1,2\n5,4\n7,8\n";
  EXPECT_EQ(gpulab::ml::load_features_host(f.path(), {"b"}).rows, 3);

  fs::remove(f.path());
  EXPECT_THROW(gpulab::ml::parsed_csv_file(f.path()), gpulab::io_error);
}

}  // namespace
