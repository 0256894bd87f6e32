// SPDX-License-Identifier: MIT
// gpulab-multigpu from the outside, under mpirun: the report on 1 to 4 ranks,
// ranks given different sizes, a rank that fails half-way, bad command lines.
// Every error is a line of ours on each rank that reports it, and an exit code
// (mpirun adds its own banner to stderr, so lines are counted by our prefix).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/run_command.hpp"
#include "gpulab/core/device.hpp"

namespace {

using gpulab::testing::command_result;
using gpulab::testing::run_command;

constexpr int usage = 2, io = 5, internal = 7;

// mpirun -np <ranks> <flags>: the flags let OpenMPI run as root and more ranks than cores.
std::vector<std::string> mpirun(int ranks) {
  // A hang fails here too, not only at ctest's timeout: mpirun (OpenMPI and MPICH) stops the job.
  setenv("MPIEXEC_TIMEOUT", "45", 1);
  std::vector<std::string> argv = {GPULAB_MPIEXEC, GPULAB_MPIEXEC_NUMPROC_FLAG, std::to_string(ranks)};
  std::istringstream flags(GPULAB_MPIEXEC_FLAGS);
  for (std::string flag; flags >> flag;) argv.push_back(flag);
  return argv;
}

// mpirun -np <ranks> gpulab-multigpu wave <args...>
command_result run_wave(int ranks, const std::vector<std::string>& args) {
  std::vector<std::string> argv = mpirun(ranks);
  argv.push_back(GPULAB_MULTIGPU_CLI);
  argv.push_back("wave");
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

int count(const std::string& text, const std::string& fragment) {
  int n = 0;
  for (auto at = text.find(fragment); at != std::string::npos; at = text.find(fragment, at + 1)) ++n;
  return n;
}

// Each of `ranks` ranks printed one error line of ours, and only those.
void expect_refused_on_every_rank(const command_result& r, int ranks, int code, const std::string& fragment) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(count(r.err, "gpulab-multigpu: rank "), ranks) << r.err;
  for (int rank = 0; rank < ranks; ++rank) {
    EXPECT_EQ(count(r.err, "gpulab-multigpu: rank " + std::to_string(rank) + ": error: "), 1) << r.err;
  }
  EXPECT_EQ(count(r.err, fragment), ranks) << r.err;
  EXPECT_EQ(r.out.find("validation:"), std::string::npos) << r.out;
}

class multigpu_cli : public ::testing::TestWithParam<int> {};

TEST_P(multigpu_cli, OddGridIsBitExactOnEveryRankCount) {
  const int ranks = GetParam();
  for (const std::string halo : {"sendrecv", "overlap"}) {
    const std::string json_path =
        (std::filesystem::temp_directory_path() / ("gpulab_multigpu_" + std::to_string(ranks) + "_" + halo + ".json"))
            .string();
    const command_result r = run_wave(ranks, {"--size", "97x61", "--steps", "20", "--validation", "full", "--backend",
                                              "host", "--halo", halo, "--output", json_path});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(count(r.out, "validation: field bit-exact vs the undivided solve, energy within "), 1) << r.out;
    EXPECT_EQ(count(r.out, "ranks  grid"), 1) << "rank 0 alone prints the report:\n" << r.out;
    EXPECT_NE(r.out.find(std::string(4, ' ') + std::to_string(ranks) + "  97 x 61            20  " + halo),
              std::string::npos)
        << r.out;
    std::ifstream file(json_path);
    const nlohmann::json json = nlohmann::json::parse(file);
    EXPECT_EQ(json["ranks"], ranks);
    EXPECT_EQ(json["halo"], halo);
    EXPECT_EQ(json["grid"]["rows"], 97);
    EXPECT_EQ(json["grid"]["cols"], 61);
    EXPECT_EQ(json["validation"]["passed"], true);
    EXPECT_EQ(json["validation"]["field_bit_exact"], true);
    std::filesystem::remove(json_path);
  }
}

INSTANTIATE_TEST_SUITE_P(ranks, multigpu_cli, ::testing::Values(1, 2, 3, 4),
                         [](const auto& param_info) { return std::to_string(param_info.param); });

// MPMD: ranks 0 and 1 are given --size 97, rank 2 --size 1000.
TEST(multigpu_cli_errors, DifferentSizesAreRefusedOnEveryRank) {
  std::vector<std::string> argv = mpirun(2);
  for (const std::string& a :
       {std::string(GPULAB_MULTIGPU_CLI), std::string("wave"), std::string("--size"), std::string("97"),
        std::string(":"), std::string(GPULAB_MPIEXEC_NUMPROC_FLAG), std::string("1"), std::string(GPULAB_MULTIGPU_CLI),
        std::string("wave"), std::string("--size"), std::string("1000")}) {
    argv.push_back(a);
  }
  const command_result r = run_command(argv);
  expect_refused_on_every_rank(r, 3, usage,
                               "rank 2 has --size 1000, rank 0 has 97: every rank must be given the same --size");
}

TEST(multigpu_cli_errors, AFailingRankStopsEveryRankWithItsMessage) {
  // Rank 1 throws at step 20 while ranks 0 and 2 wait for its halo: MPI_Abort ends
  // them all, and mpirun exits with the failing rank's code (7: internal).
  for (const std::string halo : {"sendrecv", "overlap"}) {
    const command_result r = run_wave(3, {"--size", "97x61", "--steps", "40", "--halo", halo, "--fail-rank", "1"});
    EXPECT_EQ(r.exit_code, internal) << r.err;
    EXPECT_EQ(count(r.err, "gpulab-multigpu: rank 1: error: rank 1 failed on purpose at step 20 (--fail-rank)"), 1)
        << r.err;
    EXPECT_EQ(count(r.err, "gpulab-multigpu: rank "), 1) << "only the failing rank reports:\n" << r.err;
    EXPECT_EQ(r.out.find("validation:"), std::string::npos) << r.out;
  }
  // Rank 0 too: the others are then waiting in its exchange and in the gather.
  const command_result r = run_wave(2, {"--size", "64", "--steps", "10", "--fail-rank", "0"});
  EXPECT_EQ(r.exit_code, internal) << r.err;
  EXPECT_EQ(count(r.err, "gpulab-multigpu: rank 0: error: rank 0 failed on purpose at step 5 (--fail-rank)"), 1)
      << r.err;
}

// Bad command lines, each refused on every rank before any work: one mpirun call
// each (OpenMPI takes a second or so to end a job whose ranks exit with an error).
struct bad_command_line {
  std::string name;
  int ranks;
  std::vector<std::string> args;
  int exit_code;
  std::string message;
};

// Test names and failures show the case's name, not its bytes.
void PrintTo(const bad_command_line& bad, std::ostream* out) { *out << bad.name; }

class multigpu_cli_refuses : public ::testing::TestWithParam<bad_command_line> {};

TEST_P(multigpu_cli_refuses, OnEveryRank) {
  const bad_command_line& bad = GetParam();
  expect_refused_on_every_rank(run_wave(bad.ranks, bad.args), bad.ranks, bad.exit_code, bad.message);
}

INSTANTIATE_TEST_SUITE_P(
    bad, multigpu_cli_refuses,
    ::testing::Values(
        bad_command_line{"size_zero", 2, {"--size", "0"}, usage, "--size: invalid size '0'"},
        bad_command_line{"size_not_a_number", 2, {"--size", "97xabc"}, usage, "--size: invalid size 'abc'"},
        bad_command_line{"more_ranks_than_rows", 4, {"--size", "3x9", "--steps", "2"}, usage,
                         "a grid of 3 rows cannot be cut into 4 slabs: each rank needs at least one row"},
        bad_command_line{"unknown_halo", 2, {"--halo", "carrier-pigeon"}, usage, "--halo: carrier-pigeon not in"},
        bad_command_line{"unknown_backend", 2, {"--backend", "tpu"}, usage, "--backend: tpu not in"},
        bad_command_line{"unknown_comm", 2, {"--backend", "gpu", "--comm", "smoke-signals"}, usage,
                         "--comm: smoke-signals not in"},
        bad_command_line{"sendrecv_on_the_gpu", 2, {"--backend", "gpu", "--halo", "sendrecv"}, usage,
                         "--halo sendrecv is the host backend's (MPI_Sendrecv); the gpu backend takes blocking, overlap "
                         "or graph"},
        bad_command_line{"graph_on_the_host", 2, {"--backend", "host", "--halo", "graph"}, usage,
                         "--halo graph is the gpu backend's (a CUDA graph): add --backend gpu"},
        bad_command_line{"graph_with_mpi", 2, {"--backend", "gpu", "--halo", "graph", "--comm", "mpi"}, usage,
                         "MPI's calls run on the host and cannot be captured: use --comm nccl"},
        bad_command_line{"fail_rank_not_a_rank", 2, {"--size", "16", "--fail-rank", "5"}, usage,
                         "--fail-rank 5 is not a rank: there are 2"},
        // Rank 0 alone writes the file: it finds the problem, and every rank stops.
        bad_command_line{"unwritable_output", 2, {"--size", "16", "--output", "/nonexistent-folder/x.json"}, io,
                         "/nonexistent-folder/x.json"}),
    [](const auto& param_info) { return param_info.param.name; });

// mpirun -np <ranks> gpulab-multigpu <args...>
command_result run_app(int ranks, const std::vector<std::string>& args) {
  std::vector<std::string> argv = mpirun(ranks);
  argv.push_back(GPULAB_MULTIGPU_CLI);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

// Two ranks on a node with fewer than two GPUs: every GPU command is refused on
// every rank before NCCL starts (ncclCommInitRank would hang with one GPU twice):
// "no GPU visible" (exit 3) here, "2 ranks on this node but 1 GPU visible" (exit 2)
// on a one-GPU machine. Both communicators, the wave and the collectives.
TEST(multigpu_cli_errors, MoreRanksThanGpusAreRefusedOnEveryRank) {
  const int gpus = gpulab::device_count();
  if (gpus >= 2) GTEST_SKIP() << "needs fewer than 2 GPUs visible to see the refusal, " << gpus << " are";
  const int code = gpus == 0 ? 3 : usage;
  const std::string message = gpus == 0 ? "no GPU visible on this node (2 ranks need one each)"
                                        : "2 ranks on this node but 1 GPU visible: start at most 1 rank per node";
  for (const std::string comm : {"nccl", "mpi"}) {
    expect_refused_on_every_rank(run_wave(2, {"--backend", "gpu", "--comm", comm, "--size", "97x61"}), 2, code,
                                 message);
    expect_refused_on_every_rank(run_app(2, {"collectives", "--comm", comm, "--max", "1K"}), 2, code, message);
  }
}

TEST(multigpu_cli_errors, CollectivesRefuseAMaximumBelowEightBytes) {
  expect_refused_on_every_rank(run_app(2, {"collectives", "--max", "4"}), 2, usage, "--max 4 is less than 8 bytes");
}

TEST(multigpu_cli_errors, HelpIsPrintedOnceAndNeedsNoRun) {
  const command_result r = run_wave(2, {"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count(r.out, "--halo"), 1) << r.out;
  EXPECT_EQ(r.out.find("validation:"), std::string::npos) << r.out;
}

// allreduce and pi: ranks given different sizes stop together, each with the
// same line, before any communicator is made (so here too, without a GPU).
TEST(multigpu_cli_errors, AllReduceSizesThatDifferAreRefusedOnEveryRank) {
  for (const auto& [command, option] : {std::pair<std::string, std::string>{"allreduce", "--size"},
                                        std::pair<std::string, std::string>{"pi", "--darts"}}) {
    std::vector<std::string> argv = mpirun(2);
    for (const std::string& a : {std::string(GPULAB_MULTIGPU_CLI), command, option, std::string("1M"), std::string(":"),
                                 std::string(GPULAB_MPIEXEC_NUMPROC_FLAG), std::string("1"),
                                 std::string(GPULAB_MULTIGPU_CLI), command, option, std::string("2M")}) {
      argv.push_back(a);
    }
    expect_refused_on_every_rank(run_command(argv), 3, usage,
                                 "rank 2 has " + option + " 2000000, rank 0 has 1000000: every rank must be given the same " +
                                     option);
  }
}

// The new commands' bad command lines, each refused on every rank.
struct bad_app_line {
  std::string name;
  int ranks;
  std::vector<std::string> args;
  int exit_code;
  std::string message;
};
void PrintTo(const bad_app_line& bad, std::ostream* out) { *out << bad.name; }

class multigpu_cli_refuses_command : public ::testing::TestWithParam<bad_app_line> {};

TEST_P(multigpu_cli_refuses_command, OnEveryRank) {
  const bad_app_line& bad = GetParam();
  expect_refused_on_every_rank(run_app(bad.ranks, bad.args), bad.ranks, bad.exit_code, bad.message);
}

INSTANTIATE_TEST_SUITE_P(
    bad, multigpu_cli_refuses_command,
    ::testing::Values(
        bad_app_line{"pi_zero_darts", 2, {"pi", "--darts", "0"}, usage, "--darts: invalid size '0'"},
        bad_app_line{"pi_too_many_darts", 2, {"pi", "--darts", "2^41"}, usage, "more than the 1099511627776 (2^40)"},
        bad_app_line{"pi_unknown_comm", 2, {"pi", "--comm", "pigeon"}, usage, "--comm: pigeon not in"},
        bad_app_line{"allreduce_less_than_a_float", 2, {"allreduce", "--size", "3"}, usage,
                     "--size 3 is less than one float (4 bytes)"},
        bad_app_line{"allreduce_not_a_size", 2, {"allreduce", "--size", "lots"}, usage, "--size: invalid size 'lots'"},
        bad_app_line{"allreduce_unwritable_output", 2, {"allreduce", "--output", "/nonexistent-folder/a.json"}, io,
                     "/nonexistent-folder/a.json"},
        bad_app_line{"topology_on_two_ranks", 2, {"topology"}, usage,
                     "topology runs in one process, which sees every GPU of its node: start it with -np 1"},
        bad_app_line{"p2p_on_two_ranks", 2, {"p2p"}, usage, "p2p runs in one process"},
        bad_app_line{"scaling_more_ranks_than_rows", 4, {"scaling", "--size", "3x9"}, usage,
                     "a grid of 3 rows cannot be cut into 4 slabs"},
        bad_app_line{"scaling_graph_with_mpi", 2, {"scaling", "--halo", "graph", "--comm", "mpi"}, usage,
                     "use --comm nccl"},
        bad_app_line{"scaling_zero_steps", 2, {"scaling", "--steps", "0"}, usage, "--steps"},
        bad_app_line{"nbody_zero_bodies", 2, {"nbody", "--bodies", "0"}, usage, "--bodies: invalid size '0'"},
        bad_app_line{"nbody_too_many_bodies", 2, {"nbody", "--bodies", "2^29"}, usage, "is more than 2^28 bodies"},
        bad_app_line{"p2p_not_a_multiple_of_4", 1, {"p2p", "--bytes", "7"}, usage,
                     "--bytes: 7 is not a positive multiple of 4 bytes"}),
    [](const auto& param_info) { return param_info.param.name; });

// Without a GPU the GPU commands say so (exit 3), once, with no report.
TEST(multigpu_cli_errors, GpuCommandsWithoutAGpuSaySo) {
  if (gpulab::device_count() > 0) GTEST_SKIP() << "a GPU is visible: the commands run (multigpu.gpu_* test them)";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"topology"}, {"p2p", "--bytes", "1K"},
                                              {"pi", "--darts", "1000"}, {"allreduce", "--size", "1K"},
                                              {"scaling", "--size", "64"}, {"nbody", "--bodies", "100"}}) {
    expect_refused_on_every_rank(run_app(1, args), 1, 3, "no GPU visible");
  }
}

TEST(multigpu_cli_errors, HelpListsEveryCommand) {
  const command_result r = run_app(1, {"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const std::string command : {"wave", "collectives", "pi", "allreduce", "scaling", "nbody", "topology", "p2p"}) {
    EXPECT_NE(r.out.find("  " + command), std::string::npos) << command << "\n" << r.out;
  }
}

}  // namespace
