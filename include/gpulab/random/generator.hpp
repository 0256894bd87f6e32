// SPDX-License-Identifier: MIT
// cuRAND's host API, typed: one generator object fills whole buffers with
// random numbers. "Host API" means the host calls it; the numbers are made by
// cuRAND's own kernels, on the generator's stream, straight into device memory.
//
//   random::generator gen(random::generator_kind::philox, /*seed=*/2026);
//   gen.set_stream(s);
//   gen.uniform(buffer.span());               // (0, 1]
//   gen.normal(buffer.span(), 0.0f, 1.0f);
//
// The same class drives cuRAND's CPU generators (`where::host`, spans of host
// memory): same algorithm, same seed, same numbers. The tests use that to check
// the GPU's output number by number.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// curand.h's handle, declared here so that this header stays light.
struct curandGenerator_st;

namespace gpulab::random {

enum class generator_kind {
  xorwow,             // cuRAND's default: xorshift with a Weyl sequence, fast and small
  mrg32k3a,           // L'Ecuyer's combined multiple recursive generator: well studied, slower
  philox,             // Philox4x32-10: counter-based, any offset for free; the usual best choice
  mtgp32,             // Mersenne Twister for GPUs (one state per block)
  mt19937,            // the classic Mersenne Twister, with cuRAND's GPU layout
  sobol32,            // quasi-random: fills space evenly instead of randomly
  scrambled_sobol32,  // Sobol with scrambled digits
};

// Every kind, in the order the report lists them.
const std::vector<generator_kind>& all_generator_kinds();
const char* generator_name(generator_kind kind);
// "philox" -> generator_kind::philox; throws usage_error naming the known ones.
generator_kind parse_generator(std::string_view name);
bool is_quasi_random(generator_kind kind);

enum class distribution_kind { uniform, normal, log_normal, poisson };
const std::vector<distribution_kind>& all_distribution_kinds();
const char* distribution_name(distribution_kind kind);
distribution_kind parse_distribution(std::string_view name);

// Parameters of the distributions; validate() throws usage_error for values
// cuRAND would reject or silently misuse (sigma <= 0, lambda <= 0, NaN).
struct distribution_params {
  float mean = 0.0f;    // normal: the mean; log-normal: the mean of the underlying normal
  float sigma = 1.0f;   // normal: the standard deviation; log-normal: that of the underlying normal
  double lambda = 10;   // Poisson: the mean
  void validate(distribution_kind kind) const;
};

// Sobol generators make points of 1..20000 dimensions (cuRAND's direction vectors).
constexpr unsigned max_sobol_dimensions = 20000;

enum class where { device, host };

// Where each number lands in memory (cuRAND's "ordering"). standard: cuRAND's default,
// the same numbers on every GPU and on the CPU generator. dynamic
// (CURAND_ORDERING_PSEUDO_DYNAMIC): cuRAND picks the layout that is fastest on this GPU;
// the numbers are the same run after run on one GPU model, but may differ on another
// and differ from the CPU generator's.
enum class generator_ordering { standard, dynamic };

class generator {
 public:
  // Throws usage_error for dimensions out of 1..20000, or dimensions != 1 with a pseudo-random kind.
  generator(generator_kind kind, std::uint64_t seed, where location = where::device, unsigned dimensions = 1);
  ~generator();
  generator(const generator&) = delete;
  generator& operator=(const generator&) = delete;
  generator(generator&& other) noexcept;
  generator& operator=(generator&& other) noexcept;

  // Device generators enqueue their kernels on `s` (they run asynchronously).
  void set_stream(cuda::stream_ref s);
  // Skip the first `offset` numbers of the sequence. MTGP32 and MT19937 cannot (usage_error).
  // dynamic: device generators of XORWOW, MRG32k3a and Philox only (usage_error otherwise).
  void set_ordering(generator_ordering ordering);
  void set_offset(std::uint64_t offset);

  // Device generators take device memory, host generators host memory.
  void uniform(cuda::std::span<float> out);
  void normal(cuda::std::span<float> out, float mean, float sigma);
  void log_normal(cuda::std::span<float> out, float mean, float sigma);
  void poisson(cuda::std::span<unsigned> out, double lambda);
  // One call for any distribution: Poisson writes unsigned ints into the same 4-byte slots.
  void generate(distribution_kind kind, cuda::std::span<float> out, const distribution_params& params);

  [[nodiscard]] generator_kind kind() const noexcept { return kind_; }
  [[nodiscard]] where location() const noexcept { return location_; }
  [[nodiscard]] unsigned dimensions() const noexcept { return dimensions_; }

 private:
  void require_length(std::size_t n) const;
  // Normal and log-normal: cuRAND's pseudo-random generators make them in pairs (Box-Muller).
  template <class Fill>
  void in_pairs(cuda::std::span<float> out, Fill fill);

  curandGenerator_st* handle_ = nullptr;
  generator_kind kind_;
  where location_;
  unsigned dimensions_;
  cudaStream_t stream_ = nullptr;
};

}  // namespace gpulab::random
