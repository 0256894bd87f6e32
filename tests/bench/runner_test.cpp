// SPDX-License-Identifier: MIT
// The runner must catch what a benchmark harness usually misses: outputs never
// written, and state that leaks from one timed run into the next.
#include "gpulab/bench/runner.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/cases.hpp"
#include "gpulab/linalg/resources.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace {

enum class behaviour {
  correct,
  writes_nothing,
  drifts_after_first_run,
  writes_only_on_first_run,  // caught only because the runner poisons before every repeat
  claims_too_many_bytes,     // declares 100x the bytes it moves: "faster" than the hardware
  throws_in_setup,           // an error the report must keep (out of memory in setup)
};

// out = 3 * in, with a configurable defect.
class triple_case final : public gpulab::bench_case {
 public:
  triple_case(behaviour b, std::size_t n) : behaviour_(b), n_(n) {}
  std::string name() const override { return "triple"; }
  gpulab::case_parameters parameters() const override { return {"scale", "times_three", "float"}; }
  std::string size_label() const override { return std::to_string(n_); }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override { return 2 * n_ * sizeof(float); }
  std::size_t host_bytes_needed() const override { return 2 * n_ * sizeof(float); }
  gpulab::work_amount work() const override {
    const double claimed = behaviour_ == behaviour::claims_too_many_bytes ? 100.0 : 1.0;
    const double bytes = claimed * 4.0 * static_cast<double>(n_);
    return {.bytes_read = bytes, .bytes_written = bytes, .flops = static_cast<double>(n_)};
  }
  // A pretend scalable check whose CPU reference is "slow": exercises --cpu.
  double estimated_cpu_seconds() const override { return slow_cpu_ ? 1000.0 : 0.0; }
  bool has_scalable_check() const override { return slow_cpu_; }
  void use_scalable_check() override {
    run_cpu();  // the expected values, but not as the CPU reference: only the check's name differs
    scalable_ = true;
    cpu_runs_ = 0;
  }
  std::vector<gpulab::output_region> outputs() override { return {gpulab::output_of(out_.data(), n_)}; }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    if (behaviour_ == behaviour::throws_in_setup) {
      throw gpulab::out_of_memory_error(1, 0, "a case that cannot run", gpulab::memory_kind::device);
    }
    host_.resize(n_);
    gpulab::fill_uniform(host_, seed, -1.0f, 1.0f);
    in_ = gpulab::device_buffer<float>(n_, s);
    out_ = gpulab::device_buffer<float>(n_, s);
    gpulab::copy_to_device_async(std::span<const float>(host_), in_, s);
  }
  void run_cpu() override {
    ++cpu_runs_;
    expected_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) expected_[i] = 3.0f * host_[i];
  }
  void run_gpu(cuda::stream_ref s) override {
    ++runs_;
    if (behaviour_ == behaviour::writes_nothing) return;
    if (behaviour_ == behaviour::writes_only_on_first_run && runs_ > 1) return;
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
    gpulab::verification v = gpulab::compare_exact(std::span<const float>(expected_), std::span<const float>(got));
    v.check = scalable_ ? "scalable" : "vs CPU";
    return v;
  }
  int runs_ = 0;
  int cpu_runs_ = 0;
  bool slow_cpu_ = false;
  bool scalable_ = false;

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

TEST_F(Runner, AVersionThatWritesOnlyOnItsFirstRunFailsAfterTiming) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  triple_case c(behaviour::writes_only_on_first_run, 4097);
  const gpulab::case_result r = gpulab::run_case(c, ctx, options_);
  EXPECT_FALSE(r.verified);  // the last repeat found poison, not the first run's output
  EXPECT_NE(r.verify_detail.find("after timing"), std::string::npos) << r.verify_detail;
}

