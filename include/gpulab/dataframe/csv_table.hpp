// SPDX-License-Identifier: MIT
// pandas' read_csv and to_csv for the dataframe's tables: a CSV file as a table on
// either backend, and a table written as CSV.
//
//   pandas                             gpulab::dataframe
//   df = pd.read_csv("f.csv")          table df = read_csv("f.csv", {}, backend::gpu, s);
//   df.to_csv("g.csv", index=False)    write_csv("g.csv", df);
//
// A GPU table is read by the GPU reader (csv_gpu.hpp: the file in pinned chunks, parsed
// on the GPU), its columns then copied device to device; a CPU table by the CPU reader.
#pragma once

#include <cuda/stream_ref>
#include <filesystem>

#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/table.hpp"

namespace gpulab::dataframe {

// Every column of the file, in its order: float64 or int64 as the reader infers them or as
// options.dtypes declares them, an empty field a missing value. The readers' errors pass
// through (io_error: file:line:column; usage_error: a declared type for a column not there).
table read_csv(const std::filesystem::path& path, const csv_options& options, backend where, cuda::stream_ref s);

// One column of the CPU reader's result as a table column on `where` (values and mask copied):
// what read_csv does for each column of a CPU table.
column to_column(const csv_host_column& c, backend where, cuda::stream_ref s);

// Every column of the table, in its order, as the CSV writer writes them (17 significant
// digits: read back bit for bit): float64 and float32 as float64, int64 and int32 as int64,
// a missing value as an empty field. A categorical column is a usage_error (the readers read
// numbers only: add its codes as an int32 column to write them); so is a table with no column.
// io_error when the file cannot be written.
void write_csv(const std::filesystem::path& path, const table& t, const csv_write_options& options = {});

}  // namespace gpulab::dataframe
