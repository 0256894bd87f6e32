// SPDX-License-Identifier: MIT
// Verification that can fail, proven for every case of every module.
//
// For each case that `gpulab list` shows (every module's, through all_modules(),
// so a new module is enrolled without touching this file), at its entry's small
// check_size: the correct GPU output must pass, and each of these sabotages of
// the GPU output must be reported as failed by the case's own verify():
//
//   poisoned   the GPU version does not run: the outputs hold the runner's 0xFF poison
//   zeroed     the GPU runs, then every output is set to 0 (a kernel that writes nothing
//              after a memset, or a sum of nothing)
//   last       the last element of an output is left unwritten (poison put back)
//   middle     the middle element likewise
//   perturbed  one element (the middle one) is moved far beyond any tolerance:
//              float x -> x + 0.5 max(|x|, 1) + 1, integer x -> x + x/2 + 1, byte x -> x ^ 0x5A
//
// A case whose check cannot see a sabotage is listed in `known_blind_spots` with
// the reason; the list is short on purpose and each entry is a lesson, not a bug.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/runner.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/course.hpp"

namespace {

using gpulab::bench_case;
using gpulab::element_kind;
using gpulab::output_region;

enum class sabotage { poisoned, zeroed, last_unwritten, middle_unwritten, perturbed };
constexpr sabotage all_sabotages[] = {sabotage::poisoned, sabotage::zeroed, sabotage::last_unwritten,
                                      sabotage::middle_unwritten, sabotage::perturbed};

const char* sabotage_name(sabotage k) {
  switch (k) {
    case sabotage::poisoned: return "poisoned";
    case sabotage::zeroed: return "zeroed";
    case sabotage::last_unwritten: return "last";
    case sabotage::middle_unwritten: return "middle";
    case sabotage::perturbed: return "perturbed";
  }
  return "?";
}

// (case name, sabotage) -> why the case's check cannot see it.
const std::map<std::pair<std::string, std::string>, std::string> known_blind_spots = {};

// ----------------------------------------------------------- element access
// Outputs live on the device (or managed) or on the host; cudaMemcpyDefault
// reaches both (unified addressing). Everything goes on the case's stream and
// waits for it: the stream does not wait for the legacy default stream, so a
// plain cudaMemcpy or cudaMemset could land after verify() has read the output.
std::vector<unsigned char> read_element(const output_region& out, std::size_t i, cuda::stream_ref s) {
  std::vector<unsigned char> bytes(gpulab::element_bytes(out.kind));
  const auto* at = static_cast<const unsigned char*>(out.data) + i * bytes.size();
  GPULAB_CUDA_TRY(cudaMemcpyAsync(bytes.data(), at, bytes.size(), cudaMemcpyDefault, s.get()));
  gpulab::synchronize(s);
  return bytes;
}
void write_element(const output_region& out, std::size_t i, const std::vector<unsigned char>& bytes,
                   cuda::stream_ref s) {
  auto* at = static_cast<unsigned char*>(out.data) + i * bytes.size();
  GPULAB_CUDA_TRY(cudaMemcpyAsync(at, bytes.data(), bytes.size(), cudaMemcpyDefault, s.get()));
  gpulab::synchronize(s);
}

template <class T>
T load(const std::vector<unsigned char>& bytes) {
  T value;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}
template <class T>
std::vector<unsigned char> store(T value) {
  std::vector<unsigned char> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

double far_off(double x) { return x + 0.5 * std::max(std::abs(x), 1.0) + 1.0; }

std::vector<unsigned char> perturb(element_kind kind, const std::vector<unsigned char>& bytes) {
  switch (kind) {
    case element_kind::f32: return store(static_cast<float>(far_off(load<float>(bytes))));
    case element_kind::f64: return store(far_off(load<double>(bytes)));
    case element_kind::bf16: {  // bf16 is the top half of a float
      const std::uint32_t bits = std::uint32_t{load<std::uint16_t>(bytes)} << 16;
      float x;
      std::memcpy(&x, &bits, sizeof x);
      const float y = static_cast<float>(far_off(x));
      std::uint32_t out;
      std::memcpy(&out, &y, sizeof out);
      return store(static_cast<std::uint16_t>(out >> 16));
    }
    case element_kind::u8: return store(static_cast<unsigned char>(load<unsigned char>(bytes) ^ 0x5A));
    case element_kind::u32: {
      const auto x = load<std::uint32_t>(bytes);
      return store(static_cast<std::uint32_t>(x + x / 2 + 1));
    }
    case element_kind::i32: {
      const auto x = load<std::int32_t>(bytes);
      return store(static_cast<std::int32_t>(x + x / 2 + 1));
    }
    case element_kind::u64: {
      const auto x = load<std::uint64_t>(bytes);
      return store(static_cast<std::uint64_t>(x + x / 2 + 1));
    }
  }
  return bytes;
}

void zero(const output_region& out, cuda::stream_ref s) {
  if (out.on_host) {
    std::memset(out.data, 0, out.bytes());
  } else {
    GPULAB_CUDA_TRY(cudaMemsetAsync(out.data, 0, out.bytes(), s.get()));
    gpulab::synchronize(s);
  }
}

// ------------------------------------------------------------------ the test
struct case_under_test {
  std::string module;
  const gpulab::case_entry* entry;
  std::map<std::string, std::string> parameters = {};  // the module's options, if the case needs some to reach a path
  std::string suffix = {};                            // and then a name for the test
};

// How GoogleTest prints a parameter ("custom sum_cub"), instead of its bytes.
void PrintTo(const case_under_test& c, std::ostream* out) { *out << c.module << " " << c.entry->name << c.suffix; }

std::vector<case_under_test> every_case_entry() {
  static const std::vector<gpulab::training_module> modules = gpulab::all_modules();  // the entries point in here
  std::vector<case_under_test> all;
  for (const gpulab::training_module& m : modules) {
    for (const gpulab::case_entry& e : m.cases) {
      all.push_back({m.name, &e});
      for (const gpulab::case_entry::check_variant& v : e.check_variants) all.push_back({m.name, &e, v.options, v.suffix});
    }
  }
  return all;
}

// Device 0 and its resources, for a plain or a parameterized suite.
template <class GoogleTestBase>
class OnDevice0 : public GoogleTestBase {
 protected:
  void SetUp() override {
    GPULAB_REQUIRE_GPU();
    gpulab::select_device(0);
    res_.emplace(0);
  }
  std::optional<gpulab::resources> res_;
};

class Sabotage : public OnDevice0<::testing::TestWithParam<case_under_test>> {};

// Runs the GPU version on poisoned outputs (or not), applies `apply` to the
// outputs, and returns what verify() says.
template <class Apply>
gpulab::verification verify_after(bench_case& c, gpulab::resources& res, bool run_gpu, Apply&& apply) {
  cuda::stream_ref s = res.stream();
  gpulab::poison_outputs(c, s);
  if (run_gpu) c.run_gpu(s);
  gpulab::synchronize(s);
  apply(c.outputs());
  return c.verify(s);
}

TEST_P(Sabotage, EveryWrongOutputIsRejected) {
  const case_under_test& param = GetParam();
  ASSERT_GT(param.entry->check_size, 0u) << "case entry " << param.entry->name << " declares no check_size";
  gpulab::run_options options;
  options.size = param.entry->check_size;
  options.parameters = param.parameters;
  auto cases = param.entry->make(options);
  ASSERT_FALSE(cases.empty());
  for (auto& made : cases) {
    bench_case& c = *made;
    SCOPED_TRACE(param.module + " " + c.name() + " at " + c.size_label());
    cuda::stream_ref s = res_->stream();
    c.attach(*res_);
    c.setup(2026, s);
    gpulab::synchronize(s);
    c.run_cpu();
    ASSERT_FALSE(c.outputs().empty()) << "a case must say where its outputs are";

    // The control: the real output passes, so every failure below is the sabotage's.
    const gpulab::verification good = verify_after(c, *res_, true, [](const auto&) {});
    ASSERT_TRUE(good.passed) << "the correct output fails at check_size: " << good.detail;

    for (const sabotage k : all_sabotages) {
      const auto blind = known_blind_spots.find({c.name(), sabotage_name(k)});
      if (blind != known_blind_spots.end()) {
        std::cout << "  [blind spot] " << c.name() << " / " << sabotage_name(k) << ": " << blind->second << "\n";
        continue;
      }
      const std::size_t regions = c.outputs().size();
      // poisoned and zeroed hit every output at once; the others one output at a time.
      const bool whole = k == sabotage::poisoned || k == sabotage::zeroed;
      for (std::size_t r = 0; r < (whole ? 1 : regions); ++r) {
        const gpulab::verification v = verify_after(c, *res_, k != sabotage::poisoned, [&](const auto& outs) {
          const output_region& out = outs[r];
          const std::size_t middle = out.elements / 2, last = out.elements - 1;
          switch (k) {
            case sabotage::poisoned: break;
            case sabotage::zeroed:
              for (const output_region& o : outs) zero(o, s);
              break;
            case sabotage::last_unwritten:
              write_element(out, last, std::vector<unsigned char>(gpulab::element_bytes(out.kind), 0xFF), s);
              break;
            case sabotage::middle_unwritten:
              write_element(out, middle, std::vector<unsigned char>(gpulab::element_bytes(out.kind), 0xFF), s);
              break;
            case sabotage::perturbed:
              write_element(out, middle, perturb(out.kind, read_element(out, middle, s)), s);
              break;
          }
        });
        EXPECT_FALSE(v.passed) << "sabotage '" << sabotage_name(k) << "' of output " << r << " of " << regions
                               << " passed verification: " << v.detail;
      }
    }
  }
}

std::string test_name(const ::testing::TestParamInfo<case_under_test>& info) {
  return info.param.module + "_" + info.param.entry->name + info.param.suffix;
}

INSTANTIATE_TEST_SUITE_P(EveryCase, Sabotage, ::testing::ValuesIn(every_case_entry()), test_name);

// Host memory too small, for every case: with the kit's cap (GPULAB_HOST_MEMORY_LIMIT)
// below what the case declares, the runner refuses it before setup allocates
// anything, naming host memory and both numbers (exit code 4). One test for all the
// cases, not one each: a refusal takes microseconds, and each test of this binary is
// a process that spends ~0.7 s loading cuBLAS (about 90 s of CI's 2 cores for 132 cases).
class HostMemory : public OnDevice0<::testing::Test> {};

// GPULAB_HOST_MEMORY_LIMIT=bytes while it lives, unset after, however the case ended.
struct host_memory_cap {
  explicit host_memory_cap(std::size_t bytes) {
    EXPECT_EQ(setenv("GPULAB_HOST_MEMORY_LIMIT", std::to_string(bytes).c_str(), 1), 0);
  }
  ~host_memory_cap() { unsetenv("GPULAB_HOST_MEMORY_LIMIT"); }
  host_memory_cap(const host_memory_cap&) = delete;
  host_memory_cap& operator=(const host_memory_cap&) = delete;
};

TEST_F(HostMemory, EveryCaseTooLargeForTheHostIsRefusedBeforeSetup) {
  std::map<std::string, int> refused;  // by module
  for (const case_under_test& param : every_case_entry()) {
    gpulab::run_options options;
    options.size = param.entry->check_size;
    options.parameters = param.parameters;
    std::vector<std::unique_ptr<gpulab::bench_case>> cases;
    try {
      cases = param.entry->make(options);
    } catch (const std::exception& e) {  // this entry fails, the next ones still run
      ADD_FAILURE() << param.module << " " << param.entry->name << param.suffix << " could not be made: " << e.what();
      continue;
    }
    for (auto& made : cases) {
      SCOPED_TRACE(param.module + " " + param.entry->name + param.suffix + ": " + made->name());
      const std::size_t needed = made->host_bytes_needed();
      if (needed == 0) continue;  // keeps nothing on the host: nothing to refuse
      const host_memory_cap cap(needed - 1);
      try {
        (void)gpulab::run_case(*made, *res_, options);
        ADD_FAILURE() << made->name() << " ran with less host memory than it declares";
      } catch (const gpulab::out_of_memory_error& e) {
        EXPECT_EQ(e.code(), gpulab::exit_code::out_of_resources);
        EXPECT_NE(std::string(e.what()).find("host memory"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(std::to_string(needed) + " bytes"), std::string::npos) << e.what();
        ++refused[param.module];
      } catch (const std::exception& e) {  // any other error: this case fails, the next ones still run
        ADD_FAILURE() << made->name() << " was not refused for host memory: " << e.what();
      }
    }
  }
  // Not vacuous: the modules whose CPU baselines keep their inputs on the host were refused.
  for (const char* module : {"linalg", "dataframe", "ml"}) EXPECT_GT(refused[module], 0) << module;
}

}  // namespace
