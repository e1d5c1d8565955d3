#include "privacy/card.h"

#include <array>

namespace keyline::privacy {
namespace {

// One IIN range: the first `prefix_digits` digits of the PAN, read as a
// number, lie in [low, high]; the PAN has min_len..max_len digits.
struct IinRange {
  int prefix_digits;
  int low;
  int high;
  int min_len;
  int max_len;
  CardScheme scheme;
};

// The published ranges of the major schemes. More specific ranges come first:
// the first match wins (Discover's 622126–622925 sits inside UnionPay's 62).
constexpr std::array<IinRange, 21> kRanges{{
    {4, 2200, 2204, 16, 19, CardScheme::kMir},
    {4, 2221, 2720, 16, 16, CardScheme::kMastercard},
    {2, 51, 55, 16, 16, CardScheme::kMastercard},
    {2, 34, 34, 15, 15, CardScheme::kAmex},
    {2, 37, 37, 15, 15, CardScheme::kAmex},
    {4, 6011, 6011, 16, 19, CardScheme::kDiscover},
    {6, 622126, 622925, 16, 19, CardScheme::kDiscover},
    {3, 644, 649, 16, 19, CardScheme::kDiscover},
    {2, 65, 65, 16, 19, CardScheme::kDiscover},
    {4, 3528, 3589, 16, 19, CardScheme::kJcb},
    {3, 300, 305, 14, 19, CardScheme::kDinersClub},
    {2, 36, 36, 14, 19, CardScheme::kDinersClub},
    {2, 38, 39, 16, 19, CardScheme::kDinersClub},
    {2, 62, 62, 16, 19, CardScheme::kUnionPay},
    {2, 81, 81, 16, 19, CardScheme::kUnionPay},
    {2, 60, 60, 16, 16, CardScheme::kRuPay},
    {3, 508, 508, 16, 16, CardScheme::kRuPay},
    {1, 4, 4, 13, 19, CardScheme::kVisa},
    {2, 50, 50, 12, 19, CardScheme::kMaestro},
    {2, 56, 58, 12, 19, CardScheme::kMaestro},
    {2, 63, 69, 12, 19, CardScheme::kMaestro},
}};

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int prefix_value(std::string_view digits, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

}  // namespace

std::string_view card_scheme_name(CardScheme scheme) {
  switch (scheme) {
    case CardScheme::kVisa:
      return "visa";
    case CardScheme::kMastercard:
      return "mastercard";
    case CardScheme::kAmex:
      return "amex";
    case CardScheme::kDiscover:
      return "discover";
    case CardScheme::kJcb:
      return "jcb";
    case CardScheme::kDinersClub:
      return "diners";
    case CardScheme::kUnionPay:
      return "unionpay";
    case CardScheme::kMaestro:
      return "maestro";
    case CardScheme::kMir:
      return "mir";
    case CardScheme::kRuPay:
      return "rupay";
  }
  return "?";
}

bool luhn_valid(std::string_view digits) {
  if (!all_digits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (std::size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::optional<CardScheme> card_scheme(std::string_view digits) {
  if (digits.size() < 12 || digits.size() > 19 || !all_digits(digits)) return std::nullopt;
  int len = static_cast<int>(digits.size());
  for (const auto& r : kRanges) {
    int prefix = prefix_value(digits, r.prefix_digits);
    if (prefix < r.low || prefix > r.high) continue;
    if (len < r.min_len || len > r.max_len) continue;
    return r.scheme;
  }
  return std::nullopt;
}

bool is_pan(std::string_view digits) {
  return card_scheme(digits).has_value() && luhn_valid(digits);
}

}  // namespace keyline::privacy
