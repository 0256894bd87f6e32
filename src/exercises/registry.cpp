// SPDX-License-Identifier: MIT
#include "gpulab/core/error.hpp"
#include "gpulab/custom/exercises/block_sum.hpp"
#include "gpulab/exercises/catalog.hpp"
#include "gpulab/exercises/check.hpp"
#include "gpulab/device/exercises/map_2d_index.hpp"
#include "gpulab/random/exercises/monte_carlo_pi.hpp"
#include "gpulab/transfer/exercises/pipelined_scale.hpp"
#include "gpulab/linalg/exercises/row_major_gemm.hpp"
#include "gpulab/custom/exercises/saxpy_grid_stride.hpp"
#include "gpulab/linalg/exercises/tiled_matmul.hpp"
#include "gpulab/custom/exercises/tiled_transpose.hpp"
#include "gpulab/dataframe/exercises/privatized_histogram.hpp"
#include "gpulab/ml/exercises/kmeans_assign.hpp"
#if GPULAB_EXERCISES_HAVE_NCCL  // module 8's exercise needs NCCL (src/multigpu/CMakeLists.txt)
#include "gpulab/multigpu/exercises/halo_exchange.hpp"
#endif

namespace gpulab::exercises {

namespace {

// The checker of each exercise of the catalog, by name.
check_report check_by_name(std::string_view name, const check_options& o) {
  if (name == "map_2d_index") return check_map_2d_index(trainee::map_2d_index, o);
  if (name == "pipelined_scale") return check_pipelined_scale(trainee::pipelined_scale, o);
  if (name == "row_major_gemm") return check_row_major_gemm(trainee::row_major_gemm, o);
  if (name == "tiled_matmul") return check_tiled_matmul(trainee::tiled_matmul, o);
  if (name == "monte_carlo_pi") return check_monte_carlo_pi(trainee::monte_carlo_pi, o);
  if (name == "saxpy_grid_stride") return check_saxpy_grid_stride(trainee::saxpy_grid_stride, o);
  if (name == "block_sum") return check_block_sum(trainee::block_sum, o);
  if (name == "tiled_transpose") return check_tiled_transpose(trainee::tiled_transpose, o);
  if (name == "privatized_histogram") return check_privatized_histogram(trainee::privatized_histogram, o);
  if (name == "kmeans_assign") return check_kmeans_assign(trainee::kmeans_assign, o);
  if (name == "halo_exchange") {
#if GPULAB_EXERCISES_HAVE_NCCL
    return check_halo_exchange(trainee::halo_exchange, o);
#else
    throw usage_error("halo_exchange needs NCCL and MPI, and gpulab was built without them (install libnccl-dev "
                      "and libopenmpi-dev, or load their modules, then configure again)");
#endif
  }
  throw error("exercise '" + std::string(name) + "' is in the catalog but has no checker");
}

}  // namespace

const std::vector<exercise_entry>& all_exercises() {
  static const std::vector<exercise_entry> entries = [] {
    std::vector<exercise_entry> list;
    for (const exercise_info& info : catalog) {
      list.push_back({std::string(info.name), std::string(info.module_name), std::string(info.summary),
                      std::string(info.file),
                      [name = info.name](const check_options& o) { return check_by_name(name, o); }});
    }
    return list;
  }();
  return entries;
}

const exercise_entry& find_exercise(const std::string& name) {
  for (const exercise_entry& e : all_exercises()) {
    if (e.name == name) return e;
  }
  std::string names;
  for (const exercise_entry& e : all_exercises()) names += (names.empty() ? "" : ", ") + e.name;
  throw usage_error("unknown exercise '" + name + "' (known: " + names + ")");
}

}  // namespace gpulab::exercises
