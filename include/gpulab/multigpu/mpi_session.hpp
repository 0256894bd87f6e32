// SPDX-License-Identifier: MIT
// MPI for module 8: one process per GPU (or per core, for the host solver),
// started by mpirun or srun. This header gives
//   - GPULAB_MPI_TRY(call): an MPI call that fails throws mpi_error (file:line,
//     the call, MPI's own error string), as GPULAB_CUDA_TRY does for CUDA;
//   - mpi_session: MPI_Init_thread / MPI_Finalize as one owner, the world rank
//     and size, and the rank within the node (which GPU a process takes);
//   - the two ways a multi-process program stops on an error without hanging:
//       * errors that every rank sees together (check_same_on_every_rank,
//         agree_or_throw) throw all_ranks_error on every rank: each prints its
//         line and all finalize normally;
//       * an error on one rank in the middle of the work (its neighbours are
//         already waiting for its halo) cannot be agreed on: mpi_main prints that
//         rank's line and calls MPI_Abort, which stops every rank; mpirun then
//         exits with that error's code (gpulab::exit_code).
#pragma once

#include <mpi.h>

#include <functional>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::multigpu {

// An MPI call failed: exit code 8 (exit_code::mpi).
class mpi_error : public error {
 public:
  mpi_error(int status, const char* call, const char* file, int line);
  [[nodiscard]] int status() const noexcept { return status_; }

 private:
  int status_;
};

// An error every rank throws at the same point with the same message, so that
// all of them can stop normally; it keeps the exit code of the error it reports.
class all_ranks_error : public error {
 public:
  all_ranks_error(const std::string& what, exit_code code) : error(what, code) {}
};

namespace detail {
[[noreturn]] void throw_mpi_error(int status, const char* call, const char* file, int line);
}  // namespace detail

// Owns MPI for the life of the program: one per process, made first in main().
// MPI errors are returned (MPI_ERRORS_RETURN), not fatal, so GPULAB_MPI_TRY sees them.
class mpi_session {
 public:
  mpi_session(int& argc, char**& argv);
  ~mpi_session();
  mpi_session(const mpi_session&) = delete;
  mpi_session& operator=(const mpi_session&) = delete;

  [[nodiscard]] MPI_Comm world() const { return MPI_COMM_WORLD; }
  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  // The rank among the processes of this node (MPI_Comm_split_type with
  // MPI_COMM_TYPE_SHARED): on a node of 4 GPUs, 0..3, the GPU this process takes.
  [[nodiscard]] int node_rank() const { return node_rank_; }
  [[nodiscard]] int node_size() const { return node_size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
  int node_rank_ = 0;
  int node_size_ = 1;
  MPI_Comm node_ = MPI_COMM_NULL;
};

// Throws all_ranks_error on every rank when `value` is not the same on all ranks
// of `comm`, naming the first rank that differs and rank 0:
//   "rank 2 has --size 1000, rank 0 has 4096"
// `option` names the value as the user gave it ("--size"). Collective.
void check_same_on_every_rank(MPI_Comm comm, const std::string& option, const std::string& value);

// Runs `check` (set-up work that may fail on some ranks only: a file one rank
// writes, memory) on every rank; when it throws gpulab::error on any rank, every
// rank throws all_ranks_error with the message and exit code of the lowest rank
// that failed ("cannot write 'out.json' (on rank 0)"; the rank is left out when
// there is only one). Collective.
void agree_or_throw(MPI_Comm comm, const std::function<void()>& check);

// True on every rank when `flag` is true on any rank (MPI_LOR). Collective.
bool any_rank(MPI_Comm comm, bool flag);

// main() of an MPI program: makes the session, runs `body` and returns its exit
// code. all_ranks_error: each rank prints "program: rank R: error: ..." and
// returns its code. Any other exception: that rank prints its line and calls
// MPI_Abort with its code, so no rank waits for it forever.
int mpi_main(const std::string& program, int& argc, char**& argv, const std::function<int(mpi_session&)>& body);

}  // namespace gpulab::multigpu

// GPULAB_MPI_TRY(MPI_Barrier(comm)); throws mpi_error when the call fails.
#define GPULAB_MPI_TRY(call)                                                                      \
  do {                                                                                            \
    const int gpulab_mpi_status_ = (call);                                                        \
    if (gpulab_mpi_status_ != MPI_SUCCESS) {                                                      \
      ::gpulab::multigpu::detail::throw_mpi_error(gpulab_mpi_status_, #call, __FILE__, __LINE__); \
    }                                                                                             \
  } while (0)
