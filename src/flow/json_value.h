// JSON text -> Value, for values that come back from outside the flow (the JS sandbox's
// outputs; later web-service responses). Strict RFC 8259, no exceptions, bounded depth.
#pragma once

#include <string_view>

#include "base/result.h"
#include "flow/value.h"

namespace keyline::flow {

// Parses one JSON value. Every part of the result is private when `is_private`. Errors (kind
// "json") give the byte offset of the problem and never quote the text, which may be private.
// Strings are copied into storage sized once, so no reallocation leaves a partial copy of a
// private string in freed memory.
Result<Value> parse_json_value(std::string_view text, bool is_private = false, int max_depth = 64);

}  // namespace keyline::flow
