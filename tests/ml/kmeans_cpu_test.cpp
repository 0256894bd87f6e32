// SPDX-License-Identifier: MIT
// k-means on the CPU (the baseline and reference of the GPU versions), k-means++
// and the blobs, without a GPU: a hand example, the tie rule, the empty-cluster
// rule, k-means++ determinism, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/ml/blobs.hpp"
#include "gpulab/ml/kmeans.hpp"
#include "gpulab/ml/kmeans_cpu.hpp"
#include "gpulab/ml/kmeans_plus_plus.hpp"

namespace {

using gpulab::ml::host_features;

host_features rows_of(std::vector<std::vector<float>> rows) {
  host_features f;
  f.rows = static_cast<std::int64_t>(rows.size());
  f.cols = static_cast<std::int64_t>(rows.front().size());
  for (const auto& r : rows) f.values.insert(f.values.end(), r.begin(), r.end());
  return f;
}

// Four points on a line, started from the two leftmost: worked by hand.
//   it 1: labels 0 1 1 1 -> centroids 0 and 22/3
//   it 2: labels 0 0 1 1 -> centroids 0.5 and 10.5
//   it 3: labels unchanged, no centroid moves -> stop (shift 0 <= tolerance)
TEST(ml_kmeans_cpu, HandExampleConvergesInThreeIterations) {
  const host_features x = rows_of({{0, 0}, {1, 0}, {10, 0}, {11, 0}});
  const auto r = gpulab::ml::kmeans_fit_cpu(x, 2, {0, 0, 1, 0}, 100, 1e-4);
  EXPECT_EQ(r.iterations, 3);
  EXPECT_EQ(r.labels, (std::vector<std::int32_t>{0, 0, 1, 1}));
  EXPECT_EQ(r.centroids, (std::vector<float>{0.5f, 0, 10.5f, 0}));
  EXPECT_DOUBLE_EQ(r.inertia, 4 * 0.25);
  EXPECT_EQ(r.counts, (std::vector<std::int64_t>{2, 2}));
}

TEST(ml_kmeans_cpu, OneIterationThenTheFinalLabelling) {
  const host_features x = rows_of({{0, 0}, {1, 0}, {10, 0}, {11, 0}});
  const auto r = gpulab::ml::kmeans_fit_cpu(x, 2, {0, 0, 1, 0}, 1, 0.0);
  EXPECT_EQ(r.iterations, 1);
  EXPECT_EQ(r.centroids[0], 0.0f);
  EXPECT_EQ(r.centroids[2], static_cast<float>(22.0 / 3.0));
  // Labelled with the centroids of iteration 1: x = 1 is now nearer 0 than 7.33.
  EXPECT_EQ(r.labels, (std::vector<std::int32_t>{0, 0, 1, 1}));
  const double c1 = static_cast<float>(22.0 / 3.0);
  EXPECT_NEAR(r.inertia, 1.0 + (10 - c1) * (10 - c1) + (11 - c1) * (11 - c1), 1e-9);
}

// The shift is compared with <=: a tolerance equal to the largest shift stops.
TEST(ml_kmeans_cpu, ToleranceStopsWhenNoCentroidMovesFarther) {
  const host_features x = rows_of({{-1, 0}, {1, 0}, {9, 0}, {11, 0}});
  EXPECT_EQ(gpulab::ml::kmeans_fit_cpu(x, 2, {0.5f, 0, 10, 0}, 50, 0.5).iterations, 1);    // both move 0.5
  EXPECT_EQ(gpulab::ml::kmeans_fit_cpu(x, 2, {0.5f, 0, 10, 0}, 50, 0.25).iterations, 2);   // then 0
}

TEST(ml_kmeans_cpu, TolerancezeroRunsEveryIteration) {
  const host_features x = rows_of({{0, 0}, {1, 0}, {10, 0}, {11, 0}});
  EXPECT_EQ(gpulab::ml::kmeans_fit_cpu(x, 2, {0, 0, 1, 0}, 7, 0.0).iterations, 7);
}

// A point exactly halfway between two centroids goes to the smaller index, in either order.
TEST(ml_kmeans_cpu, TiesGoToTheSmallestIndex) {
  const host_features x = rows_of({{1, 0}, {-1, 0}, {3, 0}});
  std::vector<std::int32_t> labels;
  std::vector<double> distances;
  gpulab::ml::kmeans_assign_cpu(x, {0, 0, 2, 0}, 2, labels, distances);
  EXPECT_EQ(labels, (std::vector<std::int32_t>{0, 0, 1}));
  EXPECT_EQ(distances, (std::vector<double>{1, 1, 1}));
  gpulab::ml::kmeans_assign_cpu(x, {2, 0, 0, 0}, 2, labels, distances);
  EXPECT_EQ(labels, (std::vector<std::int32_t>{0, 1, 0}));
  // A duplicate centroid never wins a point.
  gpulab::ml::kmeans_assign_cpu(x, {0, 0, 2, 0, 0, 0}, 3, labels, distances);
  EXPECT_EQ(std::count(labels.begin(), labels.end(), 2), 0);
}

// The rule: a centroid no point chose keeps its position (planted far away).
TEST(ml_kmeans_cpu, EmptyClusterKeepsItsCentroid) {
  gpulab::ml::blobs_params p;
  p.rows = 501;
  p.features = 3;
  p.centres = 2;
  p.seed = 7;
  const auto b = gpulab::ml::make_blobs_host(p);
  std::vector<float> initial(b.points.values.begin(), b.points.values.begin() + 3);
  initial.insert(initial.end(), {1000.0f, -1000.0f, 1000.0f});  // no point is near it
  initial.insert(initial.end(), b.points.values.begin() + 3, b.points.values.begin() + 6);
  const auto r = gpulab::ml::kmeans_fit_cpu(b.points, 3, initial, 20, 0.0);
  EXPECT_EQ(r.iterations, 20);
  EXPECT_EQ(r.counts[1], 0);
  EXPECT_EQ(std::count(r.labels.begin(), r.labels.end(), 1), 0);
  EXPECT_EQ(r.centroids[3], 1000.0f);
  EXPECT_EQ(r.centroids[4], -1000.0f);
  EXPECT_EQ(r.centroids[5], 1000.0f);
  EXPECT_EQ(r.counts[0] + r.counts[2], 501);
}

TEST(ml_kmeans_cpu, KmeansPlusPlusIsDeterministicAndPicksRows) {
  gpulab::ml::blobs_params p;
  p.rows = 2001;
  p.features = 5;
  p.centres = 6;
  p.spread = 0.1f;
  const auto b = gpulab::ml::make_blobs_host(p);
  std::vector<std::int64_t> rows, again_rows;
  const auto centres = gpulab::ml::kmeans_plus_plus_cpu(b.points, 6, 42, &rows);
  const auto again = gpulab::ml::kmeans_plus_plus_cpu(b.points, 6, 42, &again_rows);
  EXPECT_EQ(centres, again);
  EXPECT_EQ(rows, again_rows);
  EXPECT_EQ(rows.front(), gpulab::ml::kmeans_plus_plus_first(42, 2001));
  for (std::size_t j = 0; j < rows.size(); ++j) {
    for (int f = 0; f < 5; ++f) {
      EXPECT_EQ(centres[j * 5 + f], b.points.values[static_cast<std::size_t>(rows[j] * 5 + f)]);
    }
  }
  // Far apart blobs: D^2 sampling takes one centre from each (the seed fixes which rows).
  std::set<std::int32_t> true_clusters;
  for (const auto r : rows) true_clusters.insert(b.labels[static_cast<std::size_t>(r)]);
  EXPECT_EQ(true_clusters.size(), 6u);
  std::vector<std::int64_t> other_rows;
  (void)gpulab::ml::kmeans_plus_plus_cpu(b.points, 6, 43, &other_rows);
  EXPECT_NE(rows, other_rows);
}

// Every point the same: every key is infinite after the first pick, the smallest index wins.
TEST(ml_kmeans_cpu, KmeansPlusPlusOnIdenticalPointsRepeatsTheSmallestRow) {
  const host_features x = rows_of({{2, 3}, {2, 3}, {2, 3}, {2, 3}, {2, 3}});
  std::vector<std::int64_t> rows;
  const auto centres = gpulab::ml::kmeans_plus_plus_cpu(x, 3, 5, &rows);
  EXPECT_EQ(rows[1], 0);
  EXPECT_EQ(rows[2], 0);
  EXPECT_EQ(centres, (std::vector<float>{2, 3, 2, 3, 2, 3}));
}

// The precondition of the GPU test FitFindsTheBlobsAndPredictAgrees (tests/ml/kmeans_gpu_test.cpp):
// on its blobs, k-means++ with the default seed (the GPU picks the CPU's rows) takes one row of each blob.
TEST(ml_kmeans_cpu, KmeansPlusPlusCoversEveryBlobOfTheGpuFitTest) {
  gpulab::ml::blobs_params p;
  p.rows = 200003;
  p.features = 6;
  p.centres = 7;
  p.spread = 0.2f;
  const auto b = gpulab::ml::make_blobs_host(p);
  std::vector<std::int64_t> rows;
  (void)gpulab::ml::kmeans_plus_plus_cpu(b.points, 7, gpulab::ml::kmeans_params{}.seed, &rows);
  std::set<std::int32_t> blobs;
  for (const auto r : rows) blobs.insert(b.labels[static_cast<std::size_t>(r)]);
  EXPECT_EQ(blobs.size(), 7u);
}

TEST(ml_kmeans_cpu, RecoversTheCentresOfWellSeparatedBlobs) {
  gpulab::ml::blobs_params p;
  p.rows = 20011;
  p.features = 4;
  p.centres = 5;
  p.spread = 0.5f;
  p.seed = 3;
  const auto b = gpulab::ml::make_blobs_host(p);
  const auto initial = gpulab::ml::kmeans_plus_plus_cpu(b.points, 5, 11);
  const auto r = gpulab::ml::kmeans_fit_cpu(b.points, 5, initial, 100, 1e-6);
  EXPECT_LT(r.iterations, 100);
  for (int t = 0; t < 5; ++t) {  // each true centre has a fitted centroid within 0.05 (the mean of ~4000 points)
    double nearest = 1e30;
    for (int c = 0; c < 5; ++c) {
      double s = 0;
      for (int f = 0; f < 4; ++f) {
        const double diff = r.centroids[static_cast<std::size_t>(c * 4 + f)] - b.centres[static_cast<std::size_t>(t * 4 + f)];
        s += diff * diff;
      }
      nearest = std::min(nearest, std::sqrt(s));
    }
    EXPECT_LT(nearest, 0.05) << "true centre " << t;
  }
  // Inertia near n d spread^2 (the noise), well below it with the wrong centres.
  EXPECT_NEAR(r.inertia / (20011.0 * 4 * 0.25), 1.0, 0.05);
}

TEST(ml_kmeans_cpu, BadInputIsRefused) {
  const host_features x = rows_of({{0, 0}, {1, 0}, {10, 0}});
  using gpulab::usage_error;
  EXPECT_THROW(gpulab::ml::kmeans_fit_cpu(x, 0, {}, 10, 0.0), usage_error);                  // k = 0
  EXPECT_THROW(gpulab::ml::kmeans_fit_cpu(x, 4, std::vector<float>(8), 10, 0.0), usage_error);  // k > n
  EXPECT_THROW(gpulab::ml::kmeans_fit_cpu(x, 2, {0, 0, 1}, 10, 0.0), usage_error);           // initial of another size
  EXPECT_THROW(gpulab::ml::kmeans_fit_cpu(x, 2, {0, 0, 1, 0}, 0, 0.0), usage_error);         // no iterations
  EXPECT_THROW(gpulab::ml::kmeans_fit_cpu(x, 2, {0, 0, 1, 0}, 5, -1.0), usage_error);        // tolerance < 0
  EXPECT_THROW(gpulab::ml::kmeans_plus_plus_cpu(x, 4, 1), usage_error);
  host_features bad = x;
  bad.values[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(gpulab::ml::kmeans_fit_cpu(bad, 2, {0, 0, 1, 0}, 5, 0.0), gpulab::numerical_error);
  bad.values[3] = std::numeric_limits<float>::infinity();
  try {
    gpulab::ml::kmeans_fit_cpu(bad, 2, {0, 0, 1, 0}, 5, 0.0);
    ADD_FAILURE() << "Inf accepted";
  } catch (const gpulab::numerical_error& e) {
    EXPECT_NE(std::string(e.what()).find("row 1, column 1 is Inf"), std::string::npos) << e.what();
  }
  gpulab::ml::kmeans_params p;
  p.k = 3;
  EXPECT_NO_THROW(gpulab::ml::validate_kmeans(p, 3, 2));
  EXPECT_THROW(gpulab::ml::validate_kmeans(p, 2, 2), usage_error);
  EXPECT_THROW(gpulab::ml::validate_kmeans(p, 3, 0), usage_error);
  p.tolerance = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(gpulab::ml::validate_kmeans(p, 3, 2), usage_error);
}

TEST(ml_blobs, AreSeededAndAroundTheirCentres) {
  gpulab::ml::blobs_params p;
  p.rows = 30001;
  p.features = 3;
  p.centres = 4;
  p.spread = 2.0f;
  const auto a = gpulab::ml::make_blobs_host(p), b = gpulab::ml::make_blobs_host(p);
  EXPECT_EQ(a.points.values, b.points.values);
  EXPECT_EQ(a.labels, b.labels);
  ASSERT_EQ(a.points.values.size(), 30001u * 3);
  p.seed += 1;
  EXPECT_NE(gpulab::ml::make_blobs_host(p).points.values, a.points.values);
  // Each cluster's mean is its centre within 5 standard errors; its spread is 2 within 5%.
  std::vector<double> sum(12, 0), sum_sq(12, 0);
  std::vector<int> count(4, 0);
  for (std::size_t i = 0; i < 30001; ++i) {
    const auto l = static_cast<std::size_t>(a.labels[i]);
    ASSERT_LT(l, 4u);
    ++count[l];
    for (std::size_t f = 0; f < 3; ++f) {
      const double dev = a.points.values[i * 3 + f] - a.centres[l * 3 + f];
      sum[l * 3 + f] += dev;
      sum_sq[l * 3 + f] += dev * dev;
    }
  }
  for (std::size_t l = 0; l < 4; ++l) {
    EXPECT_GT(count[l], 6000);
    for (std::size_t f = 0; f < 3; ++f) {
      EXPECT_LT(std::abs(sum[l * 3 + f] / count[l]), 5 * 2.0 / std::sqrt(count[l]));
      EXPECT_NEAR(std::sqrt(sum_sq[l * 3 + f] / count[l]), 2.0, 0.1);
      EXPECT_LE(std::abs(a.centres[l * 3 + f]), 10.0f);
    }
  }
}

TEST(ml_blobs, BadParametersAreRefused) {
  gpulab::ml::blobs_params p;
  p.rows = 0;
  EXPECT_THROW(gpulab::ml::make_blobs_host(p), gpulab::usage_error);
  p.rows = 3;
  p.centres = 4;
  EXPECT_THROW(gpulab::ml::make_blobs_host(p), gpulab::usage_error);
  p.centres = 2;
  p.spread = -1;
  EXPECT_THROW(gpulab::ml::make_blobs_host(p), gpulab::usage_error);
}

// The shared pieces of k-means++ give the same bits on the host every time (the GPU test
// compares them with the device's).
TEST(ml_kmeans_plus_plus, KeysFollowTheWeights) {
  EXPECT_EQ(gpulab::ml::kmeans_plus_plus_key(1, 1, 5, 0.0f), HUGE_VAL);
  const double e = gpulab::ml::kmeans_plus_plus_exponential(1, 1, 5);
  EXPECT_GT(e, 0.0);
  EXPECT_DOUBLE_EQ(gpulab::ml::kmeans_plus_plus_key(1, 1, 5, 2.0f), e / 2.0);
  const float x[3] = {1.5f, -2.0f, 0.25f}, c[3] = {0.5f, 1.0f, 0.25f};
  EXPECT_EQ(gpulab::ml::squared_distance_exact(x, c, 3), 10.0f);
}

}  // namespace
