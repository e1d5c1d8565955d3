#include "privacy/bank.h"

namespace keyline::privacy {

bool aba_routing_valid(std::string_view digits) {
  if (digits.size() != 9) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  int prefix = (digits[0] - '0') * 10 + (digits[1] - '0');
  bool assigned = prefix <= 12 || (prefix >= 21 && prefix <= 32) ||
                  (prefix >= 61 && prefix <= 72) || prefix == 80;
  if (!assigned) return false;
  static constexpr int kWeights[3] = {3, 7, 1};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += kWeights[i % 3] * (digits[i] - '0');
  return sum % 10 == 0;
}

}  // namespace keyline::privacy
