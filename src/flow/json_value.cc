#include "flow/json_value.h"

#include <algorithm>
#include <cmath>

#include "base/strings.h"

namespace keyline::flow {
namespace {

class JsonParser {
 public:
  JsonParser(std::string_view text, bool is_private, int max_depth)
      : s_(text), private_(is_private), max_depth_(max_depth) {}

  Result<Value> parse() {
    auto v = value(0);
    if (!v) return v;
    skip_ws();
    if (pos_ != s_.size()) return fail("unexpected text after the JSON value");
    return v;
  }

 private:
  Error fail(const std::string& what) const {
    return make_error("json", what + " at byte " + std::to_string(pos_ + 1));
  }
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<Value> value(int depth) {
    if (depth >= max_depth_) return fail("nested deeper than " + std::to_string(max_depth_));
    skip_ws();
    if (pos_ >= s_.size()) return fail("unexpected end of the text");
    const char c = s_[pos_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      auto str = string();
      if (!str) return str.error();
      return Value::string(std::move(*str), private_);
    }
    if (literal("true")) return Value::boolean(true, private_);
    if (literal("false")) return Value::boolean(false, private_);
    if (literal("null")) return Value().taint(private_);
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    return fail("unexpected character");
  }

  Result<Value> object(int depth) {
    ++pos_;  // {
    Value::Map members;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Value::map(std::move(members), private_);
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a \"key\"");
      auto key = string();
      if (!key) return key.error();
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      auto v = value(depth + 1);
      if (!v) return v;
      // A repeated key keeps its last value, as JavaScript's JSON.parse does.
      bool replaced = false;
      for (auto& [k, item] : members) {
        if (k == *key) {
          item = std::move(*v);
          replaced = true;
          break;
        }
      }
      if (!replaced) members.emplace_back(std::move(*key), std::move(*v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return Value::map(std::move(members), private_);
      }
      return fail("expected ',' or '}'");
    }
  }

  Result<Value> array(int depth) {
    ++pos_;  // [
    Value::List items;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Value::list(std::move(items), private_);
    }
    while (true) {
      auto v = value(depth + 1);
      if (!v) return v;
      items.push_back(std::move(*v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return Value::list(std::move(items), private_);
      }
      return fail("expected ',' or ']'");
    }
  }

  Result<Value> number() {
    const std::size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    auto digits = [this] {
      const std::size_t from = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    const std::size_t int_start = pos_;
    if (!digits()) return fail("a number needs digits");
    if (pos_ - int_start > 1 && s_[int_start] == '0') return fail("a number with a leading zero");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return fail("a number needs digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return fail("a number needs digits in its exponent");
    }
    auto d = parse_number(s_.substr(start, pos_ - start));
    if (!d || !std::isfinite(*d)) return fail("a number out of range");
    return Value::number(*d, private_);
  }

  bool hex4(unsigned& out) {
    if (pos_ + 4 > s_.size()) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_++];
      out <<= 4;
      if (c >= '0' && c <= '9') {
        out |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        out |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        out |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  Result<std::string> string() {
    ++pos_;  // "
    // Decoded text is never longer than its encoded span, so one allocation sized to the span
    // holds it: no reallocation leaves a partial copy of a private string in freed memory.
    std::size_t end = pos_;
    while (end < s_.size() && s_[end] != '"') end += (s_[end] == '\\') ? 2 : 1;
    std::string out;
    out.reserve(std::min(end, s_.size()) - pos_);
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return fail("a control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
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
          if (!hex4(cp)) return fail("a bad \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair
            unsigned low = 0;
            if (s_.substr(pos_, 2) != "\\u") return fail("a lone surrogate");
            pos_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return fail("a bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("a lone surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail("an unknown escape");
      }
    }
    return fail("an unterminated string");
  }

  std::string_view s_;
  bool private_;
  int max_depth_;
  std::size_t pos_ = 0;
};

// One CSV record from `pos`; false at the end of the text.
Result<bool> csv_record(std::string_view s, std::size_t& pos, std::vector<std::string>& fields) {
  fields.clear();
  if (pos >= s.size()) return false;
  std::string field;
  bool quoted = false;
  while (pos < s.size()) {
    const char c = s[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < s.size() && s[pos] == '"') {
          field += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos < s.size() && s[pos] == '\n') ++pos;
      break;
    } else {
      field += c;
    }
  }
  if (quoted) return make_error("csv", "an unterminated quoted field");
  fields.push_back(std::move(field));
  return true;
}

}  // namespace

Result<Value> parse_json_value(std::string_view text, bool is_private, int max_depth) {
  return JsonParser(text, is_private, max_depth).parse();
}

Result<Value> parse_csv_value(std::string_view text, bool is_private) {
  std::size_t pos = 0;
  std::vector<std::string> names;
  auto first = csv_record(text, pos, names);
  if (!first) return first.error();
  Value::List rows;
  std::vector<std::string> fields;
  while (true) {
    auto more = csv_record(text, pos, fields);
    if (!more) return more.error();
    if (!*more) break;
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    Value::Map row;
    for (std::size_t i = 0; i < names.size(); ++i)
      row.emplace_back(names[i], Value::string(i < fields.size() ? fields[i] : "", is_private));
    rows.push_back(Value::map(std::move(row), is_private));
  }
  return Value::list(std::move(rows), is_private);
}

}  // namespace keyline::flow
