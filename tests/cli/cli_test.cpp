// SPDX-License-Identifier: MIT
// The command line, from the outside: bad input gets one clear line on stderr
// and a documented exit code, on any machine (these run before any GPU work).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include "common/run_command.hpp"
#include "common/temporary_file.hpp"
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

// Module 8 is a module of the course like the others: `gpulab list` shows its cases and its
// exercise, `gpulab multigpu` takes the common options and refuses unknown cases before any GPU
// work (one process: no mpirun; several GPUs are gpulab-multigpu's).
TEST(Cli, MultigpuIsListedAndRunsWithoutMpirun) {
  const auto list = run_command({GPULAB_CLI, "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  for (const char* name : {"multigpu", "wave_step", "all_reduce_nccl", "halo_exchange",
                           "kernels/multigpu/exercises/halo_exchange.hpp"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << name << " in:\n" << list.out;
  }
  const auto help = run_command({GPULAB_CLI, "multigpu", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--size"), std::string::npos) << help.out;
  expect_one_line_error({GPULAB_CLI, "multigpu", "wave_halo"}, usage, "unknown case 'wave_halo' for module multigpu");
}

TEST(Cli, BadSizes) {
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "0"}, usage, "at least 1");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "-5"}, usage, "positive");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "abc"}, usage, "'abc'");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "99999999999999999999999"}, usage, "64 bits");
  expect_one_line_error({GPULAB_TRANSFER_CLI, "--size", "12Q"}, usage, "unknown unit");
}

// Every module that takes --size refuses the same bad sizes the same way, before any GPU work.
TEST(Cli, BadSizesOnEveryModule) {
  for (const char* module : {"transfer", "linalg", "random", "custom"}) {
    for (const char* size : {"0", "-5", "", "abc", "2^64", "1^99999999999", "99999999999999999999999"}) {
      expect_one_line_error({GPULAB_CLI, module, "--size", size}, usage, "--size");
    }
  }
  // Element counts whose bytes would not fit (or overflow the kernels' indexing) are usage errors too.
  for (const char* module : {"linalg", "random", "custom"}) {
    expect_one_line_error({GPULAB_CLI, module, "--size", "2^62"}, usage, "--size");
  }
}

