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
template <typename Fn>
bool scan_pairs(std::string_view text, char sep, Fn&& on_pair) {
  std::size_t start = 0;
  while (true) {
    auto end = text.find(sep, start);
    std::string_view piece = text.substr(start, end == std::string_view::npos ? end : end - start);
    auto eq = piece.find('=');
    std::string_view name = piece.substr(0, eq);
    if (name.empty()) return false;
    on_pair(name, eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1));
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

// Where the URI scanner puts what it finds: into a Uri, or nowhere when only validating.
struct UriBuilder {
  Uri& uri;
  void scheme(std::string_view s) { uri.scheme = to_lower(s); }
  void user(std::string_view s) { uri.user = std::string(s); }
  void password(std::string_view s) { uri.password = std::string(s); }
  void host(std::string_view s) { uri.host = std::string(s); }
  void port(std::uint16_t p) { uri.port = p; }
  void param(std::string_view n, std::string_view v) {
    uri.params.emplace_back(std::string(n), std::string(v));
  }
  void header(std::string_view n, std::string_view v) {
    uri.headers.emplace_back(std::string(n), std::string(v));
  }
  void opaque(std::string_view s) { uri.opaque = std::string(s); }
};

struct UriChecker {
  void scheme(std::string_view) {}
  void user(std::string_view) {}
  void password(std::string_view) {}
  void host(std::string_view) {}
  void port(std::uint16_t) {}
  void param(std::string_view, std::string_view) {}
  void header(std::string_view, std::string_view) {}
  void opaque(std::string_view) {}
};

// The grammars return nullptr when the text is valid, else why not.
template <typename Sink>
const char* scan_sip_rest(std::string_view rest, Sink& sink) {
  auto at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    sink.user(user);
    if (colon != std::string_view::npos) sink.password(userinfo.substr(colon + 1));
    if (user.empty()) return "empty user before '@'";
  }
  auto end = rest.find_first_of(";?");
  std::string_view hostport = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);

  std::string_view port_text;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 reference";
    std::string_view host = hostport.substr(1, close - 1);
    if (!valid_ipv6(host)) return "bad IPv6 address";
    sink.host(host);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "junk after IPv6 reference";
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    auto colon = hostport.find(':');
    std::string_view host = hostport.substr(0, colon);
    if (!valid_hostname(host)) return "bad host";
    sink.host(host);
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (has_port) {
    auto port = parse_int<std::uint16_t>(port_text);
    if (!port) return "bad port";
    sink.port(*port);
  }

  auto q = rest.find('?');
  std::string_view params = rest.substr(0, q);
  auto on_param = [&](std::string_view n, std::string_view v) { sink.param(n, v); };
  auto on_header = [&](std::string_view n, std::string_view v) { sink.header(n, v); };
  if (!params.empty() && !scan_pairs(params.substr(1), ';', on_param))
    return "empty parameter name";
  if (q != std::string_view::npos && !scan_pairs(rest.substr(q + 1), '&', on_header))
    return "empty header name";
  return nullptr;
}

template <typename Sink>
const char* scan_tel_rest(std::string_view rest, Sink& sink) {
  auto semi = rest.find(';');
  std::string_view number = rest.substr(0, semi);
  sink.user(number);
  if (number.empty()) return "empty telephone number";
  auto on_param = [&](std::string_view n, std::string_view v) { sink.param(n, v); };
  if (semi != std::string_view::npos && !scan_pairs(rest.substr(semi + 1), ';', on_param))
    return "empty parameter name";
  return nullptr;
}

