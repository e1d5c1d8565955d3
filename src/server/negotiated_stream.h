// What offer/answer agreed, in the media layer's terms. sdp and media do not know each other,
// so the composition root translates (as media_codec.h and media_rtcp.h do for their parts);
// every leg that sets up media (the caller's, an outbound call's, a transfer's, the test
// phone's) builds its stream here.
#pragma once

#include <string_view>

#include "base/result.h"
#include "media/media_session.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"

namespace keyline::server {

// The far end's RTP address, the codec and its payload type, telephone-event, SRTP keys and
// the RTCP transport. What is the caller's to decide (DTMF mode, inactivity timeout,
// direction) keeps the StreamParams defaults. Fails when the agreed address is not an IP
// literal.
Result<media::StreamParams> negotiated_stream(const sdp::NegotiatedMedia& negotiated);

// The SDP answer a 2xx brought to our offer: parsed, checked against the offer, and turned
// into a stream. The error says what was wrong with it.
struct AnsweredStream {
  sdp::NegotiatedMedia negotiated;
  media::StreamParams stream;
};
Result<AnsweredStream> stream_from_answer(const sdp::SessionDescription& offer,
                                          std::string_view answer_sdp);

}  // namespace keyline::server