// `gpulab plot` draws a module's figure from a saved report, with no GPU: the H200's
// transfer report gives the bandwidth plot; what is not such a report is one line.
TEST(Cli, PlotRedrawsAFigureFromASavedReport) {
  const std::string reports = (std::filesystem::path(GPULAB_SOURCE_DIR) / "slides/reports/").string();
  const std::filesystem::path svg = std::filesystem::temp_directory_path() / "gpulab_cli_plot_test.svg";
  std::filesystem::remove(svg);
  const auto drawn = run_command({GPULAB_CLI, "plot", reports + "transfer-h200.json", "--output", svg.string()});
  EXPECT_EQ(drawn.exit_code, 0) << drawn.err;
  EXPECT_EQ(line_count(drawn.err), 1) << drawn.err;
  EXPECT_NE(drawn.err.find("(transfer, measured on 0: NVIDIA H200"), std::string::npos) << drawn.err;
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* part : {"<svg", "Bandwidth versus transfer size", "h2d_pinned", "d2d_copy_kernel"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(text.find("scale_by_2"), std::string::npos) << "not a sweep: not on the figure";
  std::filesystem::remove(svg);
  expect_one_line_error({GPULAB_CLI, "plot", reports + "random-h200.json", "--output", svg.string()}, usage,
                        "nothing to plot: its module random draws no figure");
  expect_one_line_error({GPULAB_CLI, "plot", reports + "README.md", "--output", svg.string()}, usage,
                        "not a JSON report");
  expect_one_line_error({GPULAB_CLI, "plot", reports + "no-such-report.json", "--output", svg.string()}, io,
                        "cannot read");
  expect_one_line_error({GPULAB_CLI, "plot", reports + "transfer-h200.json", "--output", "figure.png"}, usage,
                        "give a file name ending in .svg");
  expect_one_line_error({GPULAB_CLI, "plot", reports + "transfer-h200.json"}, usage, "--output is required");
  EXPECT_FALSE(std::filesystem::exists(svg)) << "a refused plot writes nothing";
}

TEST(Cli, UnknownNames) {
  expect_one_line_error({GPULAB_CLI, "trnasfer"}, usage, "unknown module or command 'trnasfer'");
  expect_one_line_error({GPULAB_CLI, "transfer", "no_such_case"}, usage, "unknown case 'no_such_case'");
  expect_one_line_error({GPULAB_DEVICE_CLI, "no_such_demo"}, usage, "unknown case 'no_such_demo'");
  expect_one_line_error({GPULAB_CLI, "transfer", "--format", "xml"}, usage, "unknown output format 'xml'");
  expect_one_line_error({GPULAB_CLI, "check", "no_such_exercise"}, usage, "unknown exercise 'no_such_exercise'");
  expect_one_line_error({GPULAB_CLI, "device", "--plot", "x.svg"}, usage, "nothing to plot");
  // --plot writes SVG: any other name is refused while parsing, before any GPU work.
  expect_one_line_error({GPULAB_CLI, "transfer", "--plot", "bandwidth.png"}, usage, "ending in .svg");
  expect_one_line_error({GPULAB_TRANSFER_CLI, "--plot", "bandwidth"}, usage, "ending in .svg");
  expect_one_line_error({GPULAB_CLI, "transfer", "--plot", "/nonexistent-dir/bw.svg"}, io,
                        "cannot write '/nonexistent-dir/bw.svg'");
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
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--generator", "ranlux"}, usage,
                        "--generator: 'ranlux' is not known");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--generator", "philox,"}, usage,
                        "--generator: an empty name");
  expect_one_line_error({GPULAB_CLI, "random", "weibull"}, usage, "unknown case 'weibull'");
  expect_one_line_error({GPULAB_CLI, "random", "normal", "--sigma", "0"}, usage,
                        "--sigma: must be a finite number > 0");
  expect_one_line_error({GPULAB_CLI, "random", "log_normal", "--sigma", "-1"}, usage, "--sigma: must be");
  expect_one_line_error({GPULAB_CLI, "random", "normal", "--sigma", "inf"}, usage, "--sigma: must be");
  expect_one_line_error({GPULAB_CLI, "random", "poisson", "--lambda", "0"}, usage,
                        "--lambda: must be a number in (0, 1e9]");
  expect_one_line_error({GPULAB_CLI, "random", "poisson", "--lambda", "-2.5"}, usage, "--lambda: must be");
  expect_one_line_error({GPULAB_CLI, "random", "poisson", "--lambda", "2e9"}, usage, "--lambda: must be");
  expect_one_line_error({GPULAB_CLI, "random", "normal", "--mean", "x1"}, usage,
                        "--mean: must be a finite number (got 'x1')");
  expect_one_line_error({GPULAB_CLI, "random", "normal", "--mean", "nan"}, usage, "--mean: must be a finite number");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--dimensions", "0"}, usage,
                        "--dimensions: must be a whole number in 1..20000");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--dimensions", "20001"}, usage, "--dimensions: must be");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--dimensions", "1.5"}, usage, "--dimensions: must be");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--plot", "u.svg"}, usage, "nothing to plot");
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
  expect_one_line_error({GPULAB_CLI, "linalg", "matrix_power", "--power", "1000001"}, usage,
                        "--power: must be a whole number in 0..1000000");
  expect_one_line_error({GPULAB_CLI, "linalg", "matrix_power", "--power", "2.5"}, usage, "--power");
  expect_one_line_error({GPULAB_CLI, "linalg", "svd_gesvx"}, usage, "unknown case 'svd_gesvx'");
  expect_one_line_error({GPULAB_CLI, "linalg", "qr", "--plot", "q.svg"}, usage, "nothing to plot: module linalg");
  const auto help = run_command({GPULAB_LINALG_CLI, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--power"), std::string::npos);
  EXPECT_NE(help.out.find("INT in 0..1000000"), std::string::npos) << "the option's type and range: " << help.out;
  EXPECT_EQ(help.out.find("--plot"), std::string::npos) << "linalg draws no figure: " << help.out;
  const auto list = run_command({GPULAB_CLI, "list"});
  for (const char* name : {"dgemm", "sgemm", "tf32_gemm", "bf16_gemm", "matrix_power", "svd_gesvd", "svd_gesvdj",
                           "svd_gesvdp", "svd_gesvda", "svd_newton_schulz", "qr", "lu_solve", "cholesky_solve", "syevd"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << name;
  }
}

TEST(Cli, KernelsModuleBadInput) {
  expect_one_line_error({GPULAB_CLI, "custom", "sum_cub", "--size", "2^34"}, usage, "at most 2^33");
  expect_one_line_error({GPULAB_CLI, "custom", "sum_quantum"}, usage, "unknown case 'sum_quantum'");
  // The fractal's parameters and picture path are checked before any GPU work.
  expect_one_line_error({GPULAB_CLI, "custom", "julia_computed_coordinates", "--iterations", "0"}, usage,
                        "--iterations: must be a whole number in 1..255");
  expect_one_line_error({GPULAB_CLI, "custom", "julia_computed_coordinates", "--iterations", "12x"}, usage,
                        "--iterations: must be");
  expect_one_line_error({GPULAB_CLI, "custom", "julia_coalesced_2d", "--c", "nan,0.6"}, usage,
                        "--c: must be RE,IM: two finite numbers");
  expect_one_line_error({GPULAB_CLI, "custom", "julia_coalesced_2d", "--c", "0.4"}, usage, "--c: must be RE,IM");
  // Finite as a double, infinite as the kernel's float: the fractal's own check says so.
  expect_one_line_error({GPULAB_CLI, "custom", "julia_coalesced_2d", "--c", "1e39,0"}, usage, "must be finite");
  expect_one_line_error({GPULAB_CLI, "custom", "julia_grid_stride", "--size", "0"}, usage, "");
  expect_one_line_error({GPULAB_CLI, "custom", "julia_grid_stride", "--size", "200000"}, usage, "n x n pixels");
  expect_one_line_error({GPULAB_CLI, "custom", "fractal_image", "--image", "/nonexistent-dir/j.png"}, io,
                        "cannot write '/nonexistent-dir/j.png'");
  expect_one_line_error({GPULAB_CLI, "custom", "fractal_image", "--set", "cantor"}, usage,
                        "--set: must be one of: julia, mandelbrot (got 'cantor')");
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
  const auto r = run_command({GPULAB_CLI, "custom", "saxpy_runtime_compiled", "--operation", "r[i] = a * x[i] +"});
  EXPECT_EQ(r.exit_code, usage) << r.err;
  EXPECT_NE(r.err.find("kernel 'saxpy' does not compile: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  | "), std::string::npos) << "no NVRTC log: " << r.err;
  EXPECT_NE(r.err.find("r[i] = a * x[i] +;"), std::string::npos) << "the log shows the line: " << r.err;
  const auto undeclared = run_command({GPULAB_CLI, "custom", "saxpy_runtime_compiled", "--operation", "r[i] = b"});
  EXPECT_EQ(undeclared.exit_code, usage) << undeclared.err;
  EXPECT_NE(undeclared.err.find("identifier \"b\" is undefined"), std::string::npos) << undeclared.err;
}

TEST(Cli, SizesFailFastAndNameTheLimit) {
  // Before the exponent limits, this multiplied 10^11 times (a hang).
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "1^99999999999"}, usage, "must be at most 63");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "2^64"}, usage, "at most 63");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "1e400"}, usage, "must be at most 19");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", "4294967296^2"}, usage, "18446744073709551615");
  expect_one_line_error({GPULAB_CLI, "transfer", "--size", std::string(100000, '7')}, usage, "64 bits");
}

