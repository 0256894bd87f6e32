// SPDX-License-Identifier: MIT
// The slot store behind resources' library handles (no GPU needed): nothing is
// made before it is asked for, each type is made once, and the objects go in
// reverse order of making (a later handle may use an earlier one).
#include "gpulab/core/resources.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

// Records when it is made and destroyed; move-only and not even movable, as a library handle may be.
struct fake_handle {
  fake_handle(std::vector<std::string>& log, std::string name) : log_(log), name_(std::move(name)) {
    log_.push_back("make " + name_);
  }
  ~fake_handle() { log_.push_back("destroy " + name_); }
  fake_handle(const fake_handle&) = delete;
  fake_handle& operator=(const fake_handle&) = delete;
  std::vector<std::string>& log_;
  std::string name_;
};
struct other_handle : fake_handle {
  using fake_handle::fake_handle;
};

TEST(ResourceSlots, MakesEachTypeOnceOnFirstUse) {
  std::vector<std::string> log;
  {
    gpulab::resource_slots slots;
    EXPECT_EQ(slots.size(), 0u);
    EXPECT_EQ(slots.find<fake_handle>(), nullptr);
    int makes = 0;
    auto make = [&] {
      ++makes;
      return fake_handle(log, "blas");
    };
    fake_handle& first = slots.get_or_create<fake_handle>(make);
    fake_handle& again = slots.get_or_create<fake_handle>(make);
    EXPECT_EQ(&first, &again);
    EXPECT_EQ(makes, 1);
    EXPECT_EQ(slots.find<fake_handle>(), &first);
    EXPECT_EQ(slots.find<other_handle>(), nullptr);  // a slot per type, not per base class

    other_handle& other = slots.get_or_create<other_handle>([&] { return other_handle(log, "solver"); });
    EXPECT_NE(static_cast<void*>(&other), static_cast<void*>(&first));
    EXPECT_EQ(slots.size(), 2u);
    EXPECT_EQ(first.name_, "blas");  // the first object did not move when the second came
    EXPECT_EQ(log, (std::vector<std::string>{"make blas", "make solver"}));
  }
  EXPECT_EQ(log, (std::vector<std::string>{"make blas", "make solver", "destroy solver", "destroy blas"}));
}

TEST(ResourceSlots, AFailedMakeLeavesNoSlot) {
  gpulab::resource_slots slots;
  EXPECT_THROW(slots.get_or_create<int>([]() -> int { throw std::runtime_error("no handle"); }), std::runtime_error);
  EXPECT_EQ(slots.size(), 0u);
  EXPECT_EQ(slots.get_or_create<int>([] { return 7; }), 7);
  EXPECT_EQ(slots.get_or_create<int>([] { return 8; }), 7);  // made once
}

TEST(ResourceSlots, MovingTheStoreKeepsTheObjects) {
  std::vector<std::string> log;
  gpulab::resource_slots slots;
  fake_handle& made = slots.get_or_create<fake_handle>([&] { return fake_handle(log, "blas"); });
  gpulab::resource_slots moved(std::move(slots));
  EXPECT_EQ(moved.find<fake_handle>(), &made);  // a std::vector<resources> may move its elements
  moved.clear();
  EXPECT_EQ(log, (std::vector<std::string>{"make blas", "destroy blas"}));
}

}  // namespace
