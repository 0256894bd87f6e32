# SPDX-License-Identifier: MIT
# Choose CUDA architectures before the CUDA language is enabled.
#
#   * A user or preset that sets CMAKE_CUDA_ARCHITECTURES (or CUDAARCHS) wins.
#   * A visible GPU (nvidia-smi answers): "native", code for exactly that card.
#   * No GPU visible (a login node, a CI runner): native code for Hopper (sm_90)
#     plus PTX for the oldest architecture the toolkit supports, which the driver
#     compiles at load time on any newer GPU. CUDA 12 can still emit compute_70
#     (Volta); CUDA 13 dropped it, so there the PTX floor is compute_75 (Turing).
#     And PTX for compute_80: the driver takes the newest PTX a GPU can run, so an
#     sm_80-sm_89 card gets real TF32 tensor-core kernels, not compute_75's stubs.
if(DEFINED CMAKE_CUDA_ARCHITECTURES OR DEFINED ENV{CUDAARCHS})
  return()
endif()

find_program(GPULAB_NVIDIA_SMI nvidia-smi)
if(GPULAB_NVIDIA_SMI)
  execute_process(COMMAND "${GPULAB_NVIDIA_SMI}" --query-gpu=compute_cap --format=csv,noheader
                  RESULT_VARIABLE smi_result OUTPUT_VARIABLE smi_caps ERROR_QUIET)
endif()

if(GPULAB_NVIDIA_SMI AND smi_result EQUAL 0 AND smi_caps MATCHES "[0-9]+\\.[0-9]+")
  set(CMAKE_CUDA_ARCHITECTURES native CACHE STRING "CUDA architectures (a GPU was visible at configure time)")
else()
  set(ptx_floor 70)
  find_program(GPULAB_NVCC nvcc HINTS "$ENV{CUDA_PATH}/bin" /usr/local/cuda/bin)
  if(GPULAB_NVCC)
    execute_process(COMMAND "${GPULAB_NVCC}" --version OUTPUT_VARIABLE nvcc_version ERROR_QUIET)
    if(nvcc_version MATCHES "release ([0-9]+)\\." AND CMAKE_MATCH_1 GREATER_EQUAL 13)
      set(ptx_floor 75)
    endif()
  endif()
  set(CMAKE_CUDA_ARCHITECTURES "90-real;80-virtual;${ptx_floor}-virtual"
      CACHE STRING "CUDA architectures (no GPU visible: sm_90 code, PTX for compute_80 and compute_${ptx_floor})")
endif()
message(STATUS "gpulab: CUDA architectures: ${CMAKE_CUDA_ARCHITECTURES}")
