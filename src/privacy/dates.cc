#include "privacy/dates.h"
#include "base/strings.h"

namespace keyline::privacy {
namespace {

// Reads up to `max` digits at text[pos]; returns how many.
int read_number(std::string_view text, std::size_t pos, int max, int& value) {
  int n = 0;
  value = 0;
  while (pos + n < text.size() && n < max && ascii_digit(text[pos + n])) {
    value = value * 10 + (text[pos + n] - '0');
    ++n;
  }
  return n;
}

bool valid_day_month(int day, int month) {
  static constexpr int kDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 && day <= kDays[month - 1];
}

bool plausible_year(int year, int width) { return width == 2 || (year >= 1880 && year <= 2199); }

}  // namespace

std::optional<DateToken> date_token_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || !ascii_digit(text[pos])) return std::nullopt;
  if (pos > 0 && ascii_alnum(text[pos - 1])) return std::nullopt;
  DateToken t;
  t.begin = pos;
  std::size_t at = pos;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (at >= text.size()) break;
      char sep = text[at];
      if (sep != '/' && sep != '-' && sep != '.') break;
      if (part == 1) t.separator = sep;
      if (sep != t.separator) break;
      if (at + 1 >= text.size() || !ascii_digit(text[at + 1])) break;
      ++at;
    }
    int value = 0;
    int n = read_number(text, at, 4, value);
    if (n == 0) break;
    // A fifth digit means this is not a date part.
    if (at + n < text.size() && ascii_digit(text[at + n])) return std::nullopt;
    t.value[part] = value;
    t.width[part] = n;
    t.parts = part + 1;
    at += n;
  }
  if (t.parts < 2) return std::nullopt;
  if (at < text.size() && ascii_alnum(text[at])) return std::nullopt;
  // "12/27." ends a sentence: the dot is not a separator of a third part.
  t.end = at;
  return t;
}

bool is_expiry(const DateToken& t) {
  if (t.parts != 2 || t.separator == '.') return false;
  return t.width[0] <= 2 && t.value[0] >= 1 && t.value[0] <= 12 &&
         (t.width[1] == 2 || (t.width[1] == 4 && t.value[1] >= 2000 && t.value[1] <= 2099));
}

bool is_full_date(const DateToken& t) {
  if (t.parts != 3) return false;
  if (t.width[0] == 4)  // YYYY-MM-DD
    return t.width[1] <= 2 && t.width[2] <= 2 && plausible_year(t.value[0], 4) &&
           valid_day_month(t.value[2], t.value[1]);
  if (t.width[0] > 2 || t.width[1] > 2) return false;
  if (t.width[2] != 2 && t.width[2] != 4) return false;
  if (!plausible_year(t.value[2], t.width[2])) return false;
  // Day-first or month-first: either reading makes it a date.
  return valid_day_month(t.value[0], t.value[1]) || valid_day_month(t.value[1], t.value[0]);
}

bool is_compact_date(std::string_view digits) {
  if (digits.size() != 8) return false;
  int v[8];
  for (int i = 0; i < 8; ++i) {
    if (!ascii_digit(digits[i])) return false;
    v[i] = digits[i] - '0';
  }
  auto num = [&](int from, int n) {
    int x = 0;
    for (int i = 0; i < n; ++i) x = x * 10 + v[from + i];
    return x;
  };
  int y_first = num(0, 4), y_last = num(4, 4);
  if (plausible_year(y_first, 4) && valid_day_month(num(6, 2), num(4, 2))) return true;
  if (!plausible_year(y_last, 4)) return false;
  return valid_day_month(num(0, 2), num(2, 2)) || valid_day_month(num(2, 2), num(0, 2));
}

bool is_iso_date(const DateToken& t) {
  return t.parts == 3 && t.separator == '-' && t.width[0] == 4 && is_full_date(t);
}

}  // namespace keyline::privacy
