#include "media/srtp_session.h"

#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "media/srtp_openssl_primitives.h"

namespace keyline::media {

static_assert(SRTP_MAX_TRAILER_LEN + 4 <= kSrtpMaxOverhead, "room for the SRTCP trailer");

namespace {

// libsrtp keeps process-wide state (its crypto kernel and cipher registry)
// that srtp_init() builds once and that is not safe to build twice or from
// two threads at once. It is the one global the architecture allows: every
// worker's sessions share it, so it is initialised exactly once with
// std::call_once and never shut down (srtp_shutdown would pull it from under
// sessions on other workers).
//
// In the same step, before any session exists, libsrtp's AES and HMAC
// implementations are replaced by OpenSSL-backed ones: Debian's libsrtp2 is
// built on NSS, which sets up a PKCS#11 context per packet (see
// srtp_openssl_primitives.h). libsrtp self-tests each replacement first.
srtp_err_status_t init_libsrtp() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] {
    status = srtp_init();
    if (status == srtp_err_status_ok)
      status = static_cast<srtp_err_status_t>(srtp_openssl::install());
  });
  return status;
}

// RFC 4568 6.2 and RFC 7714 14.2: SRTCP's tag stays 80 bits for _32, so
// RTCP uses the _80 transform there.
void set_policies(SrtpSuite suite, srtp_policy_t& policy) {
  switch (suite) {
    case SrtpSuite::kAesCm128HmacSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case SrtpSuite::kAesCm128HmacSha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case SrtpSuite::kAeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    case SrtpSuite::kAeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      break;
  }
}

// Reordering on real networks stays well inside 1024 packets (20 s of 20 ms
// audio); libsrtp's default of 128 drops legitimately late packets as replays.
constexpr unsigned long kReplayWindow = 1024;

// The largest packet we handle; one Ethernet MTU with room to spare.
constexpr std::size_t kMaxPacket = 2048;

// libsrtp reads packets through 32-bit words. Buffers that are aligned (as
// MediaSession's are) are processed in place; others go through an aligned
// copy, which is wiped afterwards because it holds plaintext.
template <class Transform>
srtp_err_status_t run_aligned(std::span<std::uint8_t> buffer, int& len, Transform transform) {
  if (reinterpret_cast<std::uintptr_t>(buffer.data()) % alignof(std::uint32_t) == 0)
    return transform(buffer.data(), &len);
  alignas(8) std::array<std::uint8_t, kMaxPacket + kSrtpMaxOverhead> copy;
  std::size_t room = std::min(buffer.size(), copy.size());
  std::copy_n(buffer.data(), room, copy.data());
  srtp_err_status_t s = transform(copy.data(), &len);
  if (s == srtp_err_status_ok)
    std::copy_n(copy.data(), static_cast<std::size_t>(len), buffer.data());
  volatile std::uint8_t* p = copy.data();
  for (std::size_t i = 0; i < room; ++i) p[i] = 0;
  return s;
}

}  // namespace

std::size_t srtp_key_salt_length(SrtpSuite suite) {
  switch (suite) {
    case SrtpSuite::kAesCm128HmacSha1_80:
    case SrtpSuite::kAesCm128HmacSha1_32:
      return SRTP_AES_ICM_128_KEY_LEN_WSALT;
    case SrtpSuite::kAeadAes128Gcm:
      return SRTP_AES_GCM_128_KEY_LEN_WSALT;
    case SrtpSuite::kAeadAes256Gcm:
      return SRTP_AES_GCM_256_KEY_LEN_WSALT;
  }
  return 0;
}

struct SrtpSession::Contexts {
  // One context per direction: libsrtp's "any inbound" and "any outbound"
  // SSRC templates cannot share a session, and the two directions have
  // different keys anyway.
  srtp_t send = nullptr;
  srtp_t receive = nullptr;
  ~Contexts() {
    // srtp_dealloc zeroes the expanded key schedules before freeing them.
    if (send) srtp_dealloc(send);
    if (receive) srtp_dealloc(receive);
  }
};

