// SPDX-License-Identifier: MIT
// The checker is only useful if it can say FAIL: it must accept the reference
// and reject the untouched skeleton and each planted wrong solution, each for
// the reason it plants (the FAIL line says which element, what went wrong),
// never for a CUDA or cuBLAS error. One named test per exercise and per bug.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "exercises/planted_solutions.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/exercises/check.hpp"

namespace {

namespace ex = gpulab::exercises;

bool skeleton_untouched(const std::string& relative_path) {
  std::ifstream file(std::filesystem::path(GPULAB_SOURCE_DIR) / relative_path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str().find("TODO(trainee)") != std::string::npos;
}

std::string joined(const ex::check_report& r) {
  std::string all;
  for (const auto& line : r.lines) all += line + "\n";
  return all;
}

// The report's line for one checked input: `head` is "PASS 37 x 53" or
// "FAIL 37 x 53"; the line is that alone or that and ": why". "" when absent.
std::string line_for(const ex::check_report& r, const std::string& head) {
  for (const auto& line : r.lines) {
    if (line == head || line.rfind(head + ": ", 0) == 0) return line;
  }
  return "";
}

// The line `head` is in the report and holds every one of `parts`.
::testing::AssertionResult has_line(const ex::check_report& r, const std::string& head,
                                    const std::vector<std::string>& parts = {}) {
  const std::string line = line_for(r, head);
  if (line.empty()) return ::testing::AssertionFailure() << "no line '" << head << "' in:\n" << joined(r);
  for (const std::string& part : parts) {
    if (line.find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << "'" << line << "' does not say '" << part << "'; the report:\n"
                                           << joined(r);
    }
  }
  return ::testing::AssertionSuccess();
}

// The number right after `key` in `line` ("hits 123, expected 456": key "hits "
// gives 123), or nullopt.
std::optional<double> number_after(const std::string& line, const std::string& key) {
  const std::size_t at = line.find(key);
  if (at == std::string::npos) return std::nullopt;
  const char* begin = line.c_str() + at + key.size();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;
  return value;
}

// got / expected of a FAIL line "... <got_key>G, expected E ...".
double ratio_on_line(const ex::check_report& r, const std::string& head, const std::string& got_key) {
  const std::string line = line_for(r, head);
  const auto got = number_after(line, got_key), expected = number_after(line, "expected ");
  if (!got || !expected || *expected == 0) {
    ADD_FAILURE() << "no '" << got_key << "G, expected E' on line '" << head << "' in:\n" << joined(r);
    return 0;
  }
  return *got / *expected;
}

// The planted-bug and skeleton tests need no big timed matrix product (and stay
// quick under compute-sanitizer).
ex::check_options quick_timing() {
  ex::check_options o;
  o.matmul_timing_size = 129;
  return o;
}

// ---------------------------------------------------------------- the reference

// One exercise's reference solution: its check passes, every line of it.
struct reference_case {
  std::string name;
  std::function<ex::check_report()> check;
  std::size_t lines;  // one per checked input, one per timed re-check (and tiled_matmul's cuBLAS note)
};
void PrintTo(const reference_case& c, std::ostream* os) { *os << c.name; }

std::vector<reference_case> reference_cases() {
  return {
      {"map_2d_index", [] { return ex::check_map_2d_index(ex::reference::map_2d_index, {}); }, 6 + 1},
      {"pipelined_scale", [] { return ex::check_pipelined_scale(ex::reference::pipelined_scale, {}); }, 6 + 1},
      {"monte_carlo_pi", [] { return ex::check_monte_carlo_pi(ex::reference::monte_carlo_pi, {}); }, 7 + 1},
      {"row_major_gemm", [] { return ex::check_row_major_gemm(ex::reference::row_major_gemm, {}); }, 7 + 2},
      {"tiled_matmul", [] { return ex::check_tiled_matmul(ex::reference::tiled_matmul, {}); }, 7 + 3 + 1},
      {"saxpy_grid_stride", [] { return ex::check_saxpy_grid_stride(ex::reference::saxpy_grid_stride, {}); }, 6 + 1},
      {"block_sum", [] { return ex::check_block_sum(ex::reference::block_sum, {}); }, 6 + 1},
      {"tiled_transpose", [] { return ex::check_tiled_transpose(ex::reference::tiled_transpose, {}); }, 7 + 1},
      {"privatized_histogram",
       [] { return ex::check_privatized_histogram(ex::reference::privatized_histogram, {}); }, 7 + 1},
  };
}

class ExerciseReference : public GpuTest, public ::testing::WithParamInterface<reference_case> {};

TEST_P(ExerciseReference, PassesEveryCheckAndIsTimed) {
  const ex::check_report r = GetParam().check();
  EXPECT_TRUE(r.passed) << joined(r);
  EXPECT_EQ(r.lines.size(), GetParam().lines) << joined(r);
  for (const auto& line : r.lines) {
    EXPECT_TRUE(line.rfind("PASS ", 0) == 0 || line.rfind("note: ", 0) == 0) << line;
  }
  ASSERT_TRUE(r.candidate_ms && r.reference_ms);
  EXPECT_GT(*r.candidate_ms, 0.0);
  EXPECT_GT(*r.reference_ms, 0.0);
  if (GetParam().name == "tiled_matmul") {
    EXPECT_NE(joined(r).find("cuBLAS SGEMM takes"), std::string::npos) << joined(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Exercises, ExerciseReference, ::testing::ValuesIn(reference_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------- the skeleton

// One exercise's skeleton as shipped (TODOs untouched): its check fails, and says why.
struct skeleton_case {
  std::string name;
  std::string file;  // skipped once a trainee has solved it
  std::function<ex::check_report()> check;
  std::string head;                // a FAIL line it must print ...
  std::vector<std::string> parts;  // ... and what that line says
};
void PrintTo(const skeleton_case& c, std::ostream* os) { *os << c.name; }

std::vector<skeleton_case> skeleton_cases() {
  return {
      {"map_2d_index", "kernels/device/exercises/map_2d_index.cuh",
       [] { return ex::check_map_2d_index(ex::trainee::map_2d_index, {}); }, "FAIL 1 x 1",
       {"element (0, 0) is -1 (never written)"}},
      {"pipelined_scale", "kernels/transfer/exercises/pipelined_scale.cuh",
       [] { return ex::check_pipelined_scale(ex::trainee::pipelined_scale, {}); }, "FAIL n = 1, 1 chunks, 1 streams",
       {"element 0 is unwritten (poison)", "still unwritten after the streams finished"}},
      {"monte_carlo_pi", "kernels/random/exercises/monte_carlo_pi.cuh",
       [] { return ex::check_monte_carlo_pi(ex::trainee::monte_carlo_pi, {}); }, "FAIL 999 darts",
       {"hits 0, expected", "nothing was counted"}},
      {"row_major_gemm", "kernels/linalg/exercises/row_major_gemm.hpp",
       [] { return ex::check_row_major_gemm(ex::trainee::row_major_gemm, quick_timing()); }, "FAIL 1 x 1 x 1",
       {"element (0, 0) is NaN (never written)"}},
      {"tiled_matmul", "kernels/linalg/exercises/tiled_matmul.cuh",
       [] { return ex::check_tiled_matmul(ex::trainee::tiled_matmul, quick_timing()); }, "FAIL 1 x 1 x 1",
       {"element (0, 0) is NaN (never written)"}},
      {"saxpy_grid_stride", "kernels/custom/exercises/saxpy_grid_stride.cuh",
       [] { return ex::check_saxpy_grid_stride(ex::trainee::saxpy_grid_stride, {}); }, "FAIL 1 elements",
       {"r[0] is ", "(never written)"}},
      {"block_sum", "kernels/custom/exercises/block_sum.cuh",
       [] { return ex::check_block_sum(ex::trainee::block_sum, {}); }, "FAIL 1 elements",
       {"total 0, expected"}},
      {"tiled_transpose", "kernels/custom/exercises/tiled_transpose.cuh",
       [] { return ex::check_tiled_transpose(ex::trainee::tiled_transpose, {}); }, "FAIL 1 x 1",
       {"out(0, 0) is ", "(never written)"}},
      {"privatized_histogram", "kernels/dataframe/exercises/privatized_histogram.cuh",
       [] { return ex::check_privatized_histogram(ex::trainee::privatized_histogram, {}); },
       "FAIL n = 31 on the edges, 5 bins", {"bin 0 is 0, expected 3: nothing was counted"}},
  };
}

class ExerciseSkeleton : public GpuTest, public ::testing::WithParamInterface<skeleton_case> {};

TEST_P(ExerciseSkeleton, IsRejectedUntilSolved) {
  if (!skeleton_untouched(GetParam().file)) GTEST_SKIP() << GetParam().file << " has been solved";
  const ex::check_report r = GetParam().check();
  EXPECT_FALSE(r.passed) << joined(r);
  EXPECT_TRUE(has_line(r, GetParam().head, GetParam().parts));
}

INSTANTIATE_TEST_SUITE_P(Exercises, ExerciseSkeleton, ::testing::ValuesIn(skeleton_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------- planted bugs

// One planted wrong solution (tests/exercises/planted_*.cu): its check fails on
// its numbers, and the report's lines show the reason the bug plants.
struct planted_bug {
  std::string name;  // exercise_bug
  std::function<ex::check_report()> check;
  std::function<void(const ex::check_report&)> expect_reason;
};
void PrintTo(const planted_bug& b, std::ostream* os) { *os << b.name; }

// Module 5's launches use every SM: these sizes follow the device.
std::string saxpy_size(long long plus) {
  return std::to_string(256ll * ex::saxpy_exercise_blocks() + plus) + " elements";
}

std::vector<planted_bug> planted_bugs() {
  std::vector<planted_bug> bugs;
  // ---- module 1: map_2d_index (outputs poisoned with -1, guard cells after the matrix)
  bugs.push_back({"map_2d_index_transposed",
                  [] { return ex::check_map_2d_index(planted::map_2d_index_transposed, {}); },
                  [](const ex::check_report& r) {
                    // Square: the grid covers the rows whichever index names them.
                    EXPECT_TRUE(has_line(r, "PASS 1 x 1"));
                    EXPECT_TRUE(has_line(r, "PASS 16 x 16"));
                    // Not square: the x index stops at the width, the y index at the height.
                    EXPECT_TRUE(has_line(r, "FAIL 37 x 53", {"element (0, 48) is -1 (never written), expected 48"}));
                    EXPECT_TRUE(has_line(r, "FAIL 129 x 7", {"element (16, 0) is -1 (never written), expected 112"}));
                    EXPECT_TRUE(has_line(r, "FAIL 5 x 2000", {"element (0, 16) is -1 (never written), expected 16"}));
                  }});
  bugs.push_back({"map_2d_index_column_major_store",
                  [] { return ex::check_map_2d_index(planted::map_2d_index_column_major_store, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1 x 1"));
                    // Element (0, 1) holds what belongs at (1, 0): a square matrix is wrong too.
                    EXPECT_TRUE(has_line(r, "FAIL 16 x 16", {"element (0, 1) is 16, expected 1"}));
                    EXPECT_TRUE(has_line(r, "FAIL 37 x 53", {"element (0, 1) is 53, expected 1"}));
                  }});
  bugs.push_back({"map_2d_index_no_bounds_check",
                  [] { return ex::check_map_2d_index(planted::map_2d_index_no_bounds_check, {}); },
                  [](const ex::check_report& r) {
                    // A 16 x 16 block on a 1 x 1 matrix writes indices 0..30 (row + col): 30 outside.
                    EXPECT_TRUE(has_line(r, "FAIL 1 x 1", {"30 writes outside the matrix (missing bounds check?)"}));
                    EXPECT_TRUE(has_line(r, "PASS 16 x 16"));  // whole blocks need no check
                    // 48 x 64 threads write every index up to 47 * 53 + 63 = 2554; the matrix ends at 1960.
                    EXPECT_TRUE(has_line(r, "FAIL 37 x 53", {"594 writes outside the matrix"}));
                  }});
  // ---- module 2: pipelined_scale (host_out poisoned, read as soon as the function returns)
  bugs.push_back({"pipelined_scale_drops_tail",
                  [] { return ex::check_pipelined_scale(planted::pipelined_scale_drops_tail, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS n = 1, 1 chunks, 1 streams"));
                    // 31 / 3 rounds down to 10: chunks cover 0..29; 1000 / 7 to 142: 0..993.
                    EXPECT_TRUE(has_line(r, "FAIL n = 31, 3 chunks, 2 streams",
                                         {"element 30 is unwritten (poison)",
                                          "still unwritten after the streams finished"}));
                    EXPECT_TRUE(has_line(r, "FAIL n = 1000, 7 chunks, 3 streams",
                                         {"element 994 is unwritten (poison)",
                                          "still unwritten after the streams finished"}));
                  }});
  bugs.push_back({"pipelined_scale_no_final_sync",
                  [] { return ex::check_pipelined_scale(planted::pipelined_scale_no_final_sync, {}); },
                  [](const ex::check_report& r) {
                    // Which size shows the race depends on timing (the large ones, surely); each one
                    // that does shows poison when it returned and the right numbers once the streams
                    // finished. Nothing else is wrong with this solution.
                    std::size_t fails = 0;
                    for (const auto& line : r.lines) {
                      if (line.rfind("FAIL ", 0) != 0) continue;
                      ++fails;
                      EXPECT_NE(line.find("is unwritten (poison)"), std::string::npos) << line;
                      EXPECT_NE(line.find("right only once the streams finished"), std::string::npos) << line;
                    }
                    EXPECT_GE(fails, 1u) << joined(r);
                  }});
  // ---- module 4: monte_carlo_pi (hits counted against the reference's on the same seed)
  bugs.push_back({"monte_carlo_pi_same_stream",
                  [] { return ex::check_monte_carlo_pi(planted::monte_carlo_pi_same_stream, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1000 darts"));  // one thread: subsequence 0 is right
                    ASSERT_TRUE(has_line(r, "FAIL 10000019 darts", {"hits ", "(off by "}));
                    // 10000 threads throw the same 1000 darts, the last one the first 19 of them:
                    // hits = 10000 h + (at most 19).
                    const auto hits = number_after(line_for(r, "FAIL 10000019 darts"), "hits ");
                    ASSERT_TRUE(hits);
                    EXPECT_LE(static_cast<long long>(*hits) % 10000, 19) << joined(r);
                  }});
  bugs.push_back({"monte_carlo_pi_drops_tail",
                  [] { return ex::check_monte_carlo_pi(planted::monte_carlo_pi_drops_tail, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1000 darts"));  // whole threads pass
                    EXPECT_TRUE(has_line(r, "FAIL 999 darts", {"hits 0, expected", "nothing was counted"}));
                    // Only the last thread's 19 darts are lost.
                    const auto off = number_after(line_for(r, "FAIL 10000019 darts"), "(off by ");
                    ASSERT_TRUE(off) << joined(r);
                    EXPECT_LE(*off, -1);
                    EXPECT_GE(*off, -19);
                  }});
  bugs.push_back({"monte_carlo_pi_tree_stops_early",
                  [] { return ex::check_monte_carlo_pi(planted::monte_carlo_pi_tree_stops_early, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1000 darts"));  // one thread: nothing to add up
                    // block_hits[1] (every odd thread's count) is never added: about half is lost.
                    const double ratio = ratio_on_line(r, "FAIL 10000019 darts", "hits ");
                    EXPECT_GT(ratio, 0.49);
                    EXPECT_LT(ratio, 0.51);
                  }});
  // ---- module 3: row_major_gemm (A and B in zeroed room for any leading dimension up to max(m, n, k))
  bugs.push_back({"row_major_gemm_as_if_column_major",
                  [] { return ex::check_row_major_gemm(planted::row_major_gemm_as_if_column_major, quick_timing()); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1 x 1 x 1"));  // 1 x 1 cannot tell
                    EXPECT_TRUE(has_line(r, "FAIL 16 x 16 x 16", {"element (0, 0) is ", ", expected "}));
                    EXPECT_TRUE(has_line(r, "FAIL 17 x 33 x 9", {"element (0, 0) is ", ", expected "}));
                  }});
  bugs.push_back({"row_major_gemm_result_transposed",
                  [] { return ex::check_row_major_gemm(planted::row_major_gemm_result_transposed, quick_timing()); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1 x 1 x 1"));
                    // The diagonal element (0, 0) is right; (0, 1) holds (1, 0).
                    EXPECT_TRUE(has_line(r, "FAIL 17 x 33 x 9", {"element (0, 1) is ", ", expected "}));
                  }});
  bugs.push_back({"row_major_gemm_wrong_leading_dimension",
                  [] {
                    return ex::check_row_major_gemm(planted::row_major_gemm_wrong_leading_dimension, quick_timing());
                  },
                  [](const ex::check_report& r) {
                    // ldb = max(k, n) is right while k <= n ...
                    EXPECT_TRUE(has_line(r, "PASS 16 x 16 x 16"));
                    EXPECT_TRUE(has_line(r, "PASS 17 x 33 x 9"));
                    EXPECT_TRUE(has_line(r, "PASS 255 x 257 x 31"));
                    // ... and where k > n, cuBLAS accepts it and computes wrong numbers.
                    EXPECT_TRUE(has_line(r, "FAIL 100 x 37 x 129", {"element (0, 0) is ", ", expected "}));
                  }});
  // ---- module 3: tiled_matmul (16 x 16 tiles)
  bugs.push_back({"tiled_matmul_drops_partial_tile",
                  [] { return ex::check_tiled_matmul(planted::tiled_matmul_drops_partial_tile, quick_timing()); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 16 x 16 x 16"));  // whole tiles pass
                    EXPECT_TRUE(has_line(r, "PASS 64 x 64 x 64"));
                    // k < 16: not one tile is added.
                    EXPECT_TRUE(has_line(r, "FAIL 1 x 1 x 1", {"element (0, 0) is 0, expected "}));
                    EXPECT_TRUE(has_line(r, "FAIL 17 x 33 x 9", {"element (0, 0) is 0, expected "}));
                  }});
  bugs.push_back({"tiled_matmul_no_store_check",
                  [] { return ex::check_tiled_matmul(planted::tiled_matmul_no_store_check, quick_timing()); },
                  [](const ex::check_report& r) {
                    // A 16 x 16 block on 1 x 1 stores at row + col = 0..30: 30 past C, (0, 0) right.
                    EXPECT_TRUE(has_line(r, "FAIL 1 x 1 x 1", {"30 writes past the end of C (missing bounds check?)"}));
                    EXPECT_TRUE(has_line(r, "PASS 16 x 16 x 16"));  // whole tiles need no check
                    EXPECT_TRUE(has_line(r, "PASS 64 x 64 x 64"));
                  }});
  bugs.push_back({"tiled_matmul_b_column_major",
                  [] { return ex::check_tiled_matmul(planted::tiled_matmul_b_column_major, quick_timing()); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1 x 1 x 1"));
                    EXPECT_TRUE(has_line(r, "FAIL 16 x 16 x 16", {"element (0, 0) is ", ", expected "}));
                    EXPECT_TRUE(has_line(r, "FAIL 100 x 37 x 129", {"element (0, 0) is ", ", expected "}));
                  }});
  // ---- module 5: saxpy_grid_stride (a fixed grid of 256 x saxpy_exercise_blocks() threads)
  bugs.push_back({"saxpy_grid_stride_one_per_element",
                  [] { return ex::check_saxpy_grid_stride(planted::saxpy_one_per_element, {}); },
                  [](const ex::check_report& r) {
                    // Right while the grid covers n; one element more and the last is never written.
                    const std::string threads = std::to_string(256ll * ex::saxpy_exercise_blocks());
                    EXPECT_TRUE(has_line(r, "PASS 31 elements"));
                    EXPECT_TRUE(has_line(r, "PASS " + saxpy_size(-1)));
                    EXPECT_TRUE(has_line(r, "FAIL " + saxpy_size(+1), {"r[" + threads + "] is ", "(never written)"}));
                    EXPECT_TRUE(has_line(r, "FAIL 1000003 elements", {"r[" + threads + "] is ", "(never written)"}));
                  }});
  bugs.push_back({"saxpy_grid_stride_inclusive_bound",
                  [] { return ex::check_saxpy_grid_stride(planted::saxpy_inclusive_bound, {}); },
                  [](const ex::check_report& r) {
                    // i <= n: every element right, and exactly one write past the output, at every size.
                    EXPECT_TRUE(has_line(r, "FAIL 1 elements", {": 1 writes past the output (missing bounds check?)"}));
                    EXPECT_TRUE(has_line(r, "FAIL 1000003 elements", {": 1 writes past the output"}));
                  }});
  bugs.push_back({"saxpy_grid_stride_ignores_block_index",
                  [] { return ex::check_saxpy_grid_stride(planted::saxpy_ignores_block_index, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1 elements"));
                    EXPECT_TRUE(has_line(r, "PASS 31 elements"));
                    // Every block does block 0's elements: 256 onwards (up to the stride) stay unwritten.
                    EXPECT_TRUE(has_line(r, "FAIL " + saxpy_size(-1), {"r[256] is ", "(never written)"}));
                  }});
  // ---- module 5: block_sum (positive inputs: a lost share is far outside the rounding bound)
  bugs.push_back({"block_sum_tree_stops_early",
                  [] { return ex::check_block_sum(planted::block_sum_tree_stops_early, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1 elements"));  // one value is never lost
                    EXPECT_TRUE(has_line(r, "FAIL 257 elements", {"total ", ", expected "}));
                    // partial[1] (every odd thread's sum) is never added: about half of the total.
                    const double ratio = ratio_on_line(r, "FAIL 4194309 elements", "total ");
                    EXPECT_GT(ratio, 0.45);
                    EXPECT_LT(ratio, 0.55);
                  }});
  bugs.push_back({"block_sum_one_element_per_thread",
                  [] { return ex::check_block_sum(planted::block_sum_one_element_per_thread, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 257 elements"));  // the grid covers n
                    // The grid's threads add one element each: the first `threads` of n (values in [0, 1)).
                    const double threads = 256.0 * ex::block_sum_blocks(4194309);
                    const double ratio = ratio_on_line(r, "FAIL 4194309 elements", "total ");
                    EXPECT_NEAR(ratio, threads / 4194309.0, 0.1 * threads / 4194309.0);
                  }});
  bugs.push_back({"block_sum_every_thread_adds",
                  [] { return ex::check_block_sum(planted::block_sum_every_thread_adds, {}); },
                  [](const ex::check_report& r) {
                    // 256 threads of each block add the block's total: 256 times the sum.
                    EXPECT_NEAR(ratio_on_line(r, "FAIL 1 elements", "total "), 256.0, 0.5);
                    EXPECT_NEAR(ratio_on_line(r, "FAIL 257 elements", "total "), 256.0, 0.5);
                  }});
  // ---- module 5: tiled_transpose (32 x 32 tiles; out is cols x rows)
  bugs.push_back({"tiled_transpose_blocks_not_swapped",
                  [] { return ex::check_tiled_transpose(planted::transpose_blocks_not_swapped, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 32 x 32"));  // a single tile: nothing to swap
                    // Block (0, 1) holds input row 32 and writes it to output row 32 >= 31: skipped.
                    EXPECT_TRUE(has_line(r, "FAIL 33 x 31", {"out(0, 32) is ", "(never written)"}));
                    EXPECT_TRUE(has_line(r, "FAIL 64 x 96", {"out(", ", expected in("}));
                  }});
  bugs.push_back({"tiled_transpose_no_write_check",
                  [] { return ex::check_tiled_transpose(planted::transpose_no_write_check, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 32 x 32"));  // whole tiles need no check
                    EXPECT_TRUE(has_line(r, "PASS 64 x 96"));
                    // 1 x 1: only (0, 0) lands inside; the rest of the tile lands in the guard cells.
                    EXPECT_TRUE(has_line(r, "FAIL 1 x 1", {"writes past the output (missing bounds check?)"}));
                  }});
  bugs.push_back({"tiled_transpose_tile_not_transposed",
                  [] { return ex::check_tiled_transpose(planted::transpose_tile_not_transposed, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS 1 x 1"));
                    // The tile is copied as it is: out(0, 1) gets in(0, 1) instead of in(1, 0).
                    EXPECT_TRUE(has_line(r, "FAIL 32 x 32", {"out(0, 1) is ", ", expected in(1, 0) = "}));
                  }});
  // ---- module 6: privatized_histogram (counts compared exactly with the CPU's; the
  // hand-made n = 31 holds edge j of the course's bins j + 1 times: right-closed
  // counts 3, 5, 5, 5, 7)
  bugs.push_back({"privatized_histogram_only_block_zero_merges",
                  [] { return ex::check_privatized_histogram(planted::histogram_only_block_zero_merges, {}); },
                  [](const ex::check_report& r) {
                    EXPECT_TRUE(has_line(r, "PASS n = 31 on the edges, 5 bins"));  // one block: nothing to merge
                    const std::string why = "only block 0's counts reached the histogram (" +
                                            std::to_string(ex::privatized_histogram_blocks(1000003)) + " blocks ran)";
                    EXPECT_TRUE(has_line(r, "FAIL n = 1000003, 5 bins", {why}));
                    EXPECT_TRUE(has_line(r, "FAIL n = 1000003, 1024 bins", {why}));
                  }});
  bugs.push_back({"privatized_histogram_race_on_shared_counters",
                  [] { return ex::check_privatized_histogram(planted::histogram_race_on_shared_counters, {}); },
                  [](const ex::check_report& r) {
                    // Lanes of a warp that add to one of 5 bins at once keep one addition: most
                    // counts are lost, in one block as in many, and never one too many.
                    const std::string lost = "counts lost (a race on the shared counters? add to them with atomicAdd)";
                    EXPECT_TRUE(has_line(r, "FAIL n = 31 on the edges, 5 bins", {lost}));
                    EXPECT_TRUE(has_line(r, "FAIL n = 1000003, 5 bins", {lost}));
                    EXPECT_EQ(joined(r).find("only block 0"), std::string::npos) << joined(r);
                    EXPECT_EQ(joined(r).find("too many"), std::string::npos) << joined(r);
                  }});
  bugs.push_back({"privatized_histogram_left_closed_bins",
                  [] { return ex::check_privatized_histogram(planted::histogram_left_closed_bins, {}); },
                  [](const ex::check_report& r) {
                    // [0, 0.2) holds 0 once and the double above it: 2 instead of 0.2 twice and that double.
                    const std::string why = "values on an edge went to the bin above (left-closed bins";
                    EXPECT_TRUE(has_line(r, "FAIL n = 31 on the edges, 5 bins", {"bin 0 is 2, expected 3: ", why}));
                    EXPECT_TRUE(has_line(r, "FAIL n = 1000003, 5 bins", {why}));  // 5% of the values are edges
                    EXPECT_TRUE(has_line(r, "FAIL n = 1000003, 1024 bins", {why}));
                  }});
  return bugs;
}

class PlantedBug : public GpuTest, public ::testing::WithParamInterface<planted_bug> {};

TEST_P(PlantedBug, IsRejectedForTheReasonItPlants) {
  const ex::check_report r = GetParam().check();
  EXPECT_FALSE(r.passed) << joined(r);
  // Wrong numbers, not a CUDA or cuBLAS error: the checks ran to the end and were timed.
  EXPECT_EQ(joined(r).find("error"), std::string::npos) << joined(r);
  EXPECT_TRUE(r.candidate_ms && r.reference_ms) << joined(r);
  for (const auto& line : r.lines) {
    if (line.rfind("FAIL ", 0) == 0) {
      EXPECT_NE(line.find(": "), std::string::npos) << "a FAIL without a reason";
    }
  }
  GetParam().expect_reason(r);
}

INSTANTIATE_TEST_SUITE_P(Exercises, PlantedBug, ::testing::ValuesIn(planted_bugs()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
