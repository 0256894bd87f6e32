// SPDX-License-Identifier: MIT
// The tall-skinny QR tree (kernels/ml/tall_skinny_qr.cuh, src/ml/tall_skinny_qr.hpp)
// against a plain Householder QR in double (below), entry by entry. R is unique up to the
// sign of each row (Householder's R[j][j] may be negative): rows are compared after
// matching the signs of their diagonals. Seeded Gaussian columns of different
// spreads and means; odd row counts; trees of one level and of six; the widest R
// (128 columns); fewer rows than columns; scales whose squares under- and overflow
// in float; a zero column. The output is poisoned (NaN) before every factorization.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/core/stream.hpp"
#include "src/ml/tall_skinny_qr.hpp"

namespace {

using gpulab::device_buffer;
using gpulab::ml::detail::tall_skinny_qr;
using gpulab::ml::kernels::tall_matrix;

class ml_tall_skinny_qr_gpu : public GpuTest {};

// A CPU replica (float, the same operations) erred by at most 5 float roundoffs of a
// column's norm over these shapes, the H200 by 18.6 (40 x 100, panels of 32); 32 leaves
// room and stays far below what a lost row, panel or block changes (1e-3 and more).
constexpr double tolerance = 32 * gpulab::float_unit_roundoff;

struct shape {
  std::int64_t rows;
  int x_columns;
  bool with_extra;  // y as a column of its own, beside X
  bool shifted;     // the means subtracted as the rows are loaded
  double scale = 1;
};

struct tall_data {
  std::vector<float> x, extra, shift;
};

// Column j: Gaussian with spread 1 + j % 5 and mean 3 j (so that the shift matters), times scale.
tall_data make_data(const shape& in, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::normal_distribution<double> gaussian;
  tall_data d;
  d.x.resize(static_cast<std::size_t>(in.rows) * static_cast<std::size_t>(in.x_columns));
  for (int j = 0; j < in.x_columns; ++j) {
    for (std::int64_t i = 0; i < in.rows; ++i) {
      d.x[static_cast<std::size_t>(i + j * in.rows)] = static_cast<float>(in.scale * (gaussian(random) * (1 + j % 5) + 3 * j));
    }
  }
  if (in.with_extra) {
    for (std::int64_t i = 0; i < in.rows; ++i) d.extra.push_back(static_cast<float>(in.scale * (0.5 + gaussian(random))));
  }
  const int columns = in.x_columns + (in.with_extra ? 1 : 0);
  for (int j = 0; j < columns; ++j) d.shift.push_back(static_cast<float>(in.scale * 3 * j));
  return d;
}

// A column-major matrix of doubles: A as the kernel reads it, and the Rs.
struct dense {
  std::int64_t rows = 0;
  int columns = 0;
  std::vector<double> values;
  dense(std::int64_t r, int c) : rows(r), columns(c), values(static_cast<std::size_t>(r) * static_cast<std::size_t>(c)) {}
  double& operator()(std::int64_t i, int k) { return values[static_cast<std::size_t>(i + k * rows)]; }
  double operator()(std::int64_t i, int k) const { return values[static_cast<std::size_t>(i + k * rows)]; }
  double column_norm(int k) const {
    double sum = 0;
    for (std::int64_t i = 0; i < rows; ++i) sum += (*this)(i, k) * (*this)(i, k);
    return std::sqrt(sum);
  }
};

// A with the shift subtracted in float, as the kernel does.
dense matrix_of(const shape& in, const tall_data& d) {
  const int columns = in.x_columns + (in.with_extra ? 1 : 0);
  dense a(in.rows, columns);
  for (int k = 0; k < columns; ++k) {
    for (std::int64_t i = 0; i < in.rows; ++i) {
      const float v = k < in.x_columns ? d.x[static_cast<std::size_t>(i + k * in.rows)] : d.extra[static_cast<std::size_t>(i)];
      a(i, k) = in.shifted ? static_cast<double>(v - d.shift[static_cast<std::size_t>(k)]) : v;
    }
  }
  return a;
}

// R of A (columns x columns, zero rows past A's row count) by Householder reflectors
// in double, one column after the other: the textbook algorithm, the reference.
dense householder_r(dense a) {
  const int c = a.columns;
  for (int j = 0; j < c && j < a.rows; ++j) {
    double norm = 0;
    for (std::int64_t i = j; i < a.rows; ++i) norm += a(i, j) * a(i, j);
    norm = std::sqrt(norm);
    if (norm == 0) continue;
    const double beta = -std::copysign(norm, a(j, j));
    a(j, j) -= beta;  // v = x - beta e1, kept in column j
    double v_squared = 0;
    for (std::int64_t i = j; i < a.rows; ++i) v_squared += a(i, j) * a(i, j);
    for (int k = j + 1; k < c; ++k) {
      double dot = 0;
      for (std::int64_t i = j; i < a.rows; ++i) dot += a(i, j) * a(i, k);
      const double f = 2 * dot / v_squared;
      for (std::int64_t i = j; i < a.rows; ++i) a(i, k) -= f * a(i, j);
    }
    a(j, j) = beta;
  }
  dense r(c, c);
  for (int k = 0; k < c; ++k) {
    for (int i = 0; i <= k && i < a.rows; ++i) r(i, k) = a(i, k);
  }
  return r;
}

struct gpu_r {
  dense r;
  std::vector<int> levels;
};

// R of the data by `tree` (built for its shape), the output poisoned (NaN) first.
gpu_r factor_with(tall_skinny_qr& tree, const shape& in, const tall_data& d, cuda::stream_ref s) {
  const int columns = tree.columns();
  const device_buffer<float> x = gpulab::upload(d.x, s);
  device_buffer<float> extra, shift = gpulab::upload(d.shift, s);
  if (in.with_extra) extra = gpulab::upload(d.extra, s);
  GPULAB_CUDA_TRY(cudaMemsetAsync(tree.r(), 0xFF, sizeof(float) * columns * columns, s.get()));  // NaN
  tree.factor_async(tall_matrix{.x = x.data(), .ld = in.rows, .rows = in.rows, .x_columns = in.x_columns,
                                .extra = in.with_extra ? extra.data() : nullptr,
                                .shift = in.shifted ? shift.data() : nullptr},
                    s);
  std::vector<float> host(static_cast<std::size_t>(columns) * columns);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(host.data(), tree.r(), host.size() * sizeof(float), cudaMemcpyDeviceToHost, s.get()));
  gpulab::synchronize(s);
  gpu_r out{dense(columns, columns), tree.blocks_per_level()};
  for (int k = 0; k < columns; ++k) {
    for (int i = 0; i < columns; ++i) out.r(i, k) = host[static_cast<std::size_t>(i + k * columns)];
  }
  return out;
}

