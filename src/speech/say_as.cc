#include "speech/say_as.h"

#include <array>
#include <cctype>
#include <utility>

namespace keyline::speech {
namespace {

using Groups = std::vector<std::string>;

// A say-as value is a number, a date, a phone number: anything longer is a
// mistake in the app, and bounding it bounds the work.
constexpr std::size_t kMaxSayAsBytes = 256;

constexpr std::array<const char*, 20> kOnes = {
    "zero",     "one",     "two",     "three",     "four",     "five",    "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<const char*, 10> kTens = {"",      "",      "twenty",  "thirty", "forty",
                                               "fifty", "sixty", "seventy", "eighty", "ninety"};
constexpr std::array<const char*, 7> kScales = {"",         "thousand",    "million",    "billion",
                                                "trillion", "quadrillion", "quintillion"};
constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};

Error fail(std::string_view type, std::string_view why) {
  return make_error("say-as", std::string(type) + ": " + std::string(why));
}

void append(std::string& out, std::string_view words) {
  if (words.empty()) return;
  if (!out.empty()) out += ' ';
  out += words;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return !s.empty();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Digit strings of at most 18 digits fit in uint64 without overflow.
std::uint64_t to_number(std::string_view digits) {
  std::uint64_t n = 0;
  for (char c : digits) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

std::string below_thousand(unsigned n) {
  std::string out;
  if (n >= 100) {
    append(out, kOnes[n / 100]);
    append(out, "hundred");
    n %= 100;
  }
  if (n >= 20) {
    append(out, kTens[n / 10]);
    if (n % 10 != 0) append(out, kOnes[n % 10]);
  } else if (n > 0) {
    append(out, kOnes[n]);
  }
  return out;
}

std::string ordinal_words(unsigned n) {
  std::string words = number_words(n);
  const auto space = words.rfind(' ');
  const std::size_t start = space == std::string::npos ? 0 : space + 1;
  const std::string last = words.substr(start);
  static constexpr std::array<std::pair<const char*, const char*>, 7> kIrregular = {
      {{"one", "first"},
       {"two", "second"},
       {"three", "third"},
       {"five", "fifth"},
       {"eight", "eighth"},
       {"nine", "ninth"},
       {"twelve", "twelfth"}}};
  for (auto [cardinal, ordinal] : kIrregular)
    if (last == cardinal) return words.substr(0, start) + ordinal;
  if (last.back() == 'y') return words.substr(0, words.size() - 1) + "ieth";  // twentieth
  return words + "th";
}

// Years as people say them: 2026 "twenty twenty six", 1905 "nineteen oh
// five", 1900 "nineteen hundred", 2005 "two thousand five".
std::string year_words(unsigned y) {
  if (y < 1000 || y > 9999 || (y >= 2000 && y < 2010) || y % 1000 == 0) return number_words(y);
  const unsigned hi = y / 100, lo = y % 100;
  if (lo == 0) return below_thousand(hi) + " hundred";
  if (lo < 10) return below_thousand(hi) + " oh " + kOnes[lo];
  return below_thousand(hi) + " " + below_thousand(lo);
}

// A decimal as written in a prompt: optional sign, digits with optional
// thousands commas, optional fraction.
struct Decimal {
  bool negative = false;
  std::string whole;     // digits, leading zeros removed ("" for zero)
  std::string fraction;  // digits after the point, as written
  bool point = false;
};

std::optional<Decimal> parse_decimal(std::string_view s) {
  Decimal d;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    d.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::size_t i = 0;
  bool any = false;
  for (; i < s.size() && (is_digit(s[i]) || s[i] == ','); ++i) {
    if (s[i] == ',' && (i == 0 || !is_digit(s[i - 1]))) return std::nullopt;
    if (s[i] == ',') continue;
    any = true;
    if (!d.whole.empty() || s[i] != '0') d.whole += s[i];
  }
  if (i < s.size() && s[i] == '.') {
    d.point = true;
    d.fraction = std::string(s.substr(i + 1));
    if (!all_digits(d.fraction)) return std::nullopt;
    i = s.size();
  }
  if (i != s.size() || (!any && d.fraction.empty()) || (!s.empty() && s.back() == ','))
    return std::nullopt;
  if (d.whole.size() > 18) return std::nullopt;
  return d;
}

std::string spaced_characters(std::string_view s) {
  std::string out;
  for (char c : s) append(out, std::string(1, upper(c)));
  return out;
}

Result<Groups> say_digits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_digit(c))
      append(out, std::string(1, c));
    else if (c != ' ' && c != '-')
      return fail("digits", "only digits, spaces and dashes allowed");
  }
  if (out.empty()) return fail("digits", "no digits");
  return Groups{out};
}

