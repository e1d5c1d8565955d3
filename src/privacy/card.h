// Payment card numbers (PANs): the Luhn check and the issuer (IIN) ranges of
// the major schemes. A digit string is treated as a PAN only when both agree,
// so order numbers and phone numbers that happen to pass Luhn stay ordinary.
#pragma once

#include <optional>
#include <string_view>

namespace keyline::privacy {

enum class CardScheme {
  kVisa,
  kMastercard,
  kAmex,
  kDiscover,
  kJcb,
  kDinersClub,
  kUnionPay,
  kMaestro,
  kMir,
  kRuPay,
};

std::string_view card_scheme_name(CardScheme scheme);

// True when every character is a digit and the Luhn (mod 10) sum is 0.
bool luhn_valid(std::string_view digits);

// The scheme whose IIN range and length fit `digits` (digits only, 12–19).
std::optional<CardScheme> card_scheme(std::string_view digits);

// A PAN: 12–19 digits, Luhn-valid, inside a known scheme's IIN range.
bool is_pan(std::string_view digits);

}  // namespace keyline::privacy
