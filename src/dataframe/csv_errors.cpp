// SPDX-License-Identifier: MIT
// The one-line messages of both CSV readers. A reader finds *where* the first
// problem is (a byte offset and a kind); this file says *what* it is, by walking
// that row again with the reference semantics (std::from_chars), so that the CPU
// and the GPU reader print the same line for the same input.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <system_error>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv_detail.hpp"

namespace gpulab::dataframe::detail {

namespace {

// 'text' for a message: at most 40 bytes, non-printable bytes as \xNN.
std::string shown(const char* b, const char* e) {
  constexpr std::ptrdiff_t most = 40;
  std::string out = "'";
  for (const char* p = b; p < e && p - b < most; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (e - b > most) out += "...";
  return out + "'";
}

// How many fields a row has, counting delimiters outside quotes (also in a row
// whose quoting is broken, where walk_row stops early).
std::uint64_t count_fields(const std::string& row, char delimiter) {
  std::uint64_t fields = 1;
  bool quoted = false;
  for (const char c : row) {
    if (c == '"') quoted = !quoted;
    if (c == delimiter && !quoted) ++fields;
  }
  return fields;
}

std::string byte_message(const csv_source& source, std::uint64_t offset, csv_problem problem) {
  if (problem == csv_problem::nul_byte) return "expected text, found a NUL byte";
  char byte = 0;
  source.read(offset, std::span<char>(&byte, 1));
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(byte));
  return std::string("expected UTF-8 text, found the byte ") + hex;
}

// The message for `problem` found at text[at] of a row (walk_row's offsets);
// `column` and the field's content for the value problems.
std::string row_message(csv_problem problem, const std::string& row, std::uint64_t at, const csv_layout& layout,
                        std::uint32_t column, const char* content_begin, const char* content_end) {
  const std::string expected_fields = std::to_string(layout.header->names.size());
  const std::string name = column < layout.header->names.size() ? "'" + layout.header->names[column] + "'" : "?";
  switch (problem) {
    case csv_problem::unterminated_quote: return "expected a closing quote for the quoted field that starts here";
    case csv_problem::quote_in_field:
      return "expected no quote inside an unquoted field (a field with quotes must start with one)";
    case csv_problem::text_after_quote:
      return "expected the delimiter " + shown(&layout.delimiter, &layout.delimiter + 1) +
             " or the end of the line after a closing quote, found " + shown(row.data() + at, row.data() + at + 1);
    case csv_problem::too_few_fields:
    case csv_problem::too_many_fields:
      return "expected " + expected_fields + " fields, found " + std::to_string(count_fields(row, layout.delimiter));
    case csv_problem::not_a_number:
      return "expected a number in column " + name + ", found " + shown(content_begin, content_end);
    case csv_problem::not_an_integer:
      return "expected an integer in column " + name + " (declared int64), found " + shown(content_begin, content_end);
    case csv_problem::out_of_range: {
      const bool integer = (*layout.kinds)[column] == column_kind::int64;
      return std::string("expected a number within the ") + (integer ? "int64" : "float64") + " range in column " +
             name + ", found " + shown(content_begin, content_end);
    }
    default: return "unexpected problem";
  }
}

// The key of the first NUL or invalid UTF-8 byte among text[0, checked), text being the
// bytes at `offset` of the file; no_problem_key when there is none.
std::uint64_t first_byte_problem(const std::string& text, std::uint64_t checked, std::uint64_t offset) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (std::uint64_t i = 0; i < checked; ++i) {
    const csv_problem p = byte_problem(bytes, text.size(), i);
    if (p != csv_problem::none) return problem_key(offset + i, p);
  }
  return no_problem_key;
}

}  // namespace

classified_field classify_field_reference(const char* b, const char* e, column_kind kind) {
  if (b == e) return {};
  std::int64_t integer = 0;
  const auto as_integer = std::from_chars(b, e, integer);
  if (kind == column_kind::int64) {
    if (as_integer.ptr != e) return {csv_problem::not_an_integer, 0};
    if (as_integer.ec == std::errc::result_out_of_range) return {csv_problem::out_of_range, 0};
    return {csv_problem::none, column_has_value};
  }
  if (kind == column_kind::inferred && as_integer.ptr == e && as_integer.ec == std::errc()) {
    return {csv_problem::none, column_has_value};
  }
  // A float64 literal makes the column float64 even when its value is out of range,
  // so that the type depends on the syntax alone (as on the GPU, whose first pass
  // does not convert).
  double real = 0;
  const auto as_real = std::from_chars(b, e, real);
  if (as_real.ptr != e || as_real.ec == std::errc::invalid_argument) return {csv_problem::not_a_number, 0};
  const csv_problem p = as_real.ec == std::errc::result_out_of_range ? csv_problem::out_of_range : csv_problem::none;
  return {p, column_has_value | column_has_real};
}