TEST(Cli, EmptyValuesAreUsageErrorsNotDefaults) {
  for (const char* option : {"--size", "--format", "--output", "--seed", "--device", "--repeat", "--plot", "--cpu"}) {
    expect_one_line_error({GPULAB_CLI, "transfer", option, ""}, usage, option);
  }
  expect_one_line_error({GPULAB_CLI, "list", "--format", ""}, usage, "--format");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--generator", ""}, usage,
                        "--generator: an empty value is not allowed");
  expect_one_line_error({GPULAB_RANDOM_CLI, "normal", "--sigma", ""}, usage, "--sigma: an empty value");
  expect_one_line_error({GPULAB_CLI, "linalg", "--power", ""}, usage, "--power: an empty value");
  expect_one_line_error({GPULAB_CLI, "custom", "fractal_image", "--image", ""}, usage, "--image: an empty value");
  expect_one_line_error({GPULAB_CLI, "custom", "saxpy_runtime_compiled", "--operation", ""}, usage, "--operation");
}

TEST(Cli, SeedsAreDecimalAndFitSixtyFourBits) {
  for (const char* seed : {"-1", "18446744073709551616", "99999999999999999999999", "0x10", "1.5", "seven"}) {
    expect_one_line_error({GPULAB_CLI, "transfer", "--seed", seed}, usage, "--seed: must be a whole number");
    expect_one_line_error({GPULAB_CLI, "check", "map_2d_index", "--seed", seed}, usage, "--seed");
  }
  expect_one_line_error({GPULAB_CLI, "transfer", "--repeat", "0x10"}, usage, "--repeat");
  expect_one_line_error({GPULAB_CLI, "transfer", "--device", "0x1"}, usage, "--device");
}

