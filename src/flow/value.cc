#include "flow/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "base/json_text.h"
#include "base/strings.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {
namespace {

constexpr std::string_view kPrivateText = "[private]";

void append_json(std::string& out, const Value& v, bool reveal) {
  if (v.is_private() && !reveal) {
    append_json_string(out, kPrivateText);
    return;
  }
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::kNumber:
      // JSON has no NaN or infinity.
      out += std::isfinite(v.as_number()) ? format_number(v.as_number()) : "null";
      return;
    case Value::Kind::kString:
      append_json_string(out, v.as_string());
      return;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const auto& item : v.as_list()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item, reveal);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.as_map()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json(out, item, reveal);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string format_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";  // also for -0
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

std::optional<double> parse_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return 0.0;
  if (s.front() == '+') s.remove_prefix(1);  // from_chars refuses a leading '+'
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

Value Value::boolean(bool b, bool is_private) {
  Value v;
  v.data_ = b;
  v.private_ = is_private;
  return v;
}

Value Value::number(double d, bool is_private) {
  Value v;
  v.data_ = d;
  v.private_ = is_private;
  return v;
}

Value Value::string(std::string s, bool is_private) {
  Value v;
  v.data_ = std::move(s);
  v.private_ = is_private;
  return v;
}

Value Value::list(List items, bool is_private) {
  Value v;
  for (const auto& item : items) is_private = is_private || item.is_private();
  v.data_ = std::move(items);
  v.private_ = is_private;
  return v;
}

Value Value::map(Map members, bool is_private) {
  Value v;
  for (const auto& [key, item] : members) is_private = is_private || item.is_private();
  v.data_ = std::move(members);
  v.private_ = is_private;
  return v;
}

// Both assignments take the new data out of `other` before wiping this value, so that
// `v = v.as_list()[0]` (other inside this) does not wipe what it is about to keep.
Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    auto data = std::move(other.data_);
    const bool is_private = other.private_;
    wipe();
    data_ = std::move(data);
    private_ = is_private;
  }
  return *this;
}

Value Value::member(std::string_view key) const {
  Value out;
  if (const auto* m = std::get_if<Map>(&data_)) {
    for (const auto& [k, item] : *m) {
      if (k == key) {
        out = item;
        break;
      }
    }
  }
  return out.taint(private_);
}

Value Value::element(long index) const {
  Value out;
  if (const auto* l = std::get_if<List>(&data_)) {
    if (index >= 0 && static_cast<std::size_t>(index) < l->size()) out = (*l)[index];
  }
  return out.taint(private_);
}

bool Value::truthy() const {
  switch (kind()) {
    case Kind::kNull:
      return false;
    case Kind::kBool:
      return as_bool();
    case Kind::kNumber:
      return as_number() != 0 && !std::isnan(as_number());
    case Kind::kString:
      return !as_string().empty();
    case Kind::kList:
      return !as_list().empty();
    case Kind::kMap:
      return !as_map().empty();
  }
  return false;
}

std::string Value::to_text() const {
  switch (kind()) {
    case Kind::kNull:
      return "";
    case Kind::kBool:
      return as_bool() ? "true" : "false";
    case Kind::kNumber:
      return format_number(as_number());
    case Kind::kString:
      return as_string();
    case Kind::kList:
    case Kind::kMap:
      return to_json(true);
  }
  return "";
}

std::string Value::to_log() const {
  if (private_) return std::string(kPrivateText);
  if (kind() == Kind::kList || kind() == Kind::kMap) return to_json(false);
  return to_text();
}

std::string Value::to_json(bool reveal) const {
  std::string out;
  append_json(out, *this, reveal);
  return out;
}

std::string_view Value::kind_name() const {
  static constexpr std::string_view kNames[] = {"null",   "boolean", "number",
                                                "string", "list",    "map"};
  return kNames[data_.index()];
}

bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

void Value::wipe() {
  if (auto* s = std::get_if<std::string>(&data_)) {
    secure_wipe(*s);
  } else if (auto* l = std::get_if<List>(&data_)) {
    for (auto& item : *l) item.wipe();
  } else if (auto* m = std::get_if<Map>(&data_)) {
    for (auto& [key, item] : *m) {
      secure_wipe(key);
      item.wipe();
    }
  }
  data_ = std::monostate{};
}

}  // namespace keyline::flow
