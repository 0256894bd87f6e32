// SPDX-License-Identifier: MIT
// Seeded Gaussian blobs with known truth (sklearn.datasets.make_blobs): `centres`
// centres drawn uniformly in [-box, box]^d, each row a centre (picked by the
// seed) plus Gaussian noise of standard deviation `spread` on every feature.
// The same seed gives the same data on every machine (counter-based hashing,
// OpenMP over the rows); the true centres and labels come back with the points.
#pragma once

#include <cstdint>
#include <vector>

#include "gpulab/ml/feature_matrix.hpp"

namespace gpulab::ml {

struct blobs_params {
  std::int64_t rows = 1000;
  int features = 2;
  int centres = 3;
  float spread = 1.0f;  // standard deviation of the noise around each centre
  float box = 10.0f;    // centres uniform in [-box, box] on every feature
  std::uint64_t seed = 2026;
};

struct host_blobs {
  host_features points;              // rows x features
  std::vector<float> centres;        // centres x features, row-major
  std::vector<std::int32_t> labels;  // rows: the centre each row was drawn around
};

struct blobs {
  feature_matrix points;  // on the device
  std::vector<float> centres;
  std::vector<std::int32_t> labels;
};

// Throws usage_error for rows, features or centres < 1, centres > rows, a negative
// or non-finite spread, a box that is not > 0, or sizes whose bytes overflow.
host_blobs make_blobs_host(const blobs_params& p);
// The same points uploaded (complete when this returns).
blobs make_blobs(const blobs_params& p, cuda::stream_ref s);

}  // namespace gpulab::ml
