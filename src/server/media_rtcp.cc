#include "server/media_rtcp.h"

#include "io/endpoint.h"

namespace keyline::server {

void apply_rtcp(const sdp::NegotiatedMedia& negotiated, media::StreamParams& stream) {
  stream.rtcp_mux = negotiated.rtcp_mux;
  stream.remote_rtcp.reset();
  if (negotiated.rtcp_mux || !negotiated.remote_rtcp) return;
  const std::string host = negotiated.remote_rtcp->address.value_or(negotiated.remote_address);
  if (auto at = io::Endpoint::parse(host, negotiated.remote_rtcp->port)) stream.remote_rtcp = *at;
}

}  // namespace keyline::server
