#include "sip/headers.h"

#include <array>

#include "base/strings.h"
#include "sip/syntax.h"

namespace keyline::sip {
namespace {

struct Compact {
  char letter;
  std::string_view name;
};

// RFC 3261 7.3.3 plus the compact forms later RFCs registered.
constexpr std::array<Compact, 15> kCompact = {{
    {'v', "Via"},
    {'f', "From"},
    {'t', "To"},
    {'i', "Call-ID"},
    {'m', "Contact"},
    {'l', "Content-Length"},
    {'c', "Content-Type"},
    {'k', "Supported"},
    {'s', "Subject"},
    {'e', "Content-Encoding"},
    {'o', "Event"},
    {'r', "Refer-To"},
    {'u', "Allow-Events"},
    {'x', "Session-Expires"},
    {'b', "Referred-By"},
}};

constexpr std::array<std::string_view, 20> kListHeaders = {
    "Via",
    "Route",
    "Record-Route",
    "Contact",
    "Allow",
    "Supported",
    "Require",
    "Proxy-Require",
    "Unsupported",
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Allow-Events",
    "Content-Encoding",
    "Content-Language",
    "Path",
    "Service-Route",
    "In-Reply-To",
    "Alert-Info",
    "Call-Info",
};

Error via_error(std::string message) { return make_error("sip", "via: " + std::move(message)); }

// Reads a token starting at pos after skipping LWS; advances pos past it.
std::string_view read_token(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && syntax::is_wsp(s[pos])) ++pos;
  std::size_t start = pos;
  while (pos < s.size() && syntax::is_token_char(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

bool expect_char(std::string_view s, std::size_t& pos, char c) {
  while (pos < s.size() && syntax::is_wsp(s[pos])) ++pos;
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

struct ViaBuilder {
  Via via;
  void transport(std::string_view t) {
    via.transport = std::string(t);
    for (auto& c : via.transport) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  void host(std::string_view h) { via.host = std::string(h); }
  void port(std::uint16_t p) { via.port = p; }
  void param(std::string_view n, std::string_view v) {
    via.params.emplace_back(std::string(n), std::string(v));
  }
};

struct ViaChecker {
  void transport(std::string_view) {}
  void host(std::string_view) {}
  void port(std::uint16_t) {}
  void param(std::string_view, std::string_view) {}
};

// One via-parm; nullptr when valid, else why not.
template <typename Sink>
const char* scan_one_via(std::string_view text, Sink& sink) {
  std::size_t pos = 0;
  std::string_view protocol = read_token(text, pos);
  if (!expect_char(text, pos, '/')) return "bad sent-protocol";
  std::string_view version = read_token(text, pos);
  if (!expect_char(text, pos, '/')) return "bad sent-protocol";
  std::string_view transport = read_token(text, pos);
  if (!iequals(protocol, "SIP") || version != "2.0") return "not SIP/2.0";
  if (transport.empty()) return "missing transport";
  sink.transport(transport);

  std::string_view rest = syntax::trim_lws(text.substr(pos));
  auto semi = rest.find(';');
  std::string_view sent_by = syntax::trim_lws(rest.substr(0, semi));
  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!sent_by.empty() && sent_by.front() == '[') {
    auto close = sent_by.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 reference";
    host = sent_by.substr(1, close - 1);
    std::string_view after = syntax::trim_lws(sent_by.substr(close + 1));
    if (!after.empty()) {
      if (after.front() != ':') return "junk after host";
      port_text = syntax::trim_lws(after.substr(1));
      has_port = true;
    }
  } else {
    auto colon = sent_by.find(':');
    host = syntax::trim_lws(sent_by.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = syntax::trim_lws(sent_by.substr(colon + 1));
      has_port = true;
    }
  }
  if (host.empty()) return "missing host";
  for (char c : host)
    if (!syntax::is_alnum(c) && c != '-' && c != '.' && c != ':' && c != '_') return "bad host";
  sink.host(host);
  if (has_port) {
    auto port = parse_int<std::uint16_t>(port_text);
    if (!port) return "bad port";
    sink.port(*port);
  }
  auto on_param = [&](std::string_view n, std::string_view v) { sink.param(n, v); };
  if (semi != std::string_view::npos && !syntax::scan_params(rest.substr(semi), on_param))
    return "bad parameter";
  return nullptr;
}

}  // namespace

std::optional<std::string> Via::branch() const { return syntax::find_param(params, "branch"); }

std::optional<std::string> Via::param(std::string_view name) const {
  return syntax::find_param(params, name);
}

std::string Via::to_string() const {
  std::string out = "SIP/2.0/" + transport + " ";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 0) out += ":" + std::to_string(port);
  syntax::append_params(out, params);
  return out;
}

Result<std::vector<Via>> parse_vias(std::string_view header_value) {
  std::vector<Via> out;
  const char* why = nullptr;
  syntax::for_each_outside_quotes(header_value, ',', [&](std::string_view element) {
    if (element.empty()) {
      why = "empty element";
      return false;
    }
    ViaBuilder builder;
    if ((why = scan_one_via(element, builder))) return false;
    out.push_back(std::move(builder.via));
    return true;
  });
  if (why) return via_error(why);
  return out;
}

bool valid_vias(std::string_view header_value) {
  return syntax::for_each_outside_quotes(header_value, ',', [&](std::string_view element) {
    ViaChecker checker;
    return !element.empty() && scan_one_via(element, checker) == nullptr;
  });
}

Result<CSeq> parse_cseq(std::string_view value) {
  value = syntax::trim_lws(value);
  std::size_t pos = 0;
  while (pos < value.size() && syntax::is_digit(value[pos])) ++pos;
  auto number = parse_int<std::uint32_t>(value.substr(0, pos));
  if (!number) return make_error("sip", "cseq: bad sequence number");
  std::string_view method = syntax::trim_lws(value.substr(pos));
  if (pos == value.size() || !syntax::is_wsp(value[pos]) || !syntax::is_token(method))
    return make_error("sip", "cseq: bad method");
  return CSeq{*number, std::string(method)};
}

std::string_view expand_compact_name(std::string_view name) {
  if (name.size() != 1) return name;
  char letter = ascii_lower(name[0]);
  for (const auto& c : kCompact)
    if (c.letter == letter) return c.name;
  return name;
}

bool header_name_equals(std::string_view a, std::string_view b) {
  return iequals(expand_compact_name(a), expand_compact_name(b));
}

bool is_list_header(std::string_view name) {
  name = expand_compact_name(name);
  for (auto list : kListHeaders)
    if (iequals(list, name)) return true;
  return false;
}

}  // namespace keyline::sip
