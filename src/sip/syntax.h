// Lexical helpers for RFC 3261 header grammar, shared by the URI, header and
// message parsers. Everything here works on string_views into the caller's
// text and never allocates unless it returns a std::string.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyline::sip::syntax {

using Params = std::vector<std::pair<std::string, std::string>>;

inline bool is_wsp(char c) { return c == ' ' || c == '\t'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// RFC 3261 25.1 "token" characters.
inline bool is_token_char(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '-':
    case '.':
    case '!':
    case '%':
    case '*':
    case '_':
    case '+':
    case '`':
    case '\'':
    case '~':
      return true;
    default:
      return false;
  }
}

inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

// Strips spaces, tabs and stray CR/LF at both ends (folded values are
// already unfolded to single spaces by the message parser).
std::string_view trim_lws(std::string_view s);

// Given text[pos] == '"', returns the index just past the closing quote,
// honouring backslash escapes; nullopt when the quote is unbalanced.
std::optional<std::size_t> skip_quoted(std::string_view text, std::size_t pos);

// Removes the surrounding quotes and backslash escapes of a quoted-string.
std::string unquote(std::string_view quoted);

// Quotes a display name, escaping '"' and '\' so unquote() restores it.
std::string quote(std::string_view raw);

// Splits on `sep` outside quoted strings and <...>, trimming each piece.
// Empty pieces are kept so callers can decide whether they are an error.
std::vector<std::string_view> split_outside_quotes(std::string_view text, char sep);

// The same pieces, handed to fn one at a time without building a vector; stops at the first
// piece for which fn returns false, and then returns false.
template <typename Fn>
bool for_each_outside_quotes(std::string_view text, char sep, Fn&& fn) {
  std::size_t start = 0;
  int angle = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      auto end = skip_quoted(text, i);
      if (!end) break;  // unbalanced: the rest is one piece
      i = *end;
      continue;
    }
    if (c == '<') ++angle;
    if (c == '>' && angle > 0) --angle;
    if (c == sep && angle == 0) {
      if (!fn(trim_lws(text.substr(start, i - start)))) return false;
      start = i + 1;
    }
    ++i;
  }
  return fn(trim_lws(text.substr(start)));
}

// Parses ";name=value;flag" generic parameters (RFC 3261 25.1 generic-param),
// tolerating LWS around ';' and '='. Quoted values keep their quotes so they
// serialize back unchanged. `text` must start at the first ';' (or be empty).
// Fails on an empty name or a malformed value.
bool parse_params(std::string_view text, Params& out);

// The same grammar handing each parameter to on_param(name, value) (value empty for a flag)
// instead of storing it: parse_params() builds with it, validation passes a no-op.
template <typename Fn>
bool scan_params(std::string_view text, Fn&& on_param) {
  text = trim_lws(text);
  if (text.empty()) return true;
  if (text.front() != ';') return false;
  return for_each_outside_quotes(text.substr(1), ';', [&](std::string_view piece) {
    auto eq = piece.find('=');
    std::string_view name = trim_lws(piece.substr(0, eq));
    if (!is_token(name)) return false;
    std::string_view value;
    if (eq != std::string_view::npos) {
      value = trim_lws(piece.substr(eq + 1));
      if (value.empty()) return false;
      if (value.front() == '"') {
        auto end = skip_quoted(value, 0);
        if (!end || *end != value.size()) return false;
      } else {
        // token / host / IPv6reference: no whitespace or separators inside.
        for (char c : value)
          if (!is_token_char(c) && c != ':' && c != '[' && c != ']') return false;
      }
    }
    on_param(name, value);
    return true;
  });
}

// Appends ";name=value" (or ";name") for every parameter.
void append_params(std::string& out, const Params& params);

// Case-insensitive lookup of a parameter value ("" for a flag parameter).
std::optional<std::string> find_param(const Params& params, std::string_view name);

}  // namespace keyline::sip::syntax
