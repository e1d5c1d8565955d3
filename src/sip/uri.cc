#include "sip/uri.h"

#include "base/strings.h"
#include "sip/syntax.h"

namespace keyline::sip {
namespace {

using syntax::Params;

Error uri_error(std::string message) { return make_error("sip", "uri: " + std::move(message)); }

bool valid_scheme(std::string_view s) {
  if (s.empty() || !syntax::is_alpha(s.front())) return false;
  for (char c : s)
    if (!syntax::is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

bool valid_hostname(std::string_view h) {
  if (h.empty()) return false;
  for (char c : h)  // '_' is not legal DNS but appears in the wild; harmless here
    if (!syntax::is_alnum(c) && c != '-' && c != '.' && c != '_') return false;
  return true;
}

bool valid_ipv6(std::string_view h) {
  if (h.empty()) return false;
  for (char c : h) {
    bool hex = syntax::is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != ':' && c != '.') return false;
  }
  return h.find(':') != std::string_view::npos;
}

// URI parameters and headers use a wider character set than header params
// (RFC 3261 25.1 paramchar / hnv-unreserved), so they are split here
// without the token validation syntax::parse_params applies.
bool split_pairs(std::string_view text, char sep, Params& out) {
  for (auto piece : split(text, sep)) {
    auto eq = piece.find('=');
    std::string_view name = piece.substr(0, eq);
    if (name.empty()) return false;
    std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
    out.emplace_back(std::string(name), std::string(value));
  }
  return true;
}

Result<Uri> parse_sip_rest(Uri uri, std::string_view rest) {
  auto at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    uri.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) uri.password = std::string(userinfo.substr(colon + 1));
    if (uri.user.empty()) return uri_error("empty user before '@'");
  }
  auto end = rest.find_first_of(";?");
  std::string_view hostport = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);

  std::string_view port_text;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return uri_error("unterminated IPv6 reference");
    std::string_view host = hostport.substr(1, close - 1);
    if (!valid_ipv6(host)) return uri_error("bad IPv6 address");
    uri.host = std::string(host);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return uri_error("junk after IPv6 reference");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    auto colon = hostport.find(':');
    std::string_view host = hostport.substr(0, colon);
    if (!valid_hostname(host)) return uri_error("bad host");
    uri.host = std::string(host);
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (has_port) {
    auto port = parse_int<std::uint16_t>(port_text);
    if (!port) return uri_error("bad port");
    uri.port = *port;
  }

  auto q = rest.find('?');
  std::string_view params = rest.substr(0, q);
  if (!params.empty() && !split_pairs(params.substr(1), ';', uri.params))
    return uri_error("empty parameter name");
  if (q != std::string_view::npos && !split_pairs(rest.substr(q + 1), '&', uri.headers))
    return uri_error("empty header name");
  return uri;
}

Result<Uri> parse_tel_rest(Uri uri, std::string_view rest) {
  auto semi = rest.find(';');
  uri.user = std::string(rest.substr(0, semi));
  if (uri.user.empty()) return uri_error("empty telephone number");
  if (semi != std::string_view::npos && !split_pairs(rest.substr(semi + 1), ';', uri.params))
    return uri_error("empty parameter name");
  return uri;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Uri> parse_uri(std::string_view text) {
  text = syntax::trim_lws(text);
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '"')
      return uri_error("illegal character");
  }
  auto colon = text.find(':');
  if (colon == std::string_view::npos || !valid_scheme(text.substr(0, colon)))
    return uri_error("missing scheme");
  Uri uri;
  uri.scheme = to_lower(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 1);
  if (uri.scheme == "sip" || uri.scheme == "sips") return parse_sip_rest(std::move(uri), rest);
  if (uri.scheme == "tel") return parse_tel_rest(std::move(uri), rest);
  if (rest.empty()) return uri_error("empty URI");
  uri.opaque = std::string(rest);
  return uri;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string Uri::to_string() const {
  std::string out = scheme + ":";
  if (scheme != "sip" && scheme != "sips" && scheme != "tel") return out + opaque;
  if (scheme == "tel") {
    out += user;
    syntax::append_params(out, params);
    return out;
  }
  if (!user.empty()) {
    out += user;
    if (!password.empty()) out += ":" + password;
    out += '@';
  }
  if (host.find(':') != std::string::npos) {
    out += "[" + host + "]";
  } else {
    out += host;
  }
  if (port != 0) out += ":" + std::to_string(port);
  syntax::append_params(out, params);
  for (std::size_t i = 0; i < headers.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += headers[i].first + "=" + headers[i].second;
  }
  return out;
}

std::optional<std::string> Uri::param(std::string_view name) const {
  return syntax::find_param(params, name);
}

std::optional<std::string> NameAddr::tag() const { return syntax::find_param(params, "tag"); }

std::string NameAddr::to_string() const {
  std::string out;
  if (!display_name.empty()) out = syntax::quote(display_name) + " ";
  out += "<" + uri.to_string() + ">";
  syntax::append_params(out, params);
  return out;
}

Result<NameAddr> parse_name_addr(std::string_view text) {
  text = syntax::trim_lws(text);
  if (text.empty()) return make_error("sip", "name-addr: empty");
  NameAddr na;
  std::string_view rest;
  if (text.front() == '"') {
    auto end = syntax::skip_quoted(text, 0);
    if (!end) return make_error("sip", "name-addr: unbalanced quote");
    na.display_name = syntax::unquote(text.substr(0, *end));
    rest = syntax::trim_lws(text.substr(*end));
    if (rest.empty() || rest.front() != '<')
      return make_error("sip", "name-addr: display name without <uri>");
  } else if (auto lt = text.find('<'); lt != std::string_view::npos) {
    // Unquoted display name: a sequence of tokens separated by LWS.
    std::string_view display = syntax::trim_lws(text.substr(0, lt));
    for (char c : display)
      if (!syntax::is_token_char(c) && !syntax::is_wsp(c))
        return make_error("sip", "name-addr: bad display name");
    na.display_name = std::string(display);
    rest = text.substr(lt);
  } else {
    // addr-spec: the URI cannot carry its own parameters or headers here.
    auto semi = text.find(';');
    std::string_view uri_text = syntax::trim_lws(text.substr(0, semi));
    if (uri_text.find_first_of("?,") != std::string_view::npos)
      return make_error("sip", "name-addr: bare URI with headers or comma");
    auto uri = parse_uri(uri_text);
    if (!uri) return uri.error();
    na.uri = std::move(uri.value());
    if (semi != std::string_view::npos && !syntax::parse_params(text.substr(semi), na.params))
      return make_error("sip", "name-addr: bad parameter");
    return na;
  }
  auto gt = rest.find('>');
  if (gt == std::string_view::npos) return make_error("sip", "name-addr: missing '>'");
  // Spaces just inside <> are invalid (RFC 4475 3.1.2.14) but harmless to accept.
  auto uri = parse_uri(syntax::trim_lws(rest.substr(1, gt - 1)));
  if (!uri) return uri.error();
  na.uri = std::move(uri.value());
  if (!syntax::parse_params(rest.substr(gt + 1), na.params))
    return make_error("sip", "name-addr: bad parameter");
  return na;
}

}  // namespace keyline::sip
