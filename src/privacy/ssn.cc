#include "privacy/ssn.h"

namespace keyline::privacy {
namespace {

int number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool ssn_valid(std::string_view digits) {
  if (digits.size() != 9) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  int area = number(digits.substr(0, 3));
  int group = number(digits.substr(3, 2));
  int serial = number(digits.substr(5, 4));
  if (area == 0 || area == 666 || area >= 900) return false;
  return group != 0 && serial != 0;
}

}  // namespace keyline::privacy
