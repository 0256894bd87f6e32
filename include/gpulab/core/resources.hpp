// SPDX-License-Identifier: MIT
// Everything the kit keeps per GPU, in one object passed down to every case and
// demo (as raft::resources is): the device's facts, a stream it owns, the
// ceilings measured on it, and library handles made on first use. One per
// device and nothing global, so that several GPUs are a std::vector<resources>.
//
// Core knows no library (cuBLAS, cuSOLVER, ...): it keeps the handles in a slot
// store keyed by type, and each module adds a one-line accessor, e.g.
//
//   blas_handle& blas(resources& res) {
//     return res.get_or_create<blas_handle>([&] { return blas_handle(res.stream()); });
//   }
#pragma once

#include <cuda/stream_ref>
#include <memory>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "gpulab/core/device.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab {

// Objects of any type, at most one per type, made on first use and destroyed
// in reverse order of making. Not thread-safe: one resources serves one thread.
class resource_slots {
 public:
  resource_slots() = default;
  ~resource_slots() { clear(); }
  resource_slots(const resource_slots&) = delete;
  resource_slots& operator=(const resource_slots&) = delete;
  resource_slots(resource_slots&&) noexcept = default;
  resource_slots& operator=(resource_slots&&) = delete;

  // The T made earlier, or the one `make()` returns now (make returns a T).
  template <class T, class Make>
  T& get_or_create(Make&& make) {
    if (T* found = find<T>()) return *found;
    // new T(make()): the T that make() returns is built in place (no move needed).
    holder object(new T(std::forward<Make>(make)()), [](void* p) { delete static_cast<T*>(p); });
    slots_.push_back({std::type_index(typeid(T)), std::move(object)});
    return *static_cast<T*>(slots_.back().object.get());
  }

  // The T made earlier, or nullptr.
  template <class T>
  [[nodiscard]] T* find() const {
    for (const slot& s : slots_) {
      if (s.type == std::type_index(typeid(T))) return static_cast<T*>(s.object.get());
    }
    return nullptr;
  }

  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }

  // Destroys every object, the last made first (a later one may use an earlier one).
  void clear() noexcept {
    while (!slots_.empty()) slots_.pop_back();
  }

 private:
  using holder = std::unique_ptr<void, void (*)(void*)>;
  struct slot {
    std::type_index type;
    holder object;
  };
  std::vector<slot> slots_;  // a handful of handles: a list is simpler than a map
};

// The memory ceilings measured on the device in this run (0 = not measured;
// bench/ceilings.hpp measures them), so that each case's "% of peak" is against
// the ceiling of its own access mix: a kernel that only reads is compared with
// a read-only stream, not with a copy (which reads and writes, and on HBM runs
// slower per byte than either alone).
struct memory_ceilings {
  double copy_gbs = 0;    // cudaMemcpy device-to-device: bytes read + bytes written per second / 1e9
  double read_gbs = 0;    // a read-only stream (16-byte loads, every byte read once)
  double write_gbs = 0;   // a write-only stream (16-byte stores)
  std::size_t bytes = 0;  // the size each measurement moved through

  // The ceiling for a case that reads `read` bytes and writes `written` bytes: the
  // time the three measured streams predict for that mix, as bytes per second / 1e9.
  // Pure reads -> read_gbs, pure writes -> write_gbs, equal parts -> copy_gbs;
  // other mixes in proportion (the copy's rate for the paired part, the read or
  // write rate for what is left over). 0 when nothing was measured.
  [[nodiscard]] double ceiling_gbs(double read, double written) const {
    if (copy_gbs <= 0 || read_gbs <= 0 || write_gbs <= 0 || read + written <= 0) return 0;
    const double paired = 2.0 * (read < written ? read : written);
    const double reads_left = read - paired / 2.0, writes_left = written - paired / 2.0;
    const double seconds = paired / (copy_gbs * 1e9) + reads_left / (read_gbs * 1e9) + writes_left / (write_gbs * 1e9);
    return (read + written) / seconds / 1e9;
  }
};

class resources {
 public:
  // Queries device `device` and makes a stream on it. The current device stays
  // what it was (select_device() chooses where the rest of the program runs).
  explicit resources(int device);
  ~resources() = default;  // the handles (slots_) go before the stream they are bound to
  resources(const resources&) = delete;
  resources& operator=(const resources&) = delete;
  resources(resources&&) noexcept = default;  // std::vector<resources> moves them when it grows
  resources& operator=(resources&&) = delete;  // would destroy a stream before the handles bound to it

  [[nodiscard]] int device_index() const noexcept { return device_.index; }
  [[nodiscard]] const device_info& device() const noexcept { return device_; }
  // The stream every case and demo of this device runs on.
  [[nodiscard]] cuda::stream_ref stream() const noexcept { return stream_.ref(); }

  [[nodiscard]] const memory_ceilings& ceilings() const noexcept { return ceilings_; }
  void set_ceilings(const memory_ceilings& c) noexcept { ceilings_ = c; }

  // A library handle (or anything else kept per device), made by `make` on first
  // use with this device current; later calls return the same object.
  template <class T, class Make>
  T& get_or_create(Make&& make) {
    if (T* found = slots_.find<T>()) return *found;
    const scoped_device on(device_.index);  // a handle belongs to the device current when it is made
    return slots_.get_or_create<T>(std::forward<Make>(make));
  }
  // How many handles have been made so far.
  [[nodiscard]] std::size_t handle_count() const noexcept { return slots_.size(); }

 private:
  device_info device_;
  gpulab::stream stream_;  // (qualified: stream() above names the member function)
  memory_ceilings ceilings_;
  resource_slots slots_;  // declared last: destroyed first, while the stream still exists
};

}  // namespace gpulab
