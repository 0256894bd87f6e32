// SPDX-License-Identifier: MIT
// gpulab-multigpu: module 8, scaling out. One process per GPU (or per core, the
// host backend), started by mpirun or srun:
//   mpirun -np 4 gpulab-multigpu wave --size 4096 --steps 100 --validation full --backend gpu --halo overlap
//   mpirun -np 4 gpulab-multigpu wave --backend host --halo sendrecv
//   mpirun -np 4 gpulab-multigpu collectives --max 256M --comm nccl
//   mpirun -np 4 gpulab-multigpu allreduce --size 256M
//   mpirun -np 4 gpulab-multigpu pi --darts 2^34
//   mpirun -np 4 gpulab-multigpu nbody --bodies 256K
//   mpirun -np 4 gpulab-multigpu scaling --size 4096 --halo graph
//   gpulab-multigpu topology; gpulab-multigpu p2p   (one process, every GPU it sees)
// Every rank parses the same command line; rank 0 prints the report.
#include <CLI/CLI.hpp>
#include <climits>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli.hpp"
#include "gpulab/bench/atomic_file.hpp"
#include "gpulab/bench/size_parse.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/multigpu/all_reduce_versions.hpp"
#include "gpulab/multigpu/collectives.hpp"
#include "gpulab/multigpu/communicator.hpp"
#include "gpulab/multigpu/device_assignment.hpp"
#include "gpulab/multigpu/monte_carlo_pi.hpp"
#include "gpulab/multigpu/mpi_session.hpp"
#include "gpulab/multigpu/nbody.hpp"
#include "gpulab/multigpu/p2p_bandwidth.hpp"
#include "gpulab/multigpu/ring_all_reduce.hpp"
#include "gpulab/multigpu/ring_schedule.hpp"
#include "gpulab/multigpu/topology.hpp"
#include "gpulab/multigpu/wave_gpu.hpp"
#include "gpulab/multigpu/wave_mpi.hpp"
#include "gpulab/multigpu/wave_report.hpp"
#include "gpulab/multigpu/wave_scaling.hpp"

