# SPDX-License-Identifier: MIT
# Module 6: the CSV reader and writer (included by tests/CMakeLists.txt).
gpulab_add_test(dataframe_csv_host_test SOURCES dataframe/csv_number_test.cpp dataframe/csv_reader_test.cpp)
gpulab_add_test(dataframe_csv_gpu_test GPU SOURCES dataframe/csv_gpu_test.cpp)
# The GPU test also replays the fuzz corpus through both readers.
target_compile_definitions(dataframe_csv_gpu_test PRIVATE
                           GPULAB_CSV_FUZZ_CORPUS="${CMAKE_CURRENT_SOURCE_DIR}/dataframe/fuzz/corpus")

# The libFuzzer target (opt-in, so CI is unaffected): the CPU reader's parser and the
# GPU reader's __host__ __device__ number parsing, compiled with clang's fuzzer and
# sanitizers. Configure a build of its own:
#   cmake -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DGPULAB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   make -C build/fuzz dataframe_csv_fuzz
#   build/fuzz/tests/dataframe_csv_fuzz -max_total_time=600 -dict=tests/dataframe/fuzz/csv.dict \
#       new_corpus tests/dataframe/fuzz/corpus
# ctest runs it once over the committed corpus (the regression inputs included).
option(GPULAB_FUZZ "Build the libFuzzer target of the CSV parser (needs clang++ as the C++ compiler)" OFF)
if(GPULAB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GPULAB_FUZZ needs clang++: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  set(csv_sources csv_columns.cpp csv_source.cpp csv_errors.cpp csv_powers_of_ten.cpp csv_cpu_reader.cpp
                  csv_writer.cpp)
  list(TRANSFORM csv_sources PREPEND ${PROJECT_SOURCE_DIR}/src/dataframe/)
  add_executable(dataframe_csv_fuzz dataframe/fuzz/csv_fuzz.cpp ${csv_sources})
  target_link_libraries(dataframe_csv_fuzz PRIVATE gpulab::core)
  target_compile_options(dataframe_csv_fuzz PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g)
  target_link_options(dataframe_csv_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
  add_test(NAME dataframe.csv_fuzz_corpus
           COMMAND dataframe_csv_fuzz -runs=0 ${CMAKE_CURRENT_SOURCE_DIR}/dataframe/fuzz/corpus)
  set_tests_properties(dataframe.csv_fuzz_corpus PROPERTIES LABELS host TIMEOUT 120)
endif()
