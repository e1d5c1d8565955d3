#include "media/rtcp.h"

#include <algorithm>

#include "media/byte_order.h"

namespace keyline::media {
namespace {

constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kSenderInfoSize = 20;
constexpr std::size_t kBlockSize = 24;
constexpr std::uint8_t kSdesEnd = 0;
constexpr std::uint8_t kSdesCname = 1;

Error malformed(std::string what) { return Error{"parse", "rtcp: " + std::move(what)}; }

// Writes the common header with a placeholder length; finish() sets it once
// the packet's body is appended and padded to a 32-bit boundary.
std::size_t begin_packet(std::vector<std::uint8_t>& out, std::uint8_t count, RtcpType type) {
  std::size_t start = out.size();
  out.push_back(static_cast<std::uint8_t>(0x80 | (count & 0x1f)));
  out.push_back(static_cast<std::uint8_t>(type));
  out.push_back(0);
  out.push_back(0);
  return start;
}

void finish_packet(std::vector<std::uint8_t>& out, std::size_t start) {
  while ((out.size() - start) % 4) out.push_back(0);
  std::size_t words = (out.size() - start) / 4 - 1;
  store_be16(std::span<std::uint8_t>(out).subspan(start + 2, 2), static_cast<std::uint16_t>(words));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  std::uint8_t b[4];
  store_be32(b, v);
  out.insert(out.end(), b, b + 4);
}

Status parse_report(std::span<const std::uint8_t> body, std::uint8_t count, bool sender,
                    RtcpCompound& out) {
  std::size_t need = 4 + (sender ? kSenderInfoSize : 0) + count * kBlockSize;
  // More than needed is a profile-specific extension (§6.4.1), skipped.
  if (body.size() < need) return malformed("report shorter than its block count");
  RtcpReport r;
  r.ssrc = load_be32(body);
  std::size_t at = 4;
  if (sender) {
    SenderInfo s;
    s.ntp_time = (std::uint64_t{load_be32(body.subspan(4))} << 32) | load_be32(body.subspan(8));
    s.rtp_timestamp = load_be32(body.subspan(12));
    s.packet_count = load_be32(body.subspan(16));
    s.octet_count = load_be32(body.subspan(20));
    r.sender = s;
    at += kSenderInfoSize;
  }
  for (std::uint8_t i = 0; i < count; ++i, at += kBlockSize) {
    auto b = body.subspan(at, kBlockSize);
    ReportBlock block;
    block.ssrc = load_be32(b);
    block.fraction_lost = b[4];
    // Sign-extend the 24-bit cumulative count (it goes negative with duplicates).
    std::uint32_t lost = (std::uint32_t{b[5]} << 16) | (std::uint32_t{b[6]} << 8) | b[7];
    block.cumulative_lost = static_cast<std::int32_t>(lost << 8) >> 8;
    block.highest_sequence = load_be32(b.subspan(8));
    block.jitter = load_be32(b.subspan(12));
    block.last_sr = load_be32(b.subspan(16));
    block.delay_since_last_sr = load_be32(b.subspan(20));
    r.blocks.push_back(block);
  }
  out.reports.push_back(std::move(r));
  return Ok{};
}

Status parse_sdes(std::span<const std::uint8_t> body, std::uint8_t count, RtcpCompound& out) {
  std::size_t at = 0;
  for (std::uint8_t chunk = 0; chunk < count; ++chunk) {
    if (body.size() - at < 4) return malformed("SDES chunk truncated");
    std::uint32_t ssrc = load_be32(body.subspan(at));
    at += 4;
    for (;;) {
      if (at >= body.size()) return malformed("SDES chunk without END");
      std::uint8_t type = body[at];
      if (type == kSdesEnd) {
        // The END item is followed by nulls up to the next 32-bit boundary.
        at = (at + 4) & ~std::size_t{3};
        break;
      }
      if (body.size() - at < 2 || body.size() - at - 2 < body[at + 1])
        return malformed("SDES item truncated");
      std::size_t length = body[at + 1];
      auto text = body.subspan(at + 2, length);
      if (type == kSdesCname)
        out.cnames.push_back({ssrc, std::string(text.begin(), text.end())});
      else
        ++out.skipped;
      at += 2 + length;
    }
    if (at > body.size()) return malformed("SDES padding truncated");
  }
  return Ok{};
}

Status parse_bye(std::span<const std::uint8_t> body, std::uint8_t count, RtcpCompound& out) {
  if (body.size() < count * std::size_t{4}) return malformed("BYE shorter than its source count");
  RtcpBye bye;
  for (std::uint8_t i = 0; i < count; ++i) bye.ssrcs.push_back(load_be32(body.subspan(i * 4u)));
  std::size_t at = count * std::size_t{4};
  if (at < body.size()) {
    std::size_t length = body[at];
    if (body.size() - at - 1 < length) return malformed("BYE reason truncated");
    auto text = body.subspan(at + 1, length);
    bye.reason.assign(text.begin(), text.end());
  }
  out.byes.push_back(std::move(bye));
  return Ok{};
}

}  // namespace

Result<RtcpCompound> parse_rtcp(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kHeaderSize) return malformed("too short");
  if (datagram[1] != static_cast<std::uint8_t>(RtcpType::kSr) &&
      datagram[1] != static_cast<std::uint8_t>(RtcpType::kRr))
    return malformed("compound packet does not start with SR or RR");
  RtcpCompound out;
  std::size_t at = 0;
  while (at < datagram.size()) {
    auto rest = datagram.subspan(at);
    if (rest.size() < kHeaderSize) return malformed("packet header truncated");
    if ((rest[0] >> 6) != 2) return malformed("not version 2");
    bool padding = rest[0] & 0x20;
    std::uint8_t count = rest[0] & 0x1f;
    std::uint8_t type = rest[1];
    std::size_t length = (std::size_t{load_be16(rest.subspan(2))} + 1) * 4;
    if (length > rest.size()) return malformed("packet longer than the datagram");
    auto body = rest.subspan(kHeaderSize, length - kHeaderSize);
    if (padding) {
      // Only the last packet of a compound may be padded (A.2).
      if (at + length != datagram.size()) return malformed("padding before the last packet");
      std::size_t pad = body.empty() ? 0 : body.back();
      if (pad == 0 || pad > body.size()) return malformed("bad padding count");
      body = body.first(body.size() - pad);
    }
    Status parsed = Ok{};
    switch (static_cast<RtcpType>(type)) {
      case RtcpType::kSr:
        parsed = parse_report(body, count, true, out);
        break;
      case RtcpType::kRr:
        parsed = parse_report(body, count, false, out);
        break;
      case RtcpType::kSdes:
        parsed = parse_sdes(body, count, out);
        break;
      case RtcpType::kBye:
        parsed = parse_bye(body, count, out);
        break;
      default:
        ++out.skipped;  // APP, XR, feedback: not ours to read
    }
    if (!parsed) return parsed.error();
    at += length;
  }
  return out;
}

