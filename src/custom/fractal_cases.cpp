// SPDX-License-Identifier: MIT
// The Julia set cases (the course: 4096 x 4096, c = 0.4 + 0.6i, 255 iterations)
// and the picture demo. Every count is compared with the CPU's, exactly: host and
// GPU run the same escape_count() with the same roundings (see fractal_params.hpp),
// so no pixel at the set's boundary needs an allowance and one wrong pixel fails.
// (An unwritten pixel reads 0xFF: -1 as an int32, never a count; 255 as a byte,
// a count only for a pixel that never escapes, which the course's Julia set has none of.)
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "gpulab/core/event.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/options.hpp"

namespace gpulab::custom {

fractal_params fractal_from_options(const run_options& options) {
  fractal_params p = set_option.text(options) == "julia" ? fractal_params{} : default_mandelbrot();
  p.max_iterations = static_cast<int>(iterations_option.integer(options));
  const auto [re, im] = c_option.real_pair(options);
  p.c_re = static_cast<float>(re);  // a finite double may still be too large for a float: validate() says so
  p.c_im = static_cast<float>(im);
  const std::uint64_t side = options.size.value_or(4096);
  if (side > static_cast<std::uint64_t>(fractal_params::max_side)) {
    throw usage_error("--size: a fractal image is n x n pixels, n in 1.." +
                      std::to_string(fractal_params::max_side) + " (got " + std::to_string(side) + ")");
  }
  p.width = p.height = static_cast<int>(side);
  p.validate();
  return p;
}

namespace {

std::string set_label(const fractal_params& p) {
  return std::to_string(p.width) + " x " + std::to_string(p.height) +
         (p.set == fractal::mandelbrot ? " Mandelbrot" : "");
}

// The first pixel whose count differs, or nothing.
template <class Count>
std::optional<std::string> first_mismatch(const std::vector<Count>& got, const std::vector<std::uint8_t>& expected,
                                          const fractal_params& p) {
  for (std::size_t k = 0; k < expected.size(); ++k) {
    if (static_cast<long long>(got[k]) != expected[k]) {
      return "pixel (row " + std::to_string(k / p.width) + ", column " + std::to_string(k % p.width) + ") counts " +
             std::to_string(static_cast<long long>(got[k])) + ", expected " + std::to_string(expected[k]);
    }
  }
  return std::nullopt;
}

class fractal_case final : public bench_case {
 public:
  fractal_case(fractal_version v, const fractal_params& p) : version_(v), p_(p) { p_.validate(); }
  std::string name() const override { return std::string("julia_") + fractal_version_name(version_); }
  // (--set mandelbrot keeps the family's name; the size label says which set.)
  case_parameters parameters() const override { return {"julia", fractal_version_name(version_), "float"}; }
  std::string size_label() const override { return set_label(p_); }
  double size_value() const override { return p_.width; }
  std::size_t device_bytes_needed() const override { return p_.pixels() * (point_bytes() + count_bytes()); }
  // The CPU's counts, the points (first three versions) and the GPU's counts copied back.
  std::size_t host_bytes_needed() const override { return p_.pixels() * (1 + point_bytes() + count_bytes()); }
  // The iterations depend on the data, so the FLOPs are not declared: the report shows pixels per second.
  work_amount work() const override {
    const double pixels = static_cast<double>(p_.pixels());
    return {.bytes_read = pixels * static_cast<double>(point_bytes()),
            .bytes_written = pixels * static_cast<double>(count_bytes()),
            .items = pixels};
  }
  peak_kind peak() const override { return peak_kind::none; }  // bound by arithmetic, not memory

  void setup(std::uint64_t /*seed: the image has no random input*/, cuda::stream_ref s) override {
    if (reads_points(version_)) {
      points_device_ = upload(fractal_points(p_), s);
      counts32_device_ = device_buffer<std::int32_t>(p_.pixels(), s);
    } else {
      counts8_device_ = device_buffer<std::uint8_t>(p_.pixels(), s);
    }
  }
  void run_cpu() override { expected_ = fractal_cpu(p_); }
  std::vector<output_region> outputs() override {
    if (reads_points(version_)) return {output_of(counts32_device_.data(), p_.pixels())};
    return {output_of(counts8_device_.data(), p_.pixels())};
  }
  void run_gpu(cuda::stream_ref s) override {
    if (reads_points(version_)) {
      fractal_from_points_async(version_, p_, std::as_const(points_device_).span(), counts32_device_.span(), s);
    } else {
      fractal_async(p_, counts8_device_.span(), s);
    }
  }
  verification verify(cuda::stream_ref s) override {
    const std::optional<std::string> wrong = reads_points(version_)
                                                 ? first_mismatch(download(counts32_device_, s), expected_, p_)
                                                 : first_mismatch(download(counts8_device_, s), expected_, p_);
    if (wrong) return {false, *wrong, "exact"};
    double total = 0;
    for (std::uint8_t n : expected_) total += n;
    return {true, "every pixel; " + format_fixed(total / static_cast<double>(expected_.size()), 2) + " iterations per pixel",
            "exact"};
  }