std::string problem_message(const csv_source& source, const csv_layout& layout, std::uint64_t key,
                            std::uint64_t row_begin, std::uint64_t row_end) {
  const std::uint64_t offset = key_offset(key);
  const csv_problem problem = key_problem(key);
  if (problem == csv_problem::nul_byte || problem == csv_problem::invalid_utf8) {
    return located(source, offset, byte_message(source, offset, problem));
  }
  // Walk the row again, as the CPU reader does, and find the same problem.
  std::string row(row_end - row_begin, '\0');
  source.read(row_begin, row);
  std::uint32_t column = 0;
  const char *content_begin = nullptr, *content_end = nullptr;
  const auto columns = static_cast<std::uint32_t>(layout.header->names.size());
  const csv_issue issue =
      walk_row(row.data(), 0, row.size(), layout.delimiter, columns, [&](std::uint32_t c, const char* b, const char* e) {
        column = c;
        content_begin = b;
        content_end = e;
        return classify_field_reference(b, e, (*layout.kinds)[c]).problem;
      });
  if (issue.problem != problem || row_begin + issue.offset != offset) {
    throw error(located(source, offset,
                        "internal error: the reader found problem " + std::to_string(static_cast<int>(problem)) +
                            " here, the reference walk of the row finds problem " +
                            std::to_string(static_cast<int>(issue.problem)) + " at " +
                            std::to_string(row_begin + issue.offset)));
  }
  return located(source, offset, row_message(problem, row, issue.offset, layout, column, content_begin, content_end));
}

std::uint64_t problem_in_row_prefix(const csv_source& source, const csv_layout& layout, std::uint64_t begin,
                                    std::uint64_t length) {
  std::string row(length, '\0');
  source.read(begin, row);
  // Bytes: the last three could start a UTF-8 sequence that the next bytes complete.
  std::uint64_t key = first_byte_problem(row, length > 3 ? length - 3 : 0, begin);
  // Syntax and values, as the reference walk sees them.
  bool field_ended = true;  // the field last given to the callback ended before the prefix does
  const auto columns = static_cast<std::uint32_t>(layout.header->names.size());
  const csv_issue issue =
      walk_row(row.data(), 0, length, layout.delimiter, columns, [&](std::uint32_t c, const char* b, const char* e) {
        field_ended = e < row.data() + length;
        return classify_field_reference(b, e, (*layout.kinds)[c]).problem;
      });
  bool decided = false;
  switch (issue.problem) {
    case csv_problem::quote_in_field:
    case csv_problem::text_after_quote:
    case csv_problem::too_many_fields: decided = true; break;
    case csv_problem::not_a_number:
    case csv_problem::not_an_integer:
    case csv_problem::out_of_range: decided = field_ended; break;
    default: break;  // none, an open quote, too few fields so far
  }
  if (decided) key = std::min(key, problem_key(begin + issue.offset, issue.problem));
  return key;
}

void throw_problem(const csv_source& source, const csv_layout& layout, std::uint64_t key, std::uint64_t row_begin,
                   std::uint64_t row_end) {
  throw io_error(problem_message(source, layout, key, row_begin, row_end));
}

