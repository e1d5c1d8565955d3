#include "media/srtp_openssl_primitives.h"

// SHA1_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, whose
// per-message heap copies we avoid on the packet path (see HMAC below); they
// remain part of OpenSSL 3's API and use the same assembly.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

namespace keyline::media::srtp_openssl {
namespace {

// ---------------------------------------------------------------------------
// AES-ICM (RFC 3711 4.1.1): AES in counter mode where the counter block is
// (salt << 16) XOR iv and only its low 16 bits count blocks. libsrtp hands us
// the key with the 112-bit salt appended, and sets the iv once per packet.
//
// The counter blocks are built here and encrypted with AES-ECB, all of a
// packet's blocks in one EVP call. That is RFC 3711's counter exactly (16
// bits, never carrying into the salt), and it keeps OpenSSL's per-call
// set-up off the per-packet path: re-setting a CTR context's iv costs a
// parameter look-up by name in OpenSSL 3, more than encrypting a G.711
// payload. Past the 16-bit counter's end we refuse, as libsrtp's own
// implementation does.

constexpr int kIcmSaltLength = 14;  // SRTP_SALT_LEN
constexpr int kBlock = 16;
// Counter blocks encrypted per EVP call: a 1500-byte packet in one go.
constexpr int kBlocksPerBatch = 96;

struct IcmState {
  EVP_CIPHER_CTX* ecb = nullptr;
  int aes_key_length = 0;
  std::uint8_t offset[kBlock] = {};     // the salt, left-aligned, low two bytes zero
  std::uint8_t counter[kBlock] = {};    // offset XOR iv; bytes 14-15 are replaced per block
  std::uint32_t next_block = 0;         // the 16-bit block counter of the next block
  std::uint32_t blocks_left = 0;        // before the block counter would wrap
  std::uint8_t keystream[kBlock] = {};  // the unused rest of the last block
  int keystream_used = kBlock;
};

// srtp_cipher_t first, so libsrtp's pointer is also ours (standard layout).
struct IcmCipher {
  srtp_cipher_t cipher;
  IcmState state;
};

const srtp_cipher_type_t& icm_type_for(int aes_key_length) {
  return aes_key_length == 32   ? aes_icm_256()
         : aes_key_length == 24 ? aes_icm_192()
                                : aes_icm_128();
}

srtp_err_status_t icm_alloc(srtp_cipher_pointer_t* out, int key_len, int /*tag_len*/) {
  int aes_key_length = key_len - kIcmSaltLength;
  int algorithm = 0;
  switch (key_len) {
    case SRTP_AES_ICM_128_KEY_LEN_WSALT:
      algorithm = SRTP_AES_ICM_128;
      break;
    case SRTP_AES_ICM_192_KEY_LEN_WSALT:
      algorithm = SRTP_AES_ICM_192;
      break;
    case SRTP_AES_ICM_256_KEY_LEN_WSALT:
      algorithm = SRTP_AES_ICM_256;
      break;
    default:
      return srtp_err_status_bad_param;
  }
  auto* c = new (std::nothrow) IcmCipher{};
  if (c == nullptr) return srtp_err_status_alloc_fail;
  c->state.ecb = EVP_CIPHER_CTX_new();
  if (c->state.ecb == nullptr) {
    delete c;
    return srtp_err_status_alloc_fail;
  }
  c->state.aes_key_length = aes_key_length;
  c->cipher.type = &icm_type_for(aes_key_length);
  c->cipher.state = &c->state;
  c->cipher.key_len = key_len;  // libsrtp derives this many bytes (key || salt)
  c->cipher.algorithm = algorithm;
  *out = &c->cipher;
  return srtp_err_status_ok;
}

srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t cipher) {
  auto* c = reinterpret_cast<IcmCipher*>(cipher);
  EVP_CIPHER_CTX_free(c->state.ecb);  // OpenSSL wipes the key schedule
  OPENSSL_cleanse(c, sizeof *c);      // and we wipe the salt and keystream
  delete c;
  return srtp_err_status_ok;
}

srtp_err_status_t icm_init(void* state, const std::uint8_t* key) {
  auto* s = static_cast<IcmState*>(state);
  const EVP_CIPHER* aes = s->aes_key_length == 32   ? EVP_aes_256_ecb()
                          : s->aes_key_length == 24 ? EVP_aes_192_ecb()
                                                    : EVP_aes_128_ecb();
  if (EVP_EncryptInit_ex(s->ecb, aes, nullptr, key, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(s->ecb, 0) != 1)
    return srtp_err_status_init_fail;
  std::memcpy(s->offset, key + s->aes_key_length, kIcmSaltLength);
  s->offset[14] = s->offset[15] = 0;
  s->blocks_left = 0;  // no iv yet
  s->keystream_used = kBlock;
  return srtp_err_status_ok;
}

srtp_err_status_t icm_set_iv(void* state, std::uint8_t* iv, srtp_cipher_direction_t /*dir*/) {
  auto* s = static_cast<IcmState*>(state);
  for (int i = 0; i < kBlock; ++i) s->counter[i] = s->offset[i] ^ iv[i];
  s->next_block = (std::uint32_t{s->counter[14]} << 8) | s->counter[15];
  s->blocks_left = 0x10000 - s->next_block;
  s->keystream_used = kBlock;
  return srtp_err_status_ok;
}

// Encrypts the next `count` counter blocks into `out` (count <= batch).
bool icm_keystream(IcmState* s, std::uint8_t* out, int count) {
  for (int b = 0; b < count; ++b) {
    std::uint8_t* block = out + b * kBlock;
    std::memcpy(block, s->counter, 14);
    block[14] = static_cast<std::uint8_t>(s->next_block >> 8);
    block[15] = static_cast<std::uint8_t>(s->next_block);
    ++s->next_block;
  }
  s->blocks_left -= static_cast<std::uint32_t>(count);
  int written = 0;
  return EVP_EncryptUpdate(s->ecb, out, &written, out, count * kBlock) == 1 &&
         written == count * kBlock;
}

// dst ^= src, eight bytes at a time (the dev build does not vectorise).
void xor_into(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) {
  std::size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    std::uint64_t a, b;
    std::memcpy(&a, dst + k, 8);
    std::memcpy(&b, src + k, 8);
    a ^= b;
    std::memcpy(dst + k, &a, 8);
  }
  for (; k < n; ++k) dst[k] ^= src[k];
}

// Encryption and decryption are the same XOR with the keystream, which
// continues across calls until the next set_iv.
srtp_err_status_t icm_crypt(void* state, std::uint8_t* buffer, unsigned int* length) {
  auto* s = static_cast<IcmState*>(state);
  std::size_t n = *length;
  std::size_t buffered = static_cast<std::size_t>(kBlock - s->keystream_used);
  std::size_t fresh = n > buffered ? n - buffered : 0;
  if ((fresh + kBlock - 1) / kBlock > s->blocks_left) return srtp_err_status_terminus;

  std::size_t i = 0;
  while (i < n && s->keystream_used < kBlock) buffer[i++] ^= s->keystream[s->keystream_used++];
  alignas(16) std::uint8_t stream[kBlocksPerBatch * kBlock];
  std::size_t touched = 0;  // bytes of `stream` to wipe: keystream is key material
  srtp_err_status_t status = srtp_err_status_ok;
  while (i < n) {
    std::size_t want = n - i;
    int blocks =
        static_cast<int>(std::min<std::size_t>((want + kBlock - 1) / kBlock, kBlocksPerBatch));
    touched = std::max(touched, static_cast<std::size_t>(blocks) * kBlock);
    if (!icm_keystream(s, stream, blocks)) {
      status = srtp_err_status_cipher_fail;
      break;
    }
    std::size_t bytes = std::min<std::size_t>(want, static_cast<std::size_t>(blocks) * kBlock);
    xor_into(buffer + i, stream, bytes);
    i += bytes;
    if (bytes % kBlock != 0) {  // keep the rest of the last block for the next call
      std::size_t used = bytes % kBlock;
      std::memcpy(s->keystream, stream + bytes - used, kBlock);
      s->keystream_used = static_cast<int>(used);
    }
  }
  if (touched > 0) OPENSSL_cleanse(stream, touched);
  return status;
}

// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// Known-answer vectors, run by libsrtp when it loads each type (in addition
// to the vectors of the implementation being replaced). libsrtp's test-case
// struct wants a mutable index pointer it never writes through.

std::uint8_t* index_of(const std::uint8_t* bytes) { return const_cast<std::uint8_t*>(bytes); }

constexpr std::uint8_t kZeroIndex[16] = {};
constexpr std::uint8_t kZeros[48] = {};

// RFC 3711 B.2: session key and salt, keystream blocks 0 and 1.
constexpr std::uint8_t kIcm128Key[30] = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
    0x3c, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};
