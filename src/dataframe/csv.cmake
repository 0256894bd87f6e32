# SPDX-License-Identifier: MIT
# The CSV reader and writer of module 6 (GPU and CPU), added to gpulab_dataframe.
target_sources(gpulab_dataframe PRIVATE
  csv_columns.cpp        # the result types
  csv_source.cpp         # where the text is: host memory, a file; file:line:column
  csv_errors.cpp         # the header and the one-line messages both readers share
  csv_powers_of_ten.cpp  # the Eisel-Lemire table
  csv_cpu_reader.cpp     # the CPU reader (OpenMP, std::from_chars): baseline and reference
  csv_writer.cpp         # write_csv: 17 significant digits
  csv_table.cpp          # read_csv and write_csv for tables (either backend)
  csv_gpu_kernels.cu     # the GPU reader's launchers (kernels in kernels/dataframe/csv_*.cuh)
  csv_gpu_reader.cpp     # the GPU reader's pipeline: staging, streams, byte ranges
  csv_cases.cpp)         # the cases: csv_parse_device_text, csv_read_file, csv_read_cpu
