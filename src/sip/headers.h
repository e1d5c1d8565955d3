// Structured SIP header values (Via, CSeq) and header-name rules: compact
// forms (RFC 3261 7.3.3) and which headers are comma-separated lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace keyline::sip {

struct Via {
  std::string transport;   // upper case: "UDP", "TCP", "TLS", "WS", ...
  std::string host;        // IPv6 without brackets
  std::uint16_t port = 0;  // 0 = not given
  std::vector<std::pair<std::string, std::string>> params;  // branch, received, rport, ...

  std::optional<std::string> branch() const;
  std::optional<std::string> param(std::string_view name) const;
  std::string to_string() const;  // "SIP/2.0/UDP host:port;params"
};

// Parses a Via header value holding one or more comma-separated via-parms.
// LWS is allowed around '/', ';', '=' (RFC 4475 3.1.1.1). Fails on an empty
// element, a protocol other than SIP/2.0, or an empty parameter name.
Result<std::vector<Via>> parse_vias(std::string_view header_value);
// The same checks without building the Vias (nothing is allocated).
bool valid_vias(std::string_view header_value);

struct CSeq {
  std::uint32_t number = 0;
  std::string method;
};

// "<number> <method>"; the number must fit 32 bits (RFC 3261 8.1.1.5 wants
// < 2^31, which we do not enforce on receipt).
Result<CSeq> parse_cseq(std::string_view value);

// Maps a compact form ("v", "i", ...) to its full name; other names are
// returned unchanged. Case is not changed.
std::string_view expand_compact_name(std::string_view name);

// Case-insensitive header-name equality with compact forms equivalent.
bool header_name_equals(std::string_view a, std::string_view b);

// True for headers whose value is a comma-separated list (Via, Contact,
// Route, Allow, Supported, ...) and may be split on commas.
bool is_list_header(std::string_view name);

}  // namespace keyline::sip
