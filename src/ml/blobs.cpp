// SPDX-License-Identifier: MIT
// Seeded Gaussian blobs (blobs.hpp).
#include "gpulab/ml/blobs.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <utility>

#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/ml/kmeans_plus_plus.hpp"

namespace gpulab::ml {

namespace {

// Uniform in (0, 1] from 53 bits of a hash of (seed, stream, counter).
double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
  const std::uint64_t h = mix64(mix64(seed ^ (stream * 0xD1B54A32D192ED03ull)) + counter);
  return static_cast<double>((h >> 11) + 1) * 0x1p-53;
}

// A standard normal (Box-Muller) for element `counter`.
double standard_normal(std::uint64_t seed, std::uint64_t counter) {
  const double u1 = uniform(seed, 1, counter), u2 = uniform(seed, 2, counter);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

host_blobs make_blobs_host(const blobs_params& p) {
  if (p.rows < 1 || p.features < 1 || p.centres < 1) {
    throw usage_error("blobs: rows, features and centres must be >= 1 (got " + std::to_string(p.rows) + ", " +
                      std::to_string(p.features) + ", " + std::to_string(p.centres) + ")");
  }
  if (p.centres > p.rows) {
    throw usage_error("blobs: " + std::to_string(p.centres) + " centres for " + std::to_string(p.rows) + " rows");
  }
  if (!std::isfinite(p.spread) || p.spread < 0) throw usage_error("blobs: the spread must be finite and >= 0");
  if (!std::isfinite(p.box) || !(p.box > 0)) throw usage_error("blobs: the box must be finite and > 0");
  const auto d = static_cast<std::uint64_t>(p.features);
  const std::size_t values =
      bytes_of<float>(checked_multiply(static_cast<std::uint64_t>(p.rows), d, "blobs"), "blobs") / sizeof(float);
  host_blobs b;
  b.points.rows = p.rows;
  b.points.cols = p.features;
  b.centres.resize(static_cast<std::size_t>(p.centres) * d);
  for (std::size_t e = 0; e < b.centres.size(); ++e) {
    b.centres[e] = static_cast<float>((2.0 * uniform(p.seed, 3, e) - 1.0) * p.box);
  }
  b.labels.resize(static_cast<std::size_t>(p.rows));
  b.points.values.resize(values);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < p.rows; ++i) {
    const auto label = static_cast<std::int32_t>(mix64(p.seed ^ (static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull)) %
                                                 static_cast<std::uint64_t>(p.centres));
    b.labels[static_cast<std::size_t>(i)] = label;
    for (std::uint64_t j = 0; j < d; ++j) {
      const std::uint64_t e = static_cast<std::uint64_t>(i) * d + j;
      b.points.values[e] = b.centres[static_cast<std::size_t>(label) * d + j] +
                           static_cast<float>(p.spread * standard_normal(p.seed, e));
    }
  }
  return b;
}

blobs make_blobs(const blobs_params& p, cuda::stream_ref s) {
  host_blobs h = make_blobs_host(p);
  return {upload_features(h.points, s), std::move(h.centres), std::move(h.labels)};
}

}  // namespace gpulab::ml
