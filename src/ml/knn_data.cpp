// SPDX-License-Identifier: MIT
// Gaussian blobs (include/gpulab/ml/knn_data.hpp). Every value comes from a hash
// of (seed, its index), so OpenMP threads fill rows in any order and the result
// does not depend on the thread count.
#include "gpulab/ml/knn_data.hpp"

#include <cmath>
#include <numbers>

#include "gpulab/bench/inputs.hpp"

namespace gpulab::ml {

namespace {

// A uniform double in (0, 1) from 53 bits of a hash.
double unit(std::uint64_t bits) { return (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53; }

// A standard normal value (Box-Muller on two hashed uniforms).
double normal(std::uint64_t seed, std::uint64_t index) {
  const double u1 = unit(splitmix64(seed ^ splitmix64(2 * index)));
  const double u2 = unit(splitmix64(seed ^ splitmix64(2 * index + 1)));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

labelled_rows make_blobs(std::int64_t rows, std::int64_t features, int classes, std::uint64_t centre_seed,
                         std::uint64_t seed) {
  labelled_rows out;
  out.rows = rows;
  out.features = features;
  std::vector<double> centres(static_cast<std::size_t>(classes * features));
  for (std::size_t i = 0; i < centres.size(); ++i) centres[i] = -3.0 + 6.0 * unit(splitmix64(centre_seed + i));
  out.values.resize(static_cast<std::size_t>(rows * features));
  out.labels.resize(static_cast<std::size_t>(rows));
  const std::uint64_t label_seed = splitmix64(seed ^ 0x6c6162656cull);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < rows; ++i) {
    const auto label = static_cast<std::int32_t>(splitmix64(label_seed + static_cast<std::uint64_t>(i)) %
                                                 static_cast<std::uint64_t>(classes));
    out.labels[static_cast<std::size_t>(i)] = label;
    for (std::int64_t j = 0; j < features; ++j) {
      const auto at = static_cast<std::size_t>(i * features + j);
      out.values[at] = static_cast<float>(centres[static_cast<std::size_t>(label * features + j)] +
                                          normal(seed, static_cast<std::uint64_t>(at)));
    }
  }
  return out;
}

}  // namespace gpulab::ml
