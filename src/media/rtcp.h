// RTCP packets (RFC 3550 §6): sender and receiver reports with report
// blocks, SDES CNAME and BYE, built into and parsed from compound packets.
// Pure: bytes in, values out, no sockets and no clock. Every length in a
// received packet comes from the network, so each is checked before use and
// a bad packet is an Error of kind "parse", never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::media {

enum class RtcpType : std::uint8_t { kSr = 200, kRr = 201, kSdes = 202, kBye = 203, kApp = 204 };

// What one receiver says about one source (RFC 3550 §6.4.1).
struct ReportBlock {
  std::uint32_t ssrc = 0;                 // the source reported on
  std::uint8_t fraction_lost = 0;         // since the last report, in 1/256
  std::int32_t cumulative_lost = 0;       // 24-bit signed on the wire
  std::uint32_t highest_sequence = 0;     // extended (cycles << 16 | seq)
  std::uint32_t jitter = 0;               // in RTP timestamp units
  std::uint32_t last_sr = 0;              // LSR: middle 32 bits of the SR's NTP time
  std::uint32_t delay_since_last_sr = 0;  // DLSR, in 1/65536 s
  bool operator==(const ReportBlock&) const = default;
};

struct SenderInfo {
  std::uint64_t ntp_time = 0;  // NTP format: seconds since 1900 << 32 | fraction
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;  // payload octets
  bool operator==(const SenderInfo&) const = default;
};

// A sender report when `sender` is set, a receiver report otherwise.
struct RtcpReport {
  std::uint32_t ssrc = 0;
  std::optional<SenderInfo> sender;
  std::vector<ReportBlock> blocks;  // at most kMaxReportBlocks
  bool operator==(const RtcpReport&) const = default;
};

struct RtcpCname {
  std::uint32_t ssrc = 0;
  std::string cname;
  bool operator==(const RtcpCname&) const = default;
};

struct RtcpBye {
  std::vector<std::uint32_t> ssrcs;
  std::string reason;
  bool operator==(const RtcpBye&) const = default;
};

// What a compound packet carried. SDES items other than CNAME, APP packets
// and unknown types (XR, feedback) are skipped and counted.
struct RtcpCompound {
  std::vector<RtcpReport> reports;
  std::vector<RtcpCname> cnames;
  std::vector<RtcpBye> byes;
  std::size_t skipped = 0;
};

constexpr std::size_t kMaxReportBlocks = 31;  // RC is a 5-bit field
constexpr std::size_t kMaxSdesText = 255;     // an SDES item length is one byte

// Validates the whole datagram as RFC 3550 A.2 asks (version 2 throughout,
// the first packet an SR or RR, padding only in the last, the lengths adding
// up to the datagram) and then each packet's own counts.
Result<RtcpCompound> parse_rtcp(std::span<const std::uint8_t> datagram);

// Append one packet each to `out`, so a compound packet is built by calling
// them in order (report first, as RFC 3550 §6.1 requires). Blocks beyond
// kMaxReportBlocks and text beyond kMaxSdesText are not written.
void append_report(std::vector<std::uint8_t>& out, const RtcpReport& report);
void append_sdes_cname(std::vector<std::uint8_t>& out, std::uint32_t ssrc, std::string_view cname);
void append_bye(std::vector<std::uint8_t>& out, std::span<const std::uint32_t> ssrcs,
                std::string_view reason);

// The middle 32 bits of an NTP time: the unit of LSR and of RTT arithmetic.
constexpr std::uint32_t ntp_middle(std::uint64_t ntp) {
  return static_cast<std::uint32_t>(ntp >> 16);
}

// Round-trip time from a report block about us (RFC 3550 §6.4.1):
// arrival - LSR - DLSR, all in 1/65536 s, modulo 2^32 as the fields wrap.
// nullopt when the peer has not had an SR from us yet (LSR 0); 0 when clock
// granularity makes the result come out negative.
std::optional<double> rtcp_round_trip_seconds(std::uint32_t arrival_ntp_middle,
                                              const ReportBlock& block);

}  // namespace keyline::media
