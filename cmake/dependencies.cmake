# SPDX-License-Identifier: MIT
# Every dependency is looked for with find_package first (distribution packages,
# modules on an HPC system). Only when a header-only dependency is missing and
# GPULAB_FETCH_MISSING is ON (the default) do we fetch a pinned release with
# FetchContent: that is the path for machines where you cannot install packages.
include(FetchContent)
option(GPULAB_FETCH_MISSING "Fetch the header-only dependencies (Eigen, CLI11, nlohmann-json, GoogleTest) when find_package fails" ON)

find_package(CUDAToolkit 12.0 REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(PNG REQUIRED)

# CUDA 13 moved CCCL (Thrust, CUB, libcu++) under include/cccl; nvcc finds it by
# itself, g++ needs the path for host files that use cuda::std::span.
set(GPULAB_CCCL_INCLUDE_DIR "")
foreach(dir IN LISTS CUDAToolkit_INCLUDE_DIRS)
  if(EXISTS "${dir}/cccl/cuda/std/span")
    set(GPULAB_CCCL_INCLUDE_DIR "${dir}/cccl")
  endif()
endforeach()

# find_package first; else, when allowed, a pinned release through FetchContent.
#   gpulab_find_or_fetch(<package> <minimum version> <Debian package> <git repository> <tag>)
function(gpulab_find_or_fetch package version debian_package repository tag)
  find_package(${package} ${version} QUIET)
  if(${package}_FOUND)
    return()
  endif()
  if(NOT GPULAB_FETCH_MISSING)
    message(FATAL_ERROR "${package} not found: install ${debian_package} or set GPULAB_FETCH_MISSING=ON")
  endif()
  message(STATUS "gpulab: ${package} not found, fetching ${tag}")
  string(TOLOWER "${package}" name)
  FetchContent_Declare(${name} GIT_REPOSITORY ${repository} GIT_TAG ${tag} GIT_SHALLOW TRUE)
  FetchContent_MakeAvailable(${name})
endfunction()

# Eigen: the CPU baselines of module 3 (header-only, used inside the library only).
set(EIGEN_BUILD_DOC OFF CACHE BOOL "")
gpulab_find_or_fetch(Eigen3 3.3 libeigen3-dev https://gitlab.com/libeigen/eigen.git 3.4.0)
gpulab_find_or_fetch(CLI11 2.1 libcli11-dev https://github.com/CLIUtils/CLI11.git v2.4.2)
# nlohmann-json: the report's JSON output (header-only, used inside the library only).
gpulab_find_or_fetch(nlohmann_json 3.10 nlohmann-json3-dev https://github.com/nlohmann/json.git v3.11.3)
if(GPULAB_BUILD_TESTS)
  set(INSTALL_GTEST OFF CACHE BOOL "")
  gpulab_find_or_fetch(GTest 1.11 libgtest-dev https://github.com/google/googletest.git v1.14.0)
endif()

# MPI: module 8 (multigpu) runs one process per GPU under mpirun or srun. Optional:
# without it the rest of the kit builds, and module 8's MPI parts (its MPI sources,
# gpulab-multigpu and the MPI tests) are left out, which configure says in one line.
set(MPI_CXX_SKIP_MPICXX ON)  # the C API only, not the MPI-2 C++ bindings (removed from the standard)
find_package(MPI COMPONENTS CXX QUIET)
set(GPULAB_HAVE_MPI ${MPI_CXX_FOUND})
if(GPULAB_HAVE_MPI)
  # OpenMPI refuses to start as root and more ranks than cores unless told: the
  # tests need both (CI runs as root, with 4 ranks on 2 cores). MPICH allows both.
  execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version OUTPUT_VARIABLE mpiexec_version ERROR_QUIET)
  set(GPULAB_MPIEXEC_TEST_FLAGS "")
  if(mpiexec_version MATCHES "Open MPI|OpenRTE")
    set(GPULAB_MPIEXEC_TEST_FLAGS --oversubscribe --allow-run-as-root)
  endif()
  # NCCL (module 8's GPU communicator): in the CUDA toolkit of the HPC SDK, or
  # beside it (libnccl-dev). Optional: without it, the MPI backend still works.
  find_path(GPULAB_NCCL_INCLUDE_DIR nccl.h HINTS ${CUDAToolkit_INCLUDE_DIRS})
  find_library(GPULAB_NCCL_LIBRARY nccl HINTS ${CUDAToolkit_LIBRARY_DIR})
  if(GPULAB_NCCL_INCLUDE_DIR AND GPULAB_NCCL_LIBRARY)
    set(GPULAB_HAVE_NCCL ON)
  else()
    set(GPULAB_HAVE_NCCL OFF)
    message(STATUS "gpulab: NCCL not found (install libnccl-dev): module 8's NCCL backend is not built")
  endif()
else()
  message(STATUS "gpulab: MPI not found (install libopenmpi-dev and openmpi-bin, or load an MPI module): "
                 "module 8's MPI parts, gpulab-multigpu and the MPI tests are not built")
endif()
