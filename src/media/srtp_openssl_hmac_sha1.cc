// libsrtp2's HMAC-SHA1 (RFC 3711 4.2.1, RFC 2104) on OpenSSL; see
// srtp_openssl_primitives.h.
//
// SHA1_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, whose
// per-message heap copies we avoid on the packet path (see below); they
// remain part of OpenSSL 3's API and use the same assembly.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <srtp2/auth.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include "media/srtp_openssl_primitives.h"

namespace keyline::media::srtp_openssl {
namespace {

// HMAC-SHA1 (RFC 3711 4.2.1, RFC 2104). init() absorbs key XOR ipad and key
// XOR opad once into two SHA-1 states, the keyed template; each packet starts
// from a plain struct copy of the inner one, and the outer one finishes it.
// OpenSSL 3's EVP_MAC does the same internally but duplicates its digest
// contexts on the heap twice per message, which cost more than the hashing
// of a voice packet; the SHA-1 block function underneath is the same
// (SHA-NI / AVX2 assembly).

constexpr int kSha1Length = 20;
constexpr int kSha1Block = 64;

struct HmacState {
  SHA_CTX inner;  // after key XOR ipad
  SHA_CTX outer;  // after key XOR opad
  SHA_CTX work;   // the message in progress
};

struct HmacAuth {
  srtp_auth_t auth;
  HmacState state;
};

srtp_err_status_t hmac_alloc(srtp_auth_pointer_t* out, int key_len, int out_len) {
  // SRTP's auth key is 160 bits; tags are truncations of the 20-byte MAC.
  if (key_len < 0 || key_len > kSha1Length || out_len < 0 || out_len > kSha1Length)
    return srtp_err_status_bad_param;
  auto* a = new (std::nothrow) HmacAuth{};
  if (a == nullptr) return srtp_err_status_alloc_fail;
  a->auth.type = &hmac_sha1();
  a->auth.state = &a->state;
  a->auth.out_len = out_len;
  a->auth.key_len = key_len;
  a->auth.prefix_len = 0;
  *out = &a->auth;
  return srtp_err_status_ok;
}

srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t auth) {
  auto* a = reinterpret_cast<HmacAuth*>(auth);
  OPENSSL_cleanse(a, sizeof *a);  // the pad states stand in for the key
  delete a;
  return srtp_err_status_ok;
}

srtp_err_status_t hmac_init(void* state, const std::uint8_t* key, int key_len) {
  auto* s = static_cast<HmacState*>(state);
  if (key_len < 0 || key_len > kSha1Block) return srtp_err_status_bad_param;
  std::uint8_t inner_pad[kSha1Block];
  std::uint8_t outer_pad[kSha1Block];
  for (int i = 0; i < kSha1Block; ++i) {
    std::uint8_t k = i < key_len ? key[i] : 0;
    inner_pad[i] = static_cast<std::uint8_t>(k ^ 0x36);
    outer_pad[i] = static_cast<std::uint8_t>(k ^ 0x5c);
  }
  bool ok = SHA1_Init(&s->inner) == 1 && SHA1_Update(&s->inner, inner_pad, kSha1Block) == 1 &&
            SHA1_Init(&s->outer) == 1 && SHA1_Update(&s->outer, outer_pad, kSha1Block) == 1;
  OPENSSL_cleanse(inner_pad, sizeof inner_pad);
  OPENSSL_cleanse(outer_pad, sizeof outer_pad);
  s->work = s->inner;
  return ok ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

srtp_err_status_t hmac_start(void* state) {
  auto* s = static_cast<HmacState*>(state);
  s->work = s->inner;
  return srtp_err_status_ok;
}

srtp_err_status_t hmac_update(void* state, const std::uint8_t* buffer, int length) {
  auto* s = static_cast<HmacState*>(state);
  if (length < 0) return srtp_err_status_bad_param;
  if (length > 0 && SHA1_Update(&s->work, buffer, static_cast<std::size_t>(length)) != 1)
    return srtp_err_status_auth_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t hmac_compute(void* state, const std::uint8_t* buffer, int length, int tag_length,
                               std::uint8_t* tag) {
  auto* s = static_cast<HmacState*>(state);
  if (tag_length < 0 || tag_length > kSha1Length) return srtp_err_status_bad_param;
  if (srtp_err_status_t status = hmac_update(state, buffer, length); status != srtp_err_status_ok)
    return status;
  std::uint8_t inner_hash[kSha1Length];
  std::uint8_t mac[kSha1Length];
  bool ok = SHA1_Final(inner_hash, &s->work) == 1;
  s->work = s->outer;
  ok = ok && SHA1_Update(&s->work, inner_hash, kSha1Length) == 1 && SHA1_Final(mac, &s->work) == 1;
  if (ok) std::memcpy(tag, mac, static_cast<std::size_t>(tag_length));
  OPENSSL_cleanse(inner_hash, sizeof inner_hash);
  OPENSSL_cleanse(mac, sizeof mac);
  return ok ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

// Known-answer vector, run by libsrtp when it loads the type.
// RFC 2202 test case 1.
constexpr std::uint8_t kHmacKey[20] = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                       0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};
constexpr std::uint8_t kHmacData[8] = {'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'};
constexpr std::uint8_t kHmacTag[20] = {0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
                                       0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00};
const srtp_auth_test_case_t kHmacTest = {20, kHmacKey, 8, kHmacData, 20, kHmacTag, nullptr};

const srtp_auth_type_t kHmacSha1 = {
    hmac_alloc, hmac_dealloc,          hmac_init,  hmac_compute,  hmac_update,
    hmac_start, "HMAC-SHA1 (OpenSSL)", &kHmacTest, SRTP_HMAC_SHA1};

}  // namespace

const srtp_auth_type_t& hmac_sha1() { return kHmacSha1; }

}  // namespace keyline::media::srtp_openssl
