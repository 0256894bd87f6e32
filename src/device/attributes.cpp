// SPDX-License-Identifier: MIT
// Every device attribute with a readable name. The table was generated from the
// cudaDeviceAttr enum of CUDA 13.0's driver_types.h (names in PyCUDA's style);
// we store numbers, not enum names, so that the file also compiles with older
// toolkits, and skip any attribute the running driver does not know.
#include <cuda_runtime_api.h>

#include "gpulab/core/error.hpp"
#include "gpulab/device/demos.hpp"

namespace gpulab::device {

namespace {
struct attribute_name {
  int id;
  const char* name;
  const char* description;
};

constexpr attribute_name attribute_names[] = {
    {1, "MAX_THREADS_PER_BLOCK", "Maximum number of threads per block"},
    {2, "MAX_BLOCK_DIM_X", "Maximum block dimension X"},
    {3, "MAX_BLOCK_DIM_Y", "Maximum block dimension Y"},
    {4, "MAX_BLOCK_DIM_Z", "Maximum block dimension Z"},
    {5, "MAX_GRID_DIM_X", "Maximum grid dimension X"},
    {6, "MAX_GRID_DIM_Y", "Maximum grid dimension Y"},
    {7, "MAX_GRID_DIM_Z", "Maximum grid dimension Z"},
    {8, "MAX_SHARED_MEMORY_PER_BLOCK", "Maximum shared memory available per block in bytes"},
    {9, "TOTAL_CONSTANT_MEMORY", "Memory available on device for __constant__ variables in a CUDA C kernel in bytes"},
    {10, "WARP_SIZE", "Warp size in threads"},
    {11, "MAX_PITCH", "Maximum pitch in bytes allowed by memory copies"},
    {12, "MAX_REGISTERS_PER_BLOCK", "Maximum number of 32-bit registers available per block"},
    {13, "CLOCK_RATE", "Peak clock frequency in kilohertz"},
    {14, "TEXTURE_ALIGNMENT", "Alignment requirement for textures"},
    {15, "GPU_OVERLAP", "Device can possibly copy memory and execute a kernel concurrently"},
    {16, "MULTI_PROCESSOR_COUNT", "Number of multiprocessors on device"},
    {17, "KERNEL_EXEC_TIMEOUT", "Specifies whether there is a run time limit on kernels"},
    {18, "INTEGRATED", "Device is integrated with host memory"},
    {19, "CAN_MAP_HOST_MEMORY", "Device can map host memory into CUDA address space"},
    {20, "COMPUTE_MODE", "Compute mode (See ::cudaComputeMode for details)"},
    {21, "MAX_TEXTURE_1D_WIDTH", "Maximum 1D texture width"},
    {22, "MAX_TEXTURE_2D_WIDTH", "Maximum 2D texture width"},
    {23, "MAX_TEXTURE_2D_HEIGHT", "Maximum 2D texture height"},
    {24, "MAX_TEXTURE_3D_WIDTH", "Maximum 3D texture width"},
    {25, "MAX_TEXTURE_3D_HEIGHT", "Maximum 3D texture height"},
    {26, "MAX_TEXTURE_3D_DEPTH", "Maximum 3D texture depth"},
    {27, "MAX_TEXTURE_2D_LAYERED_WIDTH", "Maximum 2D layered texture width"},
    {28, "MAX_TEXTURE_2D_LAYERED_HEIGHT", "Maximum 2D layered texture height"},
    {29, "MAX_TEXTURE_2D_LAYERED_LAYERS", "Maximum layers in a 2D layered texture"},
    {30, "SURFACE_ALIGNMENT", "Alignment requirement for surfaces"},
    {31, "CONCURRENT_KERNELS", "Device can possibly execute multiple kernels concurrently"},
    {32, "ECC_ENABLED", "Device has ECC support enabled"},
    {33, "PCI_BUS_ID", "PCI bus ID of the device"},
    {34, "PCI_DEVICE_ID", "PCI device ID of the device"},
    {35, "TCC_DRIVER", "Device is using TCC driver model"},
    {36, "MEMORY_CLOCK_RATE", "Peak memory clock frequency in kilohertz"},
    {37, "GLOBAL_MEMORY_BUS_WIDTH", "Global memory bus width in bits"},
    {38, "L2_CACHE_SIZE", "Size of L2 cache in bytes"},
    {39, "MAX_THREADS_PER_MULTI_PROCESSOR", "Maximum resident threads per multiprocessor"},
    {40, "ASYNC_ENGINE_COUNT", "Number of asynchronous engines"},
    {41, "UNIFIED_ADDRESSING", "Device shares a unified address space with the host"},
    {42, "MAX_TEXTURE_1D_LAYERED_WIDTH", "Maximum 1D layered texture width"},
    {43, "MAX_TEXTURE_1D_LAYERED_LAYERS", "Maximum layers in a 1D layered texture"},
    {45, "MAX_TEXTURE_2D_GATHER_WIDTH", "Maximum 2D texture width if cudaArrayTextureGather is set"},
    {46, "MAX_TEXTURE_2D_GATHER_HEIGHT", "Maximum 2D texture height if cudaArrayTextureGather is set"},
    {47, "MAX_TEXTURE_3D_WIDTH_ALT", "Alternate maximum 3D texture width"},
    {48, "MAX_TEXTURE_3D_HEIGHT_ALT", "Alternate maximum 3D texture height"},
    {49, "MAX_TEXTURE_3D_DEPTH_ALT", "Alternate maximum 3D texture depth"},
    {50, "PCI_DOMAIN_ID", "PCI domain ID of the device"},
    {51, "TEXTURE_PITCH_ALIGNMENT", "Pitch alignment requirement for textures"},
    {52, "MAX_TEXTURE_CUBEMAP_WIDTH", "Maximum cubemap texture width/height"},
    {53, "MAX_TEXTURE_CUBEMAP_LAYERED_WIDTH", "Maximum cubemap layered texture width/height"},
    {54, "MAX_TEXTURE_CUBEMAP_LAYERED_LAYERS", "Maximum layers in a cubemap layered texture"},
    {55, "MAX_SURFACE_1D_WIDTH", "Maximum 1D surface width"},
    {56, "MAX_SURFACE_2D_WIDTH", "Maximum 2D surface width"},
    {57, "MAX_SURFACE_2D_HEIGHT", "Maximum 2D surface height"},
    {58, "MAX_SURFACE_3D_WIDTH", "Maximum 3D surface width"},
    {59, "MAX_SURFACE_3D_HEIGHT", "Maximum 3D surface height"},
    {60, "MAX_SURFACE_3D_DEPTH", "Maximum 3D surface depth"},
    {61, "MAX_SURFACE_1D_LAYERED_WIDTH", "Maximum 1D layered surface width"},
    {62, "MAX_SURFACE_1D_LAYERED_LAYERS", "Maximum layers in a 1D layered surface"},
    {63, "MAX_SURFACE_2D_LAYERED_WIDTH", "Maximum 2D layered surface width"},
    {64, "MAX_SURFACE_2D_LAYERED_HEIGHT", "Maximum 2D layered surface height"},
    {65, "MAX_SURFACE_2D_LAYERED_LAYERS", "Maximum layers in a 2D layered surface"},
    {66, "MAX_SURFACE_CUBEMAP_WIDTH", "Maximum cubemap surface width"},
    {67, "MAX_SURFACE_CUBEMAP_LAYERED_WIDTH", "Maximum cubemap layered surface width"},
    {68, "MAX_SURFACE_CUBEMAP_LAYERED_LAYERS", "Maximum layers in a cubemap layered surface"},
    {69, "MAX_TEXTURE_1D_LINEAR_WIDTH", "Maximum 1D linear texture width"},
    {70, "MAX_TEXTURE_2D_LINEAR_WIDTH", "Maximum 2D linear texture width"},
    {71, "MAX_TEXTURE_2D_LINEAR_HEIGHT", "Maximum 2D linear texture height"},
    {72, "MAX_TEXTURE_2D_LINEAR_PITCH", "Maximum 2D linear texture pitch in bytes"},
    {73, "MAX_TEXTURE_2D_MIPMAPPED_WIDTH", "Maximum mipmapped 2D texture width"},
    {74, "MAX_TEXTURE_2D_MIPMAPPED_HEIGHT", "Maximum mipmapped 2D texture height"},
    {75, "COMPUTE_CAPABILITY_MAJOR", "Major compute capability version number"},
    {76, "COMPUTE_CAPABILITY_MINOR", "Minor compute capability version number"},
    {77, "MAX_TEXTURE_1D_MIPMAPPED_WIDTH", "Maximum mipmapped 1D texture width"},
    {78, "STREAM_PRIORITIES_SUPPORTED", "Device supports stream priorities"},
    {79, "GLOBAL_L1_CACHE_SUPPORTED", "Device supports caching globals in L1"},
    {80, "LOCAL_L1_CACHE_SUPPORTED", "Device supports caching locals in L1"},
    {81, "MAX_SHARED_MEMORY_PER_MULTIPROCESSOR", "Maximum shared memory available per multiprocessor in bytes"},
    {82, "MAX_REGISTERS_PER_MULTIPROCESSOR", "Maximum number of 32-bit registers available per multiprocessor"},
    {83, "MANAGED_MEMORY", "Device can allocate managed memory on this system"},
    {84, "IS_MULTI_GPU_BOARD", "Device is on a multi-GPU board"},
    {85, "MULTI_GPU_BOARD_GROUP_ID", "Unique identifier for a group of devices on the same multi-GPU board"},
    {86, "HOST_NATIVE_ATOMIC_SUPPORTED", "Link between the device and the host supports native atomic operations"},
    {87, "SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO", "Ratio of single precision performance (in floating-point operations per second) to double precision..."},
    {88, "PAGEABLE_MEMORY_ACCESS", "Device supports coherently accessing pageable memory without calling cudaHostRegister on it"},
    {89, "CONCURRENT_MANAGED_ACCESS", "Device can coherently access managed memory concurrently with the CPU"},
    {90, "COMPUTE_PREEMPTION_SUPPORTED", "Device supports Compute Preemption"},
    {91, "CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM", "Device can access host registered memory at the same virtual address as the CPU"},
    {95, "COOPERATIVE_LAUNCH", "Device supports launching cooperative kernels via ::cudaLaunchCooperativeKernel"},
    {97, "MAX_SHARED_MEMORY_PER_BLOCK_OPTIN", "The maximum optin shared memory per block. This value may vary by chip. See ::cudaFuncSetAttribute"},
    {98, "CAN_FLUSH_REMOTE_WRITES", "Device supports flushing of outstanding remote writes."},
    {99, "HOST_REGISTER_SUPPORTED", "Device supports host memory registration via ::cudaHostRegister."},
    {100, "PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES", "Device accesses pageable memory via the host's page tables."},
    {101, "DIRECT_MANAGED_MEM_ACCESS_FROM_HOST", "Host can directly access managed memory on the device without migration."},
    {106, "MAX_BLOCKS_PER_MULTIPROCESSOR", "Maximum number of blocks per multiprocessor"},
    {108, "MAX_PERSISTING_L2_CACHE_SIZE", "Maximum L2 persisting lines capacity setting in bytes."},
    {109, "MAX_ACCESS_POLICY_WINDOW_SIZE", "Maximum value of cudaAccessPolicyWindow::num_bytes."},
    {111, "RESERVED_SHARED_MEMORY_PER_BLOCK", "Shared memory reserved by CUDA driver per block in bytes"},
    {112, "SPARSE_CUDA_ARRAY_SUPPORTED", "Device supports sparse CUDA arrays and sparse CUDA mipmapped arrays"},
    {113, "HOST_REGISTER_READ_ONLY_SUPPORTED", "Device supports using the ::cudaHostRegister flag cudaHostRegisterReadOnly to register memory that must be..."},
    {114, "TIMELINE_SEMAPHORE_INTEROP_SUPPORTED", "External timeline semaphore interop is supported on the device"},
    {115, "MEMORY_POOLS_SUPPORTED", "Device supports using the ::cudaMallocAsync and ::cudaMemPool family of APIs"},
    {116, "GPU_DIRECT_RDMA_SUPPORTED", "Device supports GPUDirect RDMA APIs, like nvidia_p2p_get_pages (see..."},
    {117, "GPU_DIRECT_RDMA_FLUSH_WRITES_OPTIONS", "The returned attribute shall be interpreted as a bitmask, where the individual bits are listed in the..."},
    {118, "GPU_DIRECT_RDMA_WRITES_ORDERING", "GPUDirect RDMA writes to the device do not need to be flushed for consumers within the scope indicated by..."},
    {119, "MEMORY_POOL_SUPPORTED_HANDLE_TYPES", "Handle types supported with mempool based IPC"},
    {120, "CLUSTER_LAUNCH", "Indicates device supports cluster launch"},
    {121, "DEFERRED_MAPPING_CUDA_ARRAY_SUPPORTED", "Device supports deferred mapping CUDA arrays and CUDA mipmapped arrays"},
    {125, "IPC_EVENT_SUPPORT", "Device supports IPC Events."},
    {126, "MEM_SYNC_DOMAIN_COUNT", "Number of memory synchronization domains the device supports."},
    {130, "NUMA_CONFIG", "NUMA configuration of a device: value is of type ::cudaDeviceNumaConfig enum"},
    {131, "NUMA_ID", "NUMA node ID of the GPU memory"},
    {133, "MPS_ENABLED", "Contexts created on this device will be shared via MPS"},
    {134, "HOST_NUMA_ID", "NUMA ID of the host node closest to the device or -1 when system does not support NUMA"},
    {135, "D3D12_CIG_SUPPORTED", "Device supports CIG with D3D12."},
    {138, "VULKAN_CIG_SUPPORTED", "Device supports CIG with Vulkan."},
    {139, "GPU_PCI_DEVICE_ID", "The combined 16-bit PCI device ID and 16-bit PCI vendor ID."},
    {140, "GPU_PCI_SUBSYSTEM_ID", "The combined 16-bit PCI subsystem ID and 16-bit PCI subsystem vendor ID."},
    {142, "HOST_NUMA_MEMORY_POOLS_SUPPORTED", "Device supports HOST_NUMA location with the ::cudaMallocAsync and ::cudaMemPool family of APIs"},
    {143, "HOST_NUMA_MULTINODE_IPC_SUPPORTED", "Device supports HostNuma location IPC between nodes in a multi-node system."},
    {144, "HOST_MEMORY_POOLS_SUPPORTED", "Device suports HOST location with the ::cuMemAllocAsync and ::cuMemPool family of APIs"},
    {147, "ONLY_PARTIAL_HOST_NATIVE_ATOMIC_SUPPORTED", "Link between the device and the host supports only some native atomic operations"},
};
}  // namespace

std::vector<attribute_value> all_attributes(int device) {
  std::vector<attribute_value> values;
  for (const attribute_name& a : attribute_names) {
    int value = 0;
    if (cudaDeviceGetAttribute(&value, static_cast<cudaDeviceAttr>(a.id), device) != cudaSuccess) {
      (void)cudaGetLastError();  // an attribute this driver does not know: skip it
      continue;
    }
    values.push_back({a.id, a.name, a.description, value});
  }
  return values;
}

}  // namespace gpulab::device
