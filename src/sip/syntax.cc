#include "sip/syntax.h"

#include "base/strings.h"

namespace keyline::sip::syntax {

std::string_view trim_lws(std::string_view s) {
  while (!s.empty() && (is_wsp(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::optional<std::size_t> skip_quoted(std::string_view text, std::size_t pos) {
  // pos points at the opening quote.
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;  // quoted-pair: the next octet is literal, even '"' or NUL
      continue;
    }
    if (text[i] == '"') return i + 1;
  }
  return std::nullopt;
}

std::string unquote(std::string_view quoted) {
  if (quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"')
    quoted = quoted.substr(1, quoted.size() - 2);
  std::string out;
  out.reserve(quoted.size());
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
    out.push_back(quoted[i]);
  }
  return out;
}

std::string quote(std::string_view raw) {
  std::string out = "\"";
  for (char c : raw) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::vector<std::string_view> split_outside_quotes(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  for_each_outside_quotes(text, sep, [&](std::string_view piece) {
    out.push_back(piece);
    return true;
  });
  return out;
}

bool parse_params(std::string_view text, Params& out) {
  return scan_params(text, [&](std::string_view name, std::string_view value) {
    out.emplace_back(std::string(name), std::string(value));
  });
}

void append_params(std::string& out, const Params& params) {
  for (const auto& [name, value] : params) {
    out += ';';
    out += name;
    if (!value.empty()) {
      out += '=';
      out += value;
    }
  }
}

std::optional<std::string> find_param(const Params& params, std::string_view name) {
  for (const auto& [n, v] : params)
    if (iequals(n, name)) return v;
  return std::nullopt;
}

}  // namespace keyline::sip::syntax
