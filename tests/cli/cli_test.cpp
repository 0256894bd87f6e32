// SPDX-License-Identifier: MIT
// The command line, from the outside: bad input gets one clear line on stderr
// and a documented exit code, on any machine (these run before any GPU work).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/run_command.hpp"
#include "gpulab/core/device.hpp"

namespace {

using gpulab::testing::line_count;
using gpulab::testing::run_command;

constexpr int usage = 2, no_device = 3, io = 5;

void expect_one_line_error(const std::vector<std::string>& argv, int code, const std::string& fragment) {
  const auto r = run_command(argv);
  std::string cmd;
  for (const auto& a : argv) cmd += a + " ";
  EXPECT_EQ(r.exit_code, code) << cmd << "\nstderr: " << r.err;
  EXPECT_EQ(line_count(r.err), 1) << cmd << "\nstderr: " << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << cmd << "\nstderr: " << r.err;
}

TEST(Cli, HelpAndListWorkWithoutAGpu) {
  const auto help = run_command({GPULAB_CLI, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("tour"), std::string::npos);
  const auto module_help = run_command({GPULAB_CLI, "transfer", "--help"});
  EXPECT_EQ(module_help.exit_code, 0);
  EXPECT_NE(module_help.out.find("--size"), std::string::npos);
  const auto list = run_command({GPULAB_CLI, "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  for (const char* name : {"h2d_pinned", "index_mapping", "map_2d_index", "pipelined_scale", "occupancy",
                           "pi_xorwow", "precision_study", "monte_carlo_pi"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << name;
  }
  const auto json = run_command({GPULAB_CLI, "list", "--format", "json"});
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.out.front(), '{');
  const auto standalone = run_command({GPULAB_TRANSFER_CLI, "--help"});
  EXPECT_EQ(standalone.exit_code, 0);
}

TEST(Cli, BadSizes) {
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "0"}, usage, "at least 1");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "-5"}, usage, "positive");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "abc"}, usage, "'abc'");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "99999999999999999999999"}, usage, "64 bits");
  expect_one_line_error({GPULAB_TRANSFER_CLI, "--size", "12Q"}, usage, "unknown unit");
}

TEST(Cli, UnknownNames) {
  expect_one_line_error({GPULAB_CLI, "trnasfer"}, usage, "unknown module or command 'trnasfer'");
  expect_one_line_error({GPULAB_CLI, "transfer", "no_such_case"}, usage, "unknown case 'no_such_case'");
  expect_one_line_error({GPULAB_DEVICE_CLI, "no_such_demo"}, usage, "unknown case 'no_such_demo'");
  expect_one_line_error({GPULAB_CLI, "transfer", "--format", "xml"}, usage, "unknown output format 'xml'");
  expect_one_line_error({GPULAB_CLI, "check", "no_such_exercise"}, usage, "unknown exercise 'no_such_exercise'");
  expect_one_line_error({GPULAB_CLI, "device", "--plot", "x.png"}, usage, "nothing to plot");
}

TEST(Cli, BadNumbers) {
  expect_one_line_error({GPULAB_CLI, "transfer", "--repeat", "0"}, usage, "--repeat");
  expect_one_line_error({GPULAB_CLI, "transfer", "--repeat", "many"}, usage, "--repeat");
  expect_one_line_error({GPULAB_CLI, "transfer", "--device", "zero"}, usage, "--device");
  expect_one_line_error({GPULAB_CLI, "transfer", "--no-such-option"}, usage, "--no-such-option");
  expect_one_line_error({GPULAB_CLI, "tour", "--size", "5M"}, usage, "course's sizes");
}

