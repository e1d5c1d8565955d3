// One stream's RTCP state, without sockets or clocks: what we have sent
// (for our sender reports), what we receive from each source (report
// blocks), and what the peer's reports say about us (loss, jitter, round
// trip). MediaSession feeds it packets and times and sends what it builds.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/rtcp.h"
#include "media/rtcp_stats.h"
#include "media/rtp_packet.h"

namespace keyline::media {

struct RtcpStats {
  std::uint64_t reports_sent = 0;      // compound packets sent
  std::uint64_t reports_received = 0;  // compound packets that parsed
  std::uint64_t malformed = 0;         // received and rejected by the parser
  // Our view of what we receive, summed over the sources heard.
  std::int64_t packets_lost = 0;
  double jitter_ms = 0;  // of the source heard last
  // The peer's latest report block about our stream.
  bool remote_report = false;
  std::int64_t remote_packets_lost = 0;
  std::uint8_t remote_fraction_lost = 0;  // in 1/256
  double remote_jitter_ms = 0;
  std::uint32_t remote_highest_sequence = 0;
  std::optional<double> rtt_ms;  // from LSR/DLSR, once the peer echoes our SR
  bool bye_received = false;
};

class RtcpSession {
 public:
  // clock_rate: RTP timestamp units per second (8000 for every codec here,
  // G.722 included, RFC 3551 §4.5.2).
  RtcpSession(std::uint32_t ssrc, std::string cname, std::uint32_t clock_rate = 8000);

  // An RTP packet we sent, with its payload length.
  void on_sent(std::size_t payload_octets);
  // An RTP packet received; `arrival` in timestamp units, any origin. Only
  // packets with `timing` feed the jitter (audio, not telephone-event).
  void on_received(const RtpHeader& header, bool timing, std::uint32_t arrival);
  // A compound packet received at NTP time `ntp_now`.
  void on_rtcp(const RtcpCompound& compound, std::uint64_t ntp_now);
  void on_malformed() { ++stats_.malformed; }

  // Our next compound packet: SR (or RR if we sent nothing since the last
  // one) with a block per source heard, SDES CNAME, and BYE when `bye`.
  std::vector<std::uint8_t> build(std::uint64_t ntp_now, std::uint32_t rtp_timestamp_now,
                                  bool bye = false);

  const RtcpStats& stats() const { return stats_; }
  std::uint32_t ssrc() const { return ssrc_; }

 private:
  struct Source {
    SourceStats stats;
    std::uint32_t last_sr = 0;          // middle bits of its last SR's NTP time
    std::uint64_t last_sr_arrival = 0;  // our NTP time when that SR arrived
  };
  Source& source(std::uint32_t ssrc, std::uint16_t sequence);
  Source* find(std::uint32_t ssrc);

  std::uint32_t ssrc_;
  std::string cname_;
  std::uint32_t clock_rate_;
  std::uint32_t packets_sent_ = 0;
  std::uint32_t octets_sent_ = 0;
  bool sent_since_report_ = false;
  std::vector<Source> sources_;
  RtcpStats stats_;
};

// NTP format (RFC 5905) of a Unix time in microseconds.
std::uint64_t ntp_from_unix_us(std::int64_t unix_us);

}  // namespace keyline::media
