// libsrtp2's AES-ICM (AES counter mode, RFC 3711 4.1.1) on OpenSSL; see
// srtp_openssl_primitives.h.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <srtp2/cipher.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include "media/srtp_openssl_primitives.h"

namespace keyline::media::srtp_openssl {
namespace {

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

// Known-answer vectors, run by libsrtp when it loads each type (in addition
// to the vectors of the implementation being replaced).

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
    30, kIcm128Key, vector_index(kZeroIndex), 32, kZeros, 32, kIcm128Keystream, 0, nullptr,
    0,  nullptr};
const srtp_cipher_test_case_t kIcm192Test = {
    38, kIcm192Key, vector_index(kZeroIndex), 32, kZeros, 32, kIcm192Keystream, 0, nullptr,
    0,  nullptr};
const srtp_cipher_test_case_t kIcm256Test = {
    46, kIcm256Key, vector_index(kZeroIndex), 48, kZeros, 48, kIcm256Keystream, 0, nullptr,
    0,  nullptr};

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

}  // namespace

const srtp_cipher_type_t& aes_icm_128() { return kAesIcm128; }
const srtp_cipher_type_t& aes_icm_192() { return kAesIcm192; }
const srtp_cipher_type_t& aes_icm_256() { return kAesIcm256; }

}  // namespace keyline::media::srtp_openssl
