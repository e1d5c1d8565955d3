// The built-in functions of the expression language. Each result is private when any argument
// is (a substring of a card number is still card data).
#include <algorithm>
#include <cmath>

#include "base/strings.h"
#include "flow/expression_ast.h"

namespace keyline::flow {
namespace {

struct FunctionInfo {
  std::string_view name;
  std::size_t min_args;
  std::size_t max_args;
};

constexpr FunctionInfo kFunctions[] = {
    {"len", 1, 1},   {"substr", 2, 3}, {"contains", 2, 2}, {"upper", 1, 1},
    {"lower", 1, 1}, {"number", 1, 1}, {"string", 1, 1},
};

bool any_private(const std::vector<Value>& args) {
  for (const auto& a : args) {
    if (a.is_private()) return true;
  }
  return false;
}

Error needs(std::string_view fn, std::string_view what, const Value& got) {
  return make_error("expression", std::string(fn) + "() needs " + std::string(what) + ", not a " +
                                      std::string(got.kind_name()));
}

// Whole numbers for positions: substr("abc", 1.5) is a mistake worth reporting.
std::optional<long> whole(const Value& v) {
  if (v.kind() != Value::Kind::kNumber) return std::nullopt;
  const double d = v.as_number();
  if (d != std::floor(d) || std::abs(d) > 1e9) return std::nullopt;
  return static_cast<long>(d);
}

}  // namespace

bool is_known_function(std::string_view name, std::size_t count, std::string* problem) {
  for (const auto& f : kFunctions) {
    if (f.name != name) continue;
    if (count >= f.min_args && count <= f.max_args) return true;
    *problem = std::string(name) + "() takes " + std::to_string(f.min_args) +
               (f.max_args != f.min_args ? " or " + std::to_string(f.max_args) : "") + " argument" +
               (f.max_args == 1 ? "" : "s");
    return false;
  }
  std::string list;
  for (const auto& f : kFunctions) list += (list.empty() ? "" : ", ") + std::string(f.name);
  *problem = "unknown function '" + std::string(name) + "' (known: " + list + ")";
  return false;
}

Result<Value> call_function(const std::string& name, const std::vector<Value>& args) {
  const bool tainted = any_private(args);
  const Value& a = args.at(0);  // the parser checked the argument count
  if (name == "len") {
    switch (a.kind()) {
      case Value::Kind::kString:
        return Value::number(static_cast<double>(a.as_string().size()), tainted);
      case Value::Kind::kList:
        return Value::number(static_cast<double>(a.as_list().size()), tainted);
      case Value::Kind::kMap:
        return Value::number(static_cast<double>(a.as_map().size()), tainted);
      default:
        return needs(name, "a string, list or map", a);
    }
  }
  if (name == "substr") {
    if (a.kind() != Value::Kind::kString) return needs(name, "a string", a);
    auto start = whole(args[1]);
    if (!start) return needs(name, "a whole-number start", args[1]);
    const long size = static_cast<long>(a.as_string().size());
    // A negative start counts from the end, as in JavaScript's slice(): substr(pan, -4).
    long from = *start < 0 ? std::max(0L, size + *start) : std::min(*start, size);
    long count = size - from;
    if (args.size() == 3) {
      auto n = whole(args[2]);
      if (!n || *n < 0) return needs(name, "a count of 0 or more", args[2]);
      count = std::min(count, *n);
    }
    return Value::string(a.as_string().substr(from, count), tainted);
  }
  if (name == "contains") {
    const Value& needle = args[1];
    if (a.kind() == Value::Kind::kString) {
      if (needle.kind() != Value::Kind::kString) return needs(name, "a string to look for", needle);
      return Value::boolean(a.as_string().find(needle.as_string()) != std::string::npos, tainted);
    }
    if (a.kind() == Value::Kind::kList) {
      for (const auto& item : a.as_list()) {
        if (item == needle) return Value::boolean(true, tainted);
      }
      return Value::boolean(false, tainted);
    }
    if (a.kind() == Value::Kind::kMap) {
      if (needle.kind() != Value::Kind::kString) return needs(name, "a key", needle);
      return Value::boolean(!a.member(needle.as_string()).is_null(), tainted);
    }
    return needs(name, "a string, list or map", a);
  }
  if (name == "upper" || name == "lower") {
    if (a.kind() != Value::Kind::kString) return needs(name, "a string", a);
    std::string s = a.as_string();
    for (char& c : s) {
      if (name == "upper" && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (name == "lower") c = ascii_lower(c);
    }
    return Value::string(std::move(s), tainted);
  }
  if (name == "number") {
    if (a.kind() == Value::Kind::kNumber) return a;
    if (a.kind() == Value::Kind::kBool) return Value::number(a.as_bool() ? 1 : 0, tainted);
    if (a.kind() == Value::Kind::kString) {
      if (auto d = parse_number(a.as_string()); d && !a.as_string().empty())
        return Value::number(*d, tainted);
      return make_error("expression", "number() was given a string that is not a number");
    }
    return needs(name, "a string, number or boolean", a);
  }
  if (name == "string") return Value::string(a.to_text(), tainted);
  return make_error("expression", "unknown function");
}

}  // namespace keyline::flow
