// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/wave_report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "gpulab/core/format.hpp"

namespace gpulab::multigpu {

namespace {

double ms_per_step(double seconds, int steps) { return steps > 0 ? 1e3 * seconds / steps : 0.0; }

double relative_drift(const wave_report& report) {
  const double start = report.initial_energy.energy;
  return start != 0.0 ? std::fabs(report.energy.energy - start) / std::fabs(start) : 0.0;
}

std::string validation_line(const wave_validation& v) {
  if (v.passed()) {
    return format_printf("validation: field bit-exact vs the undivided solve, energy within %.2e (differs by %.2e)\n",
                         v.energy_bound, v.energy_difference);
  }
  std::string line = "validation: FAILED:";
  if (!v.field.bit_exact()) {
    line += format_printf(
        " %lld cells differ from the undivided solve, the first at row %lld, column %lld (%.9g "
        "undivided, %.9g divided);",
        static_cast<long long>(v.field.differing_cells), static_cast<long long>(v.field.first_row),
        static_cast<long long>(v.field.first_col), static_cast<double>(v.field.expected),
        static_cast<double>(v.field.actual));
  }
  if (!(v.energy_difference <= v.energy_bound)) {
    line +=
        format_printf(" the energy differs by %.2e, more than its bound %.2e;", v.energy_difference, v.energy_bound);
  }
  line.back() = '\n';
  return line;
}

}  // namespace

wave_validation compare_with_undivided(const wave_problem& problem, std::span<const float> field,
                                       const energy_sum& energy) {
  const undivided_solution undivided = solve_undivided(problem);
  wave_validation v;
  v.done = true;
  v.field = compare_bitwise(undivided.field, field, problem.grid.cols);
  v.energy_difference = std::fabs(energy.energy - undivided.energy.energy);
  v.energy_bound = energy_order_bound(undivided.energy);
  v.undivided_seconds = undivided.seconds;
  return v;
}

std::string format_wave_report(const wave_report& r) {
  const std::string grid = std::to_string(r.problem.grid.rows) + " x " + std::to_string(r.problem.grid.cols);
  const std::string by = r.backend == "host" ? "MPI" : "the communicator";
  std::string text = "2D wave equation, float32, leapfrog; slabs of rows, halos by " + by + " (" + r.backend + " backend)\n";
  text += format_printf("%5s  %-13s  %6s  %-8s  %10s  %14s\n", "ranks", "grid", "steps", "halo", "ms/step", "energy");
  text += format_printf("%5d  %-13s  %6d  %-8s  %10.3f  %14.7e\n", r.ranks, grid.c_str(), r.problem.steps,
                        r.halo.c_str(), ms_per_step(r.seconds, r.problem.steps), r.energy.energy);
  text += format_printf("energy drift over %d steps: %.1e relative (the scheme conserves it up to float32 rounding)\n",
                        r.problem.steps, relative_drift(r));
  if (r.validation.done) {
    const double undivided = ms_per_step(r.validation.undivided_seconds, r.problem.steps);
    text += format_printf("undivided solve (one process): %.3f ms/step; divided on %d ranks: %.2fx\n", undivided,
                          r.ranks, r.seconds > 0.0 ? r.validation.undivided_seconds / r.seconds : 0.0);
    text += validation_line(r.validation);
  }
  return text;
}

std::string wave_report_json(const wave_report& r) {
  nlohmann::ordered_json json = {
      {"program", "gpulab-multigpu"},
      {"command", "wave"},
      {"backend", r.backend},
      {"ranks", r.ranks},
      {"grid", {{"rows", r.problem.grid.rows}, {"cols", r.problem.grid.cols}}},
      {"steps", r.problem.steps},
      {"courant", r.problem.courant},
      {"halo", r.halo},
      {"seconds", r.seconds},
      {"ms_per_step", ms_per_step(r.seconds, r.problem.steps)},
      {"initial_energy", r.initial_energy.energy},
      {"energy", r.energy.energy},
      {"energy_drift", relative_drift(r)},
  };
  if (r.validation.done) {
    const wave_validation& v = r.validation;
    json["validation"] = {
        {"mode", "full"},
        {"passed", v.passed()},
        {"field_bit_exact", v.field.bit_exact()},
        {"differing_cells", v.field.differing_cells},
        {"energy_difference", v.energy_difference},
        {"energy_bound", v.energy_bound},
        {"undivided_ms_per_step", ms_per_step(v.undivided_seconds, r.problem.steps)},
    };
  } else {
    json["validation"] = {{"mode", "none"}};
  }
  return json.dump(2) + "\n";
}

}  // namespace gpulab::multigpu
