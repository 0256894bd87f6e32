// SPDX-License-Identifier: MIT
#include "gpulab/dataframe/table.hpp"

#include <algorithm>

#include "gpulab/core/error.hpp"

namespace gpulab::dataframe {

void table::add(const std::string& name, column c) {
  if (name.empty()) throw usage_error("a column needs a name");
  if (c.where() != where_) {
    throw usage_error("column '" + name + "' is on the " + backend_name(c.where()) + ", the table on the " +
                      backend_name(where_));
  }
  const auto at = std::find(names_.begin(), names_.end(), name);
  const bool replaces_only_column = at != names_.end() && names_.size() == 1;
  if (!names_.empty() && !replaces_only_column && c.size() != rows_) {
    throw usage_error("column '" + name + "' has " + std::to_string(c.size()) + " rows, the table " +
                      std::to_string(rows_));
  }
  rows_ = c.size();
  if (at != names_.end()) {
    columns_[static_cast<std::size_t>(at - names_.begin())] = std::move(c);
  } else {
    names_.push_back(name);
    columns_.push_back(std::move(c));
  }
}

bool table::contains(const std::string& name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

const column& table::operator[](const std::string& name) const {
  const auto at = std::find(names_.begin(), names_.end(), name);
  if (at == names_.end()) {
    std::string known;
    for (const std::string& n : names_) known += (known.empty() ? "" : ", ") + n;
    throw usage_error("unknown column '" + name + "' (columns: " + (known.empty() ? "none" : known) + ")");
  }
  return columns_[static_cast<std::size_t>(at - names_.begin())];
}

table table::to(backend where, cuda::stream_ref s) const {
  table t(where, s);
  for (std::size_t k = 0; k < names_.size(); ++k) t.add(names_[k], columns_[k].to(where, s));
  return t;
}

}  // namespace gpulab::dataframe