gpu_r factor_on_gpu(const shape& in, const tall_data& d) {
  gpulab::resources res(0);
  tall_skinny_qr tree(in.rows, in.x_columns + (in.with_extra ? 1 : 0), res.stream());
  return factor_with(tree, in, d, res.stream());
}

std::string describe(const shape& in) {
  return std::to_string(in.rows) + " x " + std::to_string(in.x_columns) + (in.with_extra ? " + y" : "") +
         (in.shifted ? ", shifted" : "") + ", scale " + std::to_string(in.scale);
}

// Every entry of the GPU's R against the double one, rows matched in sign, relative to A's column norm.
void expect_r_matches(const gpu_r& gpu, const shape& in, const tall_data& d) {
  const dense a = matrix_of(in, d);
  const dense expected = householder_r(a);
  const int columns = a.columns;
  double worst = 0;
  for (int i = 0; i < columns; ++i) {
    const double sign = (gpu.r(i, i) < 0) == (expected(i, i) < 0) ? 1.0 : -1.0;
    for (int k = 0; k < columns; ++k) {
      if (i > k) {
        ASSERT_EQ(gpu.r(i, k), 0.0) << describe(in) << ": below the diagonal at " << i << ", " << k;
        continue;
      }
      const double error = std::abs(sign * gpu.r(i, k) - expected(i, k)) / a.column_norm(k);
      worst = std::max(worst, std::isnan(error) ? INFINITY : error);
    }
  }
  EXPECT_LT(worst, tolerance) << describe(in) << " (levels " << gpu.levels.size() << ")";
}