Result<std::unique_ptr<SrtpSession>> SrtpSession::create(const SrtpConfig& config) {
  std::size_t want = srtp_key_salt_length(config.suite);
  if (config.send_key.size() != want || config.receive_key.size() != want)
    return make_error("srtp", "SRTP key has the wrong length for the suite");
  if (srtp_err_status_t s = init_libsrtp(); s != srtp_err_status_ok)
    return make_error("srtp", "libsrtp2 initialisation failed (status " + std::to_string(s) + ")");
  auto contexts = std::make_unique<Contexts>();
  auto make = [&](const SecretBytes& key, srtp_ssrc_type_t direction, srtp_t& out) {
    // libsrtp copies the key into its own (later zeroed) schedule; this
    // copy lives on the stack only for the call and is wiped by SecretBytes.
    SecretBytes key_copy = key;
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    set_policies(config.suite, policy);
    policy.ssrc.type = direction;
    policy.key = const_cast<unsigned char*>(key_copy.view().data());
    policy.window_size = kReplayWindow;
    policy.allow_repeat_tx = 0;
    policy.next = nullptr;
    return srtp_create(&out, &policy);
  };
  if (srtp_err_status_t s = make(config.send_key, ssrc_any_outbound, contexts->send);
      s != srtp_err_status_ok)
    return make_error("srtp",
                      "cannot create the SRTP send context (status " + std::to_string(s) + ")");
  if (srtp_err_status_t s = make(config.receive_key, ssrc_any_inbound, contexts->receive);
      s != srtp_err_status_ok)
    return make_error("srtp",
                      "cannot create the SRTP receive context (status " + std::to_string(s) + ")");
  return std::unique_ptr<SrtpSession>(new SrtpSession(config.suite, std::move(contexts)));
}

SrtpSession::SrtpSession(SrtpSuite suite, std::unique_ptr<Contexts> contexts)
    : suite_(suite), contexts_(std::move(contexts)) {}

SrtpSession::~SrtpSession() = default;

Result<std::size_t> SrtpSession::protect_rtp(std::span<std::uint8_t> buffer, std::size_t length) {
  return protect(false, buffer, length);
}
Result<std::size_t> SrtpSession::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t length) {
  return protect(true, buffer, length);
}
Result<std::size_t> SrtpSession::unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t length) {
  return unprotect(false, buffer, length);
}
Result<std::size_t> SrtpSession::unprotect_rtcp(std::span<std::uint8_t> buffer,
                                                std::size_t length) {
  return unprotect(true, buffer, length);
}

Result<std::size_t> SrtpSession::protect(bool rtcp, std::span<std::uint8_t> buffer,
                                         std::size_t length) {
  if (length > buffer.size() || buffer.size() - length < kSrtpMaxOverhead || length > kMaxPacket)
    return make_error("srtp", "no room for the SRTP trailer");
  int len = static_cast<int>(length);
  srtp_t ctx = contexts_->send;
  srtp_err_status_t s = run_aligned(buffer, len, [ctx, rtcp](std::uint8_t* p, int* n) {
    return rtcp ? srtp_protect_rtcp(ctx, p, n) : srtp_protect(ctx, p, n);
  });
  if (s != srtp_err_status_ok)
    return make_error("srtp", "protect failed (status " + std::to_string(s) + ")");
  return static_cast<std::size_t>(len);
}

Result<std::size_t> SrtpSession::unprotect(bool rtcp, std::span<std::uint8_t> buffer,
                                           std::size_t length) {
  if (length > buffer.size() || length > kMaxPacket) {
    ++stats_.other_errors;
    return make_error("srtp", "packet too long");
  }
  int len = static_cast<int>(length);
  srtp_t ctx = contexts_->receive;
  srtp_err_status_t s =
      run_aligned(buffer.first(length), len, [ctx, rtcp](std::uint8_t* p, int* n) {
        return rtcp ? srtp_unprotect_rtcp(ctx, p, n) : srtp_unprotect(ctx, p, n);
      });
  switch (s) {
    case srtp_err_status_ok:
      return static_cast<std::size_t>(len);
    // Short messages: they fit std::string's inline buffer, so a flood of
    // forged packets costs no allocation.
    case srtp_err_status_auth_fail:
      ++stats_.auth_failures;
      return make_error("srtp_auth", "auth failed");
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      ++stats_.replays;
      return make_error("srtp_replay", "replay");
    default:
      ++stats_.other_errors;
      return make_error("srtp", "unprotect failed (status " + std::to_string(s) + ")");
  }
}

}  // namespace keyline::media
