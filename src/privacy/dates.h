// Dates as people type them: card expiries (MM/YY, MM/YYYY) and dates of
// birth (YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, or eight bare digits). Neither
// is sensitive on its own — a date is just a date — so the recognisers use
// these shapes only next to a context word ("exp", "date of birth").
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace keyline::privacy {

// Two or three numbers joined by one repeated separator ('/', '-' or '.').
struct DateToken {
  std::size_t begin = 0;  // offsets into the scanned text
  std::size_t end = 0;
  int parts = 0;  // 2 or 3
  int value[3] = {0, 0, 0};
  int width[3] = {0, 0, 0};  // digits in each part
  char separator = 0;
};

// The date-shaped token starting at text[pos] (a digit not preceded by a
// letter or digit), if any.
std::optional<DateToken> date_token_at(std::string_view text, std::size_t pos);

// MM/YY or MM/YYYY with a month 1–12.
bool is_expiry(const DateToken& t);
// A calendar date in one of the three-part orders, with a 4-digit year
// (or a 2-digit year last).
bool is_full_date(const DateToken& t);
// Eight digits forming YYYYMMDD, DDMMYYYY or MMDDYYYY.
bool is_compact_date(std::string_view digits);
// YYYY-MM-DD: what machines write (log timestamps); kept as it is unless a
// date-of-birth context says otherwise.
bool is_iso_date(const DateToken& t);

}  // namespace keyline::privacy
