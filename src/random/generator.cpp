// SPDX-License-Identifier: MIT
#include "gpulab/random/generator.hpp"

#include <curand.h>

#include <array>
#include <cmath>
#include <utility>

#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"

namespace gpulab::random {

namespace {

struct generator_row {
  generator_kind kind;
  const char* name;
  curandRngType_t type;
};

constexpr std::array<generator_row, 7> generator_table = {{
    {generator_kind::xorwow, "xorwow", CURAND_RNG_PSEUDO_XORWOW},
    {generator_kind::mrg32k3a, "mrg32k3a", CURAND_RNG_PSEUDO_MRG32K3A},
    {generator_kind::philox, "philox", CURAND_RNG_PSEUDO_PHILOX4_32_10},
    {generator_kind::mtgp32, "mtgp32", CURAND_RNG_PSEUDO_MTGP32},
    {generator_kind::mt19937, "mt19937", CURAND_RNG_PSEUDO_MT19937},
    {generator_kind::sobol32, "sobol32", CURAND_RNG_QUASI_SOBOL32},
    {generator_kind::scrambled_sobol32, "scrambled_sobol32", CURAND_RNG_QUASI_SCRAMBLED_SOBOL32},
}};

const generator_row& row_of(generator_kind kind) {
  for (const generator_row& row : generator_table) {
    if (row.kind == kind) return row;
  }
  throw error("unknown generator kind");
}

constexpr std::array<std::pair<distribution_kind, const char*>, 4> distribution_table = {{
    {distribution_kind::uniform, "uniform"},
    {distribution_kind::normal, "normal"},
    {distribution_kind::log_normal, "log_normal"},
    {distribution_kind::poisson, "poisson"},
}};

}  // namespace

const std::vector<generator_kind>& all_generator_kinds() {
  static const std::vector<generator_kind> kinds = [] {
    std::vector<generator_kind> k;
    for (const generator_row& row : generator_table) k.push_back(row.kind);
    return k;
  }();
  return kinds;
}

const char* generator_name(generator_kind kind) { return row_of(kind).name; }

generator_kind parse_generator(std::string_view name) {
  std::string known;
  for (const generator_row& row : generator_table) {
    if (name == row.name) return row.kind;
    known += (known.empty() ? "" : ", ") + std::string(row.name);
  }
  throw usage_error("unknown generator '" + std::string(name) + "' (known: " + known + ")");
}

bool is_quasi_random(generator_kind kind) {
  return kind == generator_kind::sobol32 || kind == generator_kind::scrambled_sobol32;
}

const std::vector<distribution_kind>& all_distribution_kinds() {
  static const std::vector<distribution_kind> kinds = {distribution_kind::uniform, distribution_kind::normal,
                                                       distribution_kind::log_normal, distribution_kind::poisson};
  return kinds;
}

const char* distribution_name(distribution_kind kind) {
  for (const auto& [k, name] : distribution_table) {
    if (k == kind) return name;
  }
  return "?";
}

distribution_kind parse_distribution(std::string_view name) {
  std::string known;
  for (const auto& [kind, text] : distribution_table) {
    if (name == text) return kind;
    known += (known.empty() ? "" : ", ") + std::string(text);
  }
  throw usage_error("unknown distribution '" + std::string(name) + "' (known: " + known + ")");
}

void distribution_params::validate(distribution_kind kind) const {
  switch (kind) {
    case distribution_kind::uniform: return;
    case distribution_kind::normal:
    case distribution_kind::log_normal:
      if (!std::isfinite(mean)) throw usage_error("the mean must be a finite number");
      if (!(sigma > 0.0f) || !std::isfinite(sigma)) {
        throw usage_error("sigma must be a finite number > 0 (got " + std::to_string(sigma) + ")");
      }
      return;
    case distribution_kind::poisson:
      // cuRAND builds a table per lambda; above ~1e9 its counts no longer fit an unsigned int comfortably.
      if (!(lambda > 0.0) || !std::isfinite(lambda) || lambda > 1e9) {
        throw usage_error("lambda must be a number in (0, 1e9] (got " + std::to_string(lambda) + ")");
      }
      return;
  }
}

generator::generator(generator_kind kind, std::uint64_t seed, where location, unsigned dimensions)
    : kind_(kind), location_(location), dimensions_(dimensions) {
  if (is_quasi_random(kind)) {
    if (dimensions < 1 || dimensions > max_sobol_dimensions) {
      throw usage_error("Sobol dimensions must be in 1.." + std::to_string(max_sobol_dimensions) + " (got " +
                        std::to_string(dimensions) + ")");
    }
  } else if (dimensions != 1) {
    throw usage_error(std::string("dimensions apply to the Sobol generators only, not to ") + generator_name(kind));
  }
  const curandRngType_t type = row_of(kind).type;
  if (location == where::device) {
    GPULAB_CURAND_TRY(curandCreateGenerator(&handle_, type));
  } else {
    GPULAB_CURAND_TRY(curandCreateGeneratorHost(&handle_, type));
  }
  try {
    if (is_quasi_random(kind)) {
      GPULAB_CURAND_TRY(curandSetQuasiRandomGeneratorDimensions(handle_, dimensions));
    } else {
      GPULAB_CURAND_TRY(curandSetPseudoRandomGeneratorSeed(handle_, seed));
    }
  } catch (...) {
    (void)curandDestroyGenerator(handle_);
    throw;
  }
}

generator::~generator() {
  if (handle_ != nullptr) (void)curandDestroyGenerator(handle_);
}

generator::generator(generator&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      kind_(other.kind_),
      location_(other.location_),
      dimensions_(other.dimensions_),
      stream_(other.stream_) {}

generator& generator::operator=(generator&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) (void)curandDestroyGenerator(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    kind_ = other.kind_;
    location_ = other.location_;
    dimensions_ = other.dimensions_;
    stream_ = other.stream_;
  }
  return *this;
}

void generator::set_stream(cuda::stream_ref s) {
  if (location_ == where::host) return;  // the CPU generator runs when called
  stream_ = s.get();
  GPULAB_CURAND_TRY(curandSetStream(handle_, stream_));
}

void generator::set_offset(std::uint64_t offset) {
  if (kind_ == generator_kind::mtgp32 || kind_ == generator_kind::mt19937) {
    throw usage_error(std::string(generator_name(kind_)) + " cannot skip ahead (cuRAND supports no offset for it)");
  }
  GPULAB_CURAND_TRY(curandSetGeneratorOffset(handle_, offset));
}

void generator::set_ordering(generator_ordering ordering) {
  if (ordering == generator_ordering::standard) {
    GPULAB_CURAND_TRY(curandSetGeneratorOrdering(
        handle_, is_quasi_random(kind_) ? CURAND_ORDERING_QUASI_DEFAULT : CURAND_ORDERING_PSEUDO_DEFAULT));
    return;
  }
  const bool dynamic_kind = kind_ == generator_kind::xorwow || kind_ == generator_kind::mrg32k3a ||
                            kind_ == generator_kind::philox;
  if (location_ != where::device || !dynamic_kind) {
    throw usage_error(std::string("dynamic ordering is for the device generators xorwow, mrg32k3a and philox, not ") +
                      (location_ == where::host ? "a CPU generator" : generator_name(kind_)));
  }
  GPULAB_CURAND_TRY(curandSetGeneratorOrdering(handle_, CURAND_ORDERING_PSEUDO_DYNAMIC));
}

void generator::require_length(std::size_t n) const {
  if (n % dimensions_ != 0) {
    throw usage_error("a " + std::to_string(dimensions_) + "-dimensional Sobol generator makes points of " +
                      std::to_string(dimensions_) + " numbers: the count (" + std::to_string(n) +
                      ") must be a multiple of " + std::to_string(dimensions_));
  }
}

void generator::uniform(cuda::std::span<float> out) {
  require_length(out.size());
  if (out.empty()) return;
  GPULAB_CURAND_TRY(curandGenerateUniform(handle_, out.data(), out.size()));
}

// [snippet:normal_in_pairs]
// Box-Muller turns two uniform numbers into two normal ones, so cuRAND's
// pseudo-random generators only make normal numbers in pairs. For an odd
// count we make one pair more in a scratch buffer and keep its first number.
template <class Fill>
void generator::in_pairs(cuda::std::span<float> out, Fill fill) {
  const std::size_t even = out.size() / 2 * 2;
  if (even > 0) fill(out.data(), even);
  if (even == out.size()) return;
  if (location_ == where::host) {
    std::array<float, 2> pair{};
    fill(pair.data(), 2);
    out[even] = pair[0];
  } else {
    device_buffer<float> pair(2, stream_);
    fill(pair.data(), 2);
    GPULAB_CUDA_TRY(cudaMemcpyAsync(out.data() + even, pair.data(), sizeof(float),
                                    cudaMemcpyDeviceToDevice, stream_));
  }
}
// [/snippet:normal_in_pairs]

void generator::normal(cuda::std::span<float> out, float mean, float sigma) {
  distribution_params{mean, sigma}.validate(distribution_kind::normal);
  require_length(out.size());
  auto fill = [&](float* p, std::size_t n) { GPULAB_CURAND_TRY(curandGenerateNormal(handle_, p, n, mean, sigma)); };
  if (is_quasi_random(kind_)) {  // quasi-random normals come from the inverse CDF: one in, one out
    if (!out.empty()) fill(out.data(), out.size());
  } else {
    in_pairs(out, fill);
  }
}

void generator::log_normal(cuda::std::span<float> out, float mean, float sigma) {
  distribution_params{mean, sigma}.validate(distribution_kind::log_normal);
  require_length(out.size());
  auto fill = [&](float* p, std::size_t n) { GPULAB_CURAND_TRY(curandGenerateLogNormal(handle_, p, n, mean, sigma)); };
  if (is_quasi_random(kind_)) {
    if (!out.empty()) fill(out.data(), out.size());
  } else {
    in_pairs(out, fill);
  }
}

void generator::poisson(cuda::std::span<unsigned> out, double lambda) {
  distribution_params params;
  params.lambda = lambda;
  params.validate(distribution_kind::poisson);
  require_length(out.size());
  if (out.empty()) return;
  GPULAB_CURAND_TRY(curandGeneratePoisson(handle_, out.data(), out.size(), lambda));
}

void generator::generate(distribution_kind kind, cuda::std::span<float> out, const distribution_params& params) {
  switch (kind) {
    case distribution_kind::uniform: uniform(out); return;
    case distribution_kind::normal: normal(out, params.mean, params.sigma); return;
    case distribution_kind::log_normal: log_normal(out, params.mean, params.sigma); return;
    case distribution_kind::poisson:
      // Same size, same alignment: the 4-byte slots hold unsigned counts instead of floats.
      poisson({reinterpret_cast<unsigned*>(out.data()), out.size()}, params.lambda);
      return;
  }
}

}  // namespace gpulab::random
