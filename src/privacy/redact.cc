#include "privacy/redact.h"

#include <cctype>

namespace keyline::privacy {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Separators that may sit inside a number as people write it: "4111 1111-1111".
bool is_number_separator(char c) { return c == ' ' || c == '-'; }

std::string mask_digit_run(std::string_view run) {
  // run contains digits and separators; count digits.
  std::string digits;
  for (char c : run)
    if (is_digit(c)) digits.push_back(c);
  std::size_t keep_front = 0, keep_back = 2;
  if (looks_like_pan(digits)) {
    keep_front = 6;
    keep_back = 4;
  }
  std::string out;
  out.reserve(run.size());
  std::size_t index = 0;
  for (char c : run) {
    if (!is_digit(c)) {
      out.push_back(c);
      continue;
    }
    bool keep = index < keep_front || index >= digits.size() - keep_back;
    out.push_back(keep ? c : '*');
    ++index;
  }
  return out;
}

// Where "inline:" starts at or after `from`, in any letter case: the SDES key
// method is matched case-insensitively by parsers (ours included), so a peer
// writing "INLINE:" must not get its key past the redactor.
std::size_t find_inline(const std::string& text, std::size_t from) {
  static constexpr std::string_view kInline = "inline:";
  for (std::size_t i = from; i + kInline.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < kInline.size() &&
           std::tolower(static_cast<unsigned char>(text[i + k])) == kInline[k])
      ++k;
    if (k == kInline.size()) return i;
  }
  return std::string::npos;
}

std::string redact_crypto_lines(std::string text) {
  // a=crypto:<tag> <suite> inline:<key>|... — the key must never be logged.
  std::size_t pos = 0;
  while ((pos = find_inline(text, pos)) != std::string::npos) {
    std::size_t start = pos + 7;
    std::size_t end = start;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n' && text[end] != ' ') ++end;
    text.replace(start, end - start, std::string(kPrivatePlaceholder));
    pos = start;
  }
  return text;
}

}  // namespace

bool looks_like_pan(std::string_view digits) {
  if (digits.size() < 13 || digits.size() > 19) return false;
  int sum = 0;
  bool twice = false;
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (!is_digit(digits[i])) return false;
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

std::string redact_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    // Extend over digits and single separators between digits.
    std::size_t j = i;
    std::size_t digit_count = 0;
    std::size_t last_digit_end = i;
    while (j < text.size()) {
      if (is_digit(text[j])) {
        ++digit_count;
        ++j;
        last_digit_end = j;
      } else if (is_number_separator(text[j]) && j + 1 < text.size() && is_digit(text[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    std::string_view run = text.substr(i, last_digit_end - i);
    // Runs with separators only count as one number when they are long enough
    // to be a card or account number; short runs are times, counts, ports.
    if (digit_count >= 7) {
      out += mask_digit_run(run);
    } else {
      out.append(run);
    }
    i = last_digit_end;
  }
  if (find_inline(out, 0) != std::string::npos) return redact_crypto_lines(std::move(out));
  return out;
}

std::string mask_caller_id(std::string_view caller_id) {
  std::string out(caller_id);
  std::size_t digits = 0;
  for (char c : out)
    if (is_digit(c)) ++digits;
  std::size_t seen = 0;
  for (auto& c : out) {
    if (!is_digit(c)) continue;
    if (digits > 4 && seen < digits - 4) c = '*';
    ++seen;
  }
  return out;
}

}  // namespace keyline::privacy
