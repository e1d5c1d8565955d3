// Health identifiers, described by a small pattern language instead of
// regular expressions (no backtracking, linear time, easy to read in config):
//
//   #   one digit            @   one letter (A–Z, a–z)
//   ?   one letter or digit  \x  the character x itself
//   anything else            itself (letters match in either case)
//
// A match must not touch a letter or digit on either side, so "###" never
// matches inside a longer number. An optional check validates the digits of
// a match: "luhn" or "mod11" (the NHS number's check digit).
// Example: NHS numbers are "### ### ####" with check mod11; a hospital's
// medical record numbers might be "MRN-@@######".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::privacy {

enum class HealthCheck { kNone, kLuhn, kMod11 };

struct HealthPattern {
  std::string name;     // shown in errors and docs, never in masked output
  std::string pattern;  // the language above, 1–64 elements
  HealthCheck check = HealthCheck::kNone;
};

// Validates a pattern: non-empty, at most 64 elements, at least one # or ?,
// no dangling backslash, a known check name ("none", "luhn", "mod11").
Result<HealthPattern> make_health_pattern(std::string name, std::string pattern,
                                          std::string_view check);

// The built-in NHS number patterns (10 digits, bare or 3-3-4 spaced/dashed).
const std::vector<HealthPattern>& builtin_health_patterns();

// NHS number check: weights 10..2 over the first nine digits, check digit
// 11 − (sum mod 11), where 11 means 0 and 10 means invalid.
bool nhs_number_valid(std::string_view digits);

// The end offset of a match of `p` starting at text[pos], honouring the
// boundary rule and the check; nullopt when there is none.
std::optional<std::size_t> match_health_pattern(const HealthPattern& p, std::string_view text,
                                                std::size_t pos);

}  // namespace keyline::privacy
