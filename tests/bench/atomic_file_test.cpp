// SPDX-License-Identifier: MIT
// Reports appear whole or not at all (--output FILE): a temporary beside the
// target, renamed over it once written; nothing is left behind on failure.
#include "gpulab/bench/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    // One folder per test: CTest runs the tests of this file in parallel processes.
    folder_ = fs::path(::testing::TempDir()) /
              ("gpulab_atomic_file_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  // Every file in the folder: only the expected ones, no temporary left over.
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path folder_;
};

TEST_F(AtomicFile, WritesNewFilesAndReplacesOldOnesWhole) {
  const fs::path report = folder_ / "report.csv";
  gpulab::write_file_atomically(report.string(), "a,b\n1,2\n");
  EXPECT_EQ(slurp(report), "a,b\n1,2\n");
  gpulab::write_file_atomically(report.string(), "new");
  EXPECT_EQ(slurp(report), "new");
  gpulab::write_file_atomically(report.string(), "");
  EXPECT_EQ(slurp(report), "");
  EXPECT_EQ(files(), std::vector<std::string>{"report.csv"});
}

TEST_F(AtomicFile, KeepsPermissionsAndFollowsLinks) {
  const fs::path report = folder_ / "report.json";
  gpulab::write_file_atomically(report.string(), "{}");
  fs::permissions(report, fs::perms::owner_read | fs::perms::owner_write);
  gpulab::write_file_atomically(report.string(), "{\"a\": 1}");
  EXPECT_EQ(fs::status(report).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const fs::path link = folder_ / "latest.json";
  fs::create_symlink(report, link);
  gpulab::write_file_atomically(link.string(), "[2]");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(slurp(report), "[2]");
  EXPECT_EQ(files(), (std::vector<std::string>{"latest.json", "report.json"}));
}

TEST_F(AtomicFile, FailuresSayWhyAndLeaveNothing) {
  EXPECT_THROW(gpulab::write_file_atomically((folder_ / "missing" / "r.csv").string(), "x"), gpulab::io_error);
  try {
    gpulab::write_file_atomically(folder_.string(), "x");
    ADD_FAILURE() << "wrote over a folder";
  } catch (const gpulab::io_error& e) {
    EXPECT_NE(std::string(e.what()).find("it is a folder"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(AtomicFile, TheEarlyCheckCreatesNothing) {
  const fs::path report = folder_ / "report.csv";
  EXPECT_NO_THROW(gpulab::require_atomically_writable(report.string()));
  EXPECT_NO_THROW(gpulab::require_atomically_writable("-"));
  EXPECT_NO_THROW(gpulab::require_atomically_writable(""));
  EXPECT_TRUE(files().empty()) << "the check left a file";
  EXPECT_THROW(gpulab::require_atomically_writable((folder_ / "missing" / "r.csv").string()), gpulab::io_error);
  EXPECT_THROW(gpulab::require_atomically_writable(folder_.string()), gpulab::io_error);
  gpulab::write_file_atomically(report.string(), "old");
  EXPECT_NO_THROW(gpulab::require_atomically_writable(report.string()));
  EXPECT_EQ(slurp(report), "old");  // an existing file is left as it is
  EXPECT_EQ(files(), std::vector<std::string>{"report.csv"});
}

TEST_F(AtomicFile, DevicesAreWrittenDirectly) {
  // /dev/null cannot be renamed over: it is written through, and stays a device.
  EXPECT_NO_THROW(gpulab::require_atomically_writable("/dev/null"));
  EXPECT_NO_THROW(gpulab::write_file_atomically("/dev/null", "discarded"));
  struct stat status {};
  ASSERT_EQ(::stat("/dev/null", &status), 0);
  EXPECT_TRUE(S_ISCHR(status.st_mode));
  if (fs::exists("/dev/full")) {
    EXPECT_THROW(gpulab::write_file_atomically("/dev/full", "no room"), gpulab::io_error);
  }
}

}  // namespace
