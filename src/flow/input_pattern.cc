#include "flow/input_pattern.h"

#include <cctype>

namespace keyline::flow {
namespace {

constexpr int kMaxKeys = 128;  // the longest entry any input module accepts

Error at(std::size_t pos, std::string message) {
  return make_error("pattern", "at character " + std::to_string(pos + 1) + ": " + message);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<InputPattern> InputPattern::parse(std::string_view text) {
  InputPattern p;
  p.text_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    Element e;
    const char c = text[i];
    if (is_digit(c) || c == '*') {
      e.keys = std::string(1, c);
      ++i;
    } else if (c == 'D') {
      e.keys = "0123456789";
      ++i;
    } else if (c == '[') {
      ++i;
      while (i < text.size() && text[i] != ']') {
        const char k = text[i];
        if (k == '*') {
          e.keys += k;
          ++i;
        } else if (is_digit(k) && i + 2 < text.size() && text[i + 1] == '-' &&
                   is_digit(text[i + 2])) {
          if (text[i + 2] < k) return at(i, "a range must go up, as in [1-5]");
          for (char d = k; d <= text[i + 2]; ++d) e.keys += d;
          i += 3;
        } else if (is_digit(k)) {
          e.keys += k;
          ++i;
        } else {
          return at(i, "a [class] holds only digits, ranges like 1-5, and *");
        }
      }
      if (i >= text.size()) return at(i, "unterminated [");
      if (e.keys.empty()) return at(i, "an empty [] matches nothing");
      ++i;  // ']'
    } else {
      return at(i, "expected a digit, *, D or [ (the pattern grammar is in docs/apps.md)");
    }
    if (i < text.size() && text[i] == '?') {
      e.min = 0;
      ++i;
    } else if (i < text.size() && text[i] == '{') {
      const std::size_t open = i++;
      auto read_count = [&](int& out) {
        const std::size_t start = i;
        int v = 0;
        while (i < text.size() && is_digit(text[i]) && v <= kMaxKeys)
          v = v * 10 + (text[i++] - '0');
        if (i == start || v > kMaxKeys) return false;
        out = v;
        return true;
      };
      std::size_t count_at = i;
      if (!read_count(e.min)) return at(count_at, "expected a count from 0 to 128");
      e.max = e.min;
      if (i < text.size() && text[i] == ',') {
        count_at = ++i;
        if (!read_count(e.max)) return at(count_at, "expected a count from 0 to 128");
      }
      if (i >= text.size() || text[i] != '}') return at(open, "unterminated {");
      if (e.max < e.min) return at(open, "{m,n} needs m <= n");
      ++i;
    }
    p.min_length_ += e.min;
    p.max_length_ += e.max;
    p.elements_.push_back(std::move(e));
  }
  if (p.elements_.empty()) return at(0, "the pattern is empty");
  if (p.max_length_ > kMaxKeys) return at(0, "the pattern accepts more than 128 keys");
  if (p.max_length_ == 0) return at(0, "the pattern accepts only an empty entry");
  return p;
}

// Dynamic programming over (element, keys consumed): at most 128 x 129 states, so every
// pattern the grammar allows is checked in bounded time.
bool InputPattern::matches(std::string_view keys) const {
  if (static_cast<int>(keys.size()) < min_length_ || static_cast<int>(keys.size()) > max_length_)
    return false;
  const std::size_t n = keys.size();
  std::vector<char> reachable(n + 1, 0);
  reachable[0] = 1;
  for (const auto& e : elements_) {
    std::vector<char> next(n + 1, 0);
    for (std::size_t start = 0; start <= n; ++start) {
      if (!reachable[start]) continue;
      for (int count = 0; count <= e.max && start + count <= n; ++count) {
        if (count > 0 && e.keys.find(keys[start + count - 1]) == std::string::npos) break;
        if (count >= e.min) next[start + count] = 1;
      }
    }
    reachable = std::move(next);
  }
  return reachable[n] != 0;
}

bool InputPattern::uses_star() const {
  for (const auto& e : elements_) {
    if (e.keys.find('*') != std::string::npos) return true;
  }
  return false;
}

}  // namespace keyline::flow
