// A SIP message (RFC 3261 7): start line, ordered headers and body, with the
// datagram parser, the TCP/TLS stream framer and the serializer. Pure: bytes
// in, values out; nothing here touches a socket or throws on any input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sip/headers.h"
#include "sip/uri.h"

namespace keyline::sip {

struct Header {
  std::string name;   // as received ("v", "VIA", "Via" all stay distinct here)
  std::string value;  // trimmed, folded continuation lines joined with one space
};

class Message {
 public:
  bool is_request() const { return request; }

  // Request line (request == true) or status line (request == false).
  std::string method;
  std::string request_uri;
  int status = 0;
  std::string reason;
  bool request = true;

  std::vector<Header> headers;  // in order; names as received
  std::string body;

  // First header of that name: case-insensitive, compact forms equivalent.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every occurrence; list headers (see is_list_header) are also split on
  // commas outside quotes and <>. Empty list elements are skipped.
  std::vector<std::string_view> header_values(std::string_view name) const;
  void add_header(std::string name, std::string value);
  // Replaces every header of that name (any form) with one, at the position
  // of the first; appends when there was none.
  void set_header(std::string_view name, std::string value);
  void remove_header(std::string_view name);

  // Start line, headers in order, then the body. Content-Length is always
  // recomputed from body (written where the first one was, else last).
  std::string serialize() const;
};

// Why a message could not be parsed. `status` is what a server would answer
// to a request: 400, 505 (version), 513 (too large); 0 means the bytes are not
// SIP at all (or only keep-alive CRLFs) and should be dropped silently.
// Responses that fail to parse are always dropped whatever `status` says.
struct ParseError {
  int status = 400;
  std::string reason;
  // The start line and raw headers when parsing got that far, so a transport
  // can still build a 400 with make_response() (it needs Via/From/To/...).
  std::optional<Message> partial;
};

using ParseResult = std::variant<Message, ParseError>;

// Limits applied to untrusted input.
inline constexpr std::size_t kMaxMessageBytes = 64 * 1024;
inline constexpr std::size_t kMaxHeaders = 200;
inline constexpr std::size_t kMaxLineBytes = 8 * 1024;

// Parses one complete datagram or one framed stream message. Leading CRLFs
// are skipped (RFC 3261 7.5). Validates the start line, the SIP/2.0 version,
// the mandatory headers (To, From, Call-ID, CSeq, Via; each of the singletons
// exactly once), To/From/Via/CSeq syntax, the CSeq method against the request
// method, and Content-Length: a longer body is truncated to it (RFC 3261
// 18.3), a shorter one is an error; without Content-Length the rest of the
// datagram is the body.
ParseResult parse_message(std::string_view bytes);

// Stream framing for TCP/TLS. Given the bytes buffered so far:
//  - std::monostate: the first message is not complete yet, read more;
//  - Frame: drop `skip` leading CRLF keep-alive bytes, then the next `length`
//    bytes are one whole message for parse_message(). length == 0 means only
//    keep-alives were found (answer a CRLFCRLF ping with a CRLF pong);
//  - ParseError: the header block is malformed or too large; close the stream.
// A message without Content-Length is framed with an empty body.
struct Frame {
  std::size_t skip = 0;
  std::size_t length = 0;
};
std::variant<std::monostate, Frame, ParseError> frame_stream(std::string_view buffer);

// A response to `request` copying its Via headers, From, To (adding
// ;tag=to_tag when given and To has no tag yet), Call-ID and CSeq, plus
// Content-Length: 0. An empty reason uses default_reason(status).
Message make_response(const Message& request, int status, std::string_view reason = {},
                      std::string_view to_tag = {});

// RFC 3261 21 reason phrases; a generic class phrase for unknown codes.
std::string_view default_reason(int status);

}  // namespace keyline::sip
