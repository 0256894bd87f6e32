# SPDX-License-Identifier: MIT
# Module 8 `multigpu` (included by tests/CMakeLists.txt). Without MPI only the host
# tests are built; with it, the library's MPI tests and gpulab-multigpu's, each
# under mpirun with 1, 2, 3 and 4 ranks (more ranks than cores: the CI has 2).
gpulab_add_test(multigpu_host_test SOURCES multigpu/slab_test.cpp multigpu/wave_host_test.cpp)
target_link_libraries(multigpu_host_test PRIVATE gpulab::multigpu nlohmann_json::nlohmann_json)

