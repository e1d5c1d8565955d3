#include "server/negotiated_stream.h"

#include "io/endpoint.h"
#include "server/media_codec.h"
#include "server/media_crypto.h"
#include "server/media_rtcp.h"

namespace keyline::server {

Result<media::StreamParams> negotiated_stream(const sdp::NegotiatedMedia& negotiated) {
  auto remote = io::Endpoint::parse(negotiated.remote_address, negotiated.remote_port);
  if (!remote) return remote.error();
  media::StreamParams stream;
  stream.remote = *remote;
  stream.codec = to_media_codec(negotiated.codec);
  stream.payload_type = negotiated.payload_type;
  stream.telephone_event_pt = negotiated.telephone_event_pt;
  if (negotiated.srtp) stream.srtp = to_media_srtp(*negotiated.srtp);
  apply_rtcp(negotiated, stream);
  return stream;
}

Result<AnsweredStream> stream_from_answer(const sdp::SessionDescription& offer,
                                          std::string_view answer_sdp) {
  auto answer = sdp::parse(answer_sdp);
  if (!answer) return answer.error();
  auto negotiated = sdp::accept_answer(offer, *answer);
  if (!negotiated) return negotiated.error();
  auto stream = negotiated_stream(*negotiated);
  if (!stream) return stream.error();
  return AnsweredStream{std::move(*negotiated), std::move(*stream)};
}

}  // namespace keyline::server
