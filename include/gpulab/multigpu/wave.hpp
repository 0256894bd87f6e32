// SPDX-License-Identifier: MIT
// Module 8's example: the 2D wave equation on a rows x cols grid, float32, the
// grid's edge held at zero, stepped by leapfrog (wave_cell.hpp). The grid is cut
// into slabs by rows (slab.hpp); each step a slab needs one row of each
// neighbour, its halo. This header is the part that needs no MPI: one slab's
// state and update, the energy, and the undivided solve that the divided one
// (wave_mpi.hpp) is checked against.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gpulab/multigpu/slab.hpp"

namespace gpulab::multigpu {

struct wave_problem {
  grid_shape grid{4096, 4096};
  int steps = 100;
  float courant = 0.5f;  // c dt / dx; the scheme is stable up to 1/sqrt(2) in 2D
};

// One slab's three time levels, each a padded array of slab::padded_elements()
// floats (halo rows included), and the step's coefficient (c dt / dx)^2.
struct wave_slab {
  slab part;
  float coefficient = 0.0f;
  std::vector<float> previous;
  std::vector<float> current;
  std::vector<float> next;
};

// The slab at rest at the initial pulse: `current` and `previous` hold
// initial_value() on its rows and on its halo rows (so no exchange is needed
// before the first step). Checks the host memory first (out_of_memory_error).
wave_slab make_wave_slab(const wave_problem& problem, const slab& part);

// Computes `next` on local rows `rows` from `current` (rows - 1 .. rows + 1, so
// the halos when the range touches them) and `previous`. Columns 0 and cols - 1
// are the boundary and stay zero.
void update_rows(wave_slab& wave, row_range rows);

// Ends a step: previous <- current <- next (the buffers are swapped, not copied).
void finish_step(wave_slab& wave);

// The leapfrog scheme's discrete energy at time n - 1/2,
//   E = sum over cells (u_n - u_{n-1})^2 + k * sum over neighbouring pairs i, j
//       (u_n[i] - u_n[j]) * (u_{n-1}[i] - u_{n-1}[j]),      k = (c dt / dx)^2,
// is conserved by the scheme up to rounding: a check that the physics is right.
// It is a sum of per-cell terms (each pair is counted by its upper or left cell),
// summed in double; `magnitude` sums their absolute values, for the bound below.
struct energy_sum {
  double energy = 0.0;
  double magnitude = 0.0;
  std::int64_t terms = 0;
};

// The slab's share of the energy: its own rows, and the pairs from its last row
// to the halo below. Needs the halo rows of `current` and `previous` up to date.
energy_sum slab_energy(const wave_slab& wave);

// How far two sums of the same terms, added in different orders, can be apart:
// each is within gamma(n - 1) * magnitude of the exact sum, for any order
// (Higham, Accuracy and Stability of Numerical Algorithms, 4.2), gamma(m) =
// m u / (1 - m u), u = 2^-53. The divided solve adds its terms per rank and then
// across ranks (MPI_Allreduce), so its energy differs from the undivided one's
// by at most twice that, although every term is the same bit for bit.
double energy_order_bound(const energy_sum& sum);

// The undivided solve: the whole grid as one slab, `problem.steps` steps.
struct undivided_solution {
  std::vector<float> field;  // rows x cols, row-major, no halos
  energy_sum initial_energy;
  energy_sum energy;
  double seconds = 0.0;  // the steps only
};
undivided_solution solve_undivided(const wave_problem& problem);

// The rows a slab owns, without its halos (rows x cols, row-major).
std::span<const float> owned_rows(const wave_slab& wave);

// Compares two fields bit for bit (not by value: -0.0f differs from 0.0f, and a
// NaN from every NaN of another pattern). `first_row` numbers the rows in the report.
struct field_comparison {
  std::int64_t differing_cells = 0;
  std::int64_t first_row = -1;  // the first differing cell, -1 when none
  std::int64_t first_col = -1;
  float expected = 0.0f;
  float actual = 0.0f;
  [[nodiscard]] bool bit_exact() const { return differing_cells == 0; }
};
field_comparison compare_bitwise(std::span<const float> expected, std::span<const float> actual, std::int64_t cols,
                                 std::int64_t first_row = 0);

}  // namespace gpulab::multigpu
