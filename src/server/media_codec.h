// Hands the negotiated codec (sdp) to the media layer: the two layers do not
// know each other, so the composition root translates, as it does for keys.
#pragma once

#include <optional>
#include <string_view>

#include "media/codec.h"
#include "sdp/negotiation.h"

namespace keyline::server {

media::Codec to_media_codec(sdp::Codec codec);
// "PCMU", "PCMA" or "G722" (any case), for the test phone's --codec.
std::optional<sdp::Codec> parse_codec(std::string_view name);

}  // namespace keyline::server
