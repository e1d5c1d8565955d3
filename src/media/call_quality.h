// A call's media quality for its CDR: loss, jitter and an estimated MOS per
// direction, from the RTP/RTCP statistics the session kept (RFC 3550 A.3 and
// A.8 for what we received; the peer's receiver reports for what we sent).
// The MOS comes from a reduced E-model (ITU-T G.107): only the impairments
// RTP statistics can show — packet loss and delay — with the codec's
// equipment impairment. It is an estimate for spotting bad calls and trunks,
// not a listening test.
#pragma once

#include <cstdint>
#include <optional>

#include "media/codec.h"
#include "media/media_session.h"

namespace keyline::media {

struct DirectionQuality {
  std::int64_t packets = 0;  // that reached the receiving side
  std::int64_t lost = 0;     // by sequence numbers; the peer's count for outbound
  double jitter_ms = 0;      // interarrival jitter (RFC 3550 A.8)
  double mos = 0;            // 1.0 - 4.5
};

struct CallQuality {
  DirectionQuality inbound;                  // caller -> Keyline, as we measured it
  std::optional<DirectionQuality> outbound;  // Keyline -> caller, when the peer sent reports
  std::optional<double> rtt_ms;              // from RTCP LSR/DLSR
};

// R factor -> MOS (G.107 Annex B): 1 below R = 0, 4.5 above R = 100.
double mos_from_r(double r);

// The reduced E-model's R for one direction. loss_fraction in [0, 1];
// one_way_delay_ms is mouth-to-ear delay. G.711 has Ie = 0; without packet
// loss concealment its Bpl is 4.3 (G.113 Appendix I), which is used here.
double e_model_r(double loss_fraction, double one_way_delay_ms);

// Both directions from a session's statistics. The delay counts half the
// round trip (when RTCP measured one), one 20 ms packet and a jitter buffer
// of twice the jitter.
CallQuality call_quality(const MediaStats& stats);

}  // namespace keyline::media
