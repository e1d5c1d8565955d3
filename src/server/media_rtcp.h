// Hands the negotiated RTCP transport (RFC 5761 rtcp-mux, RFC 3605 a=rtcp) to
// the media layer, as media_codec.h does for the codec: sdp and media do not
// know each other, so the composition root translates.
#pragma once

#include "media/media_session.h"
#include "sdp/negotiation.h"

namespace keyline::server {

// Sets stream.rtcp_mux and stream.remote_rtcp from what offer/answer agreed.
// An a=rtcp address that is not an IP literal leaves the default (RTP port
// + 1, then latching to where the peer's reports come from).
void apply_rtcp(const sdp::NegotiatedMedia& negotiated, media::StreamParams& stream);

}  // namespace keyline::server
