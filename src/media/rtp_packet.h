// RTP fixed header (RFC 3550 §5.1) parsing and writing. Pure: bytes in,
// bytes out; the socket side lives in MediaSession.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace keyline::media {

constexpr std::size_t kRtpHeaderSize = 12;

struct RtpHeader {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
};

// payload points into the datagram passed to parse_rtp: it is valid only as
// long as that buffer is.
struct RtpView {
  RtpHeader header;
  std::span<const std::uint8_t> payload;
};

// Checks version 2, skips CSRCs and any header extension, strips padding.
// Every length comes from the network, so each one is checked against the
// datagram before use; a bad packet is an Error of kind "parse".
Result<RtpView> parse_rtp(std::span<const std::uint8_t> datagram);

// Writes a 12-byte header (no CSRC, extension or padding) and the payload.
// Returns the bytes written, or 0 if `out` is too small.
std::size_t write_rtp(const RtpHeader& h, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out);

}  // namespace keyline::media
