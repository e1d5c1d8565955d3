#include "api/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/json_text.h"
#include "base/strings.h"

namespace keyline::api {

std::optional<std::int64_t> Json::as_integer() const {
  if (!is_number()) return std::nullopt;
  double d = as_number();
  if (std::floor(d) != d || std::fabs(d) > 9007199254740992.0) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

const Json* Json::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object())
    if (k == key) return &v;
  return nullptr;
}

Json& Json::set(std::string key, Json value) {
  if (is_null()) v_ = Object{};
  auto& o = as_object();
  o.emplace_back(std::move(key), std::move(value));
  return *this;
}

namespace {

void write(const Json& j, std::string& out) {
  if (j.is_null()) {
    out += "null";
  } else if (j.is_bool()) {
    out += j.as_bool() ? "true" : "false";
  } else if (j.is_number()) {
    if (auto i = j.as_integer()) {
      out += std::to_string(*i);
    } else if (std::isfinite(j.as_number())) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", j.as_number());
      out += buf;
    } else {
      out += "null";  // JSON has no NaN or infinity
    }
  } else if (j.is_string()) {
    append_json_string(out, j.as_string());
  } else if (j.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& v : j.as_array()) {
      if (!first) out += ',';
      first = false;
      write(v, out);
    }
    out += ']';
  } else {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : j.as_object()) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, k);
      out += ':';
      write(v, out);
    }
    out += '}';
  }
}

class Reader {
 public:
  Reader(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  Result<Json> document() {
    Json value;
    if (!parse_value(value, 0)) return fail();
    skip_space();
    if (pos_ != text_.size()) {
      error_ = "unexpected text after the value";
      return fail();
    }
    return value;
  }

 private:
  Error fail() const {
    int line = 1, column = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return make_error("json", "line " + std::to_string(line) + ", column " +
                                  std::to_string(column) + ": " + error_);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) {
      error_ = "invalid literal";
      return false;
    }
    pos_ += word.size();
    return true;
  }

  bool parse_value(Json& out, int depth) {
    if (depth > max_depth_) {
      error_ = "nested too deeply";
      return false;
    }
    skip_space();
    if (pos_ >= text_.size()) {
      error_ = "unexpected end of input";
      return false;
    }
    char c = text_[pos_];
    if (c == '{') return parse_object(out, depth);
    if (c == '[') return parse_array(out, depth);
    if (c == '"') {
      std::string s;
      if (!parse_string(s)) return false;
      out = Json(std::move(s));
      return true;
    }
    if (c == 't') return literal("true") && (out = Json(true), true);
    if (c == 'f') return literal("false") && (out = Json(false), true);
    if (c == 'n') return literal("null") && (out = Json(), true);
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
    error_ = "unexpected character";
    return false;
  }

  bool parse_object(Json& out, int depth) {
    ++pos_;
    Json::Object members;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      out = Json(std::move(members));
      return true;
    }
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        error_ = "expected a member name";
        return false;
      }
      std::string key;
      if (!parse_string(key)) return false;
      for (const auto& m : members) {
        if (m.first == key) {
          error_ = "duplicate member \"" + key + "\"";
          return false;
        }
      }
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        error_ = "expected ':'";
        return false;
      }
      ++pos_;
      Json value;
      if (!parse_value(value, depth + 1)) return false;
      members.emplace_back(std::move(key), std::move(value));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        out = Json(std::move(members));
        return true;
      }
      error_ = "expected ',' or '}'";
      return false;
    }
  }

  bool parse_array(Json& out, int depth) {
    ++pos_;
    Json::Array items;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      out = Json(std::move(items));
      return true;
    }
    for (;;) {
      Json value;
      if (!parse_value(value, depth + 1)) return false;
      items.push_back(std::move(value));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        out = Json(std::move(items));
        return true;
      }
      error_ = "expected ',' or ']'";
      return false;
    }
  }

  bool hex4(std::uint32_t& out) {
    if (pos_ + 4 > text_.size()) {
      error_ = "short \\u escape";
      return false;
    }
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      out <<= 4;
      if (h >= '0' && h <= '9')
        out |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        out |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        out |= static_cast<std::uint32_t>(h - 'A' + 10);
      else {
        error_ = "bad \\u escape";
        return false;
      }
    }
    return true;
  }

  bool parse_string(std::string& s) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) {
        error_ = "control character in string";
        return false;
      }
      if (c != '\\') {
        s += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case '"':
          s += '"';
          break;
        case '\\':
          s += '\\';
          break;
        case '/':
          s += '/';
          break;
        case 'b':
          s += '\b';
          break;
        case 'f':
          s += '\f';
          break;
        case 'n':
          s += '\n';
          break;
        case 'r':
          s += '\r';
          break;
        case 't':
          s += '\t';
          break;
        case 'u': {
          std::uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            std::uint32_t low;
            if (text_.substr(pos_, 2) != "\\u") {
              error_ = "lone surrogate";
              return false;
            }
            pos_ += 2;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) {
              error_ = "bad surrogate pair";
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            error_ = "lone surrogate";
            return false;
          }
          append_utf8(s, cp);
          break;
        }
        default:
          error_ = "bad escape";
          return false;
      }
    }
    error_ = "unterminated string";
    return false;
  }

  bool parse_number(Json& out) {
    std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    auto digits = [&] {
      std::size_t d = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - d;
    };
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      error_ = "bad number";
      return false;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) {
        error_ = "bad number";
        return false;
      }
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) {
        error_ = "bad number";
        return false;
      }
    }
    std::string number(text_.substr(start, pos_ - start));
    out = Json(std::strtod(number.c_str(), nullptr));
    return true;
  }

  std::string_view text_;
  int max_depth_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::string Json::dump() const {
  std::string out;
  write(*this, out);
  return out;
}

Result<Json> parse_json(std::string_view text, int max_depth) {
  return Reader(text, max_depth).document();
}

}  // namespace keyline::api
