// SPDX-License-Identifier: MIT
// Module 3 "linalg": linear algebra on the GPU with cuBLAS and cuSOLVER.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "gpulab/bench/runner.hpp"
#include "gpulab/linalg/solver.hpp"

namespace gpulab::linalg {

// GEMM, C = A B with n x n matrices, in four precisions.
enum class gemm_precision {
  fp64,  // DGEMM (FP64 tensor cores on Hopper)
  fp32,  // SGEMM (CUDA cores)
  tf32,  // float data, tensor cores with TF32 inputs
  bf16,  // BF16 data, tensor cores, FP32 sums and output
};
const char* gemm_case_name(gemm_precision p);  // "dgemm", "sgemm", "tf32_gemm", "bf16_gemm"

// The worst-case error of one element of C against C computed in FP64 from the
// same (double) inputs, as a multiple of sum_k |a_ik| |b_kj|: rounding the
// inputs to the precision (A and B) plus the rounding of k-term sums.
double gemm_error_bound(gemm_precision p, int k);
// The sums' part alone: the bound for inputs the precision holds exactly (what
// Freivalds' test allows, given the inputs as the GPU got them).
double gemm_sum_error_bound(gemm_precision p, int k);

std::unique_ptr<bench_case> make_gemm_case(gemm_precision p, int n);
std::unique_ptr<bench_case> make_matrix_power_case(int n, int power);

enum class solver_case_kind { svd, qr, lu_solve, cholesky_solve, symmetric_eigen };
// `svd` uses `algorithm`; the others ignore it. Double precision throughout.
std::unique_ptr<bench_case> make_solver_case(solver_case_kind kind, int n, svd_algorithm algorithm = {});

// The largest matrix dimensions the module accepts. Solvers and matrix power:
// n^2 must fit cuSOLVER's 32-bit workspace sizes. GEMM (64-bit offsets, O(n^2)
// verification) goes further: far beyond any card's memory, which the runner
// then refuses before allocating anything.
constexpr int max_matrix_dimension = 46340;
constexpr int max_gemm_dimension = 131072;

}  // namespace gpulab::linalg
