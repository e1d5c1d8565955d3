#include "flow/compare.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "base/strings.h"

namespace keyline::flow {
namespace {

double to_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return 0;
  if (s.front() == '+') s.remove_prefix(1);  // from_chars refuses a leading '+'
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    return std::numeric_limits<double>::quiet_NaN();
  return v;
}

// Boolean comparison: true/yes/1 and false/no/0/"" (any case); anything else is NaN, so only
// != holds for it.
double to_boolean(std::string_view s) {
  const std::string t = to_lower(trim(s));
  if (t == "true" || t == "yes" || t == "1") return 1;
  if (t == "false" || t == "no" || t == "0" || t.empty()) return 0;
  return std::numeric_limits<double>::quiet_NaN();
}

template <class T>
bool apply(const T& a, CompareOp op, const T& b) {
  switch (op) {
    case CompareOp::kEqual:
      return a == b;
    case CompareOp::kNotEqual:
      return !(a == b);  // true for NaN, as in JavaScript
    case CompareOp::kGreater:
      return a > b;
    case CompareOp::kLess:
      return a < b;
    case CompareOp::kGreaterEqual:
      return a >= b;
    case CompareOp::kLessEqual:
      return a <= b;
  }
  return false;
}

}  // namespace

bool compare_values(std::string_view left, CompareOp op, std::string_view right, CompareType type) {
  if (type == CompareType::kNumber) return apply(to_number(left), op, to_number(right));
  if (type == CompareType::kBoolean) return apply(to_boolean(left), op, to_boolean(right));
  return apply(left, op, right);
}

}  // namespace keyline::flow
