// SPDX-License-Identifier: MIT
// Data-parallel Monte Carlo pi on the GPU, under mpirun (1 and 2 ranks):
//   - in one process, the counts of any split of the subsequences (1 to 7
//     parts, odd sizes, a short last subsequence) add up to the whole count, and
//     a split that drops or repeats one subsequence does not;
//   - the estimate is within 6 standard errors of pi (a kernel that skipped
//     the odd last dart of each 97-dart subsequence would be 1% off: 50 sigma);
//   - run_data_parallel_pi on NCCL and host-staged MPI: the all-reduced count
//     equals one process's, before and after timing.
// SKIPPED without one GPU per rank of the node.
#include "gpulab/multigpu/monte_carlo_pi.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <span>
#include <string>

#include "gpulab/core/memory.hpp"
#include "multigpu/multigpu_gpu_fixture.hpp"

namespace {

using namespace gpulab;
using namespace gpulab::multigpu;

constexpr std::uint64_t seed = 20240806;

class multigpu_pi_gpu : public multigpu_gpu_test {
 protected:
  // The hits of `range` of `samples`, counted on this rank's GPU.
  std::uint64_t count(const pi_samples& samples, subsequence_range range) {
    device_buffer<unsigned long long> hits(1, s);
    hits.fill_bytes_async(0, s);
    count_pi_hits_async(samples, range, seed, hits.data(), s);
    unsigned long long host = 0;
    copy_to_host_async<unsigned long long>(hits, std::span<unsigned long long>(&host, 1), s);
    synchronize(s);
    return host;
  }
};

TEST_F(multigpu_pi_gpu, AnySplitOfTheSubsequencesAddsUpToTheWholeCount) {
  for (const pi_samples samples : {pi_samples{.darts = 1000003, .darts_per_subsequence = 97},
                                   pi_samples{.darts = 1 << 20}, pi_samples{.darts = 7, .darts_per_subsequence = 2}}) {
    const std::uint64_t whole = count(samples, {0, samples.subsequences()});
    EXPECT_GT(whole, 0u);
    EXPECT_LE(whole, samples.darts);
    for (int parts = 1; parts <= 7; ++parts) {
      std::uint64_t sum = 0;
      for (int p = 0; p < parts; ++p) sum += count(samples, subsequences_of_rank(samples.subsequences(), p, parts));
      EXPECT_EQ(sum, whole) << samples.darts << " darts in " << parts << " parts";
    }
  }
  // The check can fail: subsequence 0 dropped, or counted twice.
  const pi_samples samples{.darts = 1000003, .darts_per_subsequence = 97};
  const std::uint64_t whole = count(samples, {0, samples.subsequences()});
  EXPECT_NE(count(samples, {1, samples.subsequences()}), whole);
  EXPECT_NE(count(samples, {0, samples.subsequences()}) + count(samples, {0, 1}), whole);
}

TEST_F(multigpu_pi_gpu, TheEstimateIsWithinSixStandardErrorsOfPi) {
  for (const pi_samples samples : {pi_samples{.darts = 1 << 26}, pi_samples{.darts = 50000017, .darts_per_subsequence = 97}}) {
    const std::uint64_t hits = count(samples, {0, samples.subsequences()});
    const double estimate = 4.0 * static_cast<double>(hits) / static_cast<double>(samples.darts);
    EXPECT_LE(std::fabs(estimate - std::numbers::pi), pi_bound_sigmas * pi_standard_error(samples.darts))
        << samples.darts << " darts, " << samples.darts_per_subsequence << " per subsequence: " << estimate;
  }
  // Another seed gives other darts (the seed is used).
  const pi_samples samples{.darts = 1 << 20};
  device_buffer<unsigned long long> hits(1, s);
  hits.fill_bytes_async(0, s);
  count_pi_hits_async(samples, {0, samples.subsequences()}, seed + 1, hits.data(), s);
  EXPECT_NE(download(hits, s)[0], count(samples, {0, samples.subsequences()}));
}

TEST_F(multigpu_pi_gpu, TheDividedCountEqualsOneProcessCount) {
  for (const std::string backend : {"nccl", "mpi"}) {
    const std::unique_ptr<communicator> comm =
        backend == "nccl" ? make_nccl_communicator(MPI_COMM_WORLD, node_rank(), node_size())
                          : make_mpi_communicator(MPI_COMM_WORLD, /*allow_cuda_aware=*/false);
    // An odd count; and 5 darts: one subsequence, so rank 1 of 2 has none.
    for (const pi_samples samples : {pi_samples{.darts = 10000019}, pi_samples{.darts = 5}}) {
      const pi_result r = run_data_parallel_pi(samples, seed, *comm, s, 3);
      const std::string what = backend + ", " + std::to_string(samples.darts) + " darts";
      EXPECT_EQ(r.ranks, world_size()) << what;
      EXPECT_EQ(r.hits, r.reference_hits) << what;
      EXPECT_TRUE(r.repeats_agree) << what;
      EXPECT_EQ(r.hits, count(samples, {0, samples.subsequences()})) << what;
      EXPECT_GT(r.median_ms, 0.0) << what;
      if (samples.darts > 1000) {
        EXPECT_TRUE(r.verified()) << what << "\n" << format_pi_report(r);
      }
    }
  }
}

}  // namespace

namespace {

using namespace gpulab::multigpu;

// The verdict can fail, for each of its reasons (no GPU needed).
TEST(multigpu_pi_result, EachFailureIsReported) {
  pi_result r;
  r.samples.darts = 1 << 20;
  r.hits = 823550;  // 4 x 823550 / 2^20 = 3.14159...
  r.reference_hits = r.hits;
  r.repeats_agree = true;
  ASSERT_TRUE(r.verified()) << format_pi_report(r);
  EXPECT_NE(format_pi_report(r).find("validation: hits bit-exact"), std::string::npos);
  pi_result off_by_one = r;
  off_by_one.hits += 1;  // still a fine estimate, but not the same darts
  EXPECT_TRUE(off_by_one.within_bound());
  EXPECT_FALSE(off_by_one.verified());
  EXPECT_NE(format_pi_report(off_by_one).find("823551 hits on 1 rank, 823550 in one process"), std::string::npos)
      << format_pi_report(off_by_one);
  pi_result changed = r;
  changed.repeats_agree = false;
  EXPECT_FALSE(changed.verified());
  pi_result biased = r;
  biased.hits = biased.reference_hits = 823550 + 4000;  // 1.5e-2 off; 6 sigma is 9.6e-3
  EXPECT_FALSE(biased.within_bound());
  EXPECT_FALSE(biased.verified());
  EXPECT_NE(format_pi_report(biased).find("more than 6 sigma"), std::string::npos);
}

}  // namespace