template <typename Sink>
const char* scan_uri(std::string_view text, Sink& sink) {
  text = syntax::trim_lws(text);
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '"') return "illegal character";
  }
  auto colon = text.find(':');
  if (colon == std::string_view::npos || !valid_scheme(text.substr(0, colon)))
    return "missing scheme";
  std::string_view scheme = text.substr(0, colon);
  sink.scheme(scheme);
  std::string_view rest = text.substr(colon + 1);
  if (iequals(scheme, "sip") || iequals(scheme, "sips")) return scan_sip_rest(rest, sink);
  if (iequals(scheme, "tel")) return scan_tel_rest(rest, sink);
  if (rest.empty()) return "empty URI";
  sink.opaque(rest);
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Uri> parse_uri(std::string_view text) {
  Uri uri;
  UriBuilder builder{uri};
  if (const char* why = scan_uri(text, builder)) return uri_error(why);
  return uri;
}

bool valid_uri(std::string_view text) {
  UriChecker checker;
  return scan_uri(text, checker) == nullptr;
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

namespace {

struct NameAddrBuilder {
  NameAddr& na;
  UriBuilder uri{na.uri};
  void quoted_display_name(std::string_view s) { na.display_name = syntax::unquote(s); }
  void display_name(std::string_view s) { na.display_name = std::string(s); }
  void param(std::string_view n, std::string_view v) {
    na.params.emplace_back(std::string(n), std::string(v));
  }
};

struct NameAddrChecker {
  UriChecker uri;
  void quoted_display_name(std::string_view) {}
  void display_name(std::string_view) {}
  void param(std::string_view, std::string_view) {}
};

// Returns nullptr when valid, else the error message.
template <typename Sink>
const char* scan_name_addr(std::string_view text, Sink& sink) {
  text = syntax::trim_lws(text);
  if (text.empty()) return "name-addr: empty";
  auto on_param = [&](std::string_view n, std::string_view v) { sink.param(n, v); };
  std::string_view rest;
  if (text.front() == '"') {
    auto end = syntax::skip_quoted(text, 0);
    if (!end) return "name-addr: unbalanced quote";
    sink.quoted_display_name(text.substr(0, *end));
    rest = syntax::trim_lws(text.substr(*end));
    if (rest.empty() || rest.front() != '<') return "name-addr: display name without <uri>";
  } else if (auto lt = text.find('<'); lt != std::string_view::npos) {
    // Unquoted display name: a sequence of tokens separated by LWS.
    std::string_view display = syntax::trim_lws(text.substr(0, lt));
    for (char c : display)
      if (!syntax::is_token_char(c) && !syntax::is_wsp(c)) return "name-addr: bad display name";
    sink.display_name(display);
    rest = text.substr(lt);
  } else {
    // addr-spec: the URI cannot carry its own parameters or headers here.
    auto semi = text.find(';');
    std::string_view uri_text = syntax::trim_lws(text.substr(0, semi));
    if (uri_text.find_first_of("?,") != std::string_view::npos)
      return "name-addr: bare URI with headers or comma";
    if (const char* why = scan_uri(uri_text, sink.uri)) return why;
    if (semi != std::string_view::npos && !syntax::scan_params(text.substr(semi), on_param))
      return "name-addr: bad parameter";
    return nullptr;
  }
  auto gt = rest.find('>');
  if (gt == std::string_view::npos) return "name-addr: missing '>'";
  // Spaces just inside <> are invalid (RFC 4475 3.1.2.14) but harmless to accept.
  if (const char* why = scan_uri(syntax::trim_lws(rest.substr(1, gt - 1)), sink.uri)) return why;
  if (!syntax::scan_params(rest.substr(gt + 1), on_param)) return "name-addr: bad parameter";
  return nullptr;
}

// A URI's own errors read "uri: ..."; the name-addr ones already say "name-addr: ...".
Error name_addr_error(const char* why) {
  std::string_view text(why);
  return text.starts_with("name-addr:") ? make_error("sip", std::string(text)) : uri_error(why);
}

}  // namespace

Result<NameAddr> parse_name_addr(std::string_view text) {
  NameAddr na;
  NameAddrBuilder builder{na};
  if (const char* why = scan_name_addr(text, builder)) return name_addr_error(why);
  return na;
}

bool valid_name_addr(std::string_view text) {
  NameAddrChecker checker;
  return scan_name_addr(text, checker) == nullptr;
}

}  // namespace keyline::sip
