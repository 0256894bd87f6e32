// SPDX-License-Identifier: MIT
// The one-pass Gram (kernels/ml/gram_one_pass.cuh, src/ml/gram.hpp) entry by entry.
// The data are small integers, so every float sum in the kernel is exact (all partial
// sums stay far below 2^24): the GPU's G must equal the CPU's double Gram bit for
// bit. A lost row, a lost block, a tile written to the wrong place or a missing group
// then fails, however small its share of the sum.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/core/stream.hpp"
#include "src/ml/gram_one_pass.hpp"

namespace {

using gpulab::device_buffer;
using gpulab::ml::detail::one_pass_gram;
using gpulab::ml::kernels::augmented_columns;

class ml_gram_one_pass_gpu : public GpuTest {};

struct gram_input {
  std::int64_t rows;
  int d;
  bool shift, ones, extra;
  bool folded = false;  // the ones column's entries from the diagonal tiles (PCA's)
};

// Integers in [-7, 7] whose spread differs by column (not one uniform distribution), a
// column-dependent integer shift, labels in [0, 5].
struct integer_data {
  std::vector<float> x, shift, extra;
};
integer_data make_integer_data(const gram_input& in, std::uint32_t seed) {
  std::mt19937 random(seed);
  integer_data data;
  data.x.resize(static_cast<std::size_t>(in.rows) * static_cast<std::size_t>(in.d));
  for (int j = 0; j < in.d; ++j) {
    std::uniform_int_distribution<int> value(-(1 + j % 7), 1 + j % 7);
    for (std::int64_t i = 0; i < in.rows; ++i) data.x[static_cast<std::size_t>(i + j * in.rows)] = static_cast<float>(value(random));
  }
  std::uniform_int_distribution<int> shift(-2, 2), label(0, 5);
  for (int j = 0; j < in.d; ++j) data.shift.push_back(static_cast<float>(shift(random)));
  for (std::int64_t i = 0; i < in.rows; ++i) data.extra.push_back(static_cast<float>(label(random)));
  return data;
}

// Z's value (row i, column c) as the kernel defines it, and the Gram in double.
std::vector<double> cpu_gram(const gram_input& in, const integer_data& data) {
  const int columns = in.d + (in.ones ? 1 : 0) + (in.extra ? 1 : 0);
  const auto z = [&](std::int64_t i, int c) -> double {
    if (c < in.d) return data.x[static_cast<std::size_t>(i + c * in.rows)] - (in.shift ? data.shift[std::size_t(c)] : 0.0f);
    if (in.ones && c == in.d) return 1.0;
    return data.extra[static_cast<std::size_t>(i)];
  };
  std::vector<double> g(static_cast<std::size_t>(columns) * columns, 0.0);
  for (std::int64_t i = 0; i < in.rows; ++i) {
    for (int a = 0; a < columns; ++a) {
      const double za = z(i, a);
      for (int b = 0; b < columns; ++b) g[static_cast<std::size_t>(a + b * columns)] += za * z(i, b);
    }
  }
  return g;
}

template <class Out>
std::vector<Out> gpu_gram(const gram_input& in, const integer_data& data, double alpha, int ld) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const device_buffer<float> x = gpulab::upload(data.x, s), shift = gpulab::upload(data.shift, s),
                             extra = gpulab::upload(data.extra, s);
  augmented_columns z;
  z.x = x.data();
  z.shift = in.shift ? shift.data() : nullptr;
  z.extra = in.extra ? extra.data() : nullptr;
  z.rows = in.rows;
  z.d = in.d;
  z.ones = in.ones;
  z.ones_folded = in.folded;
  const int columns = z.columns();
  device_buffer<Out> out(static_cast<std::size_t>(ld) * columns, s);
  GPULAB_CUDA_TRY(cudaMemsetAsync(out.data(), 0xFF, out.size() * sizeof(Out), s.get()));  // NaN where unwritten
  one_pass_gram gram(in.rows, z.multiplied_columns(), s);
  gram.compute_async(z, alpha, out.data(), ld, s);
  return gpulab::download(out, s);
}

