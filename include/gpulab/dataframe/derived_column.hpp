// SPDX-License-Identifier: MIT
// A derived column from an expression (pandas' df.eval("D = 2.1*A + 3.5*B")):
// on the GPU a kernel written for exactly this expression and these column types,
// compiled at run time by the kit's NVRTC layer (rtc::elementwise_kernel, cached
// per process); on the CPU the expression tree interpreted a chunk of rows at a
// time. A missing operand value (masked, or NaN) gives NaN, as in pandas.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <span>
#include <string>
#include <vector>

#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/expression.hpp"
#include "gpulab/rtc/elementwise.hpp"

namespace gpulab::dataframe {

inline constexpr int max_eval_operands = 16;

// One column the expression reads, of any numeric type (not categorical).
struct operand_view {
  dtype type = dtype::float64;
  const void* data = nullptr;
  const std::uint32_t* validity = nullptr;
};

// The generated kernel's pieces, for tests and slides: the preamble (the operands'
// loads) and the operation rtc::elementwise_kernel puts in its grid-stride loop.
std::string derived_column_preamble(std::span<const operand_view> operands);
std::string derived_column_operation(const expression& e);
inline constexpr const char* derived_column_parameters = "const eval_operands p, double* out, long long rows";

// Compiles (or finds in the cache) without loading: works without a GPU, so a bad
// expression is reported before any GPU work (rtc::compile_error).
void check_derived_column_compiles(const expression& e, std::span<const operand_view> operands);

class derived_column_kernel {
 public:
  // Needs a GPU (the compiled kernel is loaded on the current device).
  derived_column_kernel(const expression& e, std::span<const operand_view> operands);
  // out[row] for every row < rows, queued on s. The operands must have the types and
  // masks the kernel was made for (usage_error otherwise).
  void operator()(std::span<const operand_view> operands, double* out, std::int64_t rows, cuda::stream_ref s) const;

 private:
  std::vector<operand_view> shape_;  // the types and which operands have masks
  rtc::elementwise_kernel kernel_;
};

// The CPU backend: out[row] for every row < rows (OpenMP over chunks of rows).
void derived_column_cpu(const expression& e, std::span<const operand_view> operands, double* out, std::int64_t rows);

}  // namespace gpulab::dataframe
