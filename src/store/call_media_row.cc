#include "store/call_media_row.h"

#include <cmath>

namespace keyline::store {
namespace {

std::int64_t micros(double ms) { return std::llround(ms * 1000.0); }
std::int64_t hundredths(double mos) { return std::llround(mos * 100.0); }

}  // namespace

CallMediaRow to_media_row(const CallMediaRecord& media) {
  CallMediaRow row;
  row.codec = media.codec;
  row.srtp = media.srtp;
  row.in_packets = media.inbound.packets;
  row.in_lost = media.inbound.lost;
  row.in_jitter_us = micros(media.inbound.jitter_ms);
  row.in_mos_x100 = hundredths(media.inbound.mos);
  if (media.outbound) {
    row.out_reported = true;
    row.out_packets = media.outbound->packets;
    row.out_lost = media.outbound->lost;
    row.out_jitter_us = micros(media.outbound->jitter_ms);
    row.out_mos_x100 = hundredths(media.outbound->mos);
  }
  if (media.rtt_ms) row.rtt_us = micros(*media.rtt_ms);
  return row;
}

CallMediaRecord from_media_row(const CallMediaRow& row) {
  CallMediaRecord media;
  media.codec = row.codec;
  media.srtp = row.srtp;
  media.inbound = {row.in_packets, row.in_lost, row.in_jitter_us / 1000.0, row.in_mos_x100 / 100.0};
  if (row.out_reported)
    media.outbound = MediaDirectionRecord{row.out_packets, row.out_lost, row.out_jitter_us / 1000.0,
                                          row.out_mos_x100 / 100.0};
  if (row.rtt_us) media.rtt_ms = *row.rtt_us / 1000.0;
  return media;
}

}  // namespace keyline::store
