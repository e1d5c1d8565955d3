// Hands negotiated SDES keys (sdp) to the SRTP adapter (media): the two
// layers do not know each other, so the composition root translates.
#pragma once

#include "media/srtp_session.h"
#include "sdp/crypto.h"

namespace keyline::server {

// Our key protects what we send; the peer's key unprotects what we receive.
media::SrtpConfig to_media_srtp(const sdp::SrtpKeys& keys);

}  // namespace keyline::server