namespace {

using namespace gpulab;
using namespace gpulab::multigpu;

struct wave_options {
  std::string size = "4096";
  int steps = 100;
  std::string halo = "overlap";
  std::string validation = "full";
  std::string backend = "host";
  std::string comm = "nccl";
  std::string output;
  int fail_rank = -1;
};

struct collectives_options {
  std::string max = "64M";
  std::string comm = "nccl";
  std::string op = "all";
  int repeat = 20;
  std::uint64_t seed = 1;
};

struct pi_options {
  std::string darts = "2^30";
  std::string comm = "nccl";
  int repeat = 10;
  std::uint64_t seed = 1;
  std::string output;
};

struct allreduce_options {
  std::string size = "64M";
  int repeat = 20;
  std::uint64_t seed = 1;
  std::string output;
};

struct nbody_options {
  std::string bodies = "65536";
  int steps = 20;
  std::string comm = "nccl";
  std::uint64_t seed = 1;
  std::string output;
};

struct scaling_command_options {
  std::string size = "4096";
  int steps = 100;
  std::string halo = "overlap";
  std::string comm = "nccl";
  std::string output;
};

struct one_process_options {  // topology, p2p
  std::string bytes = "256M";
  int repeat = 20;
  std::string output;
};

// The communicator of the GPU commands, this rank on the GPU of its node rank:
// with NCCL, refused on every rank before ncclCommInitRank when the node has
// more ranks than GPUs (or none); with MPI likewise, so both behave the same.
std::unique_ptr<communicator> make_communicator(mpi_session& mpi, const std::string& backend) {
  if (backend == "nccl") return make_nccl_communicator(mpi.world(), mpi.node_rank(), mpi.node_size());
  agree_or_throw(mpi.world(),
                 [&] { select_device(device_for_node_rank(mpi.node_rank(), mpi.node_size(), device_count())); });
  return make_mpi_communicator(mpi.world());
}

// "4096" is a 4096 x 4096 grid, "97x61" one of 97 rows and 61 columns; each
// number as --size takes it elsewhere in the kit (4K, 2^12).
grid_shape parse_grid(const std::string& text) {
  const auto x = text.find('x');
  const std::string rows = text.substr(0, x);
  const std::string cols = x == std::string::npos ? rows : text.substr(x + 1);
  // One row is one MPI message, counted in int: at most 2^31 - 1 columns (and rows).
  const auto dimension = [](const std::string& part) {
    const std::uint64_t n = parse_size(part);
    if (n > INT_MAX) throw usage_error(part + " is more than 2147483647 rows or columns");
    return static_cast<std::int64_t>(n);
  };
  try {
    return grid_shape{dimension(rows), dimension(cols)};
  } catch (const usage_error& e) {
    throw usage_error(std::string("--size: ") + e.what());
  }
}

std::string grid_text(grid_shape grid) {
  return grid.rows == grid.cols ? std::to_string(grid.rows)
                                : std::to_string(grid.rows) + "x" + std::to_string(grid.cols);
}

int run_wave(mpi_session& mpi, const wave_options& options) {
  const MPI_Comm comm = mpi.world();
  wave_problem problem;
  problem.steps = options.steps;
  // Every rank must solve the same problem: a rank given another --size would
  // exchange rows of another length and wait forever. Refused on every rank.
  agree_or_throw(comm, [&] { problem.grid = parse_grid(options.size); });
  const std::vector<std::pair<std::string, std::string>> must_agree = {
      {"--size", grid_text(problem.grid)},
      {"--steps", std::to_string(options.steps)},
      {"--halo", options.halo},
      {"--validation", options.validation},
      {"--backend", options.backend},
      {"--comm", options.comm},
      {"--fail-rank", std::to_string(options.fail_rank)}};
  for (const auto& [option, value] : must_agree) check_same_on_every_rank(comm, option, value);
  if (options.fail_rank >= mpi.size()) {  // every rank sees the same numbers
    throw all_ranks_error(
        "--fail-rank " + std::to_string(options.fail_rank) + " is not a rank: there are " + std::to_string(mpi.size()),
        exit_code::usage);
  }
  agree_or_throw(comm, [&] {
    if (mpi.rank() == 0) require_atomically_writable(options.output);
    if (options.backend == "gpu" && options.halo == "sendrecv") {
      throw usage_error(
          "--halo sendrecv is the host backend's (MPI_Sendrecv); the gpu backend takes blocking, overlap or graph");
    }
    if (options.backend == "host" && options.halo == "graph") {
      throw usage_error("--halo graph is the gpu backend's (a CUDA graph): add --backend gpu");
    }
    if (options.backend == "gpu" && options.halo == "graph" && options.comm != "nccl") {
      throw usage_error("--halo graph captures the step, NCCL calls included, in a CUDA graph; MPI's calls run on the "
                        "host and cannot be captured: use --comm nccl");
    }
  });

  // --fail-rank R: rank R throws half-way, while its neighbours wait for its halo;
  // mpi_main prints its line and MPI_Abort stops them all (the lesson: no hang).
  const auto fail_on_purpose = [&](int step) {
    if (mpi.rank() == options.fail_rank && step == problem.steps / 2) {
      throw error("rank " + std::to_string(mpi.rank()) + " failed on purpose at step " + std::to_string(step) +
                  " (--fail-rank)");
    }
  };
  wave_report report;
  report.problem = problem;
  report.ranks = mpi.size();
  report.backend = options.backend;
  std::optional<wave_slab> mine;  // this rank's slab on the host, for the validation
  if (options.backend == "gpu") {
    const std::unique_ptr<communicator> gpus = make_communicator(mpi, options.comm);
    const stream s;
    const gpu_halo halo = options.halo == "graph"     ? gpu_halo::graph
                          : options.halo == "overlap" ? gpu_halo::overlap
                                                      : gpu_halo::blocking;
    const gpu_solution solution = solve_on_gpus(problem, halo, *gpus, s, fail_on_purpose);
    report.halo = to_string(halo);
    report.backend = "gpu, " + gpus->backend();
    report.seconds = solution.seconds;
    report.initial_energy = solution.initial_energy;
    report.energy = solution.energy;
    if (options.validation == "full") mine = copy_to_host(solution.wave, s);
  } else {
    const halo_version halo = options.halo == "overlap" ? halo_version::overlap : halo_version::sendrecv;
    divided_solution solution = solve_divided(problem, halo, comm, fail_on_purpose);
    report.halo = to_string(halo);
    report.seconds = solution.seconds;
    report.initial_energy = solution.initial_energy;
    report.energy = solution.energy;
    mine = std::move(solution.wave);
  }
  if (options.validation == "full") {
    const std::vector<float> field = gather_field(*mine, comm);
    if (mpi.rank() == 0) report.validation = compare_with_undivided(problem, field, report.energy);
  }
  // Rank 0 alone knows the verdict: every rank exits with its code.
  int code = report.validation.done && !report.validation.passed() ? static_cast<int>(exit_code::verification_failed)
                                                                   : static_cast<int>(exit_code::ok);
  GPULAB_MPI_TRY(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  if (mpi.rank() == 0) {
    std::cout << format_wave_report(report) << std::flush;
    if (!options.output.empty()) write_file_atomically(options.output, wave_report_json(report));
  }
  return code;
}

int run_collectives(mpi_session& mpi, const collectives_options& options) {
  std::uint64_t max_bytes = 0;
  agree_or_throw(mpi.world(), [&] {
    max_bytes = parse_size(options.max);
    if (max_bytes < 8) throw usage_error("--max " + options.max + " is less than 8 bytes");
  });
  const std::vector<std::pair<std::string, std::string>> must_agree = {{"--max", std::to_string(max_bytes)},
                                                                       {"--comm", options.comm},
                                                                       {"--op", options.op},
                                                                       {"--repeat", std::to_string(options.repeat)},
                                                                       {"--seed", std::to_string(options.seed)}};
  for (const auto& [option, value] : must_agree) check_same_on_every_rank(mpi.world(), option, value);
  const std::unique_ptr<communicator> comm = make_communicator(mpi, options.comm);
  // The largest buffers (all_gather's output, reduce_scatter's input) on every rank.
  agree_or_throw(mpi.world(), [&] { require_device_memory(2 * max_bytes, "the collectives' two largest buffers"); });
  const stream s;
  if (mpi.rank() == 0) {
    std::cout << "collectives on " << comm->size() << " rank" << (comm->size() == 1 ? "" : "s") << ", "
              << comm->backend() << (options.comm == "nccl" ? " (NCCL " + nccl_version() + ")" : "")
              << ", float32, sum; median of " << options.repeat
              << " runs on the slowest rank; busbw = algbw x 2(n-1)/n (all_reduce), (n-1)/n (all_gather, "
                 "reduce_scatter), 1 (broadcast)\n"
              << collectives_table_header() << "\n"
              << std::flush;
  }
  bool all_verified = true;
  for (const collective op : all_collectives()) {
    if (options.op != "all" && options.op != to_string(op)) continue;
    for (const std::size_t bytes : collective_sizes(max_bytes)) {
      const collective_row row = run_collective(op, bytes, *comm, s, options.repeat, options.seed);
      if (row.count == 0) continue;  // fewer bytes than one element per rank
      all_verified = all_verified && row.verified();
      if (mpi.rank() == 0) std::cout << format_collective_row(row) << "\n" << std::flush;
    }
  }
  return all_verified ? static_cast<int>(exit_code::ok) : static_cast<int>(exit_code::verification_failed);
}

// Every value of `must_agree` the same on every rank, else all stop (a rank
// with another size would wait forever for data that never comes).
void check_all_agree(MPI_Comm comm, const std::vector<std::pair<std::string, std::string>>& must_agree) {
  for (const auto& [option, value] : must_agree) check_same_on_every_rank(comm, option, value);
}

void write_output(mpi_session& mpi, const std::string& path, const std::string& json) {
  if (mpi.rank() == 0 && !path.empty()) write_file_atomically(path, json);
}

int run_pi(mpi_session& mpi, const pi_options& options) {
  pi_samples samples;
  agree_or_throw(mpi.world(), [&] {
    try {
      samples.darts = parse_size(options.darts);
    } catch (const usage_error& e) {
      throw usage_error(std::string("--darts: ") + e.what());
    }
    require_valid(samples);
    if (mpi.rank() == 0) require_atomically_writable(options.output);
  });
  check_all_agree(mpi.world(), {{"--darts", std::to_string(samples.darts)},
                                {"--comm", options.comm},
                                {"--repeat", std::to_string(options.repeat)},
                                {"--seed", std::to_string(options.seed)}});
  const std::unique_ptr<communicator> comm = make_communicator(mpi, options.comm);
  const stream s;
  const pi_result result = run_data_parallel_pi(samples, options.seed, *comm, s, options.repeat);
  if (mpi.rank() == 0) std::cout << format_pi_report(result) << std::flush;
  write_output(mpi, options.output, pi_report_json(result));
  return result.verified() ? static_cast<int>(exit_code::ok) : static_cast<int>(exit_code::verification_failed);
}

int run_allreduce(mpi_session& mpi, const allreduce_options& options) {
  std::uint64_t bytes = 0;
  agree_or_throw(mpi.world(), [&] {
    try {
      bytes = parse_size(options.size);
    } catch (const usage_error& e) {
      throw usage_error(std::string("--size: ") + e.what());
    }
    if (bytes < sizeof(float)) throw usage_error("--size " + options.size + " is less than one float (4 bytes)");
    if (mpi.rank() == 0) require_atomically_writable(options.output);
  });
  // Before any communicator: ranks given different sizes stop here, every one
  // with the same message, instead of waiting in a transfer.
  check_all_agree(mpi.world(), {{"--size", std::to_string(bytes)},
                                {"--repeat", std::to_string(options.repeat)},
                                {"--seed", std::to_string(options.seed)}});
  const std::size_t count = bytes / sizeof(float);
  agree_or_throw(mpi.world(), [&] {
    select_device(device_for_node_rank(mpi.node_rank(), mpi.node_size(), device_count()));
    // in, out, the ring's scratch, the host-staged copies' device side: 3 buffers and a chunk
    require_device_memory(3 * count * sizeof(float) + bytes, "the all-reduce's buffers");
  });
  const std::unique_ptr<communicator> nccl =
      built_with_nccl() ? make_nccl_communicator(mpi.world(), mpi.node_rank(), mpi.node_size()) : nullptr;
  const std::unique_ptr<communicator> staged = make_mpi_communicator(mpi.world(), /*allow_cuda_aware=*/false);
  // CUDA-aware on every rank, or on none (one MPI library, but ask them all).
  const cuda_aware_mpi aware = query_cuda_aware_mpi();
  const bool aware_everywhere = !any_rank(mpi.world(), !aware.usable());
  const std::unique_ptr<communicator> cuda_aware =
      aware_everywhere ? make_mpi_communicator(mpi.world(), /*allow_cuda_aware=*/true) : nullptr;
  communicator& ring_comm = nccl ? *nccl : *staged;
  const stream s;
  device_buffer<float> scratch(largest_ring_chunk(count, ring_comm.size()), s);

  const auto with = [](communicator& c) -> all_reduce_call {
    return [&c](const float* in, float* out, std::size_t n, cuda::stream_ref st) {
      c.all_reduce_async(in, out, n, reduce_op::sum, st);
    };
  };
  if (mpi.rank() == 0) {
    std::cout << "all-reduce versions on " << mpi.size() << " rank" << (mpi.size() == 1 ? "" : "s") << ", "
              << count << " float32 per rank, sum; median of " << options.repeat
              << " on the slowest rank; busbw = algbw x 2(n-1)/n; this MPI: " << aware.describe() << "\n"
              << all_reduce_table_header() << "\n"
              << std::flush;
  }
  std::vector<all_reduce_row> rows;
  const auto report = [&](all_reduce_row row) {
    if (mpi.rank() == 0) std::cout << format_all_reduce_row(row) << "\n" << std::flush;
    rows.push_back(std::move(row));
  };
  report(run_all_reduce_version("mpi (host-staged)", with(*staged), *staged, count, s, options.repeat, options.seed));
  if (cuda_aware) {
    report(run_all_reduce_version("mpi (CUDA-aware)", with(*cuda_aware), *cuda_aware, count, s, options.repeat,
                                  options.seed));
  } else {
    report(not_run("mpi (CUDA-aware)", aware.usable() ? "not CUDA-aware on every rank" : aware.describe()));
  }
  if (nccl) {
    report(run_all_reduce_version("nccl", with(*nccl), *nccl, count, s, options.repeat, options.seed));
  } else {
    report(not_run("nccl", "built without NCCL"));
  }
  const all_reduce_call ring = [&](const float* in, float* out, std::size_t n, cuda::stream_ref st) {
    ring_all_reduce_async(in, out, n, scratch.data(), ring_comm, st);
  };
  report(run_all_reduce_version(nccl ? "ring (nccl send/recv)" : "ring (mpi send/recv)", ring, ring_comm, count, s,
                                options.repeat, options.seed));
  write_output(mpi, options.output, all_reduce_json(rows, mpi.size()));
  bool verified = true;
  for (const all_reduce_row& row : rows) verified = verified && (!row.ran || row.verified());
  return verified ? static_cast<int>(exit_code::ok) : static_cast<int>(exit_code::verification_failed);
}

int run_nbody_command(mpi_session& mpi, const nbody_options& options) {
  nbody_problem problem;
  problem.steps = options.steps;
  problem.seed = options.seed;
  agree_or_throw(mpi.world(), [&] {
    std::uint64_t bodies = 0;
    try {
      bodies = parse_size(options.bodies);
    } catch (const usage_error& e) {
      throw usage_error(std::string("--bodies: ") + e.what());
    }
    // One all-gather moves 4 floats per body, counted in int by MPI.
    if (bodies > (std::uint64_t{1} << 28)) throw usage_error("--bodies: " + options.bodies + " is more than 2^28 bodies");
    problem.bodies = static_cast<std::int64_t>(bodies);
    if (mpi.rank() == 0) require_atomically_writable(options.output);
  });
  check_all_agree(mpi.world(), {{"--bodies", std::to_string(problem.bodies)},
                                {"--steps", std::to_string(options.steps)},
                                {"--comm", options.comm},
                                {"--seed", std::to_string(options.seed)}});
  const std::unique_ptr<communicator> comm = make_communicator(mpi, options.comm);
  const stream s;
  const nbody_result result = run_nbody(problem, *comm, s);
  if (mpi.rank() == 0) std::cout << format_nbody_report(result) << std::flush;
  write_output(mpi, options.output, nbody_report_json(result));
  return result.verified() ? static_cast<int>(exit_code::ok) : static_cast<int>(exit_code::verification_failed);
}

int run_scaling(mpi_session& mpi, const scaling_command_options& options) {
  scaling_options scaling;
  scaling.problem.steps = options.steps;
  scaling.halo = options.halo;
  scaling.comm = options.comm;
  agree_or_throw(mpi.world(), [&] {
    scaling.problem.grid = parse_grid(options.size);
    if (scaling.problem.grid.rows < mpi.size()) {
      throw usage_error("a grid of " + std::to_string(scaling.problem.grid.rows) + " rows cannot be cut into " +
                        std::to_string(mpi.size()) + " slabs: each rank needs at least one row");
    }
    if (options.halo == "graph" && options.comm != "nccl") {
      throw usage_error("--halo graph captures the step, NCCL calls included, in a CUDA graph; MPI's calls run on the "
                        "host and cannot be captured: use --comm nccl");
    }
    if (mpi.rank() == 0) require_atomically_writable(options.output);
  });
  check_all_agree(mpi.world(), {{"--size", grid_text(scaling.problem.grid)},
                                {"--steps", std::to_string(options.steps)},
                                {"--halo", options.halo},
                                {"--comm", options.comm}});
  // This rank's GPU, refused on every rank when the node has more ranks than GPUs.
  agree_or_throw(mpi.world(),
                 [&] { select_device(device_for_node_rank(mpi.node_rank(), mpi.node_size(), device_count())); });
  const stream s;
  const scaling_report report = run_wave_scaling(scaling, mpi, s);
  // Rank 0 alone has the tables and the verdict: every rank exits with its code.
  int code = report.verified() ? static_cast<int>(exit_code::ok) : static_cast<int>(exit_code::verification_failed);
  GPULAB_MPI_TRY(MPI_Bcast(&code, 1, MPI_INT, 0, mpi.world()));
  if (mpi.rank() == 0) std::cout << format_scaling_report(report) << std::flush;
  write_output(mpi, options.output, scaling_report_json(report));
  return code;
}

// topology and p2p: one process sees every GPU of its node; under mpirun with
// more ranks, each would repeat the same measurement on the same GPUs.
void require_one_process(mpi_session& mpi, const std::string& command) {
  if (mpi.size() > 1) {
    throw all_ranks_error(command + " runs in one process, which sees every GPU of its node: start it with -np 1 "
                                    "(or without mpirun), not " + std::to_string(mpi.size()) + " ranks",
                          exit_code::usage);
  }
}

// An error of the one process is every rank's: it stops with its line and
// code, without MPI_Abort's banner.
int as_the_only_rank(const std::function<int()>& body) {
  try {
    return body();
  } catch (const all_ranks_error&) {
    throw;
  } catch (const error& e) {
    throw all_ranks_error(e.what(), e.code());
  }
}

int run_topology(mpi_session& mpi, const one_process_options& options) {
  require_one_process(mpi, "topology");
  return as_the_only_rank([&] {
    require_atomically_writable(options.output);
    const gpu_topology topology = query_topology();
    std::cout << format_topology(topology) << std::flush;
    write_output(mpi, options.output, topology_json(topology));
    return static_cast<int>(exit_code::ok);
  });
}

int run_p2p(mpi_session& mpi, const one_process_options& options) {
  require_one_process(mpi, "p2p");
  return as_the_only_rank([&] {
    p2p_options p2p;
    try {
      p2p.bytes = parse_size(options.bytes);
    } catch (const usage_error& e) {
      throw usage_error(std::string("--bytes: ") + e.what());
    }
    p2p.repeats = options.repeat;
    require_atomically_writable(options.output);
    const p2p_report report = measure_p2p(p2p);
    std::cout << format_p2p_report(report) << std::flush;
    write_output(mpi, options.output, p2p_report_json(report));
    return report.verified() ? static_cast<int>(exit_code::ok) : static_cast<int>(exit_code::verification_failed);
  });
}

}  // namespace

int main(int argc, char** argv) {
  const std::string program = "gpulab-multigpu";
  return mpi_main(program, argc, argv, [&](mpi_session& mpi) {
    CLI::App app{"gpulab-multigpu: module 8, scaling out (one process per GPU: mpirun -np N gpulab-multigpu ...)",
                 program};
    cli::add_version_flag(app, program);
    app.require_subcommand(1);
    wave_options options;
    auto* wave = app.add_subcommand("wave", "the 2D wave equation cut into slabs of rows, one per rank, halos by MPI");
    wave->add_option("--size", options.size, "the grid: N (N x N, default 4096) or ROWSxCOLS (97x61)")
        ->type_name("GRID");
    wave->add_option("--steps", options.steps, "time steps (default 100)")->check(CLI::Range(1, 1000000));
    wave->add_option("--halo", options.halo,
                     "blocking (exchange, then compute: MPI_Sendrecv on the host, grouped send/recv on the GPU; "
                     "sendrecv is its host name), overlap (the inside computed while the halos travel; the default) "
                     "or graph (the overlapped step captured once in a CUDA graph and replayed; gpu backend, nccl)")
        ->check(CLI::IsMember({"sendrecv", "blocking", "overlap", "graph"}));
    wave->add_option("--validation", options.validation,
                     "full (the default: rank 0 gathers the field and compares it with the undivided solve) or none")
        ->check(CLI::IsMember({"full", "none"}));
    wave->add_option("--backend", options.backend, "host (host arrays, halos by MPI; the default) or gpu (one GPU per rank)")
        ->check(CLI::IsMember({"host", "gpu"}));
    wave->add_option("--comm", options.comm, "the gpu backend's communicator: nccl (the default) or mpi (host-staged "
                                             "unless MPI is CUDA-aware)")
        ->check(CLI::IsMember({"nccl", "mpi"}));
    wave->add_option("--output", options.output, "also write the summary as JSON to FILE")->type_name("FILE");
    wave->add_option("--fail-rank", options.fail_rank,
                     "make rank R fail half-way, to see every rank stop with its message (exit code 7)")
        ->type_name("R")
        ->check(CLI::NonNegativeNumber);

    collectives_options coll;
    auto* collectives = app.add_subcommand(
        "collectives", "all_reduce, all_gather, broadcast, reduce_scatter timed from 8 B up to --max, verified (as nccl-tests)");
    collectives->add_option("--max", coll.max, "the largest size (default 64M; 2^30, 1GiB...)")->type_name("BYTES");
    collectives->add_option("--comm", coll.comm, "nccl (the default) or mpi")->check(CLI::IsMember({"nccl", "mpi"}));
    collectives->add_option("--op", coll.op, "all (the default) or one collective")
        ->check(CLI::IsMember({"all", "all_reduce", "all_gather", "broadcast", "reduce_scatter"}));
    collectives->add_option("--repeat", coll.repeat, "timed runs per size (default 20)")->check(CLI::Range(1, 100000));
    collectives->add_option("--seed", coll.seed, "the data's seed (default 1)");

    pi_options pi;
    auto* pi_command = app.add_subcommand(
        "pi", "Monte Carlo pi, data-parallel: each rank its own Philox subsequences, the hit counts summed by all_reduce");
    pi_command->add_option("--darts", pi.darts, "darts in all (default 2^30; at most 2^40)")->type_name("N");
    pi_command->add_option("--comm", pi.comm, "nccl (the default) or mpi")->check(CLI::IsMember({"nccl", "mpi"}));
    pi_command->add_option("--repeat", pi.repeat, "timed runs (default 10)")->check(CLI::Range(1, 100000));
    pi_command->add_option("--seed", pi.seed, "the Philox seed (default 1)");
    pi_command->add_option("--output", pi.output, "also write the summary as JSON to FILE")->type_name("FILE");

    allreduce_options all_reduce;
    auto* allreduce_command = app.add_subcommand(
        "allreduce", "one all-reduce four ways: host-staged MPI, CUDA-aware MPI, NCCL, a hand-written ring; verified");
    allreduce_command->add_option("--size", all_reduce.size, "bytes per rank (default 64M)")->type_name("BYTES");
    allreduce_command->add_option("--repeat", all_reduce.repeat, "timed runs (default 20)")->check(CLI::Range(1, 100000));
    allreduce_command->add_option("--seed", all_reduce.seed, "the data's seed (default 1)");
    allreduce_command->add_option("--output", all_reduce.output, "also write the rows as JSON to FILE")
        ->type_name("FILE");

    nbody_options nbody;
    auto* nbody_command = app.add_subcommand(
        "nbody", "N-body: each rank its block of bodies, positions all-gathered every step, checked against one rank");
    nbody_command->add_option("--bodies", nbody.bodies, "bodies in all (default 65536)")->type_name("N");
    nbody_command->add_option("--steps", nbody.steps, "leapfrog steps (default 20)")->check(CLI::Range(1, 1000000));
    nbody_command->add_option("--comm", nbody.comm, "nccl (the default) or mpi")->check(CLI::IsMember({"nccl", "mpi"}));
    nbody_command->add_option("--seed", nbody.seed, "the bodies' seed (default 1)");
    nbody_command->add_option("--output", nbody.output, "also write the summary as JSON to FILE")->type_name("FILE");

    scaling_command_options scale;
    auto* scaling_command = app.add_subcommand(
        "scaling", "the wave solve on 1, 2, 4 ... GPUs (the first p ranks): strong and weak scaling, every row verified");
    scaling_command->add_option("--size", scale.size, "the strong grid, and the weak grid's rows per GPU (default 4096)")
        ->type_name("GRID");
    scaling_command->add_option("--steps", scale.steps, "time steps (default 100)")->check(CLI::Range(1, 1000000));
    scaling_command->add_option("--halo", scale.halo, "blocking, overlap (the default) or graph")
        ->check(CLI::IsMember({"blocking", "overlap", "graph"}));
    scaling_command->add_option("--comm", scale.comm, "nccl (the default) or mpi")->check(CLI::IsMember({"nccl", "mpi"}));
    scaling_command->add_option("--output", scale.output, "also write the tables as JSON to FILE")->type_name("FILE");

    one_process_options topo;
    auto* topology_command =
        app.add_subcommand("topology", "the GPUs this process sees and their P2P access matrix (one process)");
    topology_command->add_option("--output", topo.output, "also write it as JSON to FILE")->type_name("FILE");

    one_process_options p2p;
    auto* p2p_command = app.add_subcommand(
        "p2p", "P2P copy bandwidth (one way, both ways) and latency between every pair of GPUs (one process)");
    p2p_command->add_option("--bytes", p2p.bytes, "bytes per copy (default 256M)")->type_name("BYTES");
    p2p_command->add_option("--repeat", p2p.repeat, "timed runs (default 20)")->check(CLI::Range(1, 100000));
    p2p_command->add_option("--output", p2p.output, "also write the matrices as JSON to FILE")->type_name("FILE");

    // Every rank parses; a bad command line on any rank stops all of them.
    bool stop = false;
    agree_or_throw(mpi.world(), [&] {
      try {
        app.parse(argc, argv);
      } catch (const CLI::Success& e) {  // --help, --version: rank 0 prints them
        stop = true;
        if (mpi.rank() == 0) app.exit(e);
      } catch (const CLI::ParseError& e) {
        throw usage_error(std::string(e.what()) + " (see --help)");
      }
    });
    if (any_rank(mpi.world(), stop)) return 0;
    if (collectives->parsed()) return run_collectives(mpi, coll);
    if (pi_command->parsed()) return run_pi(mpi, pi);
    if (scaling_command->parsed()) return run_scaling(mpi, scale);
    if (nbody_command->parsed()) return run_nbody_command(mpi, nbody);
    if (allreduce_command->parsed()) return run_allreduce(mpi, all_reduce);
    if (topology_command->parsed()) return run_topology(mpi, topo);
    if (p2p_command->parsed()) return run_p2p(mpi, p2p);
    return run_wave(mpi, options);
  });
}