TEST(Cli, RandomModuleBadInput) {
  expect_one_line_error({GPULAB_CLI, "random", "pi_philox", "--size", "0"}, usage, "at least 1");
  expect_one_line_error({GPULAB_CLI, "random", "pi_philox", "--size", "2^64"}, usage, "64 bits");
  expect_one_line_error({GPULAB_RANDOM_CLI, "pi_xorwow", "--size", "2^41"}, usage, "at most 2^40");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--generator", "ranlux"}, usage, "unknown generator 'ranlux'");
  expect_one_line_error({GPULAB_CLI, "random", "weibull"}, usage, "unknown case 'weibull'");
  expect_one_line_error({GPULAB_CLI, "random", "normal", "--sigma", "0"}, usage, "sigma must be");
  expect_one_line_error({GPULAB_CLI, "random", "log_normal", "--sigma", "-1"}, usage, "sigma must be");
  expect_one_line_error({GPULAB_CLI, "random", "poisson", "--lambda", "0"}, usage, "lambda must be");
  expect_one_line_error({GPULAB_CLI, "random", "poisson", "--lambda", "-2.5"}, usage, "lambda must be");
  expect_one_line_error({GPULAB_CLI, "random", "normal", "--mean", "x1"}, usage, "'x1' is not a number");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--dimensions", "0"}, usage, "dimensions must be in");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--dimensions", "20001"}, usage, "dimensions must be in");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--plot", "u.png"}, usage, "nothing to plot");
  const auto help = run_command({GPULAB_RANDOM_CLI, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option : {"--generator", "--sigma", "--lambda", "--dimensions", "--plot"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
}

TEST(Cli, LinalgModuleBadInput) {
  expect_one_line_error({GPULAB_CLI, "linalg", "dgemm", "--size", "0"}, usage, "at least 1");
  expect_one_line_error({GPULAB_LINALG_CLI, "lu_solve", "--size", "46341"}, usage, "must be 1..46340");
  expect_one_line_error({GPULAB_LINALG_CLI, "dgemm", "--size", "131073"}, usage, "must be 1..131072");
  expect_one_line_error({GPULAB_CLI, "linalg", "matrix_power", "--power", "-1"}, usage, "--power");
  expect_one_line_error({GPULAB_CLI, "linalg", "matrix_power", "--power", "ten"}, usage, "'ten'");
  expect_one_line_error({GPULAB_CLI, "linalg", "svd_gesvx"}, usage, "unknown case 'svd_gesvx'");
  expect_one_line_error({GPULAB_CLI, "linalg", "qr", "--plot", "q.png"}, usage, "nothing to plot");
  const auto help = run_command({GPULAB_LINALG_CLI, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--power"), std::string::npos);
  const auto list = run_command({GPULAB_CLI, "list"});
  for (const char* name : {"dgemm", "sgemm", "tf32_gemm", "bf16_gemm", "matrix_power", "svd_gesvd", "svd_gesvdj",
                           "svd_gesvdp", "svd_gesvda", "svd_newton_schulz", "qr", "lu_solve", "cholesky_solve", "syevd"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << name;
  }
}

TEST(Cli, KernelsModuleBadInput) {
  expect_one_line_error({GPULAB_CLI, "kernels", "sum_cub", "--size", "2^34"}, usage, "at most 2^33");
  expect_one_line_error({GPULAB_CLI, "kernels", "sum_quantum"}, usage, "unknown case 'sum_quantum'");
  // The fractal's parameters and picture path are checked before any GPU work.
  expect_one_line_error({GPULAB_CLI, "kernels", "julia_computed_coordinates", "--iterations", "0"}, usage,
                        "iterations must be in 1..255");
  expect_one_line_error({GPULAB_CLI, "kernels", "julia_coalesced_2d", "--c", "nan,0.6"}, usage, "must be finite");
  expect_one_line_error({GPULAB_CLI, "kernels", "julia_grid_stride", "--size", "0"}, usage, "");
  expect_one_line_error({GPULAB_CLI, "kernels", "julia_grid_stride", "--size", "200000"}, usage, "n x n pixels");
  expect_one_line_error({GPULAB_CLI, "kernels", "fractal_image", "--image", "/nonexistent-dir/j.png"}, io,
                        "cannot write '/nonexistent-dir/j.png'");
  expect_one_line_error({GPULAB_CLI, "kernels", "fractal_image", "--set", "cantor"}, usage, "--set");
  const auto list = run_command({GPULAB_CLI, "list"});
  for (const char* name : {"sum_atomic_per_element", "sum_shared_tree", "sum_warp_shuffle", "sum_multi_element",
                           "sum_cub", "dot_multi_element", "dot_cub", "julia_complex_input", "julia_grid_stride",
                           "julia_coalesced_2d", "julia_computed_coordinates", "fractal_image",
                           "saxpy_runtime_compiled", "runtime_compilation"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << name;
  }
}

TEST(Cli, KernelThatDoesNotCompileShowsNvrtcLogWithUsageExit) {
  // NVRTC needs no GPU: the operation is compiled before any GPU work.
  const auto r = run_command({GPULAB_CLI, "kernels", "saxpy_runtime_compiled", "--operation", "r[i] = a * x[i] +"});
  EXPECT_EQ(r.exit_code, usage) << r.err;
  EXPECT_NE(r.err.find("kernel 'saxpy' does not compile: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  | "), std::string::npos) << "no NVRTC log: " << r.err;
  EXPECT_NE(r.err.find("r[i] = a * x[i] +;"), std::string::npos) << "the log shows the line: " << r.err;
  const auto undeclared = run_command({GPULAB_CLI, "kernels", "saxpy_runtime_compiled", "--operation", "r[i] = b"});
  EXPECT_EQ(undeclared.exit_code, usage) << undeclared.err;
  EXPECT_NE(undeclared.err.find("identifier \"b\" is undefined"), std::string::npos) << undeclared.err;
}

TEST(Cli, UnwritableOutputIsAnIoError) {
  expect_one_line_error({GPULAB_CLI, "transfer", "h2d_pinned", "--output", "/nonexistent-dir/out.csv"}, io,
                        "cannot write");
}

TEST(Cli, DeviceIndexOutOfRange) {
  if (gpulab::device_count() == 0) {
    expect_one_line_error({GPULAB_CLI, "device", "--device", "99"}, no_device, "no CUDA-capable GPU");
  } else {
    expect_one_line_error({GPULAB_CLI, "device", "--device", "99"}, usage, "out of range");
    expect_one_line_error({GPULAB_CLI, "device", "--device", "-1"}, usage, "out of range");
  }
}

TEST(Cli, NoGpuIsSaidPlainlyWithItsOwnExitCode) {
  if (gpulab::device_count() > 0) GTEST_SKIP() << "this machine has a GPU; the no-GPU path cannot be exercised";
  expect_one_line_error({GPULAB_CLI, "transfer"}, no_device, "no CUDA-capable GPU is visible");
  expect_one_line_error({GPULAB_CLI, "tour"}, no_device, "no CUDA-capable GPU is visible");
  expect_one_line_error({GPULAB_CLI, "check", "map_2d_index"}, no_device, "no CUDA-capable GPU is visible");
  expect_one_line_error({GPULAB_DEVICE_CLI}, no_device, "no CUDA-capable GPU is visible");
}

}  // namespace