void expect_r_matches_householder_in_double(const shape& in, std::uint32_t seed) {
  const tall_data d = make_data(in, seed);
  expect_r_matches(factor_on_gpu(in, d), in, d);
}

TEST_F(ml_tall_skinny_qr_gpu, MatchesHouseholderInDoubleAtOddShapes) {
  const shape shapes[] = {
      {1, 1, false, false},         // one row, one column
      {7, 3, true, true},           // fewer rows than a panel
      {65, 64, true, true},         // as many rows as columns (the course's 64 features and y)
      {1001, 64, true, true},       // the sabotage test's size
      {100003, 13, true, true},     // an odd count, many blocks
      {1001, 64, false, false},     // PCA's: no y, no shift
      {5003, 127, true, true},      // the widest R: 128 columns
      {40, 100, false, true},       // fewer rows than columns: R's bottom rows stay zero
  };
  std::uint32_t seed = 11;
  for (const shape& in : shapes) expect_r_matches_householder_in_double(in, seed++);
}

// Enough rows for a deep tree: level 0, then the stacked Rs through five more levels.
// The same tree factors two data sets: a stacked level left stale by the first (an
// entry not written) would show in the second.
TEST_F(ml_tall_skinny_qr_gpu, ADeepTreeMatchesTooAndAgain) {
  const shape in{300007, 64, true, true};
  gpulab::resources res(0);
  tall_skinny_qr tree(in.rows, 65, res.stream());
  ASSERT_GE(tree.blocks_per_level().size(), 3u) << "the case should exercise the stacked levels";
  EXPECT_EQ(tree.blocks_per_level().back(), 1);
  for (const std::uint32_t seed : {5u, 6u}) {
    const tall_data d = make_data(in, seed);
    expect_r_matches(factor_with(tree, in, d, res.stream()), in, d);
  }
}

// The kernel's shared-memory limit is the kernel's, not a tree's: a narrow tree built
// after a wide one (128 columns: 66 KB, past the default 48 KB) must not break it.
TEST_F(ml_tall_skinny_qr_gpu, ANarrowTreeBuiltLaterLeavesAWideOneWorking) {
  const shape wide{5003, 127, true, true};
  gpulab::resources res(0);
  tall_skinny_qr wide_tree(wide.rows, 128, res.stream());
  const tall_skinny_qr narrow_tree(100, 8, res.stream());
  const tall_data d = make_data(wide, 41);
  expect_r_matches(factor_with(wide_tree, wide, d, res.stream()), wide, d);
}

// 1e-30: every square underflows in float; 1e25: every square overflows. The norms
// are then taken scaled (the reflector's slow path), and R must still match.
TEST_F(ml_tall_skinny_qr_gpu, KeepsScalesWhoseSquaresUnderOrOverflow) {
  for (const double scale : {1e-30, 1e25}) {
    expect_r_matches_householder_in_double({20011, 64, true, true, scale}, 19);
  }
}

// A zero column (a constant one, after the shift) has no reflector: its row of R
// stays zero, and R^T R is still A^T A.
TEST_F(ml_tall_skinny_qr_gpu, AZeroColumnLeavesAZeroRow) {
  const shape in{30011, 9, true, true};
  tall_data d = make_data(in, 23);
  const int zero = 4;
  for (std::int64_t i = 0; i < in.rows; ++i) d.x[static_cast<std::size_t>(i + zero * in.rows)] = d.shift[zero];
  const dense a = matrix_of(in, d);
  const gpu_r gpu = factor_on_gpu(in, d);
  for (int k = 0; k < a.columns; ++k) EXPECT_EQ(gpu.r(zero, k), 0.0) << k;
  for (int i = 0; i < a.columns; ++i) {
    for (int k = 0; k < a.columns; ++k) {
      double gram = 0, ours = 0;  // (A^T A)[i][k] and (R^T R)[i][k]
      for (std::int64_t row = 0; row < a.rows; ++row) gram += a(row, i) * a(row, k);
      for (int row = 0; row < a.columns; ++row) ours += gpu.r(row, i) * gpu.r(row, k);
      const double scale = std::max(a.column_norm(i) * a.column_norm(k), 1e-300);
      EXPECT_LT(std::abs(ours - gram) / scale, 2 * tolerance) << i << ", " << k;
    }
  }
}

