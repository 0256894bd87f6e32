// SPDX-License-Identifier: MIT
// The pandas-like operations of dataframe.hpp that work column by column:
// reductions, row means, eval, cut, filter and sort. Each picks the GPU launcher
// or the CPU loop by the table's (or the column's) backend.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/cut.hpp"
#include "gpulab/dataframe/dataframe.hpp"
#include "gpulab/dataframe/derived_column.hpp"
#include "gpulab/dataframe/reduce.hpp"
#include "gpulab/dataframe/row_mean.hpp"
#include "type_dispatch.hpp"

namespace gpulab::dataframe {

const char* reduction_name(reduction r) {
  switch (r) {
    case reduction::count: return "count";
    case reduction::sum: return "sum";
    case reduction::mean: return "mean";
    case reduction::min: return "min";
    case reduction::max: return "max";
    case reduction::std: return "std";
  }
  return "?";
}

namespace {

void require_numeric(const column& c, const std::string& what) {
  if (!c.is_numeric()) throw usage_error(what + ": the column is categorical (use its codes or groupby)");
}

// The count and sum of c, on c's backend: all that count, sum and mean need.
column_sum sum_of(const column& c) {
  return with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    if (c.where() == backend::cpu) return column_sum_cpu(c.view<T>());
    sum_workspace work(c.stream());
    column_sum_async(c.view<T>(), work, c.stream());
    return read_sum(work, c.stream());
  });
}

// The stats of c around `centre`, on c's backend.
column_stats stats_of(const column& c, double centre) {
  return with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    if (c.where() == backend::cpu) return column_stats_cpu(c.view<T>(), centre);
    stats_workspace work(c.stream());
    column_stats_async(c.view<T>(), centre, work, c.stream());
    return read_stats(work, c.stream());
  });
}

// A copy of c's rows `rows` (in that order), with their validity bits and labels.
column gather_column(const column& c, const std::int32_t* rows, std::int64_t count, cuda::stream_ref s) {
  column out(c.type(), count, c.where(), s);
  out.set_labels(c.labels());
  std::uint32_t* validity = c.has_validity() ? out.make_validity() : nullptr;
  with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    if (c.where() == backend::gpu) {
      gather_async(c.view<T>(), rows, count, out.data<T>(), validity, s);
    } else {
      gather_cpu(c.view<T>(), std::span<const std::int32_t>(rows, static_cast<std::size_t>(count)), out.data<T>(),
                 validity);
    }
  });
  return out;
}

table gather_table(const table& t, const std::int32_t* rows, std::int64_t count) {
  table out(t.where(), t.stream());
  for (const std::string& name : t.names()) out.add(name, gather_column(t[name], rows, count, t.stream()));
  if (t.where() == backend::gpu) synchronize(t.stream());  // the row list goes when the caller returns
  return out;
}

}  // namespace

// count, sum and mean need only the sum pass; min and max the stats pass; std both: the
// mean first, then the squared deviations around it.
double reduce(const column& c, reduction r) {
  require_numeric(c, reduction_name(r));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  switch (r) {
    case reduction::count: return static_cast<double>(sum_of(c).count);
    case reduction::sum: return sum_of(c).sum;  // pandas: the sum of no value is 0
    case reduction::mean: {
      const column_sum s = sum_of(c);
      return s.count > 0 ? s.sum / static_cast<double>(s.count) : nan;
    }
    case reduction::min:
    case reduction::max: {
      const column_stats s = stats_of(c, 0.0);
      if (s.count == 0) return nan;
      return r == reduction::min ? s.min : s.max;
    }
    case reduction::std: {
      const column_sum s = sum_of(c);
      return s.count > 0 ? sample_std(stats_of(c, s.sum / static_cast<double>(s.count))) : nan;
    }
  }
  return nan;
}

column row_mean(const table& t, const std::vector<std::string>& columns) {
  if (columns.empty()) throw usage_error("row_mean: name at least one column");
  const column& first = t[columns.front()];
  require_numeric(first, "row_mean");
  for (const std::string& name : columns) {
    if (t[name].type() != first.type()) {
      throw usage_error("row_mean: the columns must share one type (" + columns.front() + " is " +
                        dtype_name(first.type()) + ", " + name + " is " + dtype_name(t[name].type()) + ")");
    }
  }
  column out(dtype::float64, t.rows(), t.where(), t.stream());
  with_value_type(first.type(), [&](auto v) {
    using T = decltype(v);
    std::vector<column_view<T>> views;
    for (const std::string& name : columns) views.push_back(t[name].view<T>());
    if (t.where() == backend::gpu) {
      row_mean_async(std::span<const column_view<T>>(views), out.data<double>(), t.stream());
    } else {
      row_mean_cpu(std::span<const column_view<T>>(views), out.data<double>());
    }
  });
  return out;
}

void eval(table& t, const std::string& text) {
  const assignment a = parse_assignment(text);
  std::vector<operand_view> operands;
  for (const std::string& name : a.value.columns) {
    if (!t.contains(name)) {
      std::string known;
      for (const std::string& n : t.names()) known += (known.empty() ? "" : ", ") + n;
      throw usage_error("eval: unknown column '" + name + "' in \"" + text + "\" (columns: " +
                        (known.empty() ? "none" : known) + ")");
    }
    const column& c = t[name];
    if (!c.is_numeric()) throw usage_error("eval: column '" + name + "' is categorical");
    operands.push_back({c.type(), c.untyped_data(), c.validity()});
  }
  column out(dtype::float64, t.rows(), t.where(), t.stream());
  if (t.where() == backend::gpu) {
    const derived_column_kernel kernel(a.value, operands);
    kernel(operands, out.data<double>(), t.rows(), t.stream());
    synchronize(t.stream());  // the kernel's module is unloaded when `kernel` goes
  } else {
    derived_column_cpu(a.value, operands, out.data<double>(), t.rows());
  }
  t.add(a.target, std::move(out));
}

column cut(const column& c, const std::vector<double>& bins, const std::vector<std::string>& labels) {
  require_numeric(c, "cut");
  const cut_edges edges = make_cut_edges(bins);
  column out(dtype::category, c.size(), c.where(), c.stream());
  out.set_labels(cut_labels(bins, labels));
  with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    if (c.where() == backend::gpu) {
      cut_async(c.view<T>(), edges, out.data<std::int32_t>(), c.stream());
    } else {
      cut_cpu(c.view<T>(), edges, out.data<std::int32_t>());
    }
  });
  return out;
}

table filter(const table& t, const std::string& name, compare_op op, double value) {
  const column& c = t[name];
  require_numeric(c, "filter");
  return with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    if (t.where() == backend::gpu) {
      const device_buffer<std::int32_t> rows = filter_rows(c.view<T>(), op, value, t.stream());
      return gather_table(t, rows.data(), static_cast<std::int64_t>(rows.size()));
    }
    const std::vector<std::int32_t> rows = filter_rows_cpu(c.view<T>(), op, value);
    return gather_table(t, rows.data(), static_cast<std::int64_t>(rows.size()));
  });
}

table sort_values(const table& t, const std::string& name, bool ascending) {
  const column& c = t[name];
  return with_value_type(c.type(), [&](auto v) {
    using T = decltype(v);
    if (t.where() == backend::gpu) {
      const device_buffer<std::int32_t> rows = sort_rows(c.view<T>(), ascending, t.stream());
      return gather_table(t, rows.data(), t.rows());
    }
    const std::vector<std::int32_t> rows = sort_rows_cpu(c.view<T>(), ascending);
    return gather_table(t, rows.data(), t.rows());
  });
}

}  // namespace gpulab::dataframe