 private:
  std::size_t point_bytes() const { return reads_points(version_) ? sizeof(float2) : 0; }
  std::size_t count_bytes() const { return reads_points(version_) ? sizeof(std::int32_t) : 1; }
  fractal_version version_;
  fractal_params p_;
  std::vector<std::uint8_t> expected_;
  device_buffer<float2> points_device_;
  device_buffer<std::int32_t> counts32_device_;
  device_buffer<std::uint8_t> counts8_device_;
};

}  // namespace

std::unique_ptr<bench_case> make_fractal_case(fractal_version v, const fractal_params& p) {
  return std::make_unique<fractal_case>(v, p);
}

// [snippet:warp_efficiency]
// A warp runs as long as its slowest thread: what share of the warp's iteration
// slots do useful work, each warp on a patch of `width` x (32 / width) pixels.
double warp_efficiency(std::span<const std::uint8_t> counts, const fractal_params& p, int width) {
  const int height = 32 / width;
  double useful = 0, occupied = 0;
  for (int i0 = 0; i0 < p.height; i0 += height) {
    for (int j0 = 0; j0 < p.width; j0 += width) {
      int lanes = 0, longest = 0;
      for (int i = i0; i < std::min(i0 + height, p.height); ++i) {
        for (int j = j0; j < std::min(j0 + width, p.width); ++j) {
          const int n = counts[static_cast<std::size_t>(i) * static_cast<std::size_t>(p.width) + j];
          useful += n, ++lanes;
          longest = std::max(longest, n);
        }
      }
      occupied += static_cast<double>(lanes) * longest;
    }
  }
  return occupied > 0 ? useful / occupied : 1.0;
}
// [/snippet:warp_efficiency]

demo_output fractal_image_demo(resources& res, const run_options& options) {
  cuda::stream_ref s = res.stream();
  const fractal_params p = fractal_from_options(options);
  require_device_memory(p.pixels(), "the fractal image");
  device_buffer<std::uint8_t> counts_device(p.pixels(), s);
  const double ms = summarize(time_on_stream(s, 1, 5, [&] { fractal_async(p, counts_device.span(), s); })).median_ms;
  const std::vector<std::uint8_t> counts = download(counts_device, s);
  const std::vector<std::uint8_t> expected = fractal_cpu(p);

  demo_output out;
  out.verified = !first_mismatch(counts, expected, p).has_value();
  std::size_t never_escaped = 0;
  double total = 0;
  for (std::uint8_t n : counts) total += n, never_escaped += n >= p.max_iterations;
  table t;
  t.title = "The " + std::string(p.set == fractal::julia ? "Julia" : "Mandelbrot") +
            " set, computed_coordinates version: what each pixel costs";
  t.columns = {"size", "c", "max iterations", "mean iterations", "never escaped", "warps 32 x 1 %",
               "warps 16 x 2 %", "GPU ms", "verified"};
  const std::string c = p.set == fractal::julia
                            ? format_significant(p.c_re) + (p.c_im < 0 ? " - " : " + ") +
                                  format_significant(std::abs(p.c_im)) + "i"
                            : "(each pixel)";
  t.rows.push_back({cell(set_label(p)), cell(c), integer_cell(p.max_iterations),
                    number_cell(total / static_cast<double>(counts.size()), 2),
                    integer_cell(static_cast<long long>(never_escaped)),
                    number_cell(100.0 * warp_efficiency(counts, p, 32), 1),
                    number_cell(100.0 * warp_efficiency(counts, p, 16), 1), number_cell(ms, 4),
                    cell(out.verified ? "yes" : "NO")});
  t.notes.push_back("warp efficiency: useful iterations / (32 x the slowest pixel's), for warps on 32 pixels of a"
                    " row and on 16 x 2 (the kernel's 16 x 16 blocks); the rest of a warp waits");
  const std::string image = image_option.text(options);
  if (image.empty()) {
    t.notes.push_back("--image FILE.png saves the picture");
  } else {
    write_fractal_png(image, counts, p);
    t.notes.push_back("wrote " + image);
  }
  out.tables.push_back(std::move(t));
  return out;
}

}  // namespace gpulab::custom
