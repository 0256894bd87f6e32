# SPDX-License-Identifier: MIT
# Module 6: columns, tables, operations, the module's cases (included by tests/CMakeLists.txt).
gpulab_add_test(dataframe_host_test SOURCES dataframe/module_host_test.cpp dataframe/cpu_backend_test.cpp
                                            dataframe/csv_table_test.cpp dataframe/steps_agreement_test.cpp
                                            dataframe/expression_test.cpp dataframe/bad_input_test.cpp)
gpulab_add_test(dataframe_gpu_test GPU SOURCES dataframe/cases_gpu_test.cpp dataframe/backends_gpu_test.cpp
                                               dataframe/partitioned_groupby_gpu_test.cpp)
