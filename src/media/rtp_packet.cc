#include "media/rtp_packet.h"

#include <algorithm>

#include "media/byte_order.h"

namespace keyline::media {
namespace {

Error bad(const char* why) { return make_error("parse", why); }

}  // namespace

Result<RtpView> parse_rtp(std::span<const std::uint8_t> d) {
  if (d.size() < kRtpHeaderSize) return bad("rtp: packet shorter than fixed header");
  if ((d[0] >> 6) != 2) return bad("rtp: version is not 2");
  const bool padding = (d[0] & 0x20) != 0;
  const bool extension = (d[0] & 0x10) != 0;
  const std::size_t csrc_count = d[0] & 0x0F;

  RtpView v;
  v.header.marker = (d[1] & 0x80) != 0;
  v.header.payload_type = d[1] & 0x7F;
  v.header.sequence = load_be16(d.subspan(2));
  v.header.timestamp = load_be32(d.subspan(4));
  v.header.ssrc = load_be32(d.subspan(8));

  std::size_t offset = kRtpHeaderSize + 4 * csrc_count;
  if (d.size() < offset) return bad("rtp: truncated CSRC list");
  if (extension) {
    // RFC 3550 §5.3.1: 16-bit profile id, 16-bit length in 32-bit words.
    if (d.size() < offset + 4) return bad("rtp: truncated extension header");
    const std::size_t words = load_be16(d.subspan(offset + 2));
    offset += 4 + 4 * words;
    if (d.size() < offset) return bad("rtp: truncated extension");
  }
  std::size_t end = d.size();
  if (padding) {
    // The last octet counts the padding octets, itself included.
    const std::size_t pad = d[end - 1];
    if (pad == 0 || pad > end - offset) return bad("rtp: invalid padding length");
    end -= pad;
  }
  v.payload = d.subspan(offset, end - offset);
  return v;
}

std::size_t write_rtp(const RtpHeader& h, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out) {
  const std::size_t total = kRtpHeaderSize + payload.size();
  if (out.size() < total) return 0;
  out[0] = 0x80;  // V=2, P=0, X=0, CC=0
  out[1] = static_cast<std::uint8_t>((h.marker ? 0x80 : 0x00) | (h.payload_type & 0x7F));
  store_be16(out.subspan(2), h.sequence);
  store_be32(out.subspan(4), h.timestamp);
  store_be32(out.subspan(8), h.ssrc);
  std::copy(payload.begin(), payload.end(), out.begin() + kRtpHeaderSize);
  return total;
}

}  // namespace keyline::media
