#include "privacy/health.h"

#include "base/strings.h"
#include "privacy/card.h"

namespace keyline::privacy {
namespace {

bool check_passes(HealthCheck check, std::string_view digits) {
  switch (check) {
    case HealthCheck::kNone:
      return true;
    case HealthCheck::kLuhn:
      return luhn_valid(digits);
    case HealthCheck::kMod11:
      return nhs_number_valid(digits);
  }
  return false;
}

}  // namespace

Result<HealthPattern> make_health_pattern(std::string name, std::string pattern,
                                          std::string_view check) {
  HealthPattern p{std::move(name), std::move(pattern), HealthCheck::kNone};
  if (check == "luhn")
    p.check = HealthCheck::kLuhn;
  else if (check == "mod11")
    p.check = HealthCheck::kMod11;
  else if (!check.empty() && check != "none")
    return make_error("privacy", "check must be one of none, luhn, mod11");
  std::size_t elements = 0;
  bool has_variable = false;
  for (std::size_t i = 0; i < p.pattern.size(); ++i) {
    char c = p.pattern[i];
    if (c == '\\') {
      if (++i == p.pattern.size()) return make_error("privacy", "pattern ends with a backslash");
    } else if (c == '#' || c == '?') {
      has_variable = true;
    }
    ++elements;
  }
  if (elements == 0) return make_error("privacy", "pattern is empty");
  if (elements > 64) return make_error("privacy", "pattern is longer than 64 elements");
  if (!has_variable)
    return make_error("privacy", "pattern needs at least one # (digit) or ? (letter or digit)");
  return p;
}

const std::vector<HealthPattern>& builtin_health_patterns() {
  static const std::vector<HealthPattern> kPatterns = {
      {"nhs", "##########", HealthCheck::kMod11},
      {"nhs", "### ### ####", HealthCheck::kMod11},
      {"nhs", "###-###-####", HealthCheck::kMod11},
  };
  return kPatterns;
}

bool nhs_number_valid(std::string_view digits) {
  if (digits.size() != 10) return false;
  for (char c : digits)
    if (!ascii_digit(c)) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return false;
  return check == digits[9] - '0';
}

std::optional<std::size_t> match_health_pattern(const HealthPattern& p, std::string_view text,
                                                std::size_t pos) {
  if (pos >= text.size() || p.pattern.empty()) return std::nullopt;
  if (pos > 0 && ascii_alnum(text[pos - 1])) return std::nullopt;
  // Most positions fail on the first element: test it before anything else.
  char first = p.pattern[0];
  if (first == '#' && !ascii_digit(text[pos])) return std::nullopt;
  if (first == '@' && !ascii_letter(text[pos])) return std::nullopt;
  std::size_t at = pos;
  std::string digits;
  for (std::size_t i = 0; i < p.pattern.size(); ++i, ++at) {
    if (at >= text.size()) return std::nullopt;
    char want = p.pattern[i];
    char got = text[at];
    if (want == '\\') {
      if (ascii_lower(p.pattern[++i]) != ascii_lower(got)) return std::nullopt;
    } else if (want == '#') {
      if (!ascii_digit(got)) return std::nullopt;
      digits.push_back(got);
    } else if (want == '@') {
      if (!ascii_letter(got)) return std::nullopt;
    } else if (want == '?') {
      if (!ascii_alnum(got)) return std::nullopt;
      if (ascii_digit(got)) digits.push_back(got);
    } else if (ascii_lower(want) != ascii_lower(got)) {
      return std::nullopt;
    }
  }
  if (at < text.size() && ascii_alnum(text[at])) return std::nullopt;
  if (!check_passes(p.check, digits)) return std::nullopt;
  return at;
}

}  // namespace keyline::privacy
