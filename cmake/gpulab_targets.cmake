# SPDX-License-Identifier: MIT
# One function makes every library of the kit, so that each layer (core, bench,
# rtc) and each module gets the same settings:
#
#   gpulab_add_library(<id> SOURCES ... [PUBLIC ...] [PRIVATE ...])
#
# makes the static library gpulab_<id>, exported and aliased as gpulab::<id>.
# PUBLIC names the layers below it (the linker then refuses anything a layer
# uses without declaring it); PRIVATE the libraries only its sources use.

# The folder kernels/ (what trainees read: kernels/<id>/*.cuh) is on the include
# path of the kit's own sources and tests only, never of an installed package.
add_library(gpulab_kernel_sources INTERFACE)
target_include_directories(gpulab_kernel_sources INTERFACE ${PROJECT_SOURCE_DIR})

function(gpulab_add_library id)
  cmake_parse_arguments(arg "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  set(target gpulab_${id})
  add_library(${target} STATIC ${arg_SOURCES})
  add_library(gpulab::${id} ALIAS ${target})
  # cuda_std_20 as a compile feature needs a CMake that knows the toolkit; the
  # CUDA_STANDARD property works with all of them.
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES
    CUDA_STANDARD 20 CUDA_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF CUDA_EXTENSIONS OFF
    POSITION_INDEPENDENT_CODE ON EXPORT_NAME ${id})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${target} PUBLIC ${arg_PUBLIC}
    PRIVATE ${arg_PRIVATE} OpenMP::OpenMP_CXX
            $<BUILD_INTERFACE:gpulab_kernel_sources> $<BUILD_INTERFACE:gpulab_warnings>)
  # -lineinfo: compute-sanitizer and Nsight Compute point at source lines. The CPU
  # baselines inside .cu files use OpenMP, which nvcc passes to the host compiler.
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-lineinfo -Xcompiler=-fopenmp>)
  if(GPULAB_SYNC_AFTER_LAUNCH)
    target_compile_definitions(${target} PUBLIC GPULAB_SYNC_AFTER_LAUNCH=1)
  endif()
  set_property(GLOBAL APPEND PROPERTY GPULAB_LIBRARIES ${target})
endfunction()
