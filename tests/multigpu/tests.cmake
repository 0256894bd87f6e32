# SPDX-License-Identifier: MIT
# Module 8 `multigpu` (included by tests/CMakeLists.txt). Without MPI only the host
# tests are built; with it, the library's MPI tests and gpulab-multigpu's, each
# under mpirun with 1, 2, 3 and 4 ranks (more ranks than cores: the CI has 2).
gpulab_add_test(multigpu_host_test SOURCES multigpu/slab_test.cpp multigpu/wave_host_test.cpp
                                            multigpu/device_assignment_test.cpp multigpu/pi_split_test.cpp
                                            multigpu/ring_schedule_test.cpp multigpu/topology_format_test.cpp
                                            multigpu/wave_scaling_test.cpp multigpu/nbody_partition_test.cpp
                                            multigpu/module_host_test.cpp)
target_link_libraries(multigpu_host_test PRIVATE gpulab::multigpu nlohmann_json::nlohmann_json)

# The module as a build without NCCL sees it, on every machine: module.cpp with
# one_gpu_cases_missing.cpp, not gpulab::multigpu (whose one_gpu_cases.cpp would clash).
add_executable(multigpu_without_nccl_test multigpu/module_without_nccl_test.cpp
                                          ${PROJECT_SOURCE_DIR}/src/multigpu/module.cpp
                                          ${PROJECT_SOURCE_DIR}/src/multigpu/one_gpu_cases_missing.cpp)
target_compile_definitions(multigpu_without_nccl_test PRIVATE GPULAB_MULTIGPU_MISSING="NCCL")
target_link_libraries(multigpu_without_nccl_test PRIVATE gpulab::bench GTest::gtest_main gpulab_warnings)
gtest_discover_tests(multigpu_without_nccl_test PROPERTIES LABELS host DISCOVERY_TIMEOUT 120)

# Module 8's one-GPU cases (`gpulab multigpu`, the tour) through the runner: one process, no mpirun.
gpulab_add_test(multigpu_cases_gpu_test GPU SOURCES multigpu/cases_gpu_test.cpp)

if(GPULAB_HAVE_MPI)
  # The library's MPI tests: one GoogleTest program that every rank runs (its own
  # main() starts MPI); rank 0 prints the results, the others only their failures.
  add_executable(multigpu_mpi_test multigpu/mpi_test_main.cpp multigpu/wave_mpi_test.cpp)
  target_link_libraries(multigpu_mpi_test PRIVATE gpulab::multigpu GTest::gtest gpulab_warnings)
  foreach(ranks 1 2 3 4)
    add_test(NAME multigpu.mpi_${ranks}_ranks
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${GPULAB_MPIEXEC_TEST_FLAGS}
                     ${MPIEXEC_PREFLAGS} $<TARGET_FILE:multigpu_mpi_test> ${MPIEXEC_POSTFLAGS})
    # PROCESSORS: ctest -j counts the ranks, so parallel tests do not pile up on 2 cores.
    # MPIEXEC_TIMEOUT: mpirun (OpenMPI and MPICH) stops a hung job itself, before ctest's TIMEOUT.
    set_tests_properties(multigpu.mpi_${ranks}_ranks PROPERTIES LABELS mpi TIMEOUT 60 PROCESSORS ${ranks}
                                                               ENVIRONMENT MPIEXEC_TIMEOUT=45)
  endforeach()

  # The GPU tests under mpirun: the communicator (NCCL and host-staged MPI), later
  # the wave solve on the GPU. One GPU per rank of the node: on 1 rank they need
  # one GPU, on 2 ranks two, else every test is SKIPPED saying how many it needs
  # (the run exits 77 then, which ctest reports as SKIPPED; a failure still fails).
  add_executable(multigpu_gpu_test multigpu/mpi_test_main.cpp multigpu/communicator_gpu_test.cpp
                                   multigpu/wave_gpu_test.cpp multigpu/pi_gpu_test.cpp
                                   multigpu/all_reduce_gpu_test.cpp multigpu/topology_gpu_test.cpp
                                   multigpu/wave_scaling_gpu_test.cpp multigpu/nbody_gpu_test.cpp)
  target_link_libraries(multigpu_gpu_test PRIVATE gpulab_test_support gpulab::multigpu GTest::gtest gpulab_warnings)
  target_compile_definitions(multigpu_gpu_test PRIVATE GPULAB_GPU_TESTS=1)
  foreach(ranks 1 2)
    add_test(NAME multigpu.gpu_${ranks}_ranks
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${GPULAB_MPIEXEC_TEST_FLAGS}
                     ${MPIEXEC_PREFLAGS} $<TARGET_FILE:multigpu_gpu_test> ${MPIEXEC_POSTFLAGS})
    set_tests_properties(multigpu.gpu_${ranks}_ranks PROPERTIES LABELS "gpu;mpi" TIMEOUT 120 PROCESSORS ${ranks}
                         ENVIRONMENT MPIEXEC_TIMEOUT=110 SKIP_RETURN_CODE 77)
  endforeach()

  if(GPULAB_HAVE_NCCL)
    # The halo exchange exercise: its checker accepts the reference and rejects the
    # skeleton and the planted wrong solutions; one process per test (ctest), no mpirun.
    gpulab_add_test(multigpu_exercise_gpu_test GPU SOURCES multigpu/halo_exchange_exercise_test.cpp)
    target_link_libraries(multigpu_exercise_gpu_test PRIVATE gpulab::exercises ${GPULAB_NCCL_LIBRARY})
  endif()

  # Launching like a cluster user: the Slurm scripts name a binary and options that
  # exist, one task per GPU; uneven grids run, grids with fewer rows than ranks are refused.
  add_test(NAME multigpu.launch_scripts
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/multigpu/launch_scripts_test.sh ${PROJECT_SOURCE_DIR}
                   $<TARGET_FILE:gpulab_multigpu_app> ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG}
                   ${GPULAB_MPIEXEC_TEST_FLAGS})
  set_tests_properties(multigpu.launch_scripts PROPERTIES LABELS mpi TIMEOUT 120 PROCESSORS 3)

  # gpulab-multigpu under mpirun: the report, bad input, a failing rank.
  gpulab_add_test(multigpu_cli_test MPI SOURCES multigpu/cli_test.cpp)
  add_dependencies(multigpu_cli_test gpulab_multigpu_app)
  # mpirun and its flags, one string each (the flags separated by spaces).
  list(JOIN GPULAB_MPIEXEC_TEST_FLAGS " " mpiexec_flags)
  target_compile_definitions(multigpu_cli_test PRIVATE GPULAB_MULTIGPU_CLI="$<TARGET_FILE:gpulab_multigpu_app>"
                                                       GPULAB_MPIEXEC="${MPIEXEC_EXECUTABLE}"
                                                       GPULAB_MPIEXEC_NUMPROC_FLAG="${MPIEXEC_NUMPROC_FLAG}"
                                                       GPULAB_MPIEXEC_FLAGS="${mpiexec_flags}")
  target_link_libraries(multigpu_cli_test PRIVATE nlohmann_json::nlohmann_json)
endif()
