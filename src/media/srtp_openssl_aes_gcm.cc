// libsrtp2's AES-GCM (RFC 7714) on OpenSSL; see srtp_openssl_primitives.h.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <srtp2/cipher.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>

#include "media/srtp_openssl_primitives.h"

namespace keyline::media::srtp_openssl {
namespace {

// AES-GCM (RFC 7714). libsrtp computes the 12-byte IV from the salt itself
// and hands us key || salt; we use the key. Encryption leaves the tag to
// get_tag; decryption receives ciphertext || tag and checks it.

constexpr int kGcmSaltLength = 12;  // SRTP_AEAD_SALT_LEN

struct GcmState {
  EVP_CIPHER_CTX* ctx = nullptr;
  int aes_key_length = 0;
  int tag_length = 0;
  srtp_cipher_direction_t direction = srtp_direction_any;
};

struct GcmCipher {
  srtp_cipher_t cipher;
  GcmState state;
};

srtp_err_status_t gcm_alloc(srtp_cipher_pointer_t* out, int key_len, int tag_len) {
  int algorithm = 0;
  const srtp_cipher_type_t* type = nullptr;
  switch (key_len) {
    case SRTP_AES_GCM_128_KEY_LEN_WSALT:
      algorithm = SRTP_AES_GCM_128;
      type = &aes_gcm_128();
      break;
    case SRTP_AES_GCM_256_KEY_LEN_WSALT:
      algorithm = SRTP_AES_GCM_256;
      type = &aes_gcm_256();
      break;
    default:
      return srtp_err_status_bad_param;
  }
  // RFC 7714 allows 16-byte tags and libsrtp also offers 8-byte ones.
  if (tag_len != 16 && tag_len != 8) return srtp_err_status_bad_param;
  auto* c = new (std::nothrow) GcmCipher{};
  if (c == nullptr) return srtp_err_status_alloc_fail;
  c->state.ctx = EVP_CIPHER_CTX_new();
  if (c->state.ctx == nullptr) {
    delete c;
    return srtp_err_status_alloc_fail;
  }
  c->state.aes_key_length = key_len - kGcmSaltLength;
  c->state.tag_length = tag_len;
  c->cipher.type = type;
  c->cipher.state = &c->state;
  c->cipher.key_len = key_len;
  c->cipher.algorithm = algorithm;  // srtp.c takes its AEAD path on this
  *out = &c->cipher;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_dealloc(srtp_cipher_pointer_t cipher) {
  auto* c = reinterpret_cast<GcmCipher*>(cipher);
  EVP_CIPHER_CTX_free(c->state.ctx);
  OPENSSL_cleanse(c, sizeof *c);
  delete c;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_init(void* state, const std::uint8_t* key) {
  auto* s = static_cast<GcmState*>(state);
  const EVP_CIPHER* aes = s->aes_key_length == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  // The default IV length of GCM in OpenSSL is 12 bytes, RFC 7714's.
  if (EVP_CipherInit_ex(s->ctx, aes, nullptr, key, nullptr, 1) != 1)
    return srtp_err_status_init_fail;
  s->direction = srtp_direction_any;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_set_iv(void* state, std::uint8_t* iv, srtp_cipher_direction_t direction) {
  auto* s = static_cast<GcmState*>(state);
  if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt)
    return srtp_err_status_bad_param;
  // GCM's key schedule serves both directions: only the iv and the mode change.
  if (EVP_CipherInit_ex(s->ctx, nullptr, nullptr, nullptr, iv,
                        direction == srtp_direction_encrypt ? 1 : 0) != 1)
    return srtp_err_status_cipher_fail;
  s->direction = direction;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_set_aad(void* state, const std::uint8_t* aad, std::uint32_t length) {
  auto* s = static_cast<GcmState*>(state);
  if (s->direction == srtp_direction_any) return srtp_err_status_bad_param;
  int out = 0;
  if (length > 0 && EVP_CipherUpdate(s->ctx, nullptr, &out, aad, static_cast<int>(length)) != 1)
    return srtp_err_status_cipher_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_encrypt(void* state, std::uint8_t* buffer, unsigned int* length) {
  auto* s = static_cast<GcmState*>(state);
  if (s->direction != srtp_direction_encrypt) return srtp_err_status_bad_param;
  int out = 0;
  if (*length > 0 && EVP_CipherUpdate(s->ctx, buffer, &out, buffer, static_cast<int>(*length)) != 1)
    return srtp_err_status_cipher_fail;
  return srtp_err_status_ok;
}

// The tag as an OpenSSL 3 parameter: passing it directly skips the
// translation EVP_CIPHER_CTX_ctrl would do on every packet.
std::array<OSSL_PARAM, 2> tag_param(std::uint8_t* tag, int length) {
  return {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag,
                                            static_cast<std::size_t>(length)),
          OSSL_PARAM_construct_end()};
}

srtp_err_status_t gcm_get_tag(void* state, std::uint8_t* tag, std::uint32_t* length) {
  auto* s = static_cast<GcmState*>(state);
  if (s->direction != srtp_direction_encrypt) return srtp_err_status_bad_param;
  std::uint8_t none[16];
  int out = 0;
  if (EVP_CipherFinal_ex(s->ctx, none, &out) != 1 ||
      EVP_CIPHER_CTX_get_params(s->ctx, tag_param(tag, s->tag_length).data()) != 1)
    return srtp_err_status_cipher_fail;
  *length = static_cast<std::uint32_t>(s->tag_length);
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_decrypt(void* state, std::uint8_t* buffer, unsigned int* length) {
  auto* s = static_cast<GcmState*>(state);
  if (s->direction != srtp_direction_decrypt) return srtp_err_status_bad_param;
  if (*length < static_cast<unsigned int>(s->tag_length)) return srtp_err_status_bad_param;
  unsigned int text = *length - static_cast<unsigned int>(s->tag_length);
  int out = 0;
  if (EVP_CIPHER_CTX_set_params(s->ctx, tag_param(buffer + text, s->tag_length).data()) != 1)
    return srtp_err_status_cipher_fail;
  if (text > 0 && EVP_CipherUpdate(s->ctx, buffer, &out, buffer, static_cast<int>(text)) != 1)
    return srtp_err_status_cipher_fail;
  std::uint8_t none[16];
  if (EVP_CipherFinal_ex(s->ctx, none, &out) != 1) {
    // The plaintext is not authentic: leave nothing of it behind.
    OPENSSL_cleanse(buffer, text);
    return srtp_err_status_auth_fail;
  }
  *length = text;
  return srtp_err_status_ok;
}

// Known-answer vectors, run by libsrtp when it loads each type (in addition
// to the vectors of the implementation being replaced).

// The GCM specification (McGrew and Viega), test cases 4 (AES-128) and 16
// (AES-256): 60 bytes of plaintext with 20 bytes of AAD. libsrtp's key
// length counts a 12-byte salt after the key, unused by the cipher itself.
constexpr std::uint8_t kGcmIv[12] = {0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce,
                                     0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
constexpr std::uint8_t kGcmAad[20] = {0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed,
                                      0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2};
constexpr std::uint8_t kGcmPlaintext[60] = {
    0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26,
    0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31,
    0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49,
    0xa6, 0xb5, 0x25, 0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39};
constexpr std::uint8_t kGcm128Key[28] = {0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a,
                                         0x8f, 0x94, 0x67, 0x30, 0x83, 0x08, 0xca, 0xfe, 0xba, 0xbe,
                                         0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
constexpr std::uint8_t kGcm128Ciphertext[76] = {
    0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c,
    0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0, 0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e,
    0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
    0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91,
    // tag
    0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47};
constexpr std::uint8_t kGcm256Key[44] = {
    0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83,
    0x08, 0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30,
    0x83, 0x08, 0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
constexpr std::uint8_t kGcm256Ciphertext[76] = {
    0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07, 0xf4, 0x7f, 0x37, 0xa3, 0x2a, 0x84, 0x42, 0x7d,
    0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9, 0x75, 0x98, 0xa2, 0xbd, 0x25, 0x55, 0xd1, 0xaa,
    0x8c, 0xb0, 0x8e, 0x48, 0x59, 0x0d, 0xbb, 0x3d, 0xa7, 0xb0, 0x8b, 0x10, 0x56, 0x82, 0x88, 0x38,
    0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a, 0xbc, 0xc9, 0xf6, 0x62,
    // tag
    0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68, 0xcd, 0xdf, 0x88, 0x53, 0xbb, 0x2d, 0x55, 0x1b};

const srtp_cipher_test_case_t kGcm128Test = {
    28, kGcm128Key, vector_index(kGcmIv), 60, kGcmPlaintext, 76, kGcm128Ciphertext, 20, kGcmAad,
    16, nullptr};
const srtp_cipher_test_case_t kGcm256Test = {
    44, kGcm256Key, vector_index(kGcmIv), 60, kGcmPlaintext, 76, kGcm256Ciphertext, 20, kGcmAad,
    16, nullptr};

// The type tables libsrtp keeps pointers to for the life of the process:
// immutable after construction.
const srtp_cipher_type_t kAesGcm128 = {gcm_alloc,    gcm_dealloc,     gcm_init,
                                       gcm_set_aad,  gcm_encrypt,     gcm_decrypt,
                                       gcm_set_iv,   gcm_get_tag,     "AES-128 GCM (OpenSSL)",
                                       &kGcm128Test, SRTP_AES_GCM_128};
const srtp_cipher_type_t kAesGcm256 = {gcm_alloc,    gcm_dealloc,     gcm_init,
                                       gcm_set_aad,  gcm_encrypt,     gcm_decrypt,
                                       gcm_set_iv,   gcm_get_tag,     "AES-256 GCM (OpenSSL)",
                                       &kGcm256Test, SRTP_AES_GCM_256};

}  // namespace

const srtp_cipher_type_t& aes_gcm_128() { return kAesGcm128; }
const srtp_cipher_type_t& aes_gcm_256() { return kAesGcm256; }

}  // namespace keyline::media::srtp_openssl