constexpr std::uint8_t kIcm128Keystream[32] = {
    0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
    0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab};

// RFC 6188 7.1: AES-192 and AES-256 counter mode with the same salt.
constexpr std::uint8_t kIcm192Key[38] = {0xea, 0xb2, 0x34, 0x76, 0x4e, 0x51, 0x7b, 0x2d, 0x3d, 0x16,
                                         0x0d, 0x58, 0x7d, 0x8c, 0x86, 0x21, 0x97, 0x40, 0xf6, 0x5f,
                                         0x99, 0xb6, 0xbc, 0xf7, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5,
                                         0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};
constexpr std::uint8_t kIcm192Keystream[32] = {
    0x35, 0x09, 0x6c, 0xba, 0x46, 0x10, 0x02, 0x8d, 0xc1, 0xb5, 0x75, 0x03, 0x80, 0x4c, 0xe3, 0x7c,
    0x5d, 0xe9, 0x86, 0x29, 0x1d, 0xcc, 0xe1, 0x61, 0xd5, 0x16, 0x5e, 0xc4, 0x56, 0x8f, 0x5c, 0x9a};
constexpr std::uint8_t kIcm256Key[46] = {
    0x57, 0xf8, 0x2f, 0xe3, 0x61, 0x3f, 0xd1, 0x70, 0xa8, 0x5e, 0xc9, 0x3c, 0x40, 0xb1, 0xf0, 0x92,
    0x2e, 0xc4, 0xcb, 0x0d, 0xc0, 0x25, 0xb5, 0x82, 0x72, 0x14, 0x7c, 0xc4, 0x38, 0x94, 0x4a, 0x98,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};
