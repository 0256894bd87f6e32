// SPDX-License-Identifier: MIT
// CSV files as tables and tables as CSV files (csv_table.hpp), through the readers and the writer.
#include "gpulab/dataframe/csv_table.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/csv_gpu.hpp"

namespace gpulab::dataframe {

namespace {

// The device column's values and mask copied into a new GPU column (on s).
template <class T>
column column_from_device(const device_buffer<T>& values, const device_buffer<std::uint32_t>& validity,
                          std::int64_t rows, cuda::stream_ref s) {
  column c(dtype_of<T>(), rows, backend::gpu, s);
  if (rows == 0) return c;
  if (validity.size() != static_cast<std::size_t>(validity_words(rows))) {
    throw error("read_csv: the GPU reader's mask has " + std::to_string(validity.size()) + " words for " +
                std::to_string(rows) + " rows");
  }
  GPULAB_CUDA_TRY(cudaMemcpyAsync(c.data<T>(), values.data(), values.bytes(), cudaMemcpyDeviceToDevice, s.get()));
  std::uint32_t* mask = c.make_validity();
  GPULAB_CUDA_TRY(cudaMemcpyAsync(mask, validity.data(), validity.bytes(), cudaMemcpyDeviceToDevice, s.get()));
  return c;
}

// A column as the writer takes it: float64 or int64 values, every row's validity bit.
csv_host_column host_column(const std::string& name, const column& c) {
  csv_host_column out;
  out.name = name;
  const auto rows = static_cast<std::size_t>(c.size());
  switch (c.type()) {
    case dtype::float64: out.float64 = c.to_host<double>(); break;
    case dtype::float32: {
      const std::vector<float> v = c.to_host<float>();
      out.float64.assign(v.begin(), v.end());  // exact: every float is a double
      break;
    }
    case dtype::int64:
      out.dtype = csv_dtype::int64;
      out.int64 = c.to_host<std::int64_t>();
      break;
    case dtype::int32: {
      const std::vector<std::int32_t> v = c.to_host<std::int32_t>();
      out.dtype = csv_dtype::int64;
      out.int64.assign(v.begin(), v.end());
      break;
    }
    case dtype::category:
      throw usage_error("write_csv: column '" + name +
                        "' is categorical; the CSV readers read numbers only (add its codes as an int32 column)");
  }
  out.validity = c.validity_to_host();
  if (out.validity.empty()) {  // no mask: every row has a value
    out.validity.assign(validity_words(rows), ~0u);
    if (rows % 32 != 0) out.validity.back() = (1u << (rows % 32)) - 1;  // bits past the last row are 0
  }
  return out;
}

}  // namespace

column to_column(const csv_host_column& c, backend where, cuda::stream_ref s) {
  const std::span<const std::uint32_t> validity(c.validity);
  if (c.dtype == csv_dtype::float64) {
    return column::from_host<double>(std::span<const double>(c.float64), where, s, validity);
  }
  return column::from_host<std::int64_t>(std::span<const std::int64_t>(c.int64), where, s, validity);
}

table read_csv(const std::filesystem::path& path, const csv_options& options, backend where, cuda::stream_ref s) {
  table t(where, s);
  if (where == backend::cpu) {
    for (const csv_host_column& c : read_csv_cpu(path, options).columns) t.add(c.name, to_column(c, where, s));
    return t;
  }
  const csv_device_columns csv = read_csv_gpu(path, options, s);
  const auto rows = static_cast<std::int64_t>(csv.rows);
  for (const csv_device_column& c : csv.columns) {
    t.add(c.name, c.dtype == csv_dtype::float64 ? column_from_device(c.float64, c.validity, rows, s)
                                                : column_from_device(c.int64, c.validity, rows, s));
  }
  synchronize(s);  // the reader's buffers are freed when this returns
  return t;
}

void write_csv(const std::filesystem::path& path, const table& t, const csv_write_options& options) {
  if (t.names().empty()) throw usage_error("write_csv: the table has no column");
  csv_columns out;
  out.rows = static_cast<std::size_t>(t.rows());
  for (const std::string& name : t.names()) out.columns.push_back(host_column(name, t[name]));
  write_csv(path, out, options);
}

}  // namespace gpulab::dataframe
