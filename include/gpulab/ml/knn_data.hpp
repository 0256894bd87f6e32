// SPDX-License-Identifier: MIT
// Seeded data for kNN with a known truth: Gaussian blobs. `classes` centres
// drawn uniformly in [-3, 3]^d (from centre_seed, so that a database and its
// queries share them), each row a centre plus N(0, 1) noise in every feature,
// labelled with its centre. The same seeds give the same values on every machine.
#pragma once

#include <cstdint>
#include <vector>

namespace gpulab::ml {

struct labelled_rows {
  std::vector<float> values;          // rows x features, row-major
  std::vector<std::int32_t> labels;   // the centre of each row
  std::int64_t rows = 0;
  std::int64_t features = 0;
};

labelled_rows make_blobs(std::int64_t rows, std::int64_t features, int classes, std::uint64_t centre_seed,
                         std::uint64_t seed);

}  // namespace gpulab::ml
