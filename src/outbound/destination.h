// An outbound call's phone number as the API and the CSV take it (Plum's format): "6175551234",
// "tel:+16175551234", "16175551234;ani=8009957586", "tel:+16175551234;ani=8009957586;postd=2".
// `ani` is the caller id to send, `postd` the keys to send once the call is answered. A sip: URI
// ("sip:alice@10.0.0.5:5070") is accepted too; the dialer dials it only where the operator
// allows (outbound.allow_sip_uris). Pure: no lookups.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace keyline::outbound {

struct Destination {
  std::string number;  // digits with an optional leading '+', or the sip: URI
  std::string ani;     // empty: not given
  std::string postd;   // 0-9 * # A-D; empty: none
  bool sip_uri = false;
};

// Errors (kind "outbound") say what is wrong, without echoing the whole value.
Result<Destination> parse_destination(std::string_view text);

}  // namespace keyline::outbound
