#include "speech/ssml_values.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "base/strings.h"

namespace keyline::speech {
namespace {

// The whole of `s` as a non-negative number, or nullopt.
template <class T>
std::optional<T> whole_number(std::string_view s, int base = 10) {
  T value{};
  if (s.empty()) return std::nullopt;
  std::from_chars_result r{};
  if constexpr (std::is_floating_point_v<T>)
    r = std::from_chars(s.data(), s.data() + s.size(), value);
  else
    r = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  if constexpr (std::is_signed_v<T>) {
    if (value < 0) return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<int> parse_ssml_duration(std::string_view s) {
  const bool ms = s.ends_with("ms");
  if (!ms && !s.ends_with("s")) return std::nullopt;
  s.remove_suffix(ms ? 2 : 1);
  auto value = whole_number<double>(s);
  // The bound keeps the int conversion defined; callers cap far lower.
  if (!value || *value > 1e6) return std::nullopt;
  return static_cast<int>(ms ? *value : *value * 1000);
}

std::optional<double> parse_ssml_rate(std::string_view s, double enclosing) {
  static constexpr std::array<std::pair<std::string_view, double>, 6> kWords = {{{"x-slow", 0.5},
                                                                                 {"slow", 0.75},
                                                                                 {"medium", 1.0},
                                                                                 {"default", 1.0},
                                                                                 {"fast", 1.25},
                                                                                 {"x-fast", 1.5}}};
  for (auto [word, rate] : kWords)
    if (s == word) return rate;
  if (!s.ends_with('%')) return std::nullopt;
  s.remove_suffix(1);
  const char sign = s.empty() ? '\0' : s.front();
  if (sign == '+' || sign == '-') s.remove_prefix(1);
  auto pct = whole_number<double>(s);
  if (!pct || *pct > 1000) return std::nullopt;
  if (sign == '+') return enclosing * (1 + *pct / 100);
  if (sign == '-') return enclosing * (1 - *pct / 100);
  return *pct / 100;
}

std::optional<int> parse_break_strength(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, int>, 6> kStrengths = {
      {{"none", 0},
       {"x-weak", 100},
       {"weak", 250},
       {"medium", 500},
       {"strong", 750},
       {"x-strong", 1000}}};
  for (auto [name, ms] : kStrengths)
    if (s == name) return ms;
  return std::nullopt;
}

bool decode_entity(std::string_view entity, std::string& out) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> kNamed = {
      {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}}};
  for (auto [name, c] : kNamed) {
    if (entity == name) {
      out += c;
      return true;
    }
  }
  if (entity.size() < 2 || entity[0] != '#') return false;
  const bool hex = entity[1] == 'x' || entity[1] == 'X';
  auto cp = whole_number<std::uint32_t>(entity.substr(hex ? 2 : 1), hex ? 16 : 10);
  // NUL, surrogates and beyond Unicode are not characters.
  if (!cp || *cp == 0 || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return false;
  append_utf8(out, *cp);
  return true;
}

}  // namespace keyline::speech
