// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/wave.hpp"

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/host_memory.hpp"
#include "gpulab/multigpu/wave_cell.hpp"

namespace gpulab::multigpu {

wave_slab make_wave_slab(const wave_problem& problem, const slab& part) {
  const std::uint64_t elements = checked_multiply(static_cast<std::uint64_t>(part.padded_rows()),
                                                  static_cast<std::uint64_t>(part.grid.cols), "the wave slab");
  require_host_memory(3 * bytes_of<float>(elements, "the wave slab"), "the wave solver's three time levels");

  wave_slab wave;
  wave.part = part;
  wave.coefficient = problem.courant * problem.courant;
  wave.current.assign(part.padded_elements(), 0.0f);
  // Every local row, halos included, that lies inside the grid starts at the pulse.
  for (std::int64_t local = 0; local < part.padded_rows(); ++local) {
    const std::int64_t global = part.global_row(local);
    if (global < 0 || global >= part.grid.rows) continue;  // outside the grid: an unused halo, zero
    float* row = wave.current.data() + part.offset_of(local);
    for (std::int64_t col = 0; col < part.grid.cols; ++col) {
      row[col] = initial_value(part.grid.rows, part.grid.cols, global, col);
    }
  }
  wave.previous = wave.current;  // at rest: u_{-1} = u_0
  wave.next = wave.current;      // its boundary is zero, and update_rows never writes there
  return wave;
}

void update_rows(wave_slab& wave, row_range rows) {
  const slab& part = wave.part;
  const std::int64_t cols = part.grid.cols;
  for (std::int64_t r = rows.begin; r < rows.end; ++r) {
    const float* up = wave.current.data() + part.offset_of(r - 1);
    const float* here = wave.current.data() + part.offset_of(r);
    const float* down = wave.current.data() + part.offset_of(r + 1);
    const float* before = wave.previous.data() + part.offset_of(r);
    float* after = wave.next.data() + part.offset_of(r);
    for (std::int64_t c = 1; c + 1 < cols; ++c) {
      after[c] = leapfrog_cell(up[c], down[c], here[c - 1], here[c + 1], here[c], before[c], wave.coefficient);
    }
  }
}

void finish_step(wave_slab& wave) {
  std::swap(wave.previous, wave.current);  // previous <- current
  std::swap(wave.current, wave.next);      // current <- next; next gets the old previous to overwrite
}

namespace {

// One term of the energy, added to the sum and to its magnitude.
void add_term(energy_sum& sum, double term) {
  sum.energy += term;
  sum.magnitude += std::fabs(term);
  ++sum.terms;
}

// The pair term k (a_now - b_now)(a_before - b_before) of two neighbouring cells.
double pair_term(double coefficient, float a_now, float b_now, float a_before, float b_before) {
  return coefficient * (static_cast<double>(a_now) - b_now) * (static_cast<double>(a_before) - b_before);
}

}  // namespace

energy_sum slab_energy(const wave_slab& wave) {
  const slab& part = wave.part;
  const std::int64_t cols = part.grid.cols;
  const double k = wave.coefficient;
  energy_sum sum;
  for (std::int64_t r = 1; r <= part.rows; ++r) {
    const float* now = wave.current.data() + part.offset_of(r);
    const float* before = wave.previous.data() + part.offset_of(r);
    const float* now_below = wave.current.data() + part.offset_of(r + 1);  // the halo for r == rows
    const float* before_below = wave.previous.data() + part.offset_of(r + 1);
    const bool has_row_below = part.global_row(r) + 1 < part.grid.rows;
    for (std::int64_t c = 0; c < cols; ++c) {
      const double change = static_cast<double>(now[c]) - before[c];
      add_term(sum, change * change);
      if (c + 1 < cols) add_term(sum, pair_term(k, now[c], now[c + 1], before[c], before[c + 1]));
      if (has_row_below) add_term(sum, pair_term(k, now[c], now_below[c], before[c], before_below[c]));
    }
  }
  return sum;
}

double energy_order_bound(const energy_sum& sum) {
  const double unit_roundoff = std::ldexp(1.0, -53);
  const double m = static_cast<double>(sum.terms > 0 ? sum.terms - 1 : 0);
  const double gamma = m * unit_roundoff / (1.0 - m * unit_roundoff);
  return 2.0 * gamma * sum.magnitude;
}

undivided_solution solve_undivided(const wave_problem& problem) {
  wave_slab wave = make_wave_slab(problem, whole_grid(problem.grid));
  undivided_solution solution;
  solution.initial_energy = slab_energy(wave);
  const auto start = std::chrono::steady_clock::now();
  for (int step = 0; step < problem.steps; ++step) {
    update_rows(wave, wave.part.updated_rows());  // one slab: its halos are outside the grid, never read
    finish_step(wave);
  }
  solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  solution.energy = slab_energy(wave);
  const std::span<const float> field = owned_rows(wave);
  solution.field.assign(field.begin(), field.end());
  return solution;
}

std::span<const float> owned_rows(const wave_slab& wave) {
  const slab& part = wave.part;
  const auto cells = static_cast<std::size_t>(part.rows * part.grid.cols);
  return std::span<const float>(wave.current).subspan(part.offset_of(1), cells);
}

field_comparison compare_bitwise(std::span<const float> expected, std::span<const float> actual, std::int64_t cols,
                                 std::int64_t first_row) {
  if (expected.size() != actual.size() || cols < 1) {
    throw error("compare_bitwise: " + std::to_string(expected.size()) + " expected cells but " +
                std::to_string(actual.size()) + " actual ones");
  }
  field_comparison result;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::bit_cast<std::uint32_t>(expected[i]) == std::bit_cast<std::uint32_t>(actual[i])) continue;
    if (result.differing_cells == 0) {
      const auto cell = static_cast<std::int64_t>(i);
      result.first_row = first_row + cell / cols;
      result.first_col = cell % cols;
      result.expected = expected[i];
      result.actual = actual[i];
    }
    ++result.differing_cells;
  }
  return result;
}

}  // namespace gpulab::multigpu