// A NaN or an Inf in a column must reach R (as geqrf's NaN does), not vanish: the
// columns before it stay finite, its own diagonal entry and those after it are NaN.
// Three ways in: one NaN entry, a whole column of NaN (what a NaN mean makes of it
// when the input check is off), one Inf entry.
TEST_F(ml_tall_skinny_qr_gpu, ANanOrAnInfReachesR) {
  const shape in{30011, 8, true, true};
  const int bad = 2, last = 8;
  for (int way = 0; way < 3; ++way) {
    tall_data d = make_data(in, 43);
    float* column = d.x.data() + static_cast<std::size_t>(bad) * in.rows;
    if (way == 0) column[777] = NAN;
    if (way == 1) std::fill(column, column + in.rows, NAN);
    if (way == 2) column[20000] = INFINITY;
    const gpu_r gpu = factor_on_gpu(in, d);
    for (int j = 0; j < bad; ++j) EXPECT_TRUE(std::isfinite(gpu.r(j, j))) << "way " << way << ", R[" << j << "][" << j << "]";
    EXPECT_TRUE(std::isnan(gpu.r(bad, bad))) << "way " << way << ": " << gpu.r(bad, bad);
    EXPECT_TRUE(std::isnan(gpu.r(last, last))) << "way " << way << ": " << gpu.r(last, last);
  }
}

// A column of subnormal floats (1e-43) beside one nearly parallel to it: beta is then
// subnormal too, and the reflector is built at 2^100 times the size, as slarfg does
// (without that, R[1][1] erred by about 200 float roundoffs of |A1|: a CPU replica).
// One panel, one block. R[0][0] itself is a subnormal float, with a few bits: only
// column 1 is compared.
TEST_F(ml_tall_skinny_qr_gpu, AColumnOfSubnormalsKeepsTheNextColumnAccurate) {
  const shape in{64, 2, false, false};
  std::mt19937 random(5);
  std::normal_distribution<double> gaussian;
  tall_data d;
  d.x.resize(128);
  d.shift = {0.0f, 0.0f};
  for (int i = 0; i < 64; ++i) {
    const double v = gaussian(random);
    d.x[static_cast<std::size_t>(i)] = static_cast<float>(v * 1e-43);
    d.x[static_cast<std::size_t>(64 + i)] = static_cast<float>(v + 1e-3 * gaussian(random));
  }
  const dense a = matrix_of(in, d);
  const dense expected = householder_r(a);
  const gpu_r gpu = factor_on_gpu(in, d);
  for (int i = 0; i < 2; ++i) {
    const double sign = (gpu.r(i, i) < 0) == (expected(i, i) < 0) ? 1.0 : -1.0;
    EXPECT_LT(std::abs(sign * gpu.r(i, 1) - expected(i, 1)) / a.column_norm(1), tolerance) << "R[" << i << "][1]";
  }
}

TEST_F(ml_tall_skinny_qr_gpu, RefusesBadShapesWithOneLine) {
  gpulab::resources res(0);
  EXPECT_THROW(tall_skinny_qr(100, 0, res.stream()), gpulab::usage_error);
  EXPECT_THROW(tall_skinny_qr(100, 129, res.stream()), gpulab::usage_error);
  EXPECT_THROW(tall_skinny_qr(0, 5, res.stream()), gpulab::usage_error);
  tall_skinny_qr tree(100, 5, res.stream());
  EXPECT_THROW(tree.factor_async(tall_matrix{.x = nullptr, .ld = 99, .rows = 99, .x_columns = 5}, res.stream()),
               gpulab::usage_error);
}

}  // namespace
