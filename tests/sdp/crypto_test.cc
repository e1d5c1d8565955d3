#include "sdp/crypto.h"

#include <gtest/gtest.h>

#include "sdp/session.h"

namespace keyline::sdp {
namespace {

// RFC 4568 9.1's example key.
constexpr std::string_view kKey = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

TEST(CryptoAttribute, ParsesTheRfcExample) {
  auto attr = parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kKey) +
                           "|2^20|1:4 FEC_ORDER=FEC_SRTP");
  ASSERT_TRUE(attr) << attr.error().message;
  EXPECT_EQ(attr->tag, 1u);
  EXPECT_EQ(attr->suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(attr->known_suite(), SrtpSuite::kAesCm128HmacSha1_80);
  ASSERT_EQ(attr->keys.size(), 1u);
  EXPECT_EQ(attr->keys[0].key_salt.size(), 30u);
  EXPECT_EQ(attr->keys[0].lifetime, "2^20");
  EXPECT_EQ(attr->keys[0].mki, 1u);
  EXPECT_EQ(attr->keys[0].mki_length, 4);
  EXPECT_EQ(attr->session_params, std::vector<std::string>{"FEC_ORDER=FEC_SRTP"});
  EXPECT_EQ(format_crypto(*attr), "1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kKey) +
                                      "|2^20|1:4 FEC_ORDER=FEC_SRTP");
}

TEST(CryptoAttribute, MkiWithoutLifetimeAndSeveralKeys) {
  auto attr = parse_crypto("7 AEAD_AES_256_GCM inline:" + std::string(kKey) +
                           "|3:1;inline:" + std::string(kKey));
  ASSERT_TRUE(attr) << attr.error().message;
  EXPECT_EQ(attr->known_suite(), SrtpSuite::kAeadAes256Gcm);
  ASSERT_EQ(attr->keys.size(), 2u);
  EXPECT_FALSE(attr->keys[0].lifetime);
  EXPECT_EQ(attr->keys[0].mki, 3u);
  EXPECT_FALSE(attr->keys[1].mki);
}

TEST(CryptoAttribute, UnknownSuitesParseButAreNotKnown) {
  auto attr = parse_crypto("2 F8_128_HMAC_SHA1_80 inline:" + std::string(kKey));
  ASSERT_TRUE(attr);
  EXPECT_FALSE(attr->known_suite());
}

TEST(CryptoAttribute, MalformedLinesFailWithoutQuotingTheKey) {
  const std::string key(kKey);
  for (const std::string& bad : std::vector<std::string>{
           "1 AES_CM_128_HMAC_SHA1_80",                              // no key
           "x AES_CM_128_HMAC_SHA1_80 inline:" + key,                // tag
           "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + key,       // tag too long
           "1 AES_CM_128_HMAC_SHA1_80 uri:" + key,                   // key method
           "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "!",          // base64
           "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^x",       // lifetime
           "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|1:0",       // MKI length
           "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|1:4|2^20",  // MKI before lifetime
           "1 AES_CM_128_HMAC_SHA1_80 inline:",                      // empty key
       }) {
    auto attr = parse_crypto(bad);
    ASSERT_FALSE(attr) << bad;
    EXPECT_EQ(attr.error().message.find(key.substr(0, 8)), std::string::npos) << bad;
  }
}

TEST(CryptoAttribute, SuiteTablesAndPolicyNames) {
  EXPECT_EQ(suite_key_salt_length(SrtpSuite::kAesCm128HmacSha1_80), 30u);
  EXPECT_EQ(suite_key_salt_length(SrtpSuite::kAesCm128HmacSha1_32), 30u);
  EXPECT_EQ(suite_key_salt_length(SrtpSuite::kAeadAes128Gcm), 28u);
  EXPECT_EQ(suite_key_salt_length(SrtpSuite::kAeadAes256Gcm), 44u);
  for (SrtpSuite s : all_suites()) EXPECT_EQ(parse_suite(suite_name(s)), s);
  for (auto p : {SrtpPolicy::kOff, SrtpPolicy::kOptional, SrtpPolicy::kMandatory})
    EXPECT_EQ(parse_srtp_policy(srtp_policy_name(p)), p);
  EXPECT_FALSE(parse_srtp_policy("required"));
}

TEST(CryptoInSdp, MediaLevelLinesRoundTripAndBadOnesAreDropped) {
  std::string text =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
      "a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:" +
      std::string(kKey) +
      "\r\n"
      "m=audio 4000 RTP/SAVP 0\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" +
      std::string(kKey) +
      "|2^31\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:not*base64\r\n"
      "a=crypto:3 AEAD_AES_128_GCM inline:" +
      std::string(kKey) + "\r\n";
  auto sd = parse(text);
  ASSERT_TRUE(sd) << sd.error().message;
  EXPECT_TRUE(sd->other_attributes.empty());  // session-level a=crypto is not kept
  ASSERT_EQ(sd->media.size(), 1u);
  const auto& md = sd->media[0];
  ASSERT_EQ(md.crypto.size(), 2u);
  EXPECT_EQ(md.crypto[0].tag, 1u);
  EXPECT_EQ(md.crypto[1].tag, 3u);
  EXPECT_TRUE(md.other_attributes.empty());  // the broken line is not kept as text
  std::string out = serialize(*sd);
  EXPECT_NE(
      out.find("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kKey) + "|2^31\r\n"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("a=crypto:3 AEAD_AES_128_GCM inline:"), std::string::npos);
  EXPECT_EQ(out.find("a=crypto:2"), std::string::npos);
}

}  // namespace
}  // namespace keyline::sdp
