// The OpenSSL-backed primitives through libsrtp2's own cipher and auth
// interfaces: RFC 3711 B.2 (AES-CM keystream, including the 16-bit block
// counter's end), RFC 3711 B.3 (key derivation, seen in a whole protected
// packet), and proof that libsrtp's kernel hands out our types once a
// session exists.
#include "media/srtp_openssl_primitives.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>

#include <array>
#include <string>
#include <vector>

#include "media/srtp_session.h"

// libsrtp2 exports its kernel's look-up but installs no header declaring it
// (crypto_kernel.h stays in its source tree); the test declares it to check
// which implementation a session would get.
extern "C" const srtp_cipher_type_t* srtp_crypto_kernel_get_cipher_type(srtp_cipher_type_id_t id);
extern "C" const srtp_auth_type_t* srtp_crypto_kernel_get_auth_type(srtp_auth_type_id_t id);

namespace keyline::media {
namespace {

std::vector<std::uint8_t> hex(const std::string& text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(text.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<std::uint8_t> block(const std::vector<std::uint8_t>& stream, std::size_t index) {
  return {stream.begin() + static_cast<std::ptrdiff_t>(16 * index),
          stream.begin() + static_cast<std::ptrdiff_t>(16 * index + 16)};
}

// Makes sure libsrtp is initialised and the primitives installed, the way
// Keyline does it: by creating a session.
void init_through_a_session() {
  std::vector<std::uint8_t> key(30, 1);
  auto session = SrtpSession::create(
      {SrtpSuite::kAesCm128HmacSha1_80, *SecretBytes::from(key), *SecretBytes::from(key)});
  ASSERT_TRUE(session) << session.error().message;
}

struct Cipher {
  srtp_cipher_t* c = nullptr;
  ~Cipher() {
    if (c) srtp_cipher_dealloc(c);
  }
};

TEST(SrtpOpensslPrimitives, AesCmKeystreamMatchesRfc3711AppendixB2) {
  Cipher cipher;
  ASSERT_EQ(srtp_cipher_type_alloc(&srtp_openssl::aes_icm_128(), &cipher.c, 30, 0),
            srtp_err_status_ok);
  std::vector<std::uint8_t> key_salt =
      hex("2B7E151628AED2A6ABF7158809CF4F3C"
          "F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
  ASSERT_EQ(srtp_cipher_init(cipher.c, key_salt.data()), srtp_err_status_ok);
  // Rollover counter, sequence number and SSRC all zero: the iv is zero and
  // the counter is the salt.
  std::array<std::uint8_t, 16> iv{};
  ASSERT_EQ(srtp_cipher_set_iv(cipher.c, iv.data(), srtp_direction_encrypt), srtp_err_status_ok);
  // Keystream up to block 0xFF01 (1 MiB: milliseconds), written over zeros.
  std::vector<std::uint8_t> stream(16 * 0xFF02, 0);
  auto length = static_cast<std::uint32_t>(stream.size());
  ASSERT_EQ(srtp_cipher_encrypt(cipher.c, stream.data(), &length), srtp_err_status_ok);
  EXPECT_EQ(block(stream, 0x0000), hex("E03EAD0935C95E80E166B16DD92B4EB4"));
  EXPECT_EQ(block(stream, 0x0001), hex("D23513162B02D0F72A43A2FE4A5F97AB"));
  EXPECT_EQ(block(stream, 0x0002), hex("41E95B3BB0A2E8DD477901E4FCA894C0"));
  EXPECT_EQ(block(stream, 0xFEFF), hex("EC8CDF7398607CB0F2D21675EA9EA1E4"));
  EXPECT_EQ(block(stream, 0xFF00), hex("362B7C3C6773516318A077D7FC5073AE"));
  EXPECT_EQ(block(stream, 0xFF01), hex("6A2CC3787889374FBEB4C81B17BA6C44"));

  // The counter is 16 bits (RFC 3711 4.1.1): the rest of its range works,
  // one byte more is refused rather than wrapped into the salt's bytes.
  std::vector<std::uint8_t> rest(16 * (0x10000 - 0xFF02), 0);
  length = static_cast<std::uint32_t>(rest.size());
  EXPECT_EQ(srtp_cipher_encrypt(cipher.c, rest.data(), &length), srtp_err_status_ok);
  std::uint8_t one = 0;
  length = 1;
  EXPECT_EQ(srtp_cipher_encrypt(cipher.c, &one, &length), srtp_err_status_terminus);
}

TEST(SrtpOpensslPrimitives, KeystreamContinuesAcrossCallsAndRestartsWithTheIv) {
  Cipher cipher;
  ASSERT_EQ(srtp_cipher_type_alloc(&srtp_openssl::aes_icm_128(), &cipher.c, 30, 0),
            srtp_err_status_ok);
  std::vector<std::uint8_t> key_salt(30, 0x42);
  ASSERT_EQ(srtp_cipher_init(cipher.c, key_salt.data()), srtp_err_status_ok);
  std::array<std::uint8_t, 16> iv{};
  iv[5] = 7;
  auto keystream = [&](std::initializer_list<std::uint32_t> pieces) {
    EXPECT_EQ(srtp_cipher_set_iv(cipher.c, iv.data(), srtp_direction_encrypt), srtp_err_status_ok);
    std::vector<std::uint8_t> out;
    for (std::uint32_t piece : pieces) {
      std::vector<std::uint8_t> part(piece, 0);
      std::uint32_t n = piece;
      EXPECT_EQ(srtp_cipher_encrypt(cipher.c, part.data(), &n), srtp_err_status_ok);
      out.insert(out.end(), part.begin(), part.end());
    }
    return out;
  };
  std::vector<std::uint8_t> whole = keystream({77});
  EXPECT_EQ(keystream({5, 20, 1, 16, 35}), whole);
  EXPECT_EQ(keystream({77}), whole);  // set_iv starts again from block 0
}

TEST(SrtpOpensslPrimitives, EachTypePassesLibsrtpSelfTest) {
  for (const srtp_cipher_type_t* type :
       {&srtp_openssl::aes_icm_128(), &srtp_openssl::aes_icm_192(), &srtp_openssl::aes_icm_256(),
        &srtp_openssl::aes_gcm_128(), &srtp_openssl::aes_gcm_256()}) {
    EXPECT_EQ(srtp_cipher_type_self_test(type), srtp_err_status_ok) << type->description;
  }
  EXPECT_EQ(srtp_auth_type_self_test(&srtp_openssl::hmac_sha1()), srtp_err_status_ok);
}

TEST(SrtpOpensslPrimitives, GcmRejectsATamperedTag) {
  Cipher cipher;
  ASSERT_EQ(srtp_cipher_type_alloc(&srtp_openssl::aes_gcm_128(), &cipher.c, 28, 16),
            srtp_err_status_ok);
  std::vector<std::uint8_t> key(28, 0x17);
  ASSERT_EQ(srtp_cipher_init(cipher.c, key.data()), srtp_err_status_ok);
  std::array<std::uint8_t, 12> iv{1, 2, 3};
  std::array<std::uint8_t, 8> aad{9, 9, 9};
  std::vector<std::uint8_t> text(40 + 16, 0x33);
  std::uint32_t n = 40;
  ASSERT_EQ(srtp_cipher_set_iv(cipher.c, iv.data(), srtp_direction_encrypt), srtp_err_status_ok);
  ASSERT_EQ(srtp_cipher_set_aad(cipher.c, aad.data(), aad.size()), srtp_err_status_ok);
  ASSERT_EQ(srtp_cipher_encrypt(cipher.c, text.data(), &n), srtp_err_status_ok);
  std::uint32_t tag_length = 0;
  ASSERT_EQ(srtp_cipher_get_tag(cipher.c, text.data() + 40, &tag_length), srtp_err_status_ok);
  ASSERT_EQ(tag_length, 16u);

  auto open = [&](std::vector<std::uint8_t> sealed) {
    std::uint32_t length = static_cast<std::uint32_t>(sealed.size());
    EXPECT_EQ(srtp_cipher_set_iv(cipher.c, iv.data(), srtp_direction_decrypt), srtp_err_status_ok);
    EXPECT_EQ(srtp_cipher_set_aad(cipher.c, aad.data(), aad.size()), srtp_err_status_ok);
    return srtp_cipher_decrypt(cipher.c, sealed.data(), &length);
  };
  EXPECT_EQ(open(text), srtp_err_status_ok);
  std::vector<std::uint8_t> tampered = text;
  tampered.back() ^= 1;
  EXPECT_EQ(open(tampered), srtp_err_status_auth_fail);
  tampered = text;
  tampered[3] ^= 0x80;
  EXPECT_EQ(open(tampered), srtp_err_status_auth_fail);
}

TEST(SrtpOpensslPrimitives, LibsrtpKernelHandsOutTheOpensslTypes) {
  init_through_a_session();
  EXPECT_EQ(srtp_crypto_kernel_get_cipher_type(SRTP_AES_ICM_128), &srtp_openssl::aes_icm_128());
  EXPECT_EQ(srtp_crypto_kernel_get_cipher_type(SRTP_AES_ICM_192), &srtp_openssl::aes_icm_192());
  EXPECT_EQ(srtp_crypto_kernel_get_cipher_type(SRTP_AES_ICM_256), &srtp_openssl::aes_icm_256());
  EXPECT_EQ(srtp_crypto_kernel_get_cipher_type(SRTP_AES_GCM_128), &srtp_openssl::aes_gcm_128());
  EXPECT_EQ(srtp_crypto_kernel_get_cipher_type(SRTP_AES_GCM_256), &srtp_openssl::aes_gcm_256());
  EXPECT_EQ(srtp_crypto_kernel_get_auth_type(SRTP_HMAC_SHA1), &srtp_openssl::hmac_sha1());
}

// RFC 3711 B.3 lists the session keys libsrtp must derive from this master
// key and salt (key derivation rate 0). libsrtp keeps them to itself, so the
// test protects a packet with index 0 and computes, with plain OpenSSL and
// the RFC's session keys, what that packet must be (RFC 3711 4.1.1, 4.2).
TEST(SrtpOpensslPrimitives, KeyDerivationMatchesRfc3711AppendixB3) {
  std::vector<std::uint8_t> master =
      hex("E1F97A0D3E018BE0D64FA32C06DE4139"
          "0EC675AD498AFEEBB6960B3AABE6");
  std::vector<std::uint8_t> other(30, 0x99);
  auto session = SrtpSession::create(
      {SrtpSuite::kAesCm128HmacSha1_80, *SecretBytes::from(master), *SecretBytes::from(other)});
  ASSERT_TRUE(session) << session.error().message;

  const std::vector<std::uint8_t> cipher_key = hex("C61E7A93744F39EE10734AFE3FF7A087");
  const std::vector<std::uint8_t> cipher_salt = hex("30CBBC08863D8C85D49DB34A9AE1");
  const std::vector<std::uint8_t> auth_key = hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");

  // Sequence number 0 and rollover counter 0: packet index 0.
  const std::vector<std::uint8_t> header =
      hex("80000000"
          "00000000"
          "DECAFBAD");
  std::vector<std::uint8_t> payload(50);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 3);

  std::vector<std::uint8_t> buffer(header);
  buffer.insert(buffer.end(), payload.begin(), payload.end());
  buffer.resize(buffer.size() + kSrtpMaxOverhead);
  auto length = (*session)->protect_rtp(buffer, header.size() + payload.size());
  ASSERT_TRUE(length);
  buffer.resize(*length);

  // IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16).
  std::array<std::uint8_t, 16> iv{};
  std::copy(cipher_salt.begin(), cipher_salt.end(), iv.begin());
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= header[8 + i];
  std::vector<std::uint8_t> expected(header);
  std::vector<std::uint8_t> encrypted(payload.size());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int out = 0;
  ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, cipher_key.data(), iv.data()), 1);
  ASSERT_EQ(EVP_EncryptUpdate(ctx, encrypted.data(), &out, payload.data(),
                              static_cast<int>(payload.size())),
            1);
  EVP_CIPHER_CTX_free(ctx);
  expected.insert(expected.end(), encrypted.begin(), encrypted.end());
  // Tag: HMAC-SHA1 over the packet and the rollover counter, 80 bits.
  std::vector<std::uint8_t> authenticated(expected);
  authenticated.insert(authenticated.end(), {0, 0, 0, 0});
  std::array<std::uint8_t, 20> mac{};
  unsigned int mac_length = 0;
  ASSERT_NE(HMAC(EVP_sha1(), auth_key.data(), static_cast<int>(auth_key.size()),
                 authenticated.data(), authenticated.size(), mac.data(), &mac_length),
            nullptr);
  expected.insert(expected.end(), mac.begin(), mac.begin() + 10);

  EXPECT_EQ(buffer, expected);
}

}  // namespace
}  // namespace keyline::media
