// SPDX-License-Identifier: MIT
// Module 2's list of cases and what each declares (work, host bytes, check size): no GPU needed.
#include "gpulab/transfer/module.hpp"

#include <gtest/gtest.h>

#include <cstddef>

#include "gpulab/core/error.hpp"
#include "gpulab/transfer/cases.hpp"

namespace {

using namespace gpulab::transfer;

TEST(TransferModule, SweepAndCaseList) {
  const auto sizes = sweep_sizes();
  ASSERT_EQ(sizes.size(), 10u);
  EXPECT_EQ(sizes.front(), 4096u);
  EXPECT_EQ(sizes.back(), std::size_t{1} << 30);
  const gpulab::training_module m = make_module();
  EXPECT_EQ(m.name, "transfer");
  EXPECT_EQ(m.cases.size(), 15u);  // 10 sweeps (d2d_copy_wide_tile since issue 16), 3 scale-by-2, 2 pipelines
  EXPECT_FALSE(m.tour.empty());
  gpulab::run_options options;
  EXPECT_EQ(m.cases[0].make(options).size(), 10u);  // the sweep
  options.size = 12345;
  EXPECT_EQ(m.cases[0].make(options).size(), 1u);
  overlap_config bad;
  bad.chunks = 0;
  EXPECT_THROW(make_overlap_case(bad), gpulab::usage_error);
}

TEST(TransferModule, DeclaredWorkAndCheckSizes) {
  // A transfer counts the bytes crossing the link once (read); a device copy reads and writes them.
  const gpulab::work_amount h2d = make_copy_case(copy_kind::h2d_pinned, 1000)->work();
  EXPECT_DOUBLE_EQ(h2d.bytes_read, 1000.0);
  EXPECT_DOUBLE_EQ(h2d.bytes_written, 0.0);
  const gpulab::work_amount d2d = make_copy_case(copy_kind::d2d_copy_kernel, 1000)->work();
  EXPECT_DOUBLE_EQ(d2d.bytes_read, 1000.0);
  EXPECT_DOUBLE_EQ(d2d.bytes_written, 1000.0);
  const gpulab::work_amount scale = make_scale_case(scale_kind::device_resident, 1000)->work();
  EXPECT_DOUBLE_EQ(scale.bytes_read, 4000.0);
  EXPECT_DOUBLE_EQ(scale.bytes_written, 4000.0);
  // Host bytes: source, host end and the copy back; input, CPU result, pinned staging and result.
  EXPECT_EQ(make_copy_case(copy_kind::h2d_pinned, 1000)->host_bytes_needed(), 3000u);
  EXPECT_EQ(make_scale_case(scale_kind::pinned_copies, 1000)->host_bytes_needed(), 16000u);
  // Sizes whose arithmetic would wrap are refused, not turned into small numbers.
  EXPECT_THROW((void)make_copy_case(copy_kind::h2d_pinned, ~std::size_t{0} / 2)->host_bytes_needed(),
               gpulab::usage_error);
  // Every entry has a check_size: the size the sabotage test (tests/course) runs it at.
  for (const gpulab::case_entry& e : make_module().cases) EXPECT_GT(e.check_size, 0u) << e.name;
}

}  // namespace
