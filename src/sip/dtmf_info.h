// SIP INFO DTMF bodies, pure: application/dtmf-relay ("Signal=5\r\nDuration=160\r\n", the
// de-facto format of Cisco and most gateways) and application/dtmf (the key alone).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyline::sip {

struct InfoDigit {
  char digit = 0;       // 0-9 * # A-D (upper case)
  int duration_ms = 0;  // 0 when the body does not say
};

// The key an INFO body carries; nullopt when the content type is not a DTMF one or the body
// names no valid key. `content_type` may carry parameters ("application/dtmf-relay;x=y").
// Signal=10 and 11 (some gateways' * and #) are understood; so is "Signal= 5".
std::optional<InfoDigit> parse_dtmf_info(std::string_view content_type, std::string_view body);

// Whether an INFO with this content type is meant to carry DTMF at all.
bool is_dtmf_content_type(std::string_view content_type);

// A SIP message's text for a trace: when it carries a DTMF INFO body, the body is replaced by
// "[private]" (the key may be part of a PIN or card number). The log's own redaction catches
// "Signal=5" too, but not an application/dtmf body that is one bare digit.
std::string mask_dtmf_body(std::string_view message_text);

// The application/dtmf-relay body we send.
std::string dtmf_relay_body(char digit, int duration_ms);

}  // namespace keyline::sip
