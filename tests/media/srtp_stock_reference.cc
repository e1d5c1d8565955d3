// Protects the shared reference packets with libsrtp2 exactly as Debian ships
// it (NSS primitives, nothing replaced) and prints them, one per line:
//   <suite> rtp|rtcp <hex>
// srtp_stock_crosscheck_test.cc runs this in its own process, because the
// OpenSSL primitives, once installed, stay installed for the whole process.
// It uses the same policy as media/srtp_session.cc (the _32 suite protects
// RTCP with the 80-bit tag, RFC 4568 6.2).
#include <srtp2/srtp.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "srtp_reference_packets.h"

namespace {

using keyline::srtp_reference::kSuiteCount;

void set_policy(int suite, srtp_policy_t& policy) {
  switch (suite) {
    case 0:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case 1:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case 2:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    default:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      break;
  }
}

void print(int suite, const char* kind, const std::uint8_t* bytes, int length) {
  std::printf("%d %s ", suite, kind);
  for (int i = 0; i < length; ++i) std::printf("%02x", bytes[i]);
  std::printf("\n");
}

}  // namespace

int main() {
  namespace ref = keyline::srtp_reference;
  if (srtp_init() != srtp_err_status_ok) {
    std::fprintf(stderr, "srtp_init failed\n");
    return 1;
  }
  for (int suite = 0; suite < kSuiteCount; ++suite) {
    std::vector<std::uint8_t> key = ref::key(suite);
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    set_policy(suite, policy);
    policy.ssrc.type = ssrc_any_outbound;
    policy.key = key.data();
    policy.window_size = 1024;
    srtp_t session = nullptr;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) {
      std::fprintf(stderr, "srtp_create failed for suite %d\n", suite);
      return 1;
    }
    for (std::size_t n = 0; n < ref::kPacketCount; ++n) {
      for (bool rtcp : {false, true}) {
        std::vector<std::uint8_t> packet = rtcp ? ref::rtcp_packet(n) : ref::rtp_packet(n);
        int length = static_cast<int>(packet.size());
        packet.resize(packet.size() + ref::kTrailerRoom);
        srtp_err_status_t s = rtcp ? srtp_protect_rtcp(session, packet.data(), &length)
                                   : srtp_protect(session, packet.data(), &length);
        if (s != srtp_err_status_ok) {
          std::fprintf(stderr, "protect failed (%d) for suite %d packet %zu\n", s, suite, n);
          return 1;
        }
        print(suite, rtcp ? "rtcp" : "rtp", packet.data(), length);
      }
    }
    srtp_dealloc(session);
  }
  return 0;
}
