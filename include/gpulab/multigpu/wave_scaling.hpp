// SPDX-License-Identifier: MIT
// `gpulab-multigpu scaling`: the wave solve on 1, 2, 4, ... GPUs of one run
// (the first p ranks of the job, p up to the job's size), in two tables:
//   - strong scaling: the same grid cut into more slabs; efficiency
//     t1 / (p tp) (1 when p GPUs are p times as fast: Amdahl's law says how far
//     from it the serial part and the halo exchanges keep it);
//   - weak scaling: the grid grows with the GPUs (rows x p, the same columns),
//     so each GPU keeps its share; efficiency t1 / tp (Gustafson's view).
// Every row is verified bit for bit: the one-GPU row against the undivided host
// solve, each p-GPU row against the one-GPU solve of the same grid (the
// arithmetic is the same on every count, so the fields are equal).
// And the one-GPU step's effective bandwidth against the kit's measured memory
// ceiling (the target: 80%), the bytes counted as step_bytes() says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <string>
#include <vector>

#include "gpulab/multigpu/wave.hpp"

namespace gpulab::multigpu {

class mpi_session;

struct scaling_options {
  wave_problem problem;  // the strong-scaling grid, and the weak one's share per GPU
  std::string halo = "overlap";  // blocking, overlap or graph (wave_gpu.hpp)
  std::string comm = "nccl";     // nccl or mpi
};

// The GPU counts of a job of `ranks` ranks: 1, 2, 4, ... below it, and `ranks` itself.
std::vector<int> scaling_counts(int ranks);

// The memory traffic of one step, at least: each interior cell reads
// `previous` and `current` once and writes `next` once (12 bytes; its four
// neighbours in `current` are other cells' own values, read from cache), the
// boundary is never touched. More traffic (a neighbour row evicted before its
// reuse) only makes the effective bandwidth below an underestimate.
struct step_bytes {
  double read = 0.0;
  double written = 0.0;
  [[nodiscard]] double total() const { return read + written; }
};
step_bytes wave_step_bytes(grid_shape grid);

struct scaling_row {
  int gpus = 1;
  grid_shape grid;
  double ms_per_step = 0.0;
  double efficiency = 0.0;
  std::int64_t differing_cells = 0;  // against the reference below, -1 when not compared
  std::string reference;             // "the undivided host solve" or "the 1-GPU solve"
  [[nodiscard]] bool verified() const { return differing_cells == 0; }
};

struct step_bandwidth {
  step_bytes bytes;
  double ms_per_step = 0.0;
  double copy_gbs = 0.0, read_gbs = 0.0, write_gbs = 0.0;  // measured in the same run
  double ceiling_gbs = 0.0;  // for the step's mix (2 reads : 1 write), from the three above
  [[nodiscard]] double gbs() const { return ms_per_step > 0 ? bytes.total() / (ms_per_step * 1e-3) / 1e9 : 0.0; }
  [[nodiscard]] double percent_of_ceiling() const { return ceiling_gbs > 0 ? 100.0 * gbs() / ceiling_gbs : 0.0; }
};

struct scaling_report {
  scaling_options options;
  std::string backend;  // the communicator's
  int ranks = 1;        // of the job
  int visible_gpus = 1;
  std::vector<scaling_row> strong;
  std::vector<scaling_row> weak;
  step_bandwidth one_gpu;
  [[nodiscard]] bool verified() const;
};

// Runs both tables (collective over the job; each count's ranks make a
// communicator of their own, the others wait). This rank's GPU must be
// selected (its node rank's). Rank 0's report alone is complete: the rows
// and the verdict are rank 0's (the app broadcasts it).
scaling_report run_wave_scaling(const scaling_options& options, const mpi_session& mpi, cuda::stream_ref s);

// Strong: t1 / (p tp); weak: t1 / tp. 0 when a time is missing.
double strong_efficiency(double one_gpu_ms, double ms, int gpus);
double weak_efficiency(double one_gpu_ms, double ms);

// The two tables, the line saying what more rows need, the bandwidth line and
// the `validation:` line; and the same as JSON.
std::string format_scaling_report(const scaling_report& report);
std::string scaling_report_json(const scaling_report& report);

}  // namespace gpulab::multigpu
