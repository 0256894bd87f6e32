// SPDX-License-Identifier: MIT
// Module 3 as the apps see it: its cases, options, tour items and comparisons.
#include <algorithm>
#include <map>

#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/linalg/cases.hpp"
#include "gpulab/linalg/module.hpp"

namespace gpulab::linalg {

namespace {

// --power: matrix_power's exponent (the course's 10 by default).
const module_option power_option{.name = "power",
                                 .description = "matrix_power: the power p of A^p",
                                 .kind = option_kind::integer,
                                 .default_value = "10",
                                 .min = 0,
                                 .max = 1000000};

int selected_power(const run_options& options) { return static_cast<int>(power_option.integer(options)); }

void validate(const run_options& options) {
  (void)selected_power(options);
  // The per-case limits (GEMM's is the largest) are checked again when the cases are made.
  if (options.size && (*options.size < 1 || *options.size > static_cast<std::uint64_t>(max_gemm_dimension))) {
    throw usage_error("--size: the matrix dimension n must be 1.." + std::to_string(max_gemm_dimension) + ", got " +
                      std::to_string(*options.size));
  }
  const bool only_gemm = !options.selected.empty() &&
                         std::all_of(options.selected.begin(), options.selected.end(),
                                     [](const std::string& name) { return name.find("gemm") != std::string::npos; });
  if (options.size && *options.size > static_cast<std::uint64_t>(max_matrix_dimension) && !only_gemm) {
    throw usage_error("--size: the matrix dimension of the solvers and matrix_power must be 1.." +
                      std::to_string(max_matrix_dimension) + " (n^2 must fit cuSOLVER's 32-bit sizes; only the GEMM "
                      "cases go to " + std::to_string(max_gemm_dimension) + "), got " + std::to_string(*options.size));
  }
}

// The sizes of a case: --size when given, else its defaults.
std::vector<int> sizes(const run_options& options, std::vector<int> defaults) {
  if (options.size) return {static_cast<int>(*options.size)};
  return defaults;
}

// The sabotage test's sizes (case_entry::check_size): odd, not a power of two,
// so that partial tiles are exercised, and small enough for a quick CPU check.
// At these sizes one wrong element moves a residual or a row of C x far past
// its tolerance (gemm_cases.cpp and solver_cases.cpp say by how much).
constexpr std::uint64_t gemm_check_size = 131;
constexpr std::uint64_t matrix_check_size = 67;  // matrix_power and the solvers

case_entry gemm_entry(gemm_precision p, const std::string& description) {
  return {gemm_case_name(p), description + " (--size: n; default 2000 and 8192)",
          [p](const run_options& options) {
            std::vector<std::unique_ptr<bench_case>> cases;
            for (int n : sizes(options, {2000, 8192})) cases.push_back(make_gemm_case(p, n));
            return cases;
          },
          gemm_check_size};
}

case_entry solver_entry(const std::string& name, const std::string& description, solver_case_kind kind, int n_default,
                        svd_algorithm algorithm = {}) {
  return {name, description + " (--size: n; default " + std::to_string(n_default) + ")",
          one_case([=](const run_options& options) {
            return make_solver_case(kind, static_cast<int>(options.size.value_or(n_default)), algorithm);
          }),
          matrix_check_size};
}

double tflops(const case_result& r) { return r.gigaflops() / 1e3; }

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  // GEMM: TFLOP/s per precision and size, side by side.
  std::map<double, std::string> gemm_by_size;
  for (const case_result& r : results) {
    if (!matches(r, {.operation = "gemm"}) || !r.verified) continue;
    std::string& line = gemm_by_size[r.size_value];
    line += (line.empty() ? "" : ", ") + r.name + " " + format_fixed(tflops(r), 1);
  }
  for (const auto& [n, line] : gemm_by_size) {
    lines.push_back("GEMM " + format_fixed(n, 0) + " x " + format_fixed(n, 0) + ", TFLOP/s: " + line);
  }
  // Accuracy, side by side: each GEMM mode against FP64, each SVD by its errors.
  for (const case_result& r : results) {
    const bool gemm_or_svd = r.parameters.operation == "gemm" || r.parameters.operation == "svd";
    if (gemm_or_svd && r.verified) {
      lines.push_back("accuracy, " + r.name + " " + r.size_label + ": " + r.verify_detail);
    }
  }
  // SVD: the algorithms side by side, with the QR-iteration one as the yardstick.
  const case_result* gesvd = find_verified(results, {.operation = "svd", .version = "gesvd"});
  // gesvda is approximate (see solver_cases.cpp): it is not an accurate SVD, however fast.
  const case_result* fastest = fastest_verified(results, {.operation = "svd", .exclude_version = "gesvda"});
  if (fastest != nullptr) {
    std::string line = "fastest accurate SVD: " + fastest->parameters.version + ", " +
                       format_fixed(fastest->gpu.median_ms, 2) + " ms";
    if (gesvd != nullptr && gesvd != fastest) {
      line += ", " + format_significant(gesvd->gpu.median_ms / fastest->gpu.median_ms) + "x faster than gesvd (" +
              format_fixed(gesvd->gpu.median_ms, 1) + " ms)";
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

training_module make_module() {
  return {
      .name = "linalg",
      .title = "gpulab module 3: linear algebra on the GPU with cuBLAS and cuSOLVER",
      .cases = {
          gemm_entry(gemm_precision::fp64, "C = A B in FP64 (cuBLAS DGEMM; FP64 tensor cores)"),
          gemm_entry(gemm_precision::fp32, "C = A B in FP32 (cuBLAS SGEMM; CUDA cores)"),
          gemm_entry(gemm_precision::tf32, "C = A B, float data, TF32 tensor cores, FP32 sums"),
          gemm_entry(gemm_precision::bf16, "C = A B, BF16 data, tensor cores, FP32 sums and output"),
          {"matrix_power", "A^p by repeated squaring, double (--size: n, default 1000; --power, default 10)",
           one_case([](const run_options& options) {
             return make_matrix_power_case(static_cast<int>(options.size.value_or(1000)), selected_power(options));
           }),
           matrix_check_size},
          solver_entry("svd_gesvd", "SVD by QR iteration (gesvd), double", solver_case_kind::svd, 1000,
                       svd_algorithm::qr_iteration),
          solver_entry("svd_gesvdj", "SVD by Jacobi rotations (gesvdj), double", solver_case_kind::svd, 1000,
                       svd_algorithm::jacobi),
          solver_entry("svd_gesvdp", "SVD by polar decomposition (gesvdp), double", solver_case_kind::svd, 1000,
                       svd_algorithm::polar),
          solver_entry("svd_gesvda", "SVD through the Gram matrix A^T A (gesvda, approximate), double",
                       solver_case_kind::svd, 1000, svd_algorithm::gram),
          solver_entry("svd_newton_schulz",
                       "SVD by a polar decomposition made of GEMMs (Newton-Schulz), then syevd; ours, double",
                       solver_case_kind::svd, 1000, svd_algorithm::newton_schulz),
          solver_entry("qr", "QR: geqrf + orgqr (Q formed explicitly), double", solver_case_kind::qr, 1000),
          solver_entry("lu_solve", "A x = b by LU with partial pivoting (getrf + getrs), double",
                       solver_case_kind::lu_solve, 4096),
          solver_entry("cholesky_solve", "A x = b, A symmetric positive definite (potrf + potrs), double",
                       solver_case_kind::cholesky_solve, 4096),
          solver_entry("syevd", "eigenvalues and vectors of a symmetric matrix (syevd), double",
                       solver_case_kind::symmetric_eigen, 1000),
      },
      .tour = {{"dgemm", 2000}, {"bf16_gemm", 8192}, {"matrix_power", std::nullopt}, {"svd_newton_schulz", std::nullopt},
               {"lu_solve", std::nullopt}},
      .compare = compare,
      .options = {power_option},
      .validate = validate,
  };
}

}  // namespace gpulab::linalg
