#include "privacy/context.h"

#include <array>
#include <cstdint>
#include "base/strings.h"

namespace keyline::privacy {
namespace {

struct Keyword {
  std::string_view word;  // lower case
  bool whole;             // must end at a non-letter ("exp" but not "expected")
  ContextKind kind;
};

constexpr std::array<Keyword, 36> kKeywords{{
    {"cvv", false, ContextKind::kCvv},
    {"cvc", false, ContextKind::kCvv},
    {"cid", true, ContextKind::kCvv},
    {"csc", true, ContextKind::kCvv},
    {"security code", false, ContextKind::kCvv},
    {"card verification", false, ContextKind::kCvv},
    {"verification code", false, ContextKind::kCvv},
    {"exp", true, ContextKind::kExpiry},
    {"expir", false, ContextKind::kExpiry},
    {"expdate", false, ContextKind::kExpiry},
    {"valid thru", false, ContextKind::kExpiry},
    {"valid through", false, ContextKind::kExpiry},
    {"good thru", false, ContextKind::kExpiry},
    {"routing", false, ContextKind::kRouting},
    {"aba", true, ContextKind::kRouting},
    {"rtn", true, ContextKind::kRouting},
    {"transit", false, ContextKind::kRouting},
    {"account", false, ContextKind::kAccount},
    {"acct", false, ContextKind::kAccount},
    {"acc", true, ContextKind::kAccount},
    {"iban", true, ContextKind::kAccount},
    {"ssn", true, ContextKind::kSsn},
    {"social security", false, ContextKind::kSsn},
    {"dob", true, ContextKind::kDob},
    {"date of birth", false, ContextKind::kDob},
    {"birth", false, ContextKind::kDob},
    {"born", true, ContextKind::kDob},
    {"pin", true, ContextKind::kPin},
    {"pins", true, ContextKind::kPin},
    {"passcode", false, ContextKind::kPin},
    {"pass code", false, ContextKind::kPin},
    {"nhs", true, ContextKind::kHealth},
    {"mrn", true, ContextKind::kHealth},
    {"medical record", false, ContextKind::kHealth},
    {"patient", false, ContextKind::kHealth},
    {"member id", false, ContextKind::kHealth},
}};

bool matches_at(std::string_view text, std::size_t i, std::size_t limit, const Keyword& k) {
  if (i + k.word.size() > limit) return false;
  for (std::size_t j = 0; j < k.word.size(); ++j)
    if (ascii_lower(text[i + j]) != k.word[j]) return false;
  std::size_t after = i + k.word.size();
  return !k.whole || after >= text.size() || !ascii_letter(text[after]);
}

// Where the window may start: kContextWindow back, but after the last
// standalone number (a digit run that does not belong to a word like "cvv2").
std::size_t window_start(std::string_view text, std::size_t pos) {
  std::size_t floor = pos > kContextWindow ? pos - kContextWindow : 0;
  std::size_t i = pos;
  while (i > floor) {
    --i;
    if (!ascii_digit(text[i])) continue;
    std::size_t run = i;
    while (run > 0 && (ascii_digit(text[run - 1]) || ascii_letter(text[run - 1]))) --run;
    if (ascii_digit(text[run])) return i + 1;  // a number of its own
    i = run;                                   // digits inside a word: keep looking
  }
  return floor;
}

// Bit (c - 'a') is set when some keyword starts with letter c: most word
// starts are rejected with one test instead of a pass over every keyword.
constexpr std::uint32_t first_letters() {
  std::uint32_t mask = 0;
  for (const auto& k : kKeywords) mask |= 1u << (k.word[0] - 'a');
  return mask;
}

}  // namespace

ContextKind context_before(std::string_view text, std::size_t pos) {
  static constexpr std::uint32_t kFirstLetters = first_letters();
  if (pos > text.size()) pos = text.size();
  std::size_t start = window_start(text, pos);
  // The nearest word wins: scan backwards from the number.
  for (std::size_t i = pos; i-- > start;) {
    if (i > 0 && ascii_letter(text[i - 1])) continue;  // words start at a boundary
    if (!ascii_letter(text[i])) continue;
    if (!(kFirstLetters & (1u << (ascii_lower(text[i]) - 'a')))) continue;
    for (const auto& k : kKeywords)
      if (matches_at(text, i, pos, k)) return k.kind;
  }
  return ContextKind::kNone;
}

}  // namespace keyline::privacy
