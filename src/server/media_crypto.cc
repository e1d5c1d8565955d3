#include "server/media_crypto.h"

namespace keyline::server {

media::SrtpConfig to_media_srtp(const sdp::SrtpKeys& keys) {
  media::SrtpConfig config;
  switch (keys.suite) {
    case sdp::SrtpSuite::kAesCm128HmacSha1_80:
      config.suite = media::SrtpSuite::kAesCm128HmacSha1_80;
      break;
    case sdp::SrtpSuite::kAesCm128HmacSha1_32:
      config.suite = media::SrtpSuite::kAesCm128HmacSha1_32;
      break;
    case sdp::SrtpSuite::kAeadAes128Gcm:
      config.suite = media::SrtpSuite::kAeadAes128Gcm;
      break;
    case sdp::SrtpSuite::kAeadAes256Gcm:
      config.suite = media::SrtpSuite::kAeadAes256Gcm;
      break;
  }
  config.send_key = keys.local_key;
  config.receive_key = keys.remote_key;
  return config;
}

}  // namespace keyline::server
