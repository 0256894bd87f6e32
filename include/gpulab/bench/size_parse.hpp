// SPDX-License-Identifier: MIT
// Sizes on the command line: "50M", "2^29", "1GiB", "4KiB", "1e6", "1000003".
//   K M G T      decimal: 10^3, 10^6, 10^9, 10^12 (as the course counts: 50M = 50,000,000)
//   Ki Mi Gi Ti  binary:  2^10, 2^20, 2^30, 2^40
// A trailing "B" (bytes) is allowed and changes nothing. Whether the number
// counts elements or bytes is said by each case's --help text.
// Limits, each named by the error: the result fits in 64 bits, 2^k takes k <= 63,
// 1eK takes K <= 19, at most 19 digits after '.'. Parsing takes one pass over the
// text, however long or absurd.
#pragma once

#include <cstdint>
#include <string_view>

namespace gpulab {

// Throws usage_error for empty, negative, zero, non-numeric, fractional or overflowing input,
// and for exponents past the limits above.
std::uint64_t parse_size(std::string_view text);

}  // namespace gpulab
