# SPDX-License-Identifier: MIT
# Every dependency is looked for with find_package first (distribution packages,
# modules on an HPC system). Only when a header-only dependency is missing and
# GPULAB_FETCH_MISSING is ON (the default) do we fetch a pinned release with
# FetchContent: that is the path for machines where you cannot install packages.
include(FetchContent)
option(GPULAB_FETCH_MISSING "Fetch CLI11 and GoogleTest with FetchContent when find_package fails" ON)

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

# Eigen: the CPU baselines of module 3 (header-only, used inside the library only).
find_package(Eigen3 3.3 CONFIG QUIET)
if(NOT Eigen3_FOUND)
  if(NOT GPULAB_FETCH_MISSING)
    message(FATAL_ERROR "Eigen not found: install libeigen3-dev or set GPULAB_FETCH_MISSING=ON")
  endif()
  message(STATUS "gpulab: Eigen not found, fetching 3.4.0")
  set(EIGEN_BUILD_DOC OFF CACHE BOOL "" FORCE)
  set(BUILD_TESTING OFF CACHE BOOL "" FORCE)
  FetchContent_Declare(eigen GIT_REPOSITORY https://gitlab.com/libeigen/eigen.git GIT_TAG 3.4.0 GIT_SHALLOW TRUE)
  FetchContent_MakeAvailable(eigen)
endif()

find_package(CLI11 2.1 CONFIG QUIET)
if(NOT CLI11_FOUND)
  if(NOT GPULAB_FETCH_MISSING)
    message(FATAL_ERROR "CLI11 not found: install libcli11-dev or set GPULAB_FETCH_MISSING=ON")
  endif()
  message(STATUS "gpulab: CLI11 not found, fetching v2.4.2")
  FetchContent_Declare(cli11 GIT_REPOSITORY https://github.com/CLIUtils/CLI11.git GIT_TAG v2.4.2 GIT_SHALLOW TRUE)
  FetchContent_MakeAvailable(cli11)
endif()

if(GPULAB_BUILD_TESTS)
  find_package(GTest 1.11 QUIET)
  if(NOT GTest_FOUND)
    if(NOT GPULAB_FETCH_MISSING)
      message(FATAL_ERROR "GoogleTest not found: install libgtest-dev or set GPULAB_FETCH_MISSING=ON")
    endif()
    message(STATUS "gpulab: GoogleTest not found, fetching v1.14.0")
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    FetchContent_Declare(googletest GIT_REPOSITORY https://github.com/google/googletest.git GIT_TAG v1.14.0 GIT_SHALLOW TRUE)
    FetchContent_MakeAvailable(googletest)
  endif()
endif()
