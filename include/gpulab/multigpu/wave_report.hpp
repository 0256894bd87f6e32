// SPDX-License-Identifier: MIT
// What gpulab-multigpu prints after a wave solve, and the check behind its
// `validation:` line: the divided field against the undivided solve, bit for
// bit, and the energy within the bound that its summation order allows. No MPI:
// the field comes here already gathered on one rank.
#pragma once

#include <span>
#include <string>

#include "gpulab/multigpu/wave.hpp"

namespace gpulab::multigpu {

struct wave_validation {
  bool done = false;       // --validation full
  field_comparison field;  // divided vs undivided, bit for bit
  double energy_difference = 0.0;
  double energy_bound = 0.0;  // energy_order_bound() of the undivided sum
  double undivided_seconds = 0.0;
  [[nodiscard]] bool passed() const { return field.bit_exact() && energy_difference <= energy_bound; }
};

// Solves `problem` undivided and compares: `field` is the divided solve's whole
// field (rows x cols), `energy` its global energy.
wave_validation compare_with_undivided(const wave_problem& problem, std::span<const float> field,
                                       const energy_sum& energy);

struct wave_report {
  wave_problem problem;
  int ranks = 1;
  std::string halo;  // "sendrecv" or "overlap"
  std::string backend = "host";
  double seconds = 0.0;  // the steps, on the slowest rank
  energy_sum initial_energy;
  energy_sum energy;
  wave_validation validation;
};

// The table (ranks, grid, steps, halo, ms per step, energy), the energy's drift
// over the run, and, with validation, the undivided time and the `validation:` line.
std::string format_wave_report(const wave_report& report);

// The same as JSON (--output FILE).
std::string wave_report_json(const wave_report& report);

}  // namespace gpulab::multigpu
