// A strict RFC 8259 syntax check run before yaml-cpp builds the tree. yaml-cpp parses JSON as
// YAML, so on its own it accepts things that are not JSON (`[1,,2]`, bare words) and reports
// JSON mistakes — a missing comma, an unterminated string — far from where they are. App
// builders need the exact place of a typo.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyline::flow {

struct JsonSyntaxError {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
  std::string message;
};

// nullopt if `text` is one well-formed JSON value (surrounded by optional whitespace).
std::optional<JsonSyntaxError> check_json_syntax(std::string_view text);

}  // namespace keyline::flow
