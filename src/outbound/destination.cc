#include "outbound/destination.h"

#include <vector>

namespace keyline::outbound {
namespace {

bool phone_digits(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.size() < 3 || s.size() > 20) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool postd_keys(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))) return false;
  return true;
}

// A SIP URI's user@host[:port] part: no spaces, quotes or angle brackets, one '@'.
bool plain_sip_uri(std::string_view s) {
  if (s.size() < 7 || s.size() > 256) return false;
  for (char c : s)
    if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  const auto at = s.find('@');
  return at != std::string_view::npos && at > 4 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos;
}

}  // namespace

Result<Destination> parse_destination(std::string_view text) {
  auto bad = [](const std::string& why) -> Result<Destination> {
    return make_error("outbound", why);
  };
  if (text.empty()) return bad("empty phone number");
  if (text.size() > 300) return bad("phone number too long");
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const auto semi = text.find(';', start);
    parts.push_back(text.substr(start, semi == std::string_view::npos ? semi : semi - start));
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  Destination d;
  std::string_view head = parts.front();
  if (head.rfind("sip:", 0) == 0) {
    if (!plain_sip_uri(head)) return bad("a sip: destination must be sip:user@host[:port]");
    d.number = std::string(head);
    d.sip_uri = true;
  } else {
    if (head.rfind("tel:", 0) == 0) head.remove_prefix(4);
    std::string digits;
    for (char c : head)
      if (c != '-' && c != '.' && c != ' ' && c != '(' && c != ')') digits += c;
    if (!phone_digits(digits))
      return bad("a phone number is 3-20 digits with an optional '+' (tel: allowed)");
    d.number = digits;
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    const auto name = parts[i].substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view() : parts[i].substr(eq + 1);
    if (name == "ani") {
      std::string_view v = value;
      if (v.rfind("tel:", 0) == 0) v.remove_prefix(4);
      if (!phone_digits(v)) return bad("ani must be a phone number (3-20 digits, optional '+')");
      d.ani = std::string(v);
    } else if (name == "postd") {
      if (!postd_keys(value)) return bad("postd must be 1-64 of 0-9 * # A-D");
      d.postd = std::string(value);
    } else {
      return bad("unknown phone number parameter (known: ani, postd)");
    }
  }
  return d;
}

}  // namespace keyline::outbound