// ------------------------------------------------------------------ the header
csv_header read_header(const csv_source& source, char delimiter) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    throw usage_error("csv_options: the delimiter cannot be a quote or a line break");
  }
  const std::uint64_t size = source.size();
  const std::string nothing = "expected a header line of column names, found an empty file";
  if (size == 0) throw io_error(located(source, 0, nothing));
  std::uint64_t begin = 0;
  if (size >= 3) {  // a UTF-8 byte order mark, as spreadsheets write
    char mark[3];
    source.read(0, mark);
    if (mark[0] == '\xEF' && mark[1] == '\xBB' && mark[2] == '\xBF') begin = 3;
  }
  if (begin == size) throw io_error(located(source, begin, nothing));

  // The header line: up to the first '\n' outside quotes.
  std::string line;
  bool quoted = false;
  std::uint64_t end = begin;
  for (bool found = false; !found && end < size;) {
    const std::uint64_t length = std::min<std::uint64_t>(std::uint64_t{1} << 16, size - end);
    std::string piece(length, '\0');
    source.read(end, piece);
    std::uint64_t i = 0;
    for (; i < length; ++i) {
      if (piece[i] == '"') quoted = !quoted;
      if (piece[i] == '\n' && !quoted) {
        found = true;
        break;
      }
    }
    line.append(piece, 0, i);
    end += i;
  }
  csv_header header;
  header.data_begin = end < size ? end + 1 : size;

  // Its bytes, then its quoting: the first problem of either.
  std::uint64_t key = first_byte_problem(line, line.size(), begin);
  std::vector<std::pair<const char*, const char*>> fields;
  const csv_issue issue = walk_row(line.data(), 0, line.size(), delimiter, 0, [&](std::uint32_t, const char* b, const char* e) {
    fields.emplace_back(b, e);
    return csv_problem::none;
  });
  if (issue.problem != csv_problem::none) key = std::min(key, problem_key(begin + issue.offset, issue.problem));
  if (key != no_problem_key) {
    const std::vector<column_kind> kinds;
    const csv_layout layout{&header, &kinds, delimiter};
    if (key_problem(key) == csv_problem::nul_byte || key_problem(key) == csv_problem::invalid_utf8) {
      throw_problem(source, layout, key, 0, 0);
    }
    throw io_error(located(source, key_offset(key), row_message(key_problem(key), line, issue.offset, layout, 0,
                                                                  nullptr, nullptr)));
  }

  // The names: present, unique, and not all of them numbers.
  bool all_numbers = true;
  for (const auto& [b, e] : fields) {
    const bool field_quoted = b > line.data() && b[-1] == '"';
    const std::uint64_t at = begin + static_cast<std::uint64_t>(b - line.data()) - (field_quoted ? 1 : 0);
    std::string name;
    for (const char* p = b; p < e; ++p) {
      name += *p;
      if (*p == '"') ++p;  // "" stands for one quote
    }
    if (name.empty()) throw io_error(located(source, at, "expected a column name, found an empty field"));
    for (std::size_t c = 0; c < header.names.size(); ++c) {
      if (header.names[c] == name) {
        throw io_error(located(source, at, "expected unique column names, found '" + name + "' again (column " +
                                               std::to_string(c + 1) + " has it too)"));
      }
    }
    double number = 0;
    all_numbers = all_numbers && std::from_chars(name.data(), name.data() + name.size(), number).ptr ==
                                     name.data() + name.size();
    header.names.push_back(std::move(name));
  }
  if (all_numbers) {
    throw io_error(located(source, begin, "expected a header line of column names, found a line of numbers only"));
  }
  return header;
}

std::vector<column_kind> declared_kinds(const csv_header& header, const csv_options& options,
                                        const std::string& source_name) {
  std::vector<column_kind> kinds(header.names.size(), column_kind::inferred);
  for (const auto& [name, dtype] : options.dtypes) {
    std::size_t c = 0;
    while (c < header.names.size() && header.names[c] != name) ++c;
    if (c == header.names.size()) {
      std::string known;
      for (const std::string& n : header.names) known += (known.empty() ? "" : ", ") + n;
      throw usage_error("csv_options declares a type for '" + name + "', which is not a column of " + source_name +
                        " (its columns: " + known + ")");
    }
    kinds[c] = dtype == csv_dtype::int64 ? column_kind::int64 : column_kind::float64;
  }
  return kinds;
}

std::vector<csv_dtype> column_types(const std::vector<column_kind>& kinds, const std::vector<std::uint32_t>& flags) {
  std::vector<csv_dtype> types(kinds.size());
  for (std::size_t c = 0; c < kinds.size(); ++c) {
    const bool integers = (flags[c] & column_has_value) != 0 && (flags[c] & column_has_real) == 0;
    types[c] = kinds[c] == column_kind::int64 || (kinds[c] == column_kind::inferred && integers) ? csv_dtype::int64
                                                                                                : csv_dtype::float64;
  }
  return types;
}

}  // namespace gpulab::dataframe::detail
