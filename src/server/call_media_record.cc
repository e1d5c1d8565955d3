#include "server/call_media_record.h"

#include "media/call_quality.h"

namespace keyline::server {
namespace {

store::MediaDirectionRecord direction(const media::DirectionQuality& q) {
  return {q.packets, q.lost, q.jitter_ms, q.mos};
}

}  // namespace

store::CallMediaRecord media_record(media::Codec codec, bool srtp, const media::MediaStats& stats) {
  const media::CallQuality quality = media::call_quality(stats);
  store::CallMediaRecord record;
  record.codec = std::string(media::codec_name(codec));
  record.srtp = srtp;
  record.inbound = direction(quality.inbound);
  if (quality.outbound) record.outbound = direction(*quality.outbound);
  record.rtt_ms = quality.rtt_ms;
  return record;
}

}  // namespace keyline::server