Result<Groups> say_characters(std::string_view text) {
  static constexpr std::array<std::pair<char, const char*>, 10> kSymbols = {{{'-', "dash"},
                                                                             {'.', "dot"},
                                                                             {'@', "at"},
                                                                             {'#', "pound"},
                                                                             {'*', "star"},
                                                                             {'_', "underscore"},
                                                                             {'/', "slash"},
                                                                             {'+', "plus"},
                                                                             {'&', "and"},
                                                                             {'%', "percent"}}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {  // a UTF-8 letter: keep its bytes together
      std::size_t end = i + 1;
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
      append(out, text.substr(i, end - i));
      i = end - 1;
    } else if (is_digit(c) || is_alpha(c)) {
      append(out, std::string(1, upper(c)));
    } else {
      for (auto [symbol, word] : kSymbols)
        if (c == symbol) append(out, word);
    }
  }
  if (out.empty()) return fail("characters", "nothing to spell");
  return Groups{out};
}

Result<Groups> say_number(std::string_view text, bool english) {
  auto d = parse_decimal(text);
  if (!d) return fail("number", "not a number (digits, optional sign, commas and point)");
  if (!english) return Groups{std::string(text)};
  std::string out = d->negative ? "minus" : "";
  append(out, number_words(to_number(d->whole)));
  if (!d->fraction.empty()) {
    append(out, "point");
    for (char c : d->fraction) append(out, kOnes[static_cast<std::size_t>(c - '0')]);
  }
  return Groups{out};
}

Result<Groups> say_currency(std::string_view text, bool english) {
  std::string_view amount = text;
  bool negative = false;
  if (!amount.empty() && amount.front() == '-') negative = true, amount.remove_prefix(1);
  if (!amount.empty() && amount.front() == '$') amount.remove_prefix(1);
  auto d = parse_decimal(amount);
  if (!d || d->negative || d->fraction.size() > 2 || (d->point && d->fraction.empty()))
    return fail("currency", "not an amount (like 12.18 or $1,250.00)");
  if (!english) return Groups{std::string(text)};
  const std::uint64_t dollars = to_number(d->whole);
  const std::uint64_t cents =
      d->fraction.empty() ? 0 : to_number(d->fraction) * (d->fraction.size() == 1 ? 10 : 1);
  std::string out = negative ? "minus" : "";
  if (dollars > 0 || cents == 0)
    append(out, number_words(dollars) + (dollars == 1 ? " dollar" : " dollars"));
  if (dollars > 0 && cents > 0) append(out, "and");
  if (cents > 0) append(out, number_words(cents) + (cents == 1 ? " cent" : " cents"));
  return Groups{out};
}

// Splits "2026-11-25", "11/25/2026" or "25.11.2026" into its fields.
std::vector<std::string_view> date_fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-' || s[i] == '/' || s[i] == '.') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

int days_in_month(int month, int year) {  // year 0: unknown, so February has 29
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && year != 0 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    return 28;
  return kDays[static_cast<std::size_t>(month - 1)];
}

Result<Groups> say_date(std::string_view text, std::string_view format, bool english) {
  const auto fields = date_fields(text);
  if (format.empty()) format = !fields.empty() && fields[0].size() == 4 ? "ymd" : "mdy";
  if (format != "ymd" && format != "mdy" && format != "dmy" && format != "md" && format != "dm" &&
      format != "my" && format != "ym")
    return fail("date", "format must be ymd, mdy, dmy, md, dm, my or ym");
  if (fields.size() != format.size()) return fail("date", "fields do not match the format");
  int year = 0, month = 0, day = 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto f = fields[i];
    const bool is_year = format[i] == 'y';
    if (!all_digits(f) || (is_year ? f.size() != 4 : f.size() > 2))
      return fail("date", "fields must be numbers (a four-digit year)");
    const int v = static_cast<int>(to_number(f));
    (is_year ? year : format[i] == 'm' ? month : day) = v;
  }
  if (month < 1 || month > 12) return fail("date", "month out of range");
  if (format.find('d') != std::string_view::npos && (day < 1 || day > days_in_month(month, year)))
    return fail("date", "day out of range");
  if (!english) return Groups{std::string(text)};
  std::string out = kMonths[static_cast<std::size_t>(month - 1)];
  if (day != 0) append(out, ordinal_words(static_cast<unsigned>(day)));
  if (year != 0) {
    if (day != 0) out += ',';
    append(out, year_words(static_cast<unsigned>(year)));
  }
  return Groups{out};
}

