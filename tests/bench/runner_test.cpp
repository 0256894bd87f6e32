// SPDX-License-Identifier: MIT
// The runner must catch what a benchmark harness usually misses: outputs never
// written, and state that leaks from one timed run into the next.
#include "gpulab/bench/runner.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/cases.hpp"
#include "gpulab/linalg/resources.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace {

enum class behaviour { correct, writes_nothing, drifts_after_first_run };

// out = 3 * in, with a configurable defect.
class triple_case final : public gpulab::bench_case {
 public:
  triple_case(behaviour b, std::size_t n) : behaviour_(b), n_(n) {}
  std::string name() const override { return "triple"; }
  gpulab::case_parameters parameters() const override { return {"scale", "times_three", "float"}; }
  std::string size_label() const override { return std::to_string(n_); }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override { return 2 * n_ * sizeof(float); }
  gpulab::work_amount work() const override { return {8.0 * static_cast<double>(n_), static_cast<double>(n_)}; }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    host_.resize(n_);
    gpulab::fill_uniform(host_, seed, -1.0f, 1.0f);
    in_ = gpulab::device_buffer<float>(n_, s);
    out_ = gpulab::device_buffer<float>(n_, s);
    gpulab::copy_to_device_async(std::span<const float>(host_), in_, s);
  }
  void run_cpu() override {
    expected_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) expected_[i] = 3.0f * host_[i];
  }
  void poison_outputs(cuda::stream_ref s) override { out_.fill_bytes_async(0xFF, s); }
  void run_gpu(cuda::stream_ref s) override {
    ++runs_;
    if (behaviour_ == behaviour::writes_nothing) return;
    if (behaviour_ == behaviour::drifts_after_first_run && runs_ > 1) {
      gpulab::transfer::scale_async(out_.span(), out_.span(), 1.5f, s);  // reuses its own output: a classic bug
      return;
    }
    gpulab::transfer::scale_async(in_.span(), out_.span(), 3.0f, s);
  }
  gpulab::verification verify(cuda::stream_ref s) override {
    std::vector<float> got(n_);
    gpulab::copy_to_host_async(out_, std::span<float>(got), s);
    gpulab::synchronize(s);
    return gpulab::compare_exact(std::span<const float>(expected_), std::span<const float>(got));
  }
  int runs_ = 0;

 private:
  behaviour behaviour_;
  std::size_t n_;
  std::vector<float> host_, expected_;
  gpulab::device_buffer<float> in_, out_;
};

class Runner : public GpuTest {
 protected:
  gpulab::run_options options_{};
  void SetUp() override {
    GpuTest::SetUp();
    if (IsSkipped()) return;
    options_.repeat = 5;
    options_.repeat_given = true;
  }
};

TEST_F(Runner, CorrectCaseIsVerifiedAndTimed) {
  gpulab::resources ctx = gpulab::make_resources(options_, true);
  EXPECT_GT(ctx.ceilings().copy_gbs, 10.0);
  triple_case c(behaviour::correct, 1000003);
  const gpulab::case_result r = gpulab::run_case(c, ctx, options_);
  EXPECT_TRUE(r.verified) << r.verify_detail;
  EXPECT_EQ(r.parameters.operation, "scale");  // the case's fields travel with its result
  EXPECT_EQ(r.parameters.version, "times_three");
  EXPECT_EQ(r.parameters.element_type, "float");
  EXPECT_EQ(r.gpu.count, 5);
  EXPECT_GT(r.gpu.median_ms, 0.0);
  EXPECT_LE(r.gpu.min_ms, r.gpu.median_ms);
  EXPECT_GE(r.gpu.max_ms, r.gpu.median_ms);
  ASSERT_TRUE(r.cpu.has_value());
  EXPECT_GT(r.gigabytes_per_second(), 0.0);
  ASSERT_TRUE(r.percent_of_peak.has_value());
  EXPECT_GT(*r.percent_of_peak, 0.0);
  EXPECT_EQ(c.runs_, 1 + options_.warm_up + 5);  // verify run, warm-ups, repeats
}

TEST_F(Runner, UnwrittenOutputFailsVerification) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  triple_case c(behaviour::writes_nothing, 1000);
  const gpulab::case_result r = gpulab::run_case(c, ctx, options_);
  EXPECT_FALSE(r.verified);
  EXPECT_NE(r.verify_detail.find("1000 of 1000"), std::string::npos) << r.verify_detail;
}