TEST_F(Runner, ARowFasterThanItsCeilingFails) {
  gpulab::resources ctx = gpulab::make_resources(options_, true);
  triple_case c(behaviour::claims_too_many_bytes, 1 << 24);
  const gpulab::case_result r = gpulab::run_case(c, ctx, options_);
  ASSERT_TRUE(r.percent_of_peak.has_value());
  EXPECT_GT(*r.percent_of_peak, 105.0);
  EXPECT_FALSE(r.verified);
  EXPECT_NE(r.verify_detail.find("faster than the hardware allows"), std::string::npos) << r.verify_detail;
  // The honest declaration of the same kernel stays under its ceiling: a copy's mix.
  triple_case honest(behaviour::correct, 1 << 24);
  const gpulab::case_result h = gpulab::run_case(honest, ctx, options_);
  EXPECT_TRUE(h.verified) << h.verify_detail;
  EXPECT_DOUBLE_EQ(h.ceiling_gbs, ctx.ceilings().copy_gbs);  // equal reads and writes: the copy's ceiling
}

TEST_F(Runner, CpuModeDecidesBetweenTheReferenceAndTheScalableCheck) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  const auto run = [&](gpulab::cpu_mode mode, bool slow) {
    triple_case c(behaviour::correct, 1001);
    c.slow_cpu_ = slow;
    gpulab::run_options o = options_;
    o.cpu = mode;
    gpulab::case_result r = gpulab::run_case(c, ctx, o);
    EXPECT_TRUE(r.verified) << r.verify_detail;
    return std::pair(r, c.cpu_runs_);
  };
  auto [fast_auto, fast_runs] = run(gpulab::cpu_mode::automatic, false);
  EXPECT_EQ(fast_auto.check, "vs CPU");
  EXPECT_TRUE(fast_auto.cpu.has_value());
  EXPECT_GE(fast_runs, 1);
  auto [slow_auto, slow_runs] = run(gpulab::cpu_mode::automatic, true);  // 1000 s estimated > 10 s budget
  EXPECT_EQ(slow_auto.check.rfind("scalable (CPU skipped: about 1000 s > 10 s budget)", 0), 0u) << slow_auto.check;
  EXPECT_FALSE(slow_auto.cpu.has_value());
  EXPECT_EQ(slow_runs, 0);
  auto [slow_on, on_runs] = run(gpulab::cpu_mode::on, true);
  EXPECT_EQ(slow_on.check, "vs CPU");
  EXPECT_TRUE(slow_on.cpu.has_value());
  auto [fast_off, off_runs] = run(gpulab::cpu_mode::off, false);  // no scalable check: reference once, untimed
  EXPECT_EQ(fast_off.check, "vs CPU");
  EXPECT_FALSE(fast_off.cpu.has_value());
  EXPECT_EQ(off_runs, 1);
}

TEST_F(Runner, TooLargeForTheHostIsRefusedBeforeSetup) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  ASSERT_EQ(setenv("GPULAB_HOST_MEMORY_LIMIT", "1M", 1), 0);
  triple_case c(behaviour::correct, 1000003);  // 8 MB of host memory
  try {
    (void)gpulab::run_case(c, ctx, options_);
    ADD_FAILURE() << "a case larger than GPULAB_HOST_MEMORY_LIMIT ran";
  } catch (const gpulab::out_of_memory_error& e) {
    EXPECT_EQ(e.code(), gpulab::exit_code::out_of_resources);
    EXPECT_NE(std::string(e.what()).find("host"), std::string::npos) << e.what();
  }
  unsetenv("GPULAB_HOST_MEMORY_LIMIT");
  EXPECT_EQ(c.runs_, 0);
}

