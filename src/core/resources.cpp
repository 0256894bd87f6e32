// SPDX-License-Identifier: MIT
#include "gpulab/core/resources.hpp"

namespace gpulab {

namespace {
// A stream belongs to the device current when it is made.
gpulab::stream stream_on(int device) {
  const scoped_device on(device);
  return gpulab::stream{};
}
}  // namespace

resources::resources(int device) : device_(query_device(device)), stream_(stream_on(device)) {}

}  // namespace gpulab
