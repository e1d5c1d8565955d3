#include "flow/json_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace keyline::flow {
namespace {

class Parser {
 public:
  Parser(std::string_view text, bool is_private, int max_depth)
      : text_(text), private_(is_private), max_depth_(max_depth) {}

  Result<Value> run() {
    skip_space();
    Value v;
    if (!value(v, 0)) return error();
    skip_space();
    if (pos_ != text_.size()) {
      fail("unexpected text after the value");
      return error();
    }
    return v;
  }

 private:
  Error error() const {
    return make_error("json", "at byte " + std::to_string(error_pos_) + ": " + problem_);
  }
  bool fail(const char* problem) {
    if (problem_.empty()) {
      problem_ = problem;
      error_pos_ = pos_;
    }
    return false;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail("expected a value");
    pos_ += word.size();
    return true;
  }

  bool value(Value& out, int depth) {
    if (depth > max_depth_) return fail("nesting is too deep");
    switch (peek()) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = Value::string(std::move(s), private_);
        return true;
      }
      case 't':
        out = Value::boolean(true, private_);
        return literal("true");
      case 'f':
        out = Value::boolean(false, private_);
        return literal("false");
      case 'n':
        out = Value().taint(private_);
        return literal("null");
      default:
        return number(out);
    }
  }

  bool object(Value& out, int depth) {
    ++pos_;  // '{'
    Value::Map members;
    skip_space();
    if (peek() == '}') {
      ++pos_;
      out = Value::map(std::move(members), private_);
      return true;
    }
    for (;;) {
      skip_space();
      if (peek() != '"') return fail("expected a \"key\"");
      std::string key;
      if (!string(key)) return false;
      skip_space();
      if (peek() != ':') return fail("expected ':'");
      ++pos_;
      skip_space();
      Value item;
      if (!value(item, depth + 1)) return false;
      // Later duplicates win, as in JavaScript; keys stay unique.
      bool replaced = false;
      for (auto& [k, v] : members) {
        if (k == key) {
          v = std::move(item);
          replaced = true;
          break;
        }
      }
      if (!replaced) members.emplace_back(std::move(key), std::move(item));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') return fail("expected ',' or '}'");
      ++pos_;
      out = Value::map(std::move(members), private_);
      return true;
    }
  }

  bool array(Value& out, int depth) {
    ++pos_;  // '['
    Value::List items;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      out = Value::list(std::move(items), private_);
      return true;
    }
    for (;;) {
      skip_space();
      Value item;
      if (!value(item, depth + 1)) return false;
      items.push_back(std::move(item));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ']') return fail("expected ',' or ']'");
      ++pos_;
      out = Value::list(std::move(items), private_);
      return true;
    }
  }

  bool number(Value& out) {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    auto digits = [this] {
      const std::size_t from = pos_;
      while (peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ > from;
    };
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return fail("expected a value");
    }
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return fail("expected a digit after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return fail("expected a digit in the exponent");
    }
    double d = 0;
    const auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, d);
    // Out of range ("1e999") reads as infinity in JavaScript; from_chars refuses it.
    if (ec == std::errc::result_out_of_range) {
      d = text_[start] == '-' ? -HUGE_VAL : HUGE_VAL;
    } else if (ec != std::errc() || end != text_.data() + pos_) {
      return fail("bad number");
    }
    out = Value::number(d, private_);
    return true;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(unsigned& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(peek());
      if (h < 0) return fail("bad \\u escape");
      out = out * 16 + static_cast<unsigned>(h);
      ++pos_;
    }
    return true;
  }

  static void put_utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool string(std::string& out) {
    ++pos_;  // '"'
    // The decoded text is never longer than the escaped one: reserve that once.
    std::size_t end = pos_;
    while (end < text_.size() && text_[end] != '"') end += text_[end] == '\\' ? 2 : 1;
    out.reserve(std::min(end, text_.size()) - pos_);
    for (;;) {
      if (pos_ >= text_.size()) return fail("unterminated string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      const char e = peek();
      ++pos_;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
            const std::size_t save = pos_;
            pos_ += 2;
            unsigned low = 0;
            if (!hex4(low)) return false;
            if (low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              pos_ = save;  // a lone high surrogate, then another escape
            }
          }
          put_utf8(out, cp);
          break;
        }
        default:
          --pos_;
          return fail("bad escape");
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  bool private_;
  int max_depth_;
  std::string problem_;
  std::size_t error_pos_ = 0;
};

}  // namespace

Result<Value> parse_json_value(std::string_view text, bool is_private, int max_depth) {
  return Parser(text, is_private, max_depth).run();
}

}  // namespace keyline::flow
