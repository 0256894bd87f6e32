// SPDX-License-Identifier: MIT
// A file in the temporary folder for one test: named after the process, the running test
// and a tag (so that tests and their several files never collide), removed at the end even
// when an assertion stops the test early. Created only when text is given.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace gpulab::testing {

class temporary_file {
 public:
  explicit temporary_file(const std::string& tag = "")
      : path(std::filesystem::temp_directory_path() /
             ("gpulab_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + (tag.empty() ? "" : "_" + tag) +
              ".csv")) {}
  temporary_file(const std::string& tag, std::string_view text) : temporary_file(tag) { std::ofstream(path) << text; }
  ~temporary_file() { std::filesystem::remove(path); }
  temporary_file(const temporary_file&) = delete;
  temporary_file& operator=(const temporary_file&) = delete;

  const std::filesystem::path path;
};

}  // namespace gpulab::testing