constexpr std::uint8_t kIcm256Keystream[48] = {
    0x92, 0xbd, 0xd2, 0x8a, 0x93, 0xc3, 0xf5, 0x25, 0x11, 0xc6, 0x77, 0xd0, 0x8b, 0x55, 0x15, 0xa4,
    0x9d, 0xa7, 0x1b, 0x23, 0x78, 0xa8, 0x54, 0xf6, 0x70, 0x50, 0x75, 0x6d, 0xed, 0x16, 0x5b, 0xac,
    0x63, 0xc4, 0x86, 0x8b, 0x70, 0x96, 0xd8, 0x84, 0x21, 0xb5, 0x63, 0xb8, 0xc9, 0x4c, 0x9a, 0x31};

const srtp_cipher_test_case_t kIcm128Test = {
    30, kIcm128Key, index_of(kZeroIndex), 32, kZeros, 32, kIcm128Keystream, 0, nullptr, 0, nullptr};
const srtp_cipher_test_case_t kIcm192Test = {
    38, kIcm192Key, index_of(kZeroIndex), 32, kZeros, 32, kIcm192Keystream, 0, nullptr, 0, nullptr};
const srtp_cipher_test_case_t kIcm256Test = {
    46, kIcm256Key, index_of(kZeroIndex), 48, kZeros, 48, kIcm256Keystream, 0, nullptr, 0, nullptr};

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
    28,      kGcm128Key, index_of(kGcmIv), 60, kGcmPlaintext, 76, kGcm128Ciphertext, 20,
    kGcmAad, 16,         nullptr};
