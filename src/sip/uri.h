// SIP/SIPS/TEL URIs (RFC 3261 19.1, RFC 3966) and name-addr values (the
// From/To/Contact/Route form). Components are kept exactly as received,
// %-escapes included, so a URI serializes back to the text it came from;
// compare components after unescape() where RFC 3261 19.1.4 asks for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace keyline::sip {

struct Uri {
  std::string scheme;  // lower case: "sip", "sips", "tel", or another absoluteURI scheme
  std::string user;    // for tel: the telephone-subscriber number
  std::string password;
  std::string host;                                          // IPv6 without brackets
  std::uint16_t port = 0;                                    // 0 = not given
  std::vector<std::pair<std::string, std::string>> params;   // ";name=value", "" for a flag
  std::vector<std::pair<std::string, std::string>> headers;  // "?name=value&..."
  // For schemes other than sip/sips/tel: everything after "scheme:", verbatim,
  // so a request to an unknown scheme can still be parsed and answered 416.
  std::string opaque;

  std::string to_string() const;
  std::optional<std::string> param(std::string_view name) const;  // case-insensitive name
};

// Parses a URI. Rejects whitespace, '<', '>' and '"' anywhere (they only occur
// when a URI was cut out of a header wrongly), an empty host, a bad port.
Result<Uri> parse_uri(std::string_view text);
// The same checks without building the Uri (nothing is allocated).
bool valid_uri(std::string_view text);

// Decodes %HH escapes; malformed escapes are left as they are.
std::string unescape(std::string_view text);

struct NameAddr {
  std::string display_name;  // unquoted and unescaped; empty when absent
  Uri uri;
  std::vector<std::pair<std::string, std::string>> params;  // header params (tag, expires, ...)

  std::optional<std::string> tag() const;
  // Always the <...> form, so URI parameters never mix with header parameters.
  std::string to_string() const;
};

// Accepts `"Name" <sip:..>;tag=x`, `Name <sip:..>`, `<sip:..>` and a bare
// `sip:..;tag=x`, whose parameters belong to the header (RFC 3261 20.10).
Result<NameAddr> parse_name_addr(std::string_view text);
// The same checks without building the NameAddr (nothing is allocated).
bool valid_name_addr(std::string_view text);

}  // namespace keyline::sip
