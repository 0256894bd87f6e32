// SPDX-License-Identifier: MIT
// groupby(keys).agg(...) and pivot_table on a table: the key columns become one
// composite key per row, the rows are grouped by it (group_rows.hpp), each
// aggregation reduces each group, and the composite keys are split back into the
// key columns.
#include <bit>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/dataframe.hpp"
#include "type_dispatch.hpp"

namespace gpulab::dataframe {

namespace {

// A key column's smallest value and how many values it spans (max - min + 1).
struct key_range {
  std::int64_t min = 0;
  std::uint64_t span = 1;
};

key_range range_of(const column& key) {
  if (key.type() == dtype::category) return {0, std::max<std::uint64_t>(key.labels().size(), 1)};
  const key_min_max r = with_value_type(key.type(), [&](auto v) {
    using T = decltype(v);
    if constexpr (std::is_integral_v<T>) {
      return key.where() == backend::gpu ? min_max_of(key.view<T>(), key.stream()) : min_max_of_cpu(key.view<T>());
    } else {
      return key_min_max{};  // (float keys are refused before)
    }
  });
  if (r.min > r.max) return {};  // every key missing: no group
  const std::uint64_t span = static_cast<std::uint64_t>(r.max) - static_cast<std::uint64_t>(r.min) + 1;
  if (span == 0) throw usage_error("groupby: a key column spans all 2^64 int64 values");
  return {r.min, span};
}

std::string output_name(const aggregation& a) {
  return a.name.empty() ? a.column + "_" + agg_func_name(a.func) : a.name;
}

}  // namespace

table groupby(const table& t, const std::vector<std::string>& keys, const std::vector<aggregation>& aggregations) {
  if (keys.empty()) throw usage_error("groupby: name at least one key column");
  if (aggregations.empty()) throw usage_error("groupby: name at least one aggregation");
  for (const std::string& k : keys) {
    const dtype type = t[k].type();
    if (type == dtype::float64 || type == dtype::float32) {
      throw usage_error("groupby: key column '" + k + "' is " + dtype_name(type) +
                        " (keys are categorical or integer columns: cut a float column first)");
    }
  }
  for (const aggregation& a : aggregations) {
    if (!t[a.column].is_numeric()) throw usage_error("groupby: cannot aggregate categorical column '" + a.column + "'");
  }
  // The mixed-radix layout: the last key varies fastest, so composite order is key order.
  std::vector<key_range> ranges;
  for (const std::string& k : keys) ranges.push_back(range_of(t[k]));
  std::vector<std::uint64_t> strides(keys.size(), 1);
  unsigned __int128 combinations = 1;
  for (std::size_t j = keys.size(); j-- > 0;) {
    strides[j] = static_cast<std::uint64_t>(combinations);
    combinations *= ranges[j].span;
    if (combinations >= static_cast<unsigned __int128>(missing_group_key)) {
      throw usage_error("groupby: the key columns span more than 2^64 - 1 combinations");
    }
  }
  const int key_bits = std::max(1, static_cast<int>(std::bit_width(static_cast<std::uint64_t>(combinations))));

  const std::int64_t rows = t.rows();
  grouped_rows groups;
  if (t.where() == backend::gpu) {
    device_buffer<std::uint64_t> composite(static_cast<std::size_t>(rows), t.stream());
    composite.fill_bytes_async(0, t.stream());
    for (std::size_t j = 0; j < keys.size(); ++j) {
      const column& key = t[keys[j]];
      with_value_type(key.type(), [&](auto v) {
        using T = decltype(v);
        if constexpr (std::is_integral_v<T>) {
          add_key_digits_async(key.view<T>(), key.type() == dtype::category, ranges[j].min, strides[j],
                               composite.data(), t.stream());
        }
      });
    }
    groups = group_rows(composite.data(), rows, key_bits, t.stream());
  } else {
    std::vector<std::uint64_t> composite(static_cast<std::size_t>(rows), 0);
    for (std::size_t j = 0; j < keys.size(); ++j) {
      const column& key = t[keys[j]];
      with_value_type(key.type(), [&](auto v) {
        using T = decltype(v);
        if constexpr (std::is_integral_v<T>) {
          add_key_digits_cpu(key.view<T>(), key.type() == dtype::category, ranges[j].min, strides[j],
                             composite.data());
        }
      });
    }
    groups = group_rows_cpu(std::move(composite), key_bits);
  }

  table out(t.where(), t.stream());
  const std::size_t count = groups.keys.size();
  for (std::size_t j = 0; j < keys.size(); ++j) {  // each group's composite key, split back into its digits
    const column& key = t[keys[j]];
    std::vector<std::int64_t> values(count);
    for (std::size_t g = 0; g < count; ++g) {
      values[g] = ranges[j].min + static_cast<std::int64_t>(groups.keys[g] / strides[j] % ranges[j].span);
    }
    if (key.type() == dtype::int64) {
      out.add(keys[j], column::from_host<std::int64_t>(values, t.where(), t.stream()));
    } else {
      const std::vector<std::int32_t> narrow(values.begin(), values.end());
      out.add(keys[j], key.type() == dtype::category
                           ? column::categorical(narrow, key.labels(), t.where(), t.stream())
                           : column::from_host<std::int32_t>(narrow, t.where(), t.stream()));
    }
  }
  for (const aggregation& a : aggregations) {
    const column& values = t[a.column];
    const std::vector<double> result = with_value_type(values.type(), [&](auto v) {
      using T = decltype(v);
      return t.where() == backend::gpu ? aggregate_groups(values.view<T>(), groups, a.func, t.stream())
                                       : aggregate_groups_cpu(values.view<T>(), groups, a.func);
    });
    if (a.func == agg_func::count) {
      const std::vector<std::int64_t> counts(result.begin(), result.end());
      out.add(output_name(a), column::from_host<std::int64_t>(counts, t.where(), t.stream()));
    } else {
      out.add(output_name(a), column::from_host<double>(result, t.where(), t.stream()));
    }
  }
  return out;
}

table pivot_table(const table& t, const std::string& index, const std::vector<std::string>& values, agg_func func) {
  if (values.empty()) throw usage_error("pivot_table: name at least one value column");
  std::vector<aggregation> aggregations;
  for (const std::string& v : values) aggregations.push_back({v, func, v});
  return groupby(t, {index}, aggregations);
}

}  // namespace gpulab::dataframe