void append_report(std::vector<std::uint8_t>& out, const RtcpReport& report) {
  std::size_t n = std::min(report.blocks.size(), kMaxReportBlocks);
  std::size_t start = begin_packet(out, static_cast<std::uint8_t>(n),
                                   report.sender ? RtcpType::kSr : RtcpType::kRr);
  put32(out, report.ssrc);
  if (const auto& s = report.sender) {
    put32(out, static_cast<std::uint32_t>(s->ntp_time >> 32));
    put32(out, static_cast<std::uint32_t>(s->ntp_time));
    put32(out, s->rtp_timestamp);
    put32(out, s->packet_count);
    put32(out, s->octet_count);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const ReportBlock& b = report.blocks[i];
    put32(out, b.ssrc);
    // Clamp to the 24-bit signed range rather than wrap (§6.4.1).
    std::int32_t lost = std::clamp<std::int32_t>(b.cumulative_lost, -0x800000, 0x7fffff);
    put32(out,
          (std::uint32_t{b.fraction_lost} << 24) | (static_cast<std::uint32_t>(lost) & 0xffffff));
    put32(out, b.highest_sequence);
    put32(out, b.jitter);
    put32(out, b.last_sr);
    put32(out, b.delay_since_last_sr);
  }
  finish_packet(out, start);
}

void append_sdes_cname(std::vector<std::uint8_t>& out, std::uint32_t ssrc, std::string_view cname) {
  std::size_t start = begin_packet(out, 1, RtcpType::kSdes);
  put32(out, ssrc);
  cname = cname.substr(0, kMaxSdesText);
  out.push_back(kSdesCname);
  out.push_back(static_cast<std::uint8_t>(cname.size()));
  out.insert(out.end(), cname.begin(), cname.end());
  // END, then nulls to the boundary: at least one zero byte must follow.
  out.push_back(kSdesEnd);
  finish_packet(out, start);
}

void append_bye(std::vector<std::uint8_t>& out, std::span<const std::uint32_t> ssrcs,
                std::string_view reason) {
  std::size_t n = std::min<std::size_t>(ssrcs.size(), 31);
  std::size_t start = begin_packet(out, static_cast<std::uint8_t>(n), RtcpType::kBye);
  for (std::size_t i = 0; i < n; ++i) put32(out, ssrcs[i]);
  if (!reason.empty()) {
    reason = reason.substr(0, kMaxSdesText);
    out.push_back(static_cast<std::uint8_t>(reason.size()));
    out.insert(out.end(), reason.begin(), reason.end());
  }
  finish_packet(out, start);
}

std::optional<double> rtcp_round_trip_seconds(std::uint32_t arrival_ntp_middle,
                                              const ReportBlock& block) {
  if (block.last_sr == 0) return std::nullopt;
  std::uint32_t rtt = arrival_ntp_middle - block.last_sr - block.delay_since_last_sr;
  // A "negative" result (the top bit set) is clock granularity, not a time.
  if (rtt & 0x80000000u) return 0.0;
  return rtt / 65536.0;
}

}  // namespace keyline::media