TEST_F(Runner, StateLeakingIntoLaterRunsFailsTheReVerification) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  triple_case c(behaviour::drifts_after_first_run, 4097);
  const gpulab::case_result r = gpulab::run_case(c, ctx, options_);
  EXPECT_FALSE(r.verified);
  EXPECT_NE(r.verify_detail.find("after timing"), std::string::npos) << r.verify_detail;
}

TEST_F(Runner, TooLargeForTheDeviceIsRefusedBeforeSetup) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  triple_case c(behaviour::correct, std::size_t{1} << 48);
  EXPECT_THROW(gpulab::run_case(c, ctx, options_), gpulab::out_of_memory_error);
  EXPECT_EQ(c.runs_, 0);
}

TEST_F(Runner, ResultsTableAndHeader) {
  gpulab::resources ctx = gpulab::make_resources(options_, true);
  triple_case c(behaviour::correct, 31);
  const auto r = gpulab::run_case(c, ctx, options_);
  const gpulab::table t = gpulab::results_table({r}, "results", {"mod"});
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.columns.front(), "module");
  ASSERT_EQ(t.rows[0].size(), t.columns.size());
  EXPECT_EQ(t.rows[0][t.columns.size() - t.data_only_columns - 1].text, "yes");  // the last column people see
  EXPECT_EQ(t.rows[0].back().text, "float");
  const auto header = gpulab::report_header(ctx);
  ASSERT_FALSE(header.empty());
  EXPECT_NE(header[0].second.find(ctx.device().name), std::string::npos);
  EXPECT_NE(header[1].second.find("measured"), std::string::npos);
}

// One resources per device, as module 8's several GPUs will have them: each
// stream lives on its device, making them leaves the current device alone, and
// the library handles are made once, on first use, on the resources' stream.
TEST_F(Runner, ResourcesOnePerDeviceWithHandlesMadeOnce) {
  namespace la = gpulab::linalg;
  int current = -1, now = -1;
  GPULAB_CUDA_TRY(cudaGetDevice(&current));
  std::vector<gpulab::resources> all;
  for (int d = 0; d < gpulab::device_count(); ++d) all.emplace_back(d);
  GPULAB_CUDA_TRY(cudaGetDevice(&now));
  EXPECT_EQ(now, current);
  for (int d = 0; d < gpulab::device_count(); ++d) {
    gpulab::resources& res = all[static_cast<std::size_t>(d)];
    EXPECT_EQ(res.device_index(), d);
    EXPECT_EQ(res.device().index, d);
    EXPECT_EQ(gpulab::sm_count(d), res.device().multiprocessors);  // the one SM count, asked once per device
    int stream_device = -1;
    GPULAB_CUDA_TRY(cudaStreamGetDevice(res.stream().get(), &stream_device));
    EXPECT_EQ(stream_device, d);
    EXPECT_EQ(res.handle_count(), 0u);  // nothing is made before it is asked for
    la::blas_handle& blas = la::blas(res);
    EXPECT_EQ(&la::blas(res), &blas);
    EXPECT_TRUE(blas.stream() == res.stream());
    EXPECT_EQ(res.handle_count(), 1u);
    EXPECT_TRUE(la::solver(res).stream() == res.stream());
    EXPECT_EQ(&la::solver(res), &la::solver(res));
    EXPECT_EQ(res.handle_count(), 2u);
    GPULAB_CUDA_TRY(cudaGetDevice(&now));
    EXPECT_EQ(now, current);  // a handle made for device d did not move the program there
  }
}

// Cases take their library handle from the resources (attach) instead of making
// one each; set up without it, a case that needs one says so.
TEST_F(Runner, CasesShareTheResourcesHandles) {
  namespace la = gpulab::linalg;
  gpulab::resources res = gpulab::make_resources(options_, false);
  for (la::gemm_precision p : {la::gemm_precision::fp64, la::gemm_precision::tf32}) {
    auto gemm = la::make_gemm_case(p, 31);
    const gpulab::case_result r = gpulab::run_case(*gemm, res, options_);
    EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
    EXPECT_EQ(r.parameters.operation, "gemm");
  }
  auto power = la::make_matrix_power_case(33, 5);
  EXPECT_TRUE(gpulab::run_case(*power, res, options_).verified);
  EXPECT_EQ(res.handle_count(), 1u);  // one cuBLAS handle for all three
  auto unattached = la::make_gemm_case(la::gemm_precision::fp32, 31);
  EXPECT_THROW(unattached->setup(1, res.stream()), gpulab::usage_error);
}

}  // namespace
