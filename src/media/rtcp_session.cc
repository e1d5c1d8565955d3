#include "media/rtcp_session.h"

namespace keyline::media {
namespace {

// Several SSRCs on one stream are normal (audio and DTMF from different
// sources, a restart); more than this is a peer spraying SSRCs, and the
// oldest is forgotten rather than growing without bound.
constexpr std::size_t kMaxSources = 8;
constexpr std::uint64_t kNtpUnixOffset = 2208988800ull;  // 1900 to 1970, seconds

}  // namespace

std::uint64_t ntp_from_unix_us(std::int64_t unix_us) {
  auto seconds = static_cast<std::uint64_t>(unix_us / 1000000) + kNtpUnixOffset;
  auto micros = static_cast<std::uint64_t>(unix_us % 1000000);
  return (seconds << 32) | ((micros << 32) / 1000000);
}

RtcpSession::RtcpSession(std::uint32_t ssrc, std::string cname, std::uint32_t clock_rate)
    : ssrc_(ssrc), cname_(std::move(cname)), clock_rate_(clock_rate) {}

void RtcpSession::on_sent(std::size_t payload_octets) {
  // The SR's counts are 32-bit and wrap, as the RFC intends.
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(payload_octets);
  sent_since_report_ = true;
}

RtcpSession::Source* RtcpSession::find(std::uint32_t ssrc) {
  for (auto& s : sources_)
    if (s.stats.ssrc() == ssrc) return &s;
  return nullptr;
}

RtcpSession::Source& RtcpSession::source(std::uint32_t ssrc, std::uint16_t sequence) {
  if (Source* s = find(ssrc)) return *s;
  if (sources_.size() >= kMaxSources) sources_.erase(sources_.begin());
  sources_.push_back(Source{SourceStats(ssrc, sequence)});
  return sources_.back();
}

void RtcpSession::on_received(const RtpHeader& header, bool timing, std::uint32_t arrival) {
  Source& s = source(header.ssrc, header.sequence);
  if (!s.stats.on_packet(header.sequence)) return;
  if (timing) {
    s.stats.on_timing(header.timestamp, arrival);
    stats_.jitter_ms = s.stats.jitter() * 1000.0 / clock_rate_;
  }
  std::int64_t lost = 0;
  for (const auto& src : sources_) lost += src.stats.cumulative_lost();
  stats_.packets_lost = lost;
}

void RtcpSession::on_rtcp(const RtcpCompound& compound, std::uint64_t ntp_now) {
  ++stats_.reports_received;
  for (const auto& report : compound.reports) {
    if (report.sender) {
      // Remembered per source, so our next block about it carries LSR/DLSR.
      // A source we have had no RTP from yet gets no block, so no entry.
      if (Source* s = find(report.ssrc)) {
        s->last_sr = ntp_middle(report.sender->ntp_time);
        s->last_sr_arrival = ntp_now;
      }
    }
    for (const auto& block : report.blocks) {
      if (block.ssrc != ssrc_) continue;  // about someone else's stream
      stats_.remote_report = true;
      stats_.remote_packets_lost = block.cumulative_lost;
      stats_.remote_fraction_lost = block.fraction_lost;
      stats_.remote_jitter_ms = block.jitter * 1000.0 / clock_rate_;
      stats_.remote_highest_sequence = block.highest_sequence;
      if (auto rtt = rtcp_round_trip_seconds(ntp_middle(ntp_now), block))
        stats_.rtt_ms = *rtt * 1000.0;
    }
  }
  if (!compound.byes.empty()) stats_.bye_received = true;
}

std::vector<std::uint8_t> RtcpSession::build(std::uint64_t ntp_now, std::uint32_t rtp_timestamp_now,
                                             bool bye) {
  RtcpReport report;
  report.ssrc = ssrc_;
  if (sent_since_report_)
    report.sender = SenderInfo{ntp_now, rtp_timestamp_now, packets_sent_, octets_sent_};
  sent_since_report_ = false;
  for (auto& s : sources_) {
    if (!s.stats.valid() || report.blocks.size() >= kMaxReportBlocks) continue;
    ReportBlock block = s.stats.make_block();
    if (s.last_sr) {
      block.last_sr = s.last_sr;
      // DLSR in 1/65536 s: the NTP difference shifted down by 16 bits.
      block.delay_since_last_sr = static_cast<std::uint32_t>((ntp_now - s.last_sr_arrival) >> 16);
    }
    report.blocks.push_back(block);
  }
  std::vector<std::uint8_t> out;
  out.reserve(256);
  append_report(out, report);
  append_sdes_cname(out, ssrc_, cname_);
  if (bye) {
    std::uint32_t self = ssrc_;
    append_bye(out, std::span<const std::uint32_t>(&self, 1), "");
  }
  ++stats_.reports_sent;
  return out;
}

}  // namespace keyline::media
