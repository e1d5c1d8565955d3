#include "flow/json_syntax.h"

namespace keyline::flow {
namespace {

// Deep enough for any real app; shallow enough that a hostile file cannot exhaust the stack of
// this recursive checker (or of yaml-cpp after it).
constexpr int kMaxDepth = 64;

class Checker {
 public:
  explicit Checker(std::string_view text) : text_(text) {}

  std::optional<JsonSyntaxError> run() {
    // Editors on Windows may save a UTF-8 byte order mark; it is not part of the text.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_space();
    if (at_end()) return fail("the document is empty");
    if (!value(0)) return error_;
    skip_space();
    if (!at_end()) return fail("unexpected text after the end of the document");
    return std::nullopt;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  // Moves one byte forward, keeping line/column in step.
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      advance();
  }

  std::optional<JsonSyntaxError> fail(std::string message) {
    error_ = JsonSyntaxError{line_, column_, std::move(message)};
    return error_;
  }
  bool error(std::string message) {
    fail(std::move(message));
    return false;
  }

  bool value(int depth) {
    if (depth > kMaxDepth) return error("nesting is too deep");
    switch (peek()) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        if (at_end()) return error("unexpected end of the document: a value is missing");
        if (peek() == '\'') return error("strings must use double quotes (\")");
        if (peek() == '}' || peek() == ']') return error("a value is missing");
        return error(
            "unexpected character; expected a value (a \"string\", number, true, false, "
            "null, object or array)");
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      return error("unexpected word; strings must be in double quotes");
    for (std::size_t i = 0; i < word.size(); ++i) advance();
    return true;
  }

  bool digits() {
    if (!(peek() >= '0' && peek() <= '9')) return error("a digit is expected");
    while (peek() >= '0' && peek() <= '9') advance();
    return true;
  }

  bool number() {
    if (peek() == '-') advance();
    if (peek() == '0') {
      advance();
      if (peek() >= '0' && peek() <= '9') return error("numbers must not have leading zeros");
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      advance();
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-') advance();
      if (!digits()) return false;
    }
    return true;
  }

  bool string() {
    // Positions in messages point at the opening quote for an unterminated string: that is
    // where the fix goes, not at the end of the file.
    const int start_line = line_, start_column = column_;
    advance();  // opening quote
    while (true) {
      if (at_end() || peek() == '\n') {
        error_ = JsonSyntaxError{start_line, start_column, "unterminated string"};
        return false;
      }
      const char c = peek();
      if (c == '"') {
        advance();
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return error("control characters must be escaped inside strings");
      if (c == '\\') {
        advance();
        const char e = peek();
        if (e == 'u') {
          advance();
          for (int i = 0; i < 4; ++i) {
            const char h = peek();
            const bool hex =
                (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
            if (!hex) return error("\\u must be followed by four hex digits");
            advance();
          }
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos || at_end())
          return error("invalid escape sequence in string");
      }
      advance();
    }
  }

  bool object(int depth) {
    advance();  // '{'
    skip_space();
    if (peek() == '}') {
      advance();
      return true;
    }
    while (true) {
      if (peek() != '"') {
        if (peek() == '}') return error("trailing comma before '}'");
        return error("expected a \"quoted\" key");
      }
      if (!string()) return false;
      skip_space();
      if (peek() != ':') return error("expected ':' after the key");
      advance();
      skip_space();
      if (!value(depth + 1)) return false;
      skip_space();
      if (peek() == ',') {
        advance();
        skip_space();
        continue;
      }
      if (peek() == '}') {
        advance();
        return true;
      }
      if (at_end()) return error("unexpected end of the document: '}' is missing");
      return error("expected ',' or '}'");
    }
  }

  bool array(int depth) {
    advance();  // '['
    skip_space();
    if (peek() == ']') {
      advance();
      return true;
    }
    while (true) {
      if (peek() == ']') return error("trailing comma before ']'");
      if (!value(depth + 1)) return false;
      skip_space();
      if (peek() == ',') {
        advance();
        skip_space();
        continue;
      }
      if (peek() == ']') {
        advance();
        return true;
      }
      if (at_end()) return error("unexpected end of the document: ']' is missing");
      return error("expected ',' or ']'");
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  std::optional<JsonSyntaxError> error_;
};

}  // namespace

std::optional<JsonSyntaxError> check_json_syntax(std::string_view text) {
  return Checker(text).run();
}

}  // namespace keyline::flow
