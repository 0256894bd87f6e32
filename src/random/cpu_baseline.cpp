// SPDX-License-Identifier: MIT
#include "gpulab/random/cpu_baseline.hpp"

#include <omp.h>

#include <bit>
#include <random>

#include "gpulab/bench/inputs.hpp"

namespace gpulab::random {

namespace {

template <class Distribution, class Store>
void fill_in_parallel(std::span<float> out, std::uint64_t seed, Distribution prototype, Store store) {
  const auto n = static_cast<std::int64_t>(out.size());
#pragma omp parallel
  {
    std::mt19937 engine(static_cast<std::uint32_t>(splitmix64(seed + static_cast<std::uint64_t>(omp_get_thread_num()))));
    Distribution distribution = prototype;
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) store(out[static_cast<std::size_t>(i)], distribution(engine));
  }
}

}  // namespace

void cpu_generate(distribution_kind kind, const distribution_params& params, std::span<float> out, std::uint64_t seed) {
  params.validate(kind);
  auto as_float = [](float& slot, auto value) { slot = static_cast<float>(value); };
  switch (kind) {
    case distribution_kind::uniform:
      fill_in_parallel(out, seed, std::uniform_real_distribution<float>(0.0f, 1.0f), as_float);
      return;
    case distribution_kind::normal:
      fill_in_parallel(out, seed, std::normal_distribution<float>(params.mean, params.sigma), as_float);
      return;
    case distribution_kind::log_normal:
      fill_in_parallel(out, seed, std::lognormal_distribution<float>(params.mean, params.sigma), as_float);
      return;
    case distribution_kind::poisson:
      fill_in_parallel(out, seed, std::poisson_distribution<unsigned>(params.lambda),
                       [](float& slot, unsigned value) { slot = std::bit_cast<float>(value); });
      return;
  }
}

// [snippet:cpu_pi]
std::uint64_t cpu_count_hits(std::uint64_t darts, std::uint64_t seed) {
  const auto n = static_cast<std::int64_t>(darts);
  // Hash the seed first: seeds 3 and 4 must not give the same darts shifted by one.
  const std::uint64_t base = splitmix64(seed);
  std::uint64_t hits = 0;
#pragma omp parallel for reduction(+ : hits) schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint64_t bits = splitmix64(base + static_cast<std::uint64_t>(i));
    const float x = static_cast<float>(bits >> 40) * 0x1p-24f;  // top 24 bits
    const float y = static_cast<float>((bits >> 8) & 0xFFFFFF) * 0x1p-24f;
    hits += x * x + y * y < 1.0f ? 1 : 0;
  }
  return hits;
}
// [/snippet:cpu_pi]

}  // namespace gpulab::random
