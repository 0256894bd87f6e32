// SPDX-License-Identifier: MIT
// The runs behind wave_scaling.hpp's tables.
#include <mpi.h>

#include <algorithm>
#include <memory>

#include "gpulab/bench/ceilings.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/multigpu/device_assignment.hpp"
#include "gpulab/multigpu/mpi_session.hpp"
#include "gpulab/multigpu/wave_gpu.hpp"
#include "gpulab/multigpu/wave_mpi.hpp"
#include "gpulab/multigpu/wave_scaling.hpp"

namespace gpulab::multigpu {

namespace {

gpu_halo halo_of(const std::string& name) {
  if (name == "blocking") return gpu_halo::blocking;
  if (name == "overlap") return gpu_halo::overlap;
  if (name == "graph") return gpu_halo::graph;
  throw usage_error("--halo " + name + ": the gpu backend takes blocking, overlap or graph");
}

// The first `gpus` ranks of `world` (MPI_COMM_NULL on the others), freed at the end of the scope.
class first_ranks {
 public:
  first_ranks(MPI_Comm world, int rank, int gpus) {
    GPULAB_MPI_TRY(MPI_Comm_split(world, rank < gpus ? 0 : MPI_UNDEFINED, rank, &comm_));
  }
  ~first_ranks() {
    if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
  }
  first_ranks(const first_ranks&) = delete;
  first_ranks& operator=(const first_ranks&) = delete;
  [[nodiscard]] MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

struct timed_field {
  double ms_per_step = 0.0;
  std::vector<float> field;  // the whole grid on the communicator's rank 0, empty elsewhere
};

// Solves `problem` on the ranks of `comm` and gathers the field on its rank 0.
timed_field solve_and_gather(const wave_problem& problem, gpu_halo halo, communicator& comm, MPI_Comm ranks,
                             cuda::stream_ref s) {
  const gpu_solution solution = solve_on_gpus(problem, halo, comm, s);
  return {1e3 * solution.seconds / problem.steps, gather_field(copy_to_host(solution.wave, s), ranks)};
}

}  // namespace

scaling_report run_wave_scaling(const scaling_options& options, const mpi_session& mpi, cuda::stream_ref s) {
  const gpu_halo halo = halo_of(options.halo);
  const wave_problem& base = options.problem;
  scaling_report report;
  report.options = options;
  report.ranks = mpi.size();
  report.visible_gpus = device_count();
  const bool root = mpi.rank() == 0;

  // Rank 0 by itself (the count of 1, kept): the one-GPU reference solves of
  // the weak table's larger grids. Declared in this order: the communicator
  // goes before the ranks it was made on.
  std::unique_ptr<first_ranks> alone_ranks;
  std::unique_ptr<communicator> alone;
  std::vector<float> one_gpu_field;     // the strong grid on one GPU (rank 0)
  for (const int gpus : scaling_counts(mpi.size())) {
    auto ranks = std::make_unique<first_ranks>(mpi.world(), mpi.rank(), gpus);
    if (ranks->get() == MPI_COMM_NULL) continue;  // not in this count: on to the next split
    std::unique_ptr<communicator> comm = options.comm == "nccl"
                                             ? make_nccl_communicator(ranks->get(), mpi.node_rank(), mpi.node_size())
                                             : make_mpi_communicator(ranks->get());
    report.backend = comm->backend();

    // Strong: the same grid on `gpus` GPUs.
    const timed_field strong = solve_and_gather(base, halo, *comm, ranks->get(), s);
    if (root) {
      scaling_row row{gpus, base.grid, strong.ms_per_step, 0.0, 0, ""};
      if (gpus == 1) {
        row.reference = "the undivided host solve";
        row.differing_cells = compare_bitwise(solve_undivided(base).field, strong.field, base.grid.cols).differing_cells;
        one_gpu_field = strong.field;
      } else {
        row.reference = "the 1-GPU solve";
        row.differing_cells = compare_bitwise(one_gpu_field, strong.field, base.grid.cols).differing_cells;
      }
      row.efficiency = strong_efficiency(report.strong.empty() ? row.ms_per_step : report.strong.front().ms_per_step,
                                         row.ms_per_step, gpus);
      report.strong.push_back(row);
    }

    // Weak: `gpus` times the rows, the same share per GPU.
    wave_problem grown = base;
    grown.grid.rows = base.grid.rows * gpus;
    const timed_field weak = solve_and_gather(grown, halo, *comm, ranks->get(), s);
    if (gpus == 1) {
      alone = std::move(comm);
      alone_ranks = std::move(ranks);
    }
    if (root) {
      scaling_row row{gpus, grown.grid, weak.ms_per_step, 0.0, 0, "the 1-GPU solve"};
      if (gpus == 1) {
        row.differing_cells = compare_bitwise(one_gpu_field, weak.field, grown.grid.cols).differing_cells;
      } else {
        // The same grown grid on rank 0's GPU alone, while the others go on.
        const timed_field reference = solve_and_gather(grown, halo, *alone, MPI_COMM_SELF, s);
        row.differing_cells = compare_bitwise(reference.field, weak.field, grown.grid.cols).differing_cells;
      }
      row.efficiency = weak_efficiency(report.weak.empty() ? row.ms_per_step : report.weak.front().ms_per_step,
                                       row.ms_per_step);
      report.weak.push_back(row);
    }
  }

  // The one-GPU step against the memory ceilings measured now, on this GPU.
  if (root && !report.strong.empty()) {
    step_bandwidth& b = report.one_gpu;
    b.bytes = wave_step_bytes(base.grid);
    b.ms_per_step = report.strong.front().ms_per_step;
    const auto ceiling_bytes = std::max<std::size_t>(static_cast<std::size_t>(b.bytes.total()), std::size_t{256} << 20);
    const memory_ceilings ceilings = measure_memory_ceilings(s, ceiling_bytes);
    b.copy_gbs = ceilings.copy_gbs;
    b.read_gbs = ceilings.read_gbs;
    b.write_gbs = ceilings.write_gbs;
    b.ceiling_gbs = ceilings.ceiling_gbs(b.bytes.read, b.bytes.written);
  }
  return report;
}

}  // namespace gpulab::multigpu
