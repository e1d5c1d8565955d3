// The bulk queue's CSV (docs/api.md, "Queue calls from a CSV"): a header row, then one call per
// row. Column `destination` is the phone number (Plum's format, destination.h), `ani` an optional
// caller id, and every other column a call parameter of that name. RFC 4180 quoting ("a, b",
// "say ""hi""") and CRLF or LF line ends. Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::outbound {

struct CsvCall {
  int line = 0;  // 1-based line of the row in the file (the header is line 1)
  std::string destination;
  std::string ani;
  std::map<std::string, std::string> parameters;
};

struct CsvProblem {
  int line = 0;
  std::string message;
};

struct CsvCalls {
  std::vector<CsvCall> calls;
  std::vector<CsvProblem> problems;  // per row; the whole file is refused when any
};

// At most `max_rows` rows. A file-level problem (no header, no destination column, bad
// quoting) is an Error; row problems are collected.
Result<CsvCalls> parse_bulk_csv(std::string_view text, std::size_t max_rows);

}  // namespace keyline::outbound
