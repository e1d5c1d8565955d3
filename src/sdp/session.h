// SDP session descriptions (RFC 4566), reduced to what a G.711 + RFC 4733
// audio endpoint with SDES-SRTP (RFC 4568 a=crypto) needs. Unknown attributes
// are kept verbatim so they survive a parse/serialize round trip; unknown line
// types are ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "sdp/crypto.h"

namespace keyline::sdp {

struct RtpMap {
  int payload_type = 0;
  std::string encoding;  // as received, e.g. "PCMU", "telephone-event"
  int clock_rate = 0;
  int channels = 1;
};

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };

// a=rtcp (RFC 3605): where the stream's RTCP goes when that is not the RTP
// port + 1, e.g. behind a NAT that did not keep the pair together.
struct RtcpAttribute {
  std::uint16_t port = 0;
  std::optional<std::string> address;  // absent: the stream's connection address
  bool operator==(const RtcpAttribute&) const = default;
};

struct MediaDescription {
  std::string media;         // "audio", "video", ...
  std::uint16_t port = 0;    // 0 = stream rejected / disabled
  std::string proto;         // "RTP/AVP", ...
  std::vector<int> formats;  // RTP payload types, in preference order
  // Formats of non-RTP streams ("t38", "*"), which are not numbers; kept so a
  // declined m-line can be echoed back (RFC 3264 6).
  std::vector<std::string> other_formats;
  std::vector<RtpMap> rtpmaps;
  std::vector<std::pair<int, std::string>> fmtps;  // payload type -> parameters
  std::optional<std::string> connection_address;   // media-level c=
  std::optional<int> ptime;
  Direction direction = Direction::kSendRecv;  // a session-level attribute applies when absent
  // a=crypto lines, in offer order. Typed rather than kept as text so the keys
  // they carry live in SecretBytes and are wiped with the description.
  std::vector<CryptoAttribute> crypto;
  std::optional<RtcpAttribute> rtcp;          // a=rtcp; a malformed one stays in other_attributes
  bool rtcp_mux = false;                      // a=rtcp-mux (RFC 5761 5.1.1)
  std::vector<std::string> other_attributes;  // "name:value" or "name", without "a="

  const RtpMap* rtpmap(int payload_type) const;
  std::optional<std::string> fmtp(int payload_type) const;
  // Media-level c= if present, else the session-level one.
  std::optional<std::string> address(const std::optional<std::string>& session_level) const;
};

struct SessionDescription {
  std::string origin_username = "-";
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  std::string origin_address;
  std::string session_name = "-";
  std::optional<std::string> connection_address;  // session-level c=
  std::vector<std::string> other_attributes;      // session-level, without "a="
  std::vector<MediaDescription> media;
};

// Parses SDP text; tolerant of LF-only line ends and blank lines. Errors
// (kind "sdp") for a missing or wrong v=, missing o= or m=, a line not of the
// form "x=...", and malformed o=, c= or m= lines. Malformed rtpmap/fmtp/ptime
// attributes are kept in other_attributes instead of failing the offer; a
// malformed a=crypto is dropped (it may hold key bytes, so it is not kept as
// text) and the stream is then answered as if that line was not there.
// Connection addresses drop a multicast "/ttl".
Result<SessionDescription> parse(std::string_view text);

// Emits v=, o=, s=, c=, t=0 0, then the media sections; CRLF line ends.
std::string serialize(const SessionDescription& sd);

std::string_view direction_name(Direction d);  // "sendrecv", ...

}  // namespace keyline::sdp
