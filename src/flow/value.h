// Value: one variable's data — null, boolean, number, string, list or map, as JSON has them —
// plus a PRIVATE taint. The taint is part of the value, so it survives every copy and every
// derivation: an expression over a private operand gives a private result, an element read out
// of a private list is private, and a list holding a private element is private. Sinks (call
// log, TTS cache, events) ask is_private() or render with to_log(), which shows "[private]".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace keyline::flow {

class Value {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kList, kMap };
  using List = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;  // insertion order, keys unique

  Value() = default;  // null
  static Value boolean(bool b, bool is_private = false);
  static Value number(double d, bool is_private = false);
  static Value string(std::string s, bool is_private = false);
  // A container is private when it is marked so or when any element is.
  static Value list(List items, bool is_private = false);
  static Value map(Map members, bool is_private = false);

  Value(const Value&) = default;
  Value& operator=(const Value& other);
  Value(Value&&) noexcept = default;
  Value& operator=(Value&& other) noexcept;
  ~Value() { wipe(); }  // call data is overwritten, not merely freed

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_private() const { return private_; }
  // Taints (never un-taints: nothing derived from a private value may become public).
  Value& taint(bool is_private = true) {
    private_ = private_ || is_private;
    return *this;
  }

  bool as_bool() const { return std::get<bool>(data_); }
  double as_number() const { return std::get<double>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const List& as_list() const { return std::get<List>(data_); }
  const Map& as_map() const { return std::get<Map>(data_); }

  // Member of a map (null when absent or not a map), element of a list (null when out of
  // range); the result carries this value's taint as well as its own.
  Value member(std::string_view key) const;
  Value element(long index) const;

  // JavaScript-like truthiness: false, null, 0, NaN, "" and empty containers are false.
  bool truthy() const;

  // The text a prompt says or {{var}} inserts: strings as they are, numbers in shortest form
  // ("12", "2.5"), true/false, "" for null, JSON for containers. Private values included —
  // only for sinks that are allowed to see them (TTS with caching off, the caller's ear).
  std::string to_text() const;
  // As to_text(), but "[private]" for a private value: safe for logs and error messages.
  std::string to_log() const;
  // JSON text; private parts as the JSON string "[private]" unless `reveal`.
  std::string to_json(bool reveal = false) const;

  std::string_view kind_name() const;  // "null", "boolean", "number", "string", "list", "map"

  // Deep equality of data (taint is not compared).
  friend bool operator==(const Value& a, const Value& b);

  // Overwrites every string (and map key) this value owns, then makes it null.
  void wipe();

 private:
  std::variant<std::monostate, bool, double, std::string, List, Map> data_;
  bool private_ = false;
};

// Shortest text of a number that reads back to the same double ("3", "0.1", "1e+21").
std::string format_number(double d);

// Parses JavaScript-Number-like text: surrounding blanks ignored, "" is 0; nullopt when the
// text is not a number.
std::optional<double> parse_number(std::string_view text);

}  // namespace keyline::flow
