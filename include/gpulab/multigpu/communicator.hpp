// SPDX-License-Identifier: MIT
// A communicator of module 8: the collectives and point-to-point calls that a
// multi-GPU program needs, on device memory, each queued on a CUDA stream, with
// two backends behind one interface:
//   - NCCL: the GPUs talk directly (NVLink, PCIe, InfiniBand with GPUDirect);
//     calls only queue work on the stream, like a kernel launch;
//   - MPI: host-staged on an MPI that is not CUDA-aware (each call copies the
//     device data into pinned host buffers, calls MPI, copies the result back),
//     or on device pointers directly when MPI says it is CUDA-aware.
// Every call ends in _async and takes the stream: with NCCL it returns at once;
// the MPI backend synchronises `s` and returns when MPI is done (it is on the
// host). Either way the result is on `s`: read it after synchronising `s`.
//
// Rules (NCCL's, so both backends keep them): every rank calls the same
// collectives in the same order; send/recv pairs that would wait for each other
// (a halo exchange) go between group_start() and group_end(), which starts them
// together (with NCCL, one ncclGroupStart/End; with MPI, Isend/Irecv and Waitall).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <functional>
#include <memory>
#include <string>
#include <span>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab::multigpu {

enum class element_type { float32, float64, int32, int64 };
enum class reduce_op { sum, min, max };
std::string to_string(element_type type);
std::string to_string(reduce_op op);
std::size_t size_of(element_type type);

template <class T>
constexpr element_type element_type_of();
template <>
constexpr element_type element_type_of<float>() { return element_type::float32; }
template <>
constexpr element_type element_type_of<double>() { return element_type::float64; }
template <>
constexpr element_type element_type_of<std::int32_t>() { return element_type::int32; }
template <>
constexpr element_type element_type_of<std::int64_t>() { return element_type::int64; }

