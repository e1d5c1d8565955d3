#include "media/call_quality.h"

#include <algorithm>

namespace keyline::media {
namespace {

constexpr double kR0 = 93.2;        // basic signal-to-noise, G.107 default values
constexpr double kBpl = 4.3;        // G.711 without concealment, random loss
constexpr double kPacketMs = 20.0;  // our ptime

double delay_ms(std::optional<double> rtt_ms, double jitter_ms) {
  return rtt_ms.value_or(0.0) / 2.0 + kPacketMs + 2.0 * jitter_ms;
}

DirectionQuality direction(std::int64_t packets, std::int64_t lost, double jitter_ms,
                           std::optional<double> rtt_ms) {
  DirectionQuality q;
  q.packets = packets;
  q.lost = std::max<std::int64_t>(lost, 0);  // duplicates make A.3's count negative
  q.jitter_ms = jitter_ms;
  const double expected = static_cast<double>(packets + q.lost);
  const double loss = expected > 0 ? static_cast<double>(q.lost) / expected : 0.0;
  q.mos = mos_from_r(e_model_r(loss, delay_ms(rtt_ms, jitter_ms)));
  return q;
}

}  // namespace

double mos_from_r(double r) {
  if (r <= 0) return 1.0;
  if (r >= 100) return 4.5;
  // The polynomial dips just under 1 for R below about 6.5; a MOS is never below 1.
  return std::max(1.0, 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6);
}

double e_model_r(double loss_fraction, double one_way_delay_ms) {
  const double d = std::max(one_way_delay_ms, 0.0);
  // Id: the delay impairment's simplified form (Cole & Rosenbluth's fit of G.107).
  const double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0.0);
  // Ie-eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl), with Ie = 0 and Ppl in percent.
  const double ppl = std::clamp(loss_fraction, 0.0, 1.0) * 100.0;
  const double ie_eff = 95.0 * ppl / (ppl + kBpl);
  return kR0 - id - ie_eff;
}

CallQuality call_quality(const MediaStats& stats) {
  CallQuality q;
  q.rtt_ms = stats.rtcp.rtt_ms;
  q.inbound = direction(static_cast<std::int64_t>(stats.packets_received), stats.rtcp.packets_lost,
                        stats.rtcp.jitter_ms, q.rtt_ms);
  if (stats.rtcp.remote_report) {
    const auto sent = static_cast<std::int64_t>(stats.packets_sent);
    const std::int64_t lost = std::min(stats.rtcp.remote_packets_lost, sent);
    q.outbound = direction(sent - std::max<std::int64_t>(lost, 0), lost,
                           stats.rtcp.remote_jitter_ms, q.rtt_ms);
  }
  return q;
}

}  // namespace keyline::media
