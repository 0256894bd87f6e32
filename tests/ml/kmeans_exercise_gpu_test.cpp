// SPDX-License-Identifier: MIT
// The exercise kmeans_assign: its checker accepts the reference, rejects the
// untouched skeleton, and rejects each planted wrong solution for the reason it plants.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/gpu_test.hpp"
#include "common/under_sanitizer.hpp"
#include "gpulab/exercises/check.hpp"
#include "gpulab/ml/exercises/kmeans_assign.hpp"
#include "planted_kmeans_assign.hpp"

namespace {

namespace ex = gpulab::exercises;

std::string joined(const ex::check_report& r) {
  std::string all;
  for (const auto& line : r.lines) all += line + "\n";
  return all;
}

// The report's line that starts with `head` ("FAIL n = 31, d = 3, k = 5"), or "".
std::string line_for(const ex::check_report& r, const std::string& head) {
  for (const auto& line : r.lines) {
    if (line == head || line.rfind(head + ": ", 0) == 0) return line;
  }
  return "";
}

::testing::AssertionResult has_line(const ex::check_report& r, const std::string& head, const std::string& part = "") {
  const std::string line = line_for(r, head);
  if (line.empty()) return ::testing::AssertionFailure() << "no line '" << head << "' in:\n" << joined(r);
  if (line.find(part) == std::string::npos) {
    return ::testing::AssertionFailure() << "'" << line << "' does not say '" << part << "'";
  }
  return ::testing::AssertionSuccess();
}

class ml_exercise : public GpuTest {};

TEST_F(ml_exercise, TheRegistryKnowsIt) {
  EXPECT_EQ(ex::find_exercise("kmeans_assign").module_name, "ml");
  std::ifstream file(std::filesystem::path(GPULAB_SOURCE_DIR) / ex::find_exercise("kmeans_assign").file);
  EXPECT_TRUE(file.good());
}

// The reference, counting its calls: how many times the checker ran the candidate.
int candidate_calls = 0;
void counted_reference(cuda::std::span<const float> x, int d, cuda::std::span<const float> centroids, int k,
                       cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                       cuda::std::span<unsigned int> counts, cuda::stream_ref s) {
  ++candidate_calls;
  ex::reference::kmeans_assign(x, d, centroids, k, labels, sums, counts, s);
}

// Once on each of the seven inputs, then the timing: 2 warm-ups and 20 runs, or under
// compute-sanitizer (GPULAB_UNDER_SANITIZER, set by scripts/gpu-test --sanitize) 1 and 1.
int expected_calls() { return under_sanitizer() ? 7 + 2 : 7 + 22; }

TEST_F(ml_exercise, TheReferencePassesEveryCheckAndIsTimed) {
  candidate_calls = 0;
  const ex::check_report r = ex::check_kmeans_assign(counted_reference, {});
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_EQ(r.lines.size(), 7u + 1u) << joined(r);  // seven inputs, and the re-check after timing
  EXPECT_TRUE(r.candidate_ms && r.reference_ms);
  EXPECT_EQ(candidate_calls, expected_calls());
}

// A time under a sanitizer means nothing: the checker runs the timed input twice, still
// a repeat for the check after timing, and every line as before.
TEST_F(ml_exercise, UnderTheSanitizerTheTimingRunsOnceAfterOneWarmUp) {
  const char* before = std::getenv("GPULAB_UNDER_SANITIZER");
  ASSERT_EQ(setenv("GPULAB_UNDER_SANITIZER", "1", 1), 0);
  candidate_calls = 0;
  const ex::check_report r = ex::check_kmeans_assign(counted_reference, {});
  if (before == nullptr) unsetenv("GPULAB_UNDER_SANITIZER");
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_EQ(r.lines.size(), 7u + 1u) << joined(r);
  EXPECT_TRUE(r.candidate_ms && r.reference_ms);
  EXPECT_EQ(candidate_calls, 7 + 2);
}

TEST_F(ml_exercise, TheSkeletonIsRejectedUntilSolved) {
  std::ifstream file(std::filesystem::path(GPULAB_SOURCE_DIR) / "kernels/ml/exercises/kmeans_assign.cuh");
  std::stringstream text;
  text << file.rdbuf();
  if (text.str().find("TODO(trainee)") == std::string::npos) GTEST_SKIP() << "the skeleton has been solved";
  const ex::check_report r = ex::check_kmeans_assign(ex::trainee::kmeans_assign, {});
  EXPECT_FALSE(r.passed);
  EXPECT_TRUE(has_line(r, "FAIL n = 1, d = 1, k = 1", "never written"));
}

// Every planted bug: rejected, with wrong numbers (no CUDA error), timed, every FAIL with a reason.
void expect_plain_failure(const ex::check_report& r) {
  EXPECT_FALSE(r.passed) << joined(r);
  EXPECT_EQ(joined(r).find("error"), std::string::npos) << joined(r);
  EXPECT_TRUE(r.candidate_ms && r.reference_ms);
  for (const auto& line : r.lines) {
    if (line.rfind("FAIL ", 0) == 0) {
      EXPECT_NE(line.find(": "), std::string::npos) << "a FAIL without a reason";
    }
  }
}

TEST_F(ml_exercise, TiesBrokenToTheLargestIndexInSomeBlocksAreCaught) {
  const ex::check_report r = ex::check_kmeans_assign(planted::kmeans_ties_to_largest_in_odd_blocks, {});
  expect_plain_failure(r);
  EXPECT_TRUE(has_line(r, "PASS n = 31, d = 3, k = 5"));  // one block: block 0 breaks ties right
  const std::string why = "every wrong row is a tie (equal distances to both); ties go to the smallest index";
  EXPECT_TRUE(has_line(r, "FAIL n = 100003, d = 13, k = 17", why));
  EXPECT_TRUE(has_line(r, "FAIL n = 1000003, d = 16, k = 8", why));
}

TEST_F(ml_exercise, ALostPartialSumIsCaughtAndNamed) {
  const ex::check_report r = ex::check_kmeans_assign(planted::kmeans_last_block_not_merged, {});
  expect_plain_failure(r);
  const unsigned blocks = ex::kmeans_assign_blocks(1000003);
  EXPECT_TRUE(has_line(r, "FAIL n = 1000003, d = 16, k = 8",
                       "block " + std::to_string(blocks - 1) + "'s partial sums and counts never reached the global ones"));
  // With one block the only block is the last: nothing at all is merged.
  EXPECT_TRUE(has_line(r, "FAIL n = 31, d = 3, k = 5", "counts"));
}

TEST_F(ml_exercise, ARaceOnTheGlobalSumsIsCaught) {
  const ex::check_report r = ex::check_kmeans_assign(planted::kmeans_race_on_global_sums, {});
  expect_plain_failure(r);
  const std::string why = "counts lost (a race on the sums? add to shared and global sums with atomicAdd)";
  EXPECT_TRUE(has_line(r, "FAIL n = 31, d = 3, k = 5", why));
  EXPECT_TRUE(has_line(r, "FAIL n = 1000003, d = 16, k = 8", why));
  EXPECT_EQ(joined(r).find("never reached"), std::string::npos) << joined(r);
}

}  // namespace