// "13:05", "9:30", "13:05:59" (seconds are not read) or "1:05 pm".
Result<Groups> say_time(std::string_view text, bool english) {
  std::string_view s = text;
  int suffix = 0;  // 0 none, 1 AM, 2 PM
  if (s.size() >= 2) {
    const char a = upper(s[s.size() - 2]), m = upper(s.back());
    if ((a == 'A' || a == 'P') && m == 'M') {
      suffix = a == 'A' ? 1 : 2;
      s = trim(s.substr(0, s.size() - 2));
    }
  }
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) return fail("time", "expected hours:minutes");
  const auto hours = s.substr(0, colon);
  auto rest = s.substr(colon + 1);
  const auto minutes = rest.substr(0, 2);
  if (rest.size() > 2 && !(rest.size() == 5 && rest[2] == ':' && all_digits(rest.substr(3)) &&
                           to_number(rest.substr(3)) < 60))
    return fail("time", "expected hours:minutes or hours:minutes:seconds");
  if (!all_digits(hours) || hours.size() > 2 || minutes.size() != 2 || !all_digits(minutes))
    return fail("time", "expected hours:minutes");
  const auto h = static_cast<unsigned>(to_number(hours));
  const auto m = static_cast<unsigned>(to_number(minutes));
  if (m > 59 || (suffix == 0 ? h > 23 : (h < 1 || h > 12))) return fail("time", "out of range");
  if (!english) return Groups{std::string(text)};
  const bool pm = suffix == 0 ? h >= 12 : suffix == 2;
  const unsigned h12 = suffix != 0 ? h : (h % 12 == 0 ? 12 : h % 12);
  std::string out = number_words(h12);
  if (m > 0 && m < 10) append(out, std::string("oh ") + kOnes[m]);
  if (m >= 10) append(out, number_words(m));
  append(out, pm ? "PM" : "AM");
  return Groups{out};
}

// Digit groups as written ("+1 555 123 4567", "(555) 123-4567"); an
// unbroken North American number is grouped 1-3-3-4.
Result<Groups> say_telephone(std::string_view text) {
  std::vector<std::string> raw(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c) || is_alpha(c))
      raw.back() += c;  // letters: vanity numbers
    else if (c == '+' && i == 0)
      continue;
    else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      if (!raw.back().empty()) raw.emplace_back();
    } else
      return fail("telephone", "only digits, letters, spaces and + - . ( ) allowed");
  }
  if (raw.back().empty()) raw.pop_back();
  if (raw.empty()) return fail("telephone", "no digits");
  if (raw.size() == 1 && all_digits(raw[0])) {
    const std::string n = raw[0];
    if (n.size() == 10) raw = {n.substr(0, 3), n.substr(3, 3), n.substr(6)};
    if (n.size() == 11 && n[0] == '1') raw = {"1", n.substr(1, 3), n.substr(4, 3), n.substr(7)};
    if (n.size() == 7) raw = {n.substr(0, 3), n.substr(3)};
  }
  Groups out;
  for (const auto& g : raw) out.push_back(spaced_characters(g));
  return out;
}

}  // namespace

std::optional<SayAs> parse_say_as(std::string_view v) {
  if (v == "digits") return SayAs::kDigits;
  if (v == "characters" || v == "spell-out") return SayAs::kCharacters;
  if (v == "number" || v == "cardinal") return SayAs::kNumber;
  if (v == "currency") return SayAs::kCurrency;
  if (v == "date") return SayAs::kDate;
  if (v == "time") return SayAs::kTime;
  if (v == "telephone") return SayAs::kTelephone;
  return std::nullopt;
}

std::string number_words(std::uint64_t n) {
  if (n == 0) return "zero";
  std::vector<std::string> parts;
  for (std::size_t scale = 0; n > 0; ++scale, n /= 1000) {
    const auto chunk = static_cast<unsigned>(n % 1000);
    if (chunk == 0) continue;
    std::string part = below_thousand(chunk);
    append(part, kScales[scale]);
    parts.push_back(std::move(part));
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) append(out, *it);
  return out;
}

Result<std::vector<std::string>> render_say_as(SayAs type, std::string_view text,
                                               std::string_view format, bool english) {
  text = trim(text);
  if (text.size() > kMaxSayAsBytes) return fail("say-as", "value too long");
  switch (type) {
    case SayAs::kDigits:
      return say_digits(text);
    case SayAs::kCharacters:
      return say_characters(text);
    case SayAs::kNumber:
      return say_number(text, english);
    case SayAs::kCurrency:
      return say_currency(text, english);
    case SayAs::kDate:
      return say_date(text, format, english);
    case SayAs::kTime:
      return say_time(text, english);
    case SayAs::kTelephone:
      return say_telephone(text);
  }
  return fail("say-as", "unknown type");
}

}  // namespace keyline::speech
