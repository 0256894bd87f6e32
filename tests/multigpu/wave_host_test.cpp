// SPDX-License-Identifier: MIT
// Module 8 `multigpu`: the wave solver without MPI. As the course emulates several
// devices on the CPU, these tests hold every rank's slab in one process and copy
// the halo rows between them by hand; the field must equal the undivided solve's
// bit for bit. They also prove that the check can fail (a halo left stale, one
// cell perturbed), that the energy is conserved, and what the report says.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/multigpu/wave.hpp"
#include "gpulab/multigpu/wave_cell.hpp"
#include "gpulab/multigpu/wave_report.hpp"

namespace {

using namespace gpulab::multigpu;

// Every rank's slab in one process, the halos copied as MPI would send them.
std::vector<wave_slab> make_slabs(const wave_problem& problem, int ranks) {
  std::vector<wave_slab> slabs;
  for (int r = 0; r < ranks; ++r) slabs.push_back(make_wave_slab(problem, make_slab(problem.grid, r, ranks)));
  return slabs;
}

void copy_halos(std::vector<wave_slab>& slabs) {
  for (std::size_t r = 0; r + 1 < slabs.size(); ++r) {
    wave_slab& upper = slabs[r];
    wave_slab& lower = slabs[r + 1];
    const auto cols = static_cast<std::ptrdiff_t>(upper.part.grid.cols);
    // The upper slab's last row is the lower one's halo above, and the other way round.
    const float* upper_last = upper.current.data() + upper.part.offset_of(upper.part.rows);
    std::copy(upper_last, upper_last + cols, lower.current.data() + lower.part.offset_of(0));
    const float* lower_first = lower.current.data() + lower.part.offset_of(1);
    std::copy(lower_first, lower_first + cols, upper.current.data() + upper.part.offset_of(upper.part.rows + 1));
  }
}

// The divided solve, emulated: `stale_step` >= 0 skips that step's halo copy.
std::vector<float> solve_emulated(const wave_problem& problem, int ranks, energy_sum* energy = nullptr,
                                  int stale_step = -1) {
  std::vector<wave_slab> slabs = make_slabs(problem, ranks);
  for (int step = 0; step < problem.steps; ++step) {
    if (step != stale_step) copy_halos(slabs);
    for (wave_slab& s : slabs) {
      update_rows(s, s.part.rows_without_halo());
      update_rows(s, s.part.top_edge_rows());
      update_rows(s, s.part.bottom_edge_rows());
      finish_step(s);
    }
  }
  copy_halos(slabs);  // the energy reads the halos of `current`
  std::vector<float> field;
  energy_sum total;
  for (const wave_slab& s : slabs) {
    const auto rows = owned_rows(s);
    field.insert(field.end(), rows.begin(), rows.end());
    const energy_sum part = slab_energy(s);
    total.energy += part.energy;
    total.magnitude += part.magnitude;
    total.terms += part.terms;
  }
  if (energy != nullptr) *energy = total;
  return field;
}

TEST(multigpu_wave, EmulatedSlabsEqualTheUndividedSolveBitForBit) {
  for (const wave_problem& problem :
       {wave_problem{.grid = {97, 61}, .steps = 30}, wave_problem{.grid = {31, 17}, .steps = 12},
        wave_problem{.grid = {6, 5}, .steps = 4}}) {
    const undivided_solution undivided = solve_undivided(problem);
    for (int ranks = 1; ranks <= 6; ++ranks) {
      energy_sum energy;
      const std::vector<float> field = solve_emulated(problem, ranks, &energy);
      const field_comparison c = compare_bitwise(undivided.field, field, problem.grid.cols);
      EXPECT_TRUE(c.bit_exact()) << problem.grid.rows << " x " << problem.grid.cols << " on " << ranks
                                 << " ranks: " << c.differing_cells << " cells differ, first at row " << c.first_row;
      EXPECT_EQ(energy.terms, undivided.energy.terms);
      EXPECT_LE(std::fabs(energy.energy - undivided.energy.energy), energy_order_bound(undivided.energy));
    }
  }
}

TEST(multigpu_wave, AStaleHaloIsCaught) {
  const wave_problem problem{.grid = {97, 61}, .steps = 30};
  const undivided_solution undivided = solve_undivided(problem);
  // The pulse (around row 34) covers the slab boundaries at rows 25 and 49:
  // skipping one exchange must change the field.
  const std::vector<float> field = solve_emulated(problem, 4, nullptr, 20);
  EXPECT_FALSE(compare_bitwise(undivided.field, field, problem.grid.cols).bit_exact());
}

TEST(multigpu_wave, TheFieldMovesAndIsNotSymmetric) {
  const wave_problem problem{.grid = {97, 61}, .steps = 30};
  const undivided_solution start = solve_undivided(wave_problem{.grid = {97, 61}, .steps = 0});
  const undivided_solution end = solve_undivided(problem);
  EXPECT_FALSE(compare_bitwise(start.field, end.field, 61).bit_exact());
  // Flipped upside down, the field differs: a slab placed in the wrong order would show.
  std::vector<float> flipped(end.field.size());
  for (std::int64_t r = 0; r < 97; ++r) {
    std::copy_n(end.field.begin() + r * 61, 61, flipped.begin() + (96 - r) * 61);
  }
  EXPECT_FALSE(compare_bitwise(end.field, flipped, 61).bit_exact());
  // The edge stays zero.
  for (std::int64_t c = 0; c < 61; ++c) {
    EXPECT_EQ(end.field[static_cast<std::size_t>(c)], 0.0f);
    EXPECT_EQ(end.field[static_cast<std::size_t>(96 * 61 + c)], 0.0f);
  }
}

TEST(multigpu_wave, TheEnergyIsConserved) {
  // The scheme conserves its discrete energy exactly in exact arithmetic; in float32
  // it drifts by rounding only (measured: about 1e-7 relative over 400 steps).
  const undivided_solution start = solve_undivided(wave_problem{.grid = {97, 61}, .steps = 0});
  const undivided_solution end = solve_undivided(wave_problem{.grid = {97, 61}, .steps = 400});
  ASSERT_GT(start.energy.energy, 0.0);
  EXPECT_LT(std::fabs(end.energy.energy - start.energy.energy) / start.energy.energy, 1e-5);
  // And the check can fail: an unstable step (c dt / dx = 0.8 > 1/sqrt(2)) blows up.
  wave_problem unstable{.grid = {97, 61}, .steps = 400};
  unstable.courant = 0.8f;
  const undivided_solution blown = solve_undivided(unstable);
  EXPECT_FALSE(std::fabs(blown.energy.energy - start.energy.energy) / start.energy.energy < 1e-5);
}

TEST(multigpu_wave, CompareBitwiseFindsOneChangedCell) {
  std::vector<float> expected(12 * 7);
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<float>(i) * 0.5f;
  std::vector<float> actual = expected;
  EXPECT_TRUE(compare_bitwise(expected, actual, 7).bit_exact());
  actual[3 * 7 + 4] = std::nextafter(actual[3 * 7 + 4], 100.0f);  // one ulp
  const field_comparison c = compare_bitwise(expected, actual, 7, 10);
  EXPECT_EQ(c.differing_cells, 1);
  EXPECT_EQ(c.first_row, 13);  // numbered from first_row = 10
  EXPECT_EQ(c.first_col, 4);
  // Bits, not values: -0.0f is another field than 0.0f.
  std::vector<float> zeros(4, 0.0f);
  std::vector<float> negative_zeros(4, -0.0f);
  EXPECT_EQ(compare_bitwise(zeros, negative_zeros, 2).differing_cells, 4);
  EXPECT_THROW((void)compare_bitwise(zeros, expected, 2), gpulab::error);
}

TEST(multigpu_wave, TheEnergyBoundIsTightAndCountsTheTerms) {
  const undivided_solution solution = solve_undivided(wave_problem{.grid = {97, 61}, .steps = 10});
  // Terms: one per cell, one per horizontal and one per vertical pair.
  EXPECT_EQ(solution.energy.terms, 97 * 61 + 97 * 60 + 96 * 61);
  const double bound = energy_order_bound(solution.energy);
  EXPECT_GT(bound, 0.0);
  EXPECT_LT(bound, 1e-11 * solution.energy.magnitude);  // 2 (n - 1) 2^-53 with n = 17593: about 4e-12
}

TEST(multigpu_wave, InitialPulseIsOffCentreAndZeroOnTheEdge) {
  EXPECT_EQ(initial_value(97, 61, 0, 30), 0.0f);
  EXPECT_EQ(initial_value(97, 61, 96, 30), 0.0f);
  EXPECT_EQ(initial_value(97, 61, 40, 0), 0.0f);
  EXPECT_EQ(initial_value(97, 61, 40, 60), 0.0f);
  // The peak sits at 35% of the rows and 60% of the columns: row 33.6, column 36.
  EXPECT_GT(initial_value(97, 61, 34, 36), 0.99f);
  EXPECT_LT(initial_value(97, 61, 62, 24), 0.1f);  // the mirror image of the peak is far from it
}

TEST(multigpu_wave, ReportSaysBitExactOrFailed) {
  const wave_problem problem{.grid = {31, 17}, .steps = 12};
  wave_report report;
  report.problem = problem;
  report.ranks = 3;
  report.halo = "overlap";
  report.seconds = 0.012;
  energy_sum energy;
  const std::vector<float> field = solve_emulated(problem, 3, &energy);
  report.energy = energy;
  report.initial_energy = solve_undivided(wave_problem{.grid = {31, 17}, .steps = 0}).energy;
  report.validation = compare_with_undivided(problem, field, energy);
  const std::string text = format_wave_report(report);
  EXPECT_NE(text.find("validation: field bit-exact vs the undivided solve, energy within"), std::string::npos) << text;
  EXPECT_NE(text.find("    3  31 x 17"), std::string::npos) << text;
  const nlohmann::json json = nlohmann::json::parse(wave_report_json(report));
  EXPECT_EQ(json["ranks"], 3);
  EXPECT_EQ(json["grid"]["rows"], 31);
  EXPECT_EQ(json["validation"]["passed"], true);

  std::vector<float> wrong = field;
  wrong[5 * 17 + 8] += 1.0f;
  report.validation = compare_with_undivided(problem, wrong, energy);
  const std::string failed = format_wave_report(report);
  EXPECT_NE(failed.find("validation: FAILED: 1 cells differ from the undivided solve, the first at row 5, column 8"),
            std::string::npos)
      << failed;
  EXPECT_EQ(nlohmann::json::parse(wave_report_json(report))["validation"]["passed"], false);
}

}  // namespace
