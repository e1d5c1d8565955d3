// JSON text -> Value, for web-service responses and the JS sandbox's outputs. Untrusted input:
// every error is a value (with a byte offset, never a piece of the text, which may be private),
// nesting is bounded.
#pragma once

#include <string_view>

#include "base/result.h"
#include "flow/value.h"

namespace keyline::flow {

inline constexpr int kMaxJsonDepth = 64;

// The whole text must be one JSON value (surrounding whitespace allowed). Every string and
// number in the result carries `is_private`.
Result<Value> parse_json_value(std::string_view text, bool is_private = false,
                               int max_depth = kMaxJsonDepth);

// CSV text (RFC 4180: commas, "quoted, fields" with "" for a quote) -> a list with one map per
// row, keyed by the first row's column names. Values are strings.
Result<Value> parse_csv_value(std::string_view text, bool is_private = false);

}  // namespace keyline::flow