const srtp_cipher_test_case_t kGcm256Test = {
    44,      kGcm256Key, index_of(kGcmIv), 60, kGcmPlaintext, 76, kGcm256Ciphertext, 20,
    kGcmAad, 16,         nullptr};

// RFC 2202 test case 1.
constexpr std::uint8_t kHmacKey[20] = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                       0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};
constexpr std::uint8_t kHmacData[8] = {'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'};
constexpr std::uint8_t kHmacTag[20] = {0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
                                       0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00};
const srtp_auth_test_case_t kHmacTest = {20, kHmacKey, 8, kHmacData, 20, kHmacTag, nullptr};

// The type tables libsrtp keeps pointers to for the life of the process:
// immutable after construction.
const srtp_cipher_type_t kAesIcm128 = {
    icm_alloc,    icm_dealloc,     icm_init,
    nullptr,      icm_crypt,       icm_crypt,
    icm_set_iv,   nullptr,         "AES-128 counter mode (OpenSSL)",
    &kIcm128Test, SRTP_AES_ICM_128};
const srtp_cipher_type_t kAesIcm192 = {
    icm_alloc,    icm_dealloc,     icm_init,
    nullptr,      icm_crypt,       icm_crypt,
    icm_set_iv,   nullptr,         "AES-192 counter mode (OpenSSL)",
    &kIcm192Test, SRTP_AES_ICM_192};
const srtp_cipher_type_t kAesIcm256 = {
    icm_alloc,    icm_dealloc,     icm_init,
    nullptr,      icm_crypt,       icm_crypt,
    icm_set_iv,   nullptr,         "AES-256 counter mode (OpenSSL)",
    &kIcm256Test, SRTP_AES_ICM_256};
const srtp_cipher_type_t kAesGcm128 = {gcm_alloc,    gcm_dealloc,     gcm_init,
                                       gcm_set_aad,  gcm_encrypt,     gcm_decrypt,
                                       gcm_set_iv,   gcm_get_tag,     "AES-128 GCM (OpenSSL)",
                                       &kGcm128Test, SRTP_AES_GCM_128};
const srtp_cipher_type_t kAesGcm256 = {gcm_alloc,    gcm_dealloc,     gcm_init,
                                       gcm_set_aad,  gcm_encrypt,     gcm_decrypt,
                                       gcm_set_iv,   gcm_get_tag,     "AES-256 GCM (OpenSSL)",
                                       &kGcm256Test, SRTP_AES_GCM_256};
const srtp_auth_type_t kHmacSha1 = {
    hmac_alloc, hmac_dealloc,          hmac_init,  hmac_compute,  hmac_update,
    hmac_start, "HMAC-SHA1 (OpenSSL)", &kHmacTest, SRTP_HMAC_SHA1};

}  // namespace

const srtp_cipher_type_t& aes_icm_128() { return kAesIcm128; }
const srtp_cipher_type_t& aes_icm_192() { return kAesIcm192; }
const srtp_cipher_type_t& aes_icm_256() { return kAesIcm256; }
const srtp_cipher_type_t& aes_gcm_128() { return kAesGcm128; }
const srtp_cipher_type_t& aes_gcm_256() { return kAesGcm256; }
const srtp_auth_type_t& hmac_sha1() { return kHmacSha1; }

int install() {
  const srtp_cipher_type_t* ciphers[] = {&kAesIcm128, &kAesIcm192, &kAesIcm256, &kAesGcm128,
                                         &kAesGcm256};
  for (const srtp_cipher_type_t* type : ciphers) {
    // libsrtp runs this type's vectors and the replaced type's before
    // switching; a failure leaves the stock implementation in place.
    if (srtp_err_status_t s = srtp_replace_cipher_type(type, type->id); s != srtp_err_status_ok)
      return s;
  }
  return srtp_replace_auth_type(&kHmacSha1, kHmacSha1.id);
}

}  // namespace keyline::media::srtp_openssl