// A case that fails keeps its row, the cases after it still run, and the exit
// code is the worst case's.
TEST_F(Runner, AFailedCaseKeepsItsRowAndTheRunGoesOn) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  gpulab::training_module m;
  m.name = "probe";
  const auto entry = [](const std::string& name, behaviour b) {
    return gpulab::case_entry{name, "", [b](const gpulab::run_options&) {
                                std::vector<std::unique_ptr<gpulab::bench_case>> cases;
                                cases.push_back(std::make_unique<triple_case>(b, 1001));
                                return cases;
                              }, 1001};
  };
  m.cases = {entry("good", behaviour::correct), entry("fails_setup", behaviour::throws_in_setup),
             entry("wrong", behaviour::writes_nothing), entry("good_again", behaviour::correct)};
  const gpulab::module_run run =
      gpulab::run_module_items(m, {{"good", {}}, {"fails_setup", {}}, {"wrong", {}}, {"good_again", {}}}, options_, ctx);
  ASSERT_EQ(run.results.size(), 4u);
  EXPECT_TRUE(run.results[0].verified);
  ASSERT_TRUE(run.results[1].error.has_value());
  EXPECT_NE(run.results[1].error->find("a case that cannot run"), std::string::npos) << *run.results[1].error;
  EXPECT_FALSE(run.results[2].verified);
  EXPECT_FALSE(run.results[2].error.has_value());
  EXPECT_TRUE(run.results[3].verified);
  EXPECT_FALSE(run.stopped);
  EXPECT_EQ(run.worst, gpulab::exit_code::out_of_resources);  // worse than the failed check (1)
  const gpulab::table t = gpulab::results_table(run.results, "results");
  ASSERT_EQ(t.rows.size(), 4u);
  const std::size_t verdict = t.columns.size() - t.data_only_columns - 1;
  EXPECT_EQ(t.rows[1][verdict].text.rfind("ERROR: ", 0), 0u) << t.rows[1][verdict].text;
  for (const auto& row : t.rows) EXPECT_EQ(row.size(), t.columns.size());
}

// An entry whose cases cannot be made (a version that refuses the --input file): after a case
// has run it is an error row and the run goes on, so nothing measured is lost; first, it is
// the command's error.
TEST_F(Runner, AnEntryThatCannotBeMadeKeepsTheRowsBeforeIt) {
  gpulab::resources ctx = gpulab::make_resources(options_, false);
  gpulab::training_module m;
  m.name = "probe";
  const auto refuses = [](const gpulab::run_options&) -> std::vector<std::unique_ptr<gpulab::bench_case>> {
    throw gpulab::usage_error("refuses: the file has 65 features; at most 64");
  };
  const auto good = [](const gpulab::run_options&) {
    std::vector<std::unique_ptr<gpulab::bench_case>> cases;
    cases.push_back(std::make_unique<triple_case>(behaviour::correct, 1001));
    return cases;
  };
  m.cases = {{"good", "", good, 1001}, {"refuses", "", refuses, 1001}, {"good_again", "", good, 1001}};
  const gpulab::module_run run =
      gpulab::run_module_items(m, {{"good", {}}, {"refuses", {}}, {"good_again", {}}}, options_, ctx);
  ASSERT_EQ(run.results.size(), 3u);
  EXPECT_TRUE(run.results[0].verified);
  EXPECT_EQ(run.results[1].name, "refuses");
  EXPECT_EQ(run.results[1].module, "probe");
  ASSERT_TRUE(run.results[1].error.has_value());
  EXPECT_EQ(*run.results[1].error, "refuses: the file has 65 features; at most 64");
  EXPECT_EQ(run.results[1].error_code, gpulab::exit_code::usage);
  EXPECT_TRUE(run.results[2].verified);
  EXPECT_FALSE(run.all_verified);
  EXPECT_EQ(run.worst, gpulab::exit_code::usage);
  const gpulab::table t = gpulab::results_table(run.results, "results");
  ASSERT_EQ(t.rows.size(), 3u);
  for (const auto& row : t.rows) EXPECT_EQ(row.size(), t.columns.size());
  EXPECT_THROW(gpulab::run_module_items(m, {{"refuses", {}}, {"good", {}}}, options_, ctx), gpulab::usage_error);
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
