// A small JSON value, reader and writer for the API. Bodies are untrusted: the
// reader never throws, caps nesting depth, and reports line:column on error.
// Numbers are kept as doubles plus an "is integer" flag (integers up to 2^53
// are exact), which is all the API's documents need.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace keyline::api {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;  // keeps document order

  Json() = default;  // null
  Json(std::nullptr_t) {}
  Json(bool b) : v_(b) {}
  Json(int i) : v_(static_cast<double>(i)) {}
  Json(std::int64_t i) : v_(static_cast<double>(i)) {}
  Json(double d) : v_(d) {}
  Json(const char* s) : v_(std::string(s)) {}
  Json(std::string s) : v_(std::move(s)) {}
  Json(std::string_view s) : v_(std::string(s)) {}
  Json(Array a) : v_(std::move(a)) {}
  Json(Object o) : v_(std::move(o)) {}

  bool is_null() const { return v_.index() == 0; }
  bool is_bool() const { return v_.index() == 1; }
  bool is_number() const { return v_.index() == 2; }
  bool is_string() const { return v_.index() == 3; }
  bool is_array() const { return v_.index() == 4; }
  bool is_object() const { return v_.index() == 5; }

  bool as_bool() const { return std::get<1>(v_); }
  double as_number() const { return std::get<2>(v_); }
  // The number as an integer when it is one (no fraction, within ±2^53).
  std::optional<std::int64_t> as_integer() const;
  const std::string& as_string() const { return std::get<3>(v_); }
  const Array& as_array() const { return std::get<4>(v_); }
  Array& as_array() { return std::get<4>(v_); }
  const Object& as_object() const { return std::get<5>(v_); }
  Object& as_object() { return std::get<5>(v_); }

  // Object member lookup; nullptr when absent or when this is not an object.
  const Json* find(std::string_view key) const;
  // Appends a member (objects only; turns null into an empty object first).
  Json& set(std::string key, Json value);

  std::string dump() const;

 private:
  std::variant<std::nullptr_t, bool, double, std::string, Array, Object> v_;
};

// Parses exactly one JSON value (RFC 8259), at most `max_depth` levels deep.
// Errors are Error{kind="json", message="line L, column C: ..."}.
Result<Json> parse_json(std::string_view text, int max_depth = 32);

}  // namespace keyline::api
