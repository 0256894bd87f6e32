// SPDX-License-Identifier: MIT
// cuSOLVER's info in words, and the finite-input check: bad input must become
// a clear error, never a wrong answer.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/solver_checks.hpp"

namespace {

namespace la = gpulab::linalg;

TEST(SolverChecks, InfoBecomesAClearError) {
  EXPECT_NO_THROW(la::check_solver_info(la::solver_routine::getrf, 0));
  const auto message = [](la::solver_routine r, int info) {
    try {
      la::check_solver_info(r, info);
    } catch (const gpulab::numerical_error& e) {
      EXPECT_EQ(e.code(), gpulab::exit_code::usage);
      return std::string(e.what());
    } catch (const gpulab::error& e) {
      EXPECT_EQ(e.code(), gpulab::exit_code::internal);
      return "internal: " + std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_NE(message(la::solver_routine::getrf, 3).find("singular: getrf (LU) found U(3, 3) = 0"), std::string::npos);
  EXPECT_NE(message(la::solver_routine::potrf, 2).find("not positive definite"), std::string::npos);
  EXPECT_NE(message(la::solver_routine::gesvd, 5).find("did not converge"), std::string::npos);
  EXPECT_NE(message(la::solver_routine::syevd, 1).find("syevd"), std::string::npos);
  EXPECT_NE(message(la::solver_routine::geqrf, 1).find("failed"), std::string::npos);
  EXPECT_NE(message(la::solver_routine::potrf, -4).find("internal: cuSOLVER potrf (Cholesky): parameter 4"),
            std::string::npos);
}

TEST(SolverChecks, NanAndInfinityInTheInputAreRefused) {
  std::vector<double> a = {1.0, 2.0, 3.0};
  EXPECT_NO_THROW(la::require_finite<double>(a, "A"));
  a[1] = std::nan("");
  try {
    la::require_finite<double>(a, "A");
    FAIL() << "no exception";
  } catch (const gpulab::numerical_error& e) {
    EXPECT_NE(std::string(e.what()).find("A contains NaN (element 1)"), std::string::npos) << e.what();
  }
  const std::vector<float> b = {0.0f, -INFINITY};
  EXPECT_THROW(la::require_finite<float>(b, "b"), gpulab::numerical_error);
}

}  // namespace