TEST_F(ml_gram_one_pass_gpu, EqualsTheCpuGramExactlyOnIntegerData) {
  // Odd rows: one row, one short stage, many blocks with a short last one. Widths: one
  // tile, a tile and a bit, exactly eight tiles, the course's [X 1 y] (66), the widest (128).
  // Folded ones columns (the last field): one tile, a part tile, PCA's [X - shift | 1] with
  // X 64 wide, and 128 multiplied columns with a 129th folded.
  const gram_input inputs[] = {
      {1, 1, false, false, false},      {31, 5, true, true, true},       {1001, 7, false, true, true},
      {1001, 8, true, false, false},    {3 * 4096 + 77, 62, false, true, true}, {100003, 64, true, false, false},
      {100003, 64, false, true, true},  {4099, 126, true, true, true},   {4099, 128, false, false, false},
      {1, 1, true, true, false, true},  {31, 5, true, true, false, true}, {3 * 4096 + 77, 62, false, true, false, true},
      {100003, 64, true, true, false, true}, {4099, 128, true, true, false, true},
  };
  std::uint32_t seed = 11;
  for (const gram_input& in : inputs) {
    const integer_data data = make_integer_data(in, seed++);
    const std::vector<double> expected = cpu_gram(in, data);
    const int columns = in.d + (in.ones ? 1 : 0) + (in.extra ? 1 : 0);
    const std::vector<double> g = gpu_gram<double>(in, data, 1.0, columns);
    std::size_t wrong = 0;
    for (int i = 0; i < columns; ++i) {
      for (int j = 0; j < columns; ++j) {
        const std::size_t e = static_cast<std::size_t>(i + j * columns);
        if (g[e] != expected[e] && ++wrong <= 5) {
          ADD_FAILURE() << in.rows << " x " << columns << ": G(" << i << ", " << j << ") = " << g[e] << ", expected "
                        << expected[e];
        }
      }
    }
    EXPECT_EQ(wrong, 0u) << in.rows << " x " << columns;
  }
}

TEST_F(ml_gram_one_pass_gpu, ScalesIntoFloatWithALeadingDimensionAndLeavesTheRestAlone) {
  for (const bool folded : {false, true}) {  // 13 columns, or 13 and a folded ones column
    const gram_input in{2049, 13, true, folded, false, folded};
    const int columns = folded ? 14 : 13;
    const integer_data data = make_integer_data(in, 5);
    const std::vector<double> expected = cpu_gram(in, data);
    const int ld = 16;  // rows of padding below each column: must stay as they were (NaN)
    const double alpha = 1.0 / 2048;
    const std::vector<float> g = gpu_gram<float>(in, data, alpha, ld);
    for (int j = 0; j < columns; ++j) {
      for (int i = 0; i < ld; ++i) {
        const float v = g[static_cast<std::size_t>(i + j * ld)];
        if (i >= columns) {
          EXPECT_TRUE(std::isnan(v)) << "padding (" << i << ", " << j << ") was written";
        } else {
          EXPECT_EQ(v, static_cast<float>(alpha * expected[static_cast<std::size_t>(i + j * columns)])) << i << ", " << j;
        }
      }
    }
  }
}

TEST_F(ml_gram_one_pass_gpu, RefusesSizesItCannotDo) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  EXPECT_THROW(one_pass_gram(100, 0, s), gpulab::usage_error);
  EXPECT_THROW(one_pass_gram(100, one_pass_gram::max_columns + 1, s), gpulab::usage_error);
  EXPECT_THROW(one_pass_gram(0, 4, s), gpulab::usage_error);
  one_pass_gram gram(100, 4, s);
  device_buffer<float> x(100 * 5, s), out(25, s);
  augmented_columns z;
  z.x = x.data();
  z.rows = 100;
  z.d = 5;  // 5 columns, built for 4
  EXPECT_THROW(gram.compute_async(z, 1.0, out.data(), 5, s), gpulab::usage_error);
  // A ones column folded with an extra column after it: not a place the sums can go.
  z.d = 3;
  z.ones = z.ones_folded = true;
  z.extra = x.data();  // 3 multiplied columns and a 4th, the extra
  EXPECT_THROW(gram.compute_async(z, 1.0, out.data(), 5, s), gpulab::usage_error);
}

}  // namespace
