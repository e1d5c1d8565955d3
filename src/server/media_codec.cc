#include "server/media_codec.h"

#include "base/strings.h"

namespace keyline::server {

media::Codec to_media_codec(sdp::Codec codec) {
  switch (codec) {
    case sdp::Codec::kPcma:
      return media::Codec::kPcma;
    case sdp::Codec::kG722:
      return media::Codec::kG722;
    default:
      return media::Codec::kPcmu;
  }
}

std::optional<sdp::Codec> parse_codec(std::string_view name) {
  for (sdp::Codec c : {sdp::Codec::kPcmu, sdp::Codec::kPcma, sdp::Codec::kG722})
    if (iequals(name, sdp::codec_name(c))) return c;
  return std::nullopt;
}

}  // namespace keyline::server
