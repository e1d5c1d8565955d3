// Transaction matching (RFC 3261 17.1.3 and 17.2.3): the string that names
// the transaction a message belongs to.
//
// Server side, with an RFC 3261 branch (magic cookie z9hG4bK): the top Via's
// branch and sent-by, plus the method (ACK counts as INVITE so it finds the
// INVITE transaction; CANCEL is its own transaction and looks for its INVITE
// with the method given as "INVITE").
//
// Server side, RFC 2543 peers (no cookie): Request-URI, Call-ID, From tag,
// CSeq number, the whole top Via and the method. This is the 17.2.3 rule
// without the To-tag comparison for ACK (which would need the tag of the
// response we sent); ACK, CANCEL and retransmissions still match because
// RFC 2543 copies those fields unchanged.
//
// Client side: the top Via branch (ours, always unique) and the CSeq method.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message.h"

namespace keyline::sip {

inline constexpr std::string_view kMagicCookie = "z9hG4bK";

// `method` is the request's method, or "INVITE" for an ACK or a CANCEL
// looking for the INVITE transaction. Empty when the request has no usable
// top Via.
std::optional<std::string> server_transaction_key(const Message& request, std::string_view method);

// For our own request (when sending) and for a response (when matching).
std::optional<std::string> client_transaction_key(const Message& message);

}  // namespace keyline::sip