class communicator {
 public:
  virtual ~communicator() = default;
  communicator(const communicator&) = delete;
  communicator& operator=(const communicator&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  [[nodiscard]] int device() const { return device_; }  // the GPU this rank's buffers live on
  // "nccl", "mpi (host-staged)" or "mpi (CUDA-aware)".
  [[nodiscard]] virtual std::string backend() const = 0;

  // recv[i] = op over all ranks of send[i], i < count (send == recv: in place).
  template <class T>
  void all_reduce_async(const T* send, T* recv, std::size_t count, reduce_op op, cuda::stream_ref s) {
    all_reduce_bytes_async(send, recv, count, element_type_of<T>(), op, s);
  }
  // data[0, count) of rank `root` onto every rank (in place).
  template <class T>
  void broadcast_async(T* data, std::size_t count, int root, cuda::stream_ref s) {
    broadcast_bytes_async(data, count, element_type_of<T>(), root, s);
  }
  // recv[r * count + i] = send[i] of rank r: recv holds size() * count elements.
  template <class T>
  void all_gather_async(const T* send, T* recv, std::size_t count, cuda::stream_ref s) {
    all_gather_bytes_async(send, recv, count, element_type_of<T>(), s);
  }
  // recv[i] = op over all ranks of send[rank() * count + i]: send holds size() * count.
  template <class T>
  void reduce_scatter_async(const T* send, T* recv, std::size_t count, reduce_op op, cuda::stream_ref s) {
    reduce_scatter_bytes_async(send, recv, count, element_type_of<T>(), op, s);
  }
  template <class T>
  void send_async(const T* data, std::size_t count, int peer, cuda::stream_ref s) {
    send_bytes_async(data, count, element_type_of<T>(), peer, s);
  }
  template <class T>
  void recv_async(T* data, std::size_t count, int peer, cuda::stream_ref s) {
    recv_bytes_async(data, count, element_type_of<T>(), peer, s);
  }
  // Every rank has queued its calls up to here on `s` before any goes on.
  virtual void barrier_async(cuda::stream_ref s) = 0;
  virtual void group_start() = 0;
  virtual void group_end() = 0;

  virtual void all_reduce_bytes_async(const void* send, void* recv, std::size_t count, element_type type, reduce_op op,
                                      cuda::stream_ref s) = 0;
  virtual void broadcast_bytes_async(void* data, std::size_t count, element_type type, int root,
                                     cuda::stream_ref s) = 0;
  virtual void all_gather_bytes_async(const void* send, void* recv, std::size_t count, element_type type,
                                      cuda::stream_ref s) = 0;
  virtual void reduce_scatter_bytes_async(const void* send, void* recv, std::size_t count, element_type type,
                                          reduce_op op, cuda::stream_ref s) = 0;
  virtual void send_bytes_async(const void* data, std::size_t count, element_type type, int peer,
                                cuda::stream_ref s) = 0;
  virtual void recv_bytes_async(void* data, std::size_t count, element_type type, int peer, cuda::stream_ref s) = 0;

 protected:
  communicator(int rank, int size, int device) : rank_(rank), size_(size), device_(device) {}

 private:
  int rank_;
  int size_;
  int device_;
};

// group_start(), `calls`, group_end(): the calls start together (a halo
// exchange's sends and receives). When `calls` throws, the group is abandoned
// with the communicator (a destructor that ended it could throw).
inline void in_group(communicator& comm, const std::function<void()>& calls) {
  comm.group_start();
  calls();
  comm.group_end();
}

// `value` of this rank combined with every rank's by `op` (through a device
// word: a collective of its own; the small sums and maxima of a program). Collective.
template <class T>
T all_reduce_value(communicator& comm, T value, reduce_op op, cuda::stream_ref s) {
  device_buffer<T> word(1, s);
  copy_to_device_async<T>(std::span<const T>(&value, 1), word, s);
  comm.all_reduce_async(word.data(), word.data(), 1, op, s);
  copy_to_host_async<T>(word, std::span<T>(&value, 1), s);
  synchronize(s);
  return value;
}

// What this MPI says about device pointers: OpenMPI answers through
// MPIX_Query_cuda_support() (mpi-ext.h); an MPI that does not say is taken as
// not CUDA-aware (the safe answer: its backend then stages through the host).
struct cuda_aware_mpi {
  bool can_ask = false;  // the library has MPIX_Query_cuda_support
  bool built = false;    // built with CUDA support (compile time)
  bool at_run_time = false;  // and it is enabled in this run
  [[nodiscard]] bool usable() const { return built && at_run_time; }
  [[nodiscard]] std::string describe() const;  // "not CUDA-aware (OpenMPI says so at run time): host-staged"
};
cuda_aware_mpi query_cuda_aware_mpi();

// The MPI backend over a duplicate of `comm` (its messages never mix with
// the caller's), on the current device. Host-staged unless `query_cuda_aware_mpi()`
// is usable and `allow_cuda_aware`. Collective over `comm`.
std::unique_ptr<communicator> make_mpi_communicator(MPI_Comm comm, bool allow_cuda_aware = true);

// The NCCL backend, one process per GPU: takes GPU `node_rank` (refused before
// any NCCL call when the node has more ranks than visible GPUs, as a usage error
// on every rank), rank 0 of `comm` makes the NCCL unique id and MPI broadcasts it,
// then ncclCommInitRank. Collective over `comm`. Throws a cuda_error naming
// NCCL when built without NCCL.
std::unique_ptr<communicator> make_nccl_communicator(MPI_Comm comm, int node_rank, int node_size);

// The NCCL backend of a workstation: one process drives all `devices`
// (ncclCommInitAll), one communicator per device, rank i on devices[i]. Calls
// on several of them from this one thread go inside one nccl_group.
std::vector<std::unique_ptr<communicator>> make_nccl_communicators(const std::vector<int>& devices);

// ncclGroupStart(), `calls` (on several communicators of this process), ncclGroupEnd().
void in_nccl_group(const std::function<void()>& calls);

// Whether this build has the NCCL backend (configure found NCCL).
bool built_with_nccl();

// Which NCCL this program runs with ("2.28.3"), or why none.
std::string nccl_version();

}  // namespace gpulab::multigpu
