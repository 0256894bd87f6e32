// SPDX-License-Identifier: MIT
// head(), to_string() and describe(): a table's values brought to the host and
// printed as pandas prints them (pandas_format.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/dataframe.hpp"
#include "gpulab/dataframe/pandas_format.hpp"
#include "gpulab/dataframe/reduce.hpp"
#include "type_dispatch.hpp"

namespace gpulab::dataframe {

namespace {

// The cells of rows [0, n) of one column.
std::vector<std::string> cells_of(const column& c, std::int64_t n) {
  const std::vector<std::uint32_t> validity = c.validity_to_host();
  const auto present = [&](std::int64_t i) { return validity.empty() || validity_bit(validity.data(), i); };
  return with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    const std::vector<T> values = c.rows_to_host<T>(0, n);
    if (c.type() == dtype::category) {
      std::vector<std::optional<std::string>> texts(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        const auto code = static_cast<std::int32_t>(values[static_cast<std::size_t>(i)]);
        if (code >= 0 && present(i)) texts[static_cast<std::size_t>(i)] = c.labels()[static_cast<std::size_t>(code)];
      }
      return format_texts(texts);
    }
    if constexpr (std::is_floating_point_v<T>) {
      std::vector<double> numbers(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        numbers[static_cast<std::size_t>(i)] = present(i) ? static_cast<double>(values[static_cast<std::size_t>(i)])
                                                          : std::numeric_limits<double>::quiet_NaN();
      }
      return format_floats(numbers);
    } else {
      std::vector<std::optional<std::int64_t>> numbers(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        if (present(i)) numbers[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(values[static_cast<std::size_t>(i)]);
      }
      return format_integers(numbers);
    }
  });
}

// The value at position k of the column's present values in ascending order.
double sorted_value(const column& c, const std::vector<std::int32_t>& order_cpu,
                    const device_buffer<std::int32_t>& order_gpu, std::int64_t k) {
  std::int32_t row = 0;
  if (c.where() == backend::gpu) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(&row, order_gpu.data() + k, sizeof row, cudaMemcpyDeviceToHost, c.stream().get()));
    GPULAB_CUDA_TRY(cudaStreamSynchronize(c.stream().get()));
  } else {
    row = order_cpu[static_cast<std::size_t>(k)];
  }
  return with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    return static_cast<double>(c.rows_to_host<T>(row, 1)[0]);
  });
}

// numpy's linear interpolation between the sorted values around q (0..1) of `count`.
double quantile(const column& c, const std::vector<std::int32_t>& order_cpu,
                const device_buffer<std::int32_t>& order_gpu, std::int64_t count, double q) {
  const double position = q * static_cast<double>(count - 1);
  const auto below = static_cast<std::int64_t>(std::floor(position));
  const std::int64_t above = std::min(below + 1, count - 1);
  const double t = position - static_cast<double>(below);
  const double a = sorted_value(c, order_cpu, order_gpu, below), b = sorted_value(c, order_cpu, order_gpu, above);
  const double difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;  // numpy's _lerp, both halves
}

}  // namespace

std::string head(const table& t, std::int64_t n) {
  if (n < 0) throw usage_error("head: n must be 0 or more (got " + std::to_string(n) + ")");
  n = std::min(n, t.rows());
  std::vector<std::string> labels;
  for (std::int64_t i = 0; i < n; ++i) labels.push_back(std::to_string(i));
  std::vector<std::vector<std::string>> columns;
  for (const std::string& name : t.names()) columns.push_back(cells_of(t[name], n));
  return format_frame(labels, t.names(), columns);
}

std::string to_string(const table& t) { return head(t, t.rows()); }

std::string to_string(const table& t, const std::string& index) {
  std::vector<std::string> labels = cells_of(t[index], t.rows());
  for (std::string& l : labels) l.erase(0, l.find_first_not_of(' '));  // row labels stand left, unpadded
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> columns;
  for (const std::string& name : t.names()) {
    if (name == index) continue;
    names.push_back(name);
    columns.push_back(cells_of(t[name], t.rows()));
  }
  return format_frame(labels, names, columns, index);
}

std::string describe(const table& t) {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> columns;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const std::string& name : t.names()) {
    const column& c = t[name];
    if (!c.is_numeric()) continue;  // pandas describes the numeric columns
    const auto count = static_cast<std::int64_t>(reduce(c, reduction::count));
    std::vector<double> rows = {static_cast<double>(count), reduce(c, reduction::mean), reduce(c, reduction::std),
                                reduce(c, reduction::min), nan, nan, nan, reduce(c, reduction::max)};
    if (count > 0) {
      std::vector<std::int32_t> order_cpu;
      device_buffer<std::int32_t> order_gpu;
      with_value_type(c.type(), [&](auto v) {
        using T = decltype(v);
        if (c.where() == backend::gpu) order_gpu = sort_rows(c.view<T>(), true, c.stream());
        else order_cpu = sort_rows_cpu(c.view<T>(), true);
      });
      for (int k = 0; k < 3; ++k) rows[4 + k] = quantile(c, order_cpu, order_gpu, count, 0.25 * (k + 1));
    }
    names.push_back(name);
    columns.push_back(format_floats(rows));
  }
  if (names.empty()) throw usage_error("describe: the table has no numeric column");
  return format_frame({"count", "mean", "std", "min", "25%", "50%", "75%", "max"}, names, columns);
}

}  // namespace gpulab::dataframe
