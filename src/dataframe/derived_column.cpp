// SPDX-License-Identifier: MIT
// Derived columns: the CUDA source written for one expression (compiled by NVRTC
// through gpulab::rtc), and the CPU interpreter of the same tree.
#include "gpulab/dataframe/derived_column.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/rtc/program.hpp"

namespace gpulab::dataframe {

namespace {

constexpr const char* kernel_name = "derived_column";

const char* cuda_type(dtype t) {
  switch (t) {
    case dtype::float64: return "double";
    case dtype::float32: return "float";
    case dtype::int64: return "long long";
    case dtype::int32: return "int";
    case dtype::category: break;
  }
  throw usage_error("eval: a categorical column cannot be an operand");
}

void check_operands(std::span<const operand_view> operands) {
  if (operands.size() > static_cast<std::size_t>(max_eval_operands)) {
    throw usage_error("eval: at most " + std::to_string(max_eval_operands) + " columns in one expression (got " +
                      std::to_string(operands.size()) + ")");
  }
  for (const operand_view& o : operands) (void)cuda_type(o.type);
}

// The kernel's parameter struct, laid out as the generated source declares it.
struct eval_operands {
  const void* data[max_eval_operands];
  const std::uint32_t* validity[max_eval_operands];
};

}  // namespace

// [snippet:derived_column_source]
std::string derived_column_preamble(std::span<const operand_view> operands) {
  check_operands(operands);
  std::string source =
      "struct eval_operands { const void* data[" + std::to_string(max_eval_operands) +
      "]; const unsigned int* validity[" + std::to_string(max_eval_operands) + "]; };\n"
      "__device__ __forceinline__ double missing() { return __longlong_as_double(0x7ff8000000000000LL); }\n";
  // One load per operand, of its own type, converted to double; a masked row reads NaN.
  for (std::size_t k = 0; k < operands.size(); ++k) {
    const std::string index = std::to_string(k);
    const std::string value = "(double)((const " + std::string(cuda_type(operands[k].type)) + "*)p.data[" + index +
                              "])[row]";
    source += "__device__ __forceinline__ double operand_" + index + "(const eval_operands& p, long long row) {\n";
    if (operands[k].validity != nullptr) {
      source += "  if (((p.validity[" + index + "][row >> 5] >> (row & 31)) & 1u) == 0) return missing();\n";
    }
    source += "  return " + value + ";\n}\n";
  }
  return source + "#define operand(k) operand_##k(p, row)\n";
}

// Four rows per thread, a quarter of the table apart (n = rows / 4 rounded up): all
// four rows' loads are issued before the first store, four times the bytes in flight.
std::string derived_column_operation(const expression& e) {
  return "double value[4];\n"
         "#pragma unroll\n"
         "    for (int k = 0; k < 4; ++k) { const long long row = i + k * n; value[k] = row < rows ? " +
         to_cuda(e) + " : 0.0; }\n"
         "#pragma unroll\n"
         "    for (int k = 0; k < 4; ++k) { const long long row = i + k * n; if (row < rows) out[row] = value[k]; }";
}
// [/snippet:derived_column_source]

void check_derived_column_compiles(const expression& e, std::span<const operand_view> operands) {
  (void)rtc::compile_cached(rtc::elementwise_source(kernel_name, derived_column_parameters,
                                                    derived_column_operation(e), derived_column_preamble(operands)),
                            kernel_name, rtc::architecture{});
}

derived_column_kernel::derived_column_kernel(const expression& e, std::span<const operand_view> operands)
    : shape_(operands.begin(), operands.end()),
      kernel_(derived_column_parameters, derived_column_operation(e), kernel_name, derived_column_preamble(operands)) {
  if (operands.size() != e.columns.size()) {
    throw usage_error("eval: the expression reads " + std::to_string(e.columns.size()) + " columns, " +
                      std::to_string(operands.size()) + " given");
  }
}

void derived_column_kernel::operator()(std::span<const operand_view> operands, double* out, std::int64_t rows,
                                       cuda::stream_ref s) const {
  if (operands.size() != shape_.size()) throw usage_error("eval: operands differ from the compiled kernel's");
  eval_operands p{};
  for (std::size_t k = 0; k < operands.size(); ++k) {
    if (operands[k].type != shape_[k].type || (operands[k].validity == nullptr) != (shape_[k].validity == nullptr)) {
      throw usage_error("eval: operand " + std::to_string(k) + " differs in type or mask from the compiled kernel's");
    }
    p.data[k] = operands[k].data;
    p.validity[k] = operands[k].validity;
  }
  kernel_(s, (rows + 3) / 4, p, out, static_cast<long long>(rows));
}

// [snippet:derived_column_cpu]
void derived_column_cpu(const expression& e, std::span<const operand_view> operands, double* out,
                        std::int64_t rows) {
  check_operands(operands);
  constexpr std::int64_t chunk = 1024;  // rows per step: every node's values stay in L1
  const std::size_t nodes = e.nodes.size();
#pragma omp parallel
  {
    std::vector<double> values(nodes * chunk);  // values[node * chunk + r]
#pragma omp for schedule(static)
    for (std::int64_t first = 0; first < rows; first += chunk) {
      const std::int64_t count = std::min(chunk, rows - first);
      for (std::size_t n = 0; n < nodes; ++n) {  // children come before their parents
        const expression_node& node = e.nodes[n];
        double* to = values.data() + n * chunk;
        const double* a = node.left >= 0 ? values.data() + node.left * chunk : nullptr;
        const double* b = node.right >= 0 ? values.data() + node.right * chunk : nullptr;
        switch (node.what) {
          case expression_node::kind::number: std::fill(to, to + count, node.value); break;
          case expression_node::kind::column: {
            const operand_view& o = operands[static_cast<std::size_t>(node.column)];
            auto load = [&](auto* typed) {
              for (std::int64_t r = 0; r < count; ++r) {
                const std::int64_t row = first + r;
                to[r] = validity_bit(o.validity, row) ? static_cast<double>(typed[row])
                                                      : std::numeric_limits<double>::quiet_NaN();
              }
            };
            switch (o.type) {
              case dtype::float64: load(static_cast<const double*>(o.data)); break;
              case dtype::float32: load(static_cast<const float*>(o.data)); break;
              case dtype::int64: load(static_cast<const std::int64_t*>(o.data)); break;
              case dtype::int32:
              case dtype::category: load(static_cast<const std::int32_t*>(o.data)); break;
            }
            break;
          }
          case expression_node::kind::negate:
            for (std::int64_t r = 0; r < count; ++r) to[r] = -a[r];
            break;
          case expression_node::kind::add:
            for (std::int64_t r = 0; r < count; ++r) to[r] = a[r] + b[r];
            break;
          case expression_node::kind::subtract:
            for (std::int64_t r = 0; r < count; ++r) to[r] = a[r] - b[r];
            break;
          case expression_node::kind::multiply:
            for (std::int64_t r = 0; r < count; ++r) to[r] = a[r] * b[r];
            break;
          case expression_node::kind::divide:
            for (std::int64_t r = 0; r < count; ++r) to[r] = a[r] / b[r];
            break;
        }
      }
      std::copy(values.data() + e.root * chunk, values.data() + e.root * chunk + count, out + first);
    }
  }
}
// [/snippet:derived_column_cpu]

}  // namespace gpulab::dataframe