// Module 6's CPU backend runs as pandas does: with or without a GPU (this test
// runs on machines without one too), no device touched, exit 0.
TEST(Cli, DataframeOnTheCpuBackendNeedsNoGpu) {
  const auto r = run_command({GPULAB_CLI, "dataframe", "--backend", "cpu", "--size", "1001"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* step : {"column mean", "row mean", "derived column", "cut", "groupby mean", "pivot table"}) {
    EXPECT_NE(r.out.find(step), std::string::npos) << step << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("device"), std::string::npos) << "a CPU-only report names no device:\n" << r.out;
}

// The same steps on your own CSV (--input FILE.csv --columns x,y,z), on the CPU backend: no GPU
// needed. The values are worked out by hand: x = 0.5, 1.5, 2.5, 3.5, 9.5 cut as pd.cut(x, 5)
// (edges 0.491, 2.3, 4.1, 5.9, 7.7, 9.5) gives c1, c1, c2, c2, c5; y and z each miss one value.
TEST(Cli, DataframeStepsRunOnACsvFile) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("gpulab_cli_test_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(file) << "id,x,y,z,w\n1,0.5,2,10,7\n2,1.5,,20,7\n3,2.5,4,30,7\n4,3.5,5,,7\n5,9.5,6,50,7\n";
  const auto r = run_command({GPULAB_CLI, "dataframe", "--backend", "cpu", "--input", file.string(), "--columns",
                              "x,y,z"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* expected : {": A = x, B = y, C = z; 5 rows; --backend cpu)",
                               "as pd.cut(df.A, 5) makes them: 0.491, 2.3, 4.1, 5.9, 7.7, 9.5",
                               "c1     1.0  2.0  15.0", "c2     3.0  4.5  30.0", "c5     9.5  6.0  50.0"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("c3 "), std::string::npos) << "an empty bin has no row, as in pandas:\n" << r.out;
  const std::string f = file.string();
  expect_one_line_error({GPULAB_CLI, "dataframe", "--backend", "cpu", "--input", f, "--columns", "x,y,q"}, usage,
                        "no column 'q' (its columns: id, x, y, z, w)");
  // The header is checked before any GPU work: the same line on the GPU backend, GPU or not,
  // and for module 7's --input.
  expect_one_line_error({GPULAB_CLI, "dataframe", "--input", f, "--columns", "x,y,q"}, usage,
                        "no column 'q' (its columns: id, x, y, z, w)");
  expect_one_line_error({GPULAB_CLI, "ml", "kmeans_fused", "--input", f, "--columns", "x,q"}, usage,
                        "no column 'q' (its columns: id, x, y, z, w)");
  expect_one_line_error({GPULAB_CLI, "dataframe", "--backend", "cpu", "--input", f, "--columns", "x,y"}, usage,
                        "three columns");
  expect_one_line_error({GPULAB_CLI, "dataframe", "--backend", "cpu", "--columns", "x,y,z"}, usage,
                        "--columns needs --input");
  expect_one_line_error({GPULAB_CLI, "dataframe", "--backend", "cpu", "--input", f + ".missing", "--columns", "x,y,z"},
                        io, "cannot be opened");
  std::ofstream(file) << "x,y,z\n,2,3\n";
  expect_one_line_error({GPULAB_CLI, "dataframe", "--backend", "cpu", "--input", f, "--columns", "x,y,z"}, usage,
                        "column 'x' (A) has no value");
  std::ofstream(file) << "x,y,z\n1,2,abc\n";
  expect_one_line_error({GPULAB_CLI, "dataframe", "--backend", "cpu", "--input", f, "--columns", "x,y,z"}, io,
                        ":2:5: expected a number in column 'z'");
  std::filesystem::remove(file);
}

// Module 7's --input on every algorithm: --target names the column regression learns; each
// combination it needs is checked before any GPU work, so these lines come GPU or not.
TEST(Cli, MlInputAndTargetAreCheckedBeforeAnyGpuWork) {
  const gpulab::testing::temporary_file file("ml", "a,b,label,y\n0.5,1.5,0,2.25\n1.5,0.25,1,3.5\n2.5,4.5,1,1.75\n");
  const std::string f = file.path.string();
  expect_one_line_error({GPULAB_CLI, "ml", "linear_qr", "--input", f, "--columns", "a,b"}, usage,
                        "linear_qr on --input needs --target COLUMN");
  expect_one_line_error({GPULAB_CLI, "ml", "logistic_newton", "--input", f, "--columns", "a,b"}, usage,
                        "logistic_newton on --input needs --target COLUMN");
  expect_one_line_error({GPULAB_CLI, "ml", "linear_qr", "--target", "y"}, usage, "--target needs --input FILE.csv");
  // The module's demos make data of their own (a known condition number, a known boundary): named with
  // --input they are refused, whatever --target says, rather than reported under the file's name.
  for (const char* demo : {"linear_conditioning", "logistic_newton_vs_gd"}) {
    expect_one_line_error({GPULAB_CLI, "ml", demo, "--input", f, "--columns", "a,b"}, usage,
                          std::string(demo) + " is a demo on data of its own: --input applies to the cases");
  }
  expect_one_line_error({GPULAB_CLI, "ml", "linear_qr", "--input", f, "--columns", "a,b", "--target", "q"}, usage,
                        "--target: " + f + " has no column 'q'");
  expect_one_line_error({GPULAB_CLI, "ml", "linear_qr", "--input", f, "--columns", "a,y", "--target", "y"}, usage,
                        "--target 'y' is also one of --columns");
  expect_one_line_error({GPULAB_CLI, "ml", "pca_covariance", "--input", f, "--columns", "a,b", "--size", "100"}, usage,
                        "--size and --input");
  // Logistic regression named on a price: refused with the file's line before linear_qr, named first, runs.
  expect_one_line_error({GPULAB_CLI, "ml", "linear_qr", "logistic_newton", "--input", f, "--columns", "a,b", "--target", "y"},
                        usage, f + ":2: column 'y' is 2.25; logistic regression needs labels 0 or 1");
  // So is a file wider than its fused pass takes (65 features), named after a case that takes it.
  std::string text, columns;
  for (int j = 0; j < 65; ++j) {
    text += "c" + std::to_string(j) + ",";
    columns += (j ? ",c" : "c") + std::to_string(j);
  }
  text += "label\n";
  for (int i = 0; i < 80; ++i) {  // no column constant: (i (j + 2)) mod 97 varies with i, as 97 is prime
    for (int j = 0; j < 65; ++j) text += std::to_string(i * (j + 2) % 97) + ",";
    text += std::to_string(i % 2) + "\n";
  }
  const gpulab::testing::temporary_file wide("wide", text);
  expect_one_line_error({GPULAB_CLI, "ml", "pca_covariance", "logistic_gradient_descent", "--input", wide.path.string(),
                         "--columns", columns, "--target", "label"},
                        usage, "logistic regression: " + wide.path.string() + " gives 65 features; at most 64");
}

// A saved report (slides/reports/) says what measured it and when: the kit's revision and the date.
TEST(Cli, AReportNamesTheKitAndTheDate) {
  const auto r = run_command({GPULAB_CLI, "dataframe", "--backend", "cpu", "--size", "1001", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  const std::string kit = report["header"].value("gpulab", "");
  EXPECT_TRUE(kit.starts_with(GPULAB_VERSION)) << kit;
  EXPECT_NE(kit.find("(git "), std::string::npos) << kit;
  const std::string date = report["header"].value("date", "");
  // "2026-12-03 04:05 UTC": digits where the pattern has 9, the rest as written.
  const std::string pattern = "9999-99-99 99:99 UTC";
  ASSERT_EQ(date.size(), pattern.size()) << date;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    EXPECT_TRUE(pattern[i] == '9' ? std::isdigit(static_cast<unsigned char>(date[i])) != 0 : date[i] == pattern[i])
        << date;
  }
}

// The tour's --module takes a module's id; check takes a name or --all, not both, not neither.
TEST(Cli, TourModuleAndCheckAllAreChecked) {
  expect_one_line_error({GPULAB_CLI, "tour", "--module", "nosuch"}, usage, "--module");
  expect_one_line_error({GPULAB_CLI, "tour", "--module", ""}, usage, "--module");
  expect_one_line_error({GPULAB_CLI, "check"}, usage, "give an exercise's name, or --all");
  expect_one_line_error({GPULAB_CLI, "check", "--all", "map_2d_index"}, usage, "excludes");
  expect_one_line_error({GPULAB_CHECK_CLI}, usage, "give an exercise's name, or --all");
  if (gpulab::device_count() == 0) {
    expect_one_line_error({GPULAB_CLI, "tour", "--module", "random"}, no_device, "no CUDA-capable GPU is visible");
    expect_one_line_error({GPULAB_CLI, "check", "--all"}, no_device, "no CUDA-capable GPU is visible");
  }
}

TEST(Cli, CpuModeIsOneOfThree) {
  for (const char* bad : {"yes", "ON", "auto,on", "1", " off"}) {
    expect_one_line_error({GPULAB_CLI, "linalg", "dgemm", "--cpu", bad}, usage, "--cpu");
    expect_one_line_error({GPULAB_CLI, "tour", "--cpu", bad}, usage, "--cpu");
  }
  expect_one_line_error({GPULAB_CLI, "device", "--cpu", "on"}, usage, "--cpu: module device has no CPU references");
}

TEST(Cli, OptionsOfOtherModulesAreRefused) {
  expect_one_line_error({GPULAB_CLI, "linalg", "dgemm", "--generator", "philox"}, usage, "--generator");
  expect_one_line_error({GPULAB_CLI, "random", "uniform", "--power", "3"}, usage, "--power");
  expect_one_line_error({GPULAB_LINALG_CLI, "dgemm", "--sigma", "2"}, usage, "--sigma");
  expect_one_line_error({GPULAB_CLI, "transfer", "--iterations", "10"}, usage, "--iterations");
  // Common options a command does not take are refused with the reason.
  expect_one_line_error({GPULAB_CLI, "device", "--size", "5M"}, usage, "--size: module device has no cases");
  expect_one_line_error({GPULAB_DEVICE_CLI, "--repeat", "3"}, usage, "--repeat: module device times no cases");
  expect_one_line_error({GPULAB_CLI, "device", "--plot", "x.svg"}, usage, "nothing to plot: module device");
  expect_one_line_error({GPULAB_CLI, "tour", "--plot", "x.svg"}, usage, "--plot");
  expect_one_line_error({GPULAB_CLI, "check", "map_2d_index", "--size", "5"}, usage, "--size");
}

TEST(Cli, HelpListsOnlyWhatTheCommandTakes) {
  struct expectation {
    std::vector<std::string> argv;
    std::vector<std::string> listed, absent;
  };
  const std::vector<expectation> cases = {
      {{GPULAB_CLI, "device", "--help"}, {"--device", "--seed", "--format", "--output"},
       {"--size", "--repeat", "--cpu", "--plot", "--generator", "--power"}},
      {{GPULAB_DEVICE_CLI, "--help"}, {"--device", "--version"}, {"--size", "--repeat", "--plot"}},
      {{GPULAB_CLI, "transfer", "--help"}, {"--size", "--repeat", "--cpu", "auto|on|off", "--plot", "FILE.svg"},
       {"--generator", "--power"}},
      {{GPULAB_CLI, "linalg", "--help"}, {"--size", "--power"}, {"--plot", "--generator", "--iterations"}},
      {{GPULAB_CLI, "random", "--help"},
       {"--plot", "--generator", "--sigma", "NUMBER > 0", "(default all)"},
       {"--power", "--set"}},
      {{GPULAB_CLI, "custom", "--help"},
       {"--set", "julia|mandelbrot", "--c", "RE,IM", "--image"},
       {"--plot", "--power"}},
      {{GPULAB_CLI, "tour", "--help"}, {"--repeat", "--seed", "--output"}, {"--size", "--plot", "--generator"}},
      {{GPULAB_CLI, "check", "--help"}, {"--device", "--seed"}, {"--size", "--repeat", "--cpu", "--format", "--plot"}},
      {{GPULAB_CLI, "list", "--help"}, {"--format"}, {"--size", "--seed", "--device"}},
  };
  for (const expectation& e : cases) {
    const auto r = run_command(e.argv);
    const std::string command = e.argv[1] + " " + (e.argv.size() > 2 ? e.argv[2] : "") + ": ";
    EXPECT_EQ(r.exit_code, 0) << command << r.err;
    for (const std::string& option : e.listed) EXPECT_NE(r.out.find(option), std::string::npos) << command << option;
    for (const std::string& option : e.absent) {
      EXPECT_EQ(r.out.find(option + " "), std::string::npos) << command << "lists " << option << ":\n" << r.out;
    }
  }
}

TEST(Cli, VersionWorksWithoutAGpu) {
  for (const char* program :
       {GPULAB_CLI, GPULAB_DEVICE_CLI, GPULAB_TRANSFER_CLI, GPULAB_LINALG_CLI, GPULAB_RANDOM_CLI}) {
    const auto r = run_command({program, "--version"});
    EXPECT_EQ(r.exit_code, 0) << program << r.err;
    EXPECT_TRUE(r.err.empty()) << program << r.err;
    EXPECT_NE(r.out.find(" (git "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("CUDA runtime "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("CUDA driver"), std::string::npos) << r.out;  // its version, or "no CUDA driver"
  }
  const auto r = run_command({GPULAB_CLI, "--version"});
  EXPECT_EQ(r.out.rfind("gpulab ", 0), 0u) << r.out;
  EXPECT_EQ(line_count(r.out), 2) << r.out;
}

TEST(Cli, AFailedWriteToStdoutIsAnIoError) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  for (const char* args : {" list", " list --format json", " --help", " --version", " random --help"}) {
    const auto r = run_command({"/bin/sh", "-c", std::string("exec '") + GPULAB_CLI + "'" + args + " > /dev/full"});
    EXPECT_EQ(r.exit_code, io) << args << ": " << r.err;
    EXPECT_EQ(line_count(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find("cannot write to standard output"), std::string::npos) << args << ": " << r.err;
  }
}

TEST(Cli, AFailedRunLeavesNoReportFile) {
  const std::filesystem::path folder = std::filesystem::path(::testing::TempDir()) / "gpulab_cli_atomic";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const std::string report = (folder / "report.csv").string();
  // Refused after the output is checked: device 99 (no GPU here: exit 3; a GPU: out of range, exit 2).
  const auto r = run_command({GPULAB_CLI, "device", "--device", "99", "--output", report, "--format", "csv"});
  EXPECT_TRUE(r.exit_code == no_device || r.exit_code == usage) << r.err;
  for (const auto& left : std::filesystem::directory_iterator(folder)) ADD_FAILURE() << "left behind: " << left.path();
  // A folder is not a file: refused before any work, and left alone.
  expect_one_line_error({GPULAB_CLI, "device", "--output", folder.string()}, io, "it is a folder");
  std::filesystem::remove_all(folder);
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
    expect_one_line_error({GPULAB_CLI, "device", "--device", "-1"}, usage, "--device: must be a whole number");
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
