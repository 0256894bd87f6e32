// SPDX-License-Identifier: MIT
// The arithmetic and the report of wave_scaling.hpp (no MPI, no GPU).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "gpulab/core/format.hpp"
#include "gpulab/multigpu/wave_scaling.hpp"

namespace gpulab::multigpu {

namespace {

std::string grid_text(grid_shape g) { return std::to_string(g.rows) + " x " + std::to_string(g.cols); }

std::string table(const std::vector<scaling_row>& rows, double one_gpu_ms) {
  std::string text = format_printf("%5s  %-15s  %10s  %9s  %10s  %s\n", "gpus", "grid", "ms/step", "speed-up",
                                   "efficiency", "verified (bit for bit, against)");
  for (const scaling_row& r : rows) {
    text += format_printf("%5d  %-15s  %10.3f  %9.2f  %10.2f  %s (%s)\n", r.gpus, grid_text(r.grid).c_str(),
                          r.ms_per_step, r.ms_per_step > 0 ? one_gpu_ms / r.ms_per_step : 0.0, r.efficiency,
                          r.verified() ? "yes" : "NO", r.reference.c_str());
  }
  return text;
}

nlohmann::ordered_json rows_json(const std::vector<scaling_row>& rows) {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const scaling_row& r : rows) {
    json.push_back({{"gpus", r.gpus},
                    {"grid", {{"rows", r.grid.rows}, {"cols", r.grid.cols}}},
                    {"ms_per_step", r.ms_per_step},
                    {"efficiency", r.efficiency},
                    {"differing_cells", r.differing_cells},
                    {"reference", r.reference},
                    {"verified", r.verified()}});
  }
  return json;
}

}  // namespace

std::vector<int> scaling_counts(int ranks) {
  std::vector<int> counts;
  for (int p = 1; p < ranks; p *= 2) counts.push_back(p);
  if (ranks >= 1) counts.push_back(ranks);
  return counts;
}

step_bytes wave_step_bytes(grid_shape grid) {
  const double inside = grid.rows > 2 && grid.cols > 2 ? static_cast<double>((grid.rows - 2) * (grid.cols - 2)) : 0.0;
  return {2.0 * sizeof(float) * inside, 1.0 * sizeof(float) * inside};
}

double strong_efficiency(double one_gpu_ms, double ms, int gpus) {
  return ms > 0 && gpus > 0 ? one_gpu_ms / (gpus * ms) : 0.0;
}

double weak_efficiency(double one_gpu_ms, double ms) { return ms > 0 ? one_gpu_ms / ms : 0.0; }

bool scaling_report::verified() const {
  for (const auto* rows : {&strong, &weak}) {
    for (const scaling_row& r : *rows) {
      if (!r.verified()) return false;
    }
  }
  return !strong.empty();
}

std::string format_scaling_report(const scaling_report& r) {
  const wave_problem& p = r.options.problem;
  const double one_gpu_strong = r.strong.empty() ? 0.0 : r.strong.front().ms_per_step;
  const double one_gpu_weak = r.weak.empty() ? 0.0 : r.weak.front().ms_per_step;
  std::string text = format_printf("2D wave equation scaling, %lld x %lld, %d steps, halo %s, %s\n",
                                   static_cast<long long>(p.grid.rows), static_cast<long long>(p.grid.cols), p.steps,
                                   r.options.halo.c_str(), r.backend.c_str());
  text += "strong scaling (the same grid on p GPUs; efficiency = t1 / (p tp))\n" + table(r.strong, one_gpu_strong);
  text +=
      format_printf("weak scaling (%lld rows per GPU; efficiency = t1 / tp)\n", static_cast<long long>(p.grid.rows)) +
      table(r.weak, one_gpu_weak);
  if (r.ranks == 1) {
    text += format_printf(
        "rows for 2, 4, 8 GPUs need as many ranks, one GPU each: mpirun -np 8 gpulab-multigpu scaling on a node of 8 "
        "GPUs (this run: 1 rank, %d GPU%s visible)\n",
        r.visible_gpus, r.visible_gpus == 1 ? "" : "s");
  }
  const step_bandwidth& b = r.one_gpu;
  text += format_printf(
      "one-GPU step: %.1f MB per step at least (12 B per interior cell: previous and current read once, next written "
      "once), %.3f ms -> %.0f GB/s = %.0f%% of the measured ceiling %.0f GB/s for 2 reads : 1 write (copy %.0f, read "
      "%.0f, write %.0f GB/s; target 80%%)\n",
      b.bytes.total() / 1e6, b.ms_per_step, b.gbs(), b.percent_of_ceiling(), b.ceiling_gbs, b.copy_gbs, b.read_gbs,
      b.write_gbs);
  text += r.verified() ? "validation: every row equals its reference bit for bit\n"
                       : "validation: FAILED: a row differs from its reference (see the table)\n";
  return text;
}

std::string scaling_report_json(const scaling_report& r) {
  const wave_problem& p = r.options.problem;
  const step_bandwidth& b = r.one_gpu;
  const nlohmann::ordered_json json = {
      {"program", "gpulab-multigpu"},
      {"command", "scaling"},
      {"backend", r.backend},
      {"ranks", r.ranks},
      {"grid", {{"rows", p.grid.rows}, {"cols", p.grid.cols}}},
      {"steps", p.steps},
      {"halo", r.options.halo},
      {"strong", rows_json(r.strong)},
      {"weak", rows_json(r.weak)},
      {"one_gpu_step",
       {{"bytes_read", b.bytes.read},
        {"bytes_written", b.bytes.written},
        {"ms_per_step", b.ms_per_step},
        {"gbs", b.gbs()},
        {"ceiling_gbs", b.ceiling_gbs},
        {"percent_of_ceiling", b.percent_of_ceiling()},
        {"copy_gbs", b.copy_gbs},
        {"read_gbs", b.read_gbs},
        {"write_gbs", b.write_gbs}}},
      {"verified", r.verified()},
  };
  return json.dump(2) + "\n";
}

}  // namespace gpulab::multigpu
