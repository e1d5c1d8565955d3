// SDES offer/answer: the SRTP policy matrix, suite choice, fresh keys, and
// the offerer's checks of the answer.
#include <gtest/gtest.h>

#include "base/base64.h"
#include "sdp/negotiation.h"
#include "sdp/sdes.h"

namespace keyline::sdp {
namespace {

// 30 bytes (AES_CM) and 44 bytes (AES_256_GCM) of the offerer's key material.
const std::string kKey30 = std::string(40, 'A');
const std::string kKey44 = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo8=";

LocalMedia local_media(SrtpPolicy policy) {
  LocalMedia local;
  local.address = "203.0.113.10";
  local.rtp_port = 30000;
  local.session_id = 42;
  local.srtp = policy;
  return local;
}

SessionDescription offer_with(std::string_view proto, std::string_view crypto_lines) {
  std::string text =
      "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\n"
      "t=0 0\r\nm=audio 49170 " +
      std::string(proto) + " 0 101\r\na=rtpmap:101 telephone-event/8000\r\n" +
      std::string(crypto_lines);
  auto sd = parse(text);
  EXPECT_TRUE(sd) << (sd ? "" : sd.error().message);
  return sd ? *sd : SessionDescription{};
}

std::string crypto_line(int tag, std::string_view suite, std::string_view key,
                        std::string_view extra = "") {
  return "a=crypto:" + std::to_string(tag) + " " + std::string(suite) +
         " inline:" + std::string(key) + std::string(extra) + "\r\n";
}

SecretBytes decoded(std::string_view text) {
  std::uint8_t buf[SecretBytes::kCapacity];
  auto n = base64_decode(text, buf);
  EXPECT_TRUE(n);
  return *SecretBytes::from(std::span<const std::uint8_t>(buf, n.value_or(0)));
}

TEST(SrtpPolicyTest, MandatoryRejectsPlainRtpWith488) {
  auto answer = answer_offer(offer_with("RTP/AVP", ""), local_media(SrtpPolicy::kMandatory));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, "sdp");
  EXPECT_EQ(answer.error().message.rfind("488", 0), 0u) << answer.error().message;
  EXPECT_NE(answer.error().message.find("SRTP is mandatory"), std::string::npos);
}

TEST(SrtpPolicyTest, OffRejectsSavpWith488) {
  auto offer = offer_with("RTP/SAVP", crypto_line(1, "AES_CM_128_HMAC_SHA1_80", kKey30));
  auto answer = answer_offer(offer, local_media(SrtpPolicy::kOff));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().message.rfind("488", 0), 0u) << answer.error().message;
  EXPECT_NE(answer.error().message.find("SRTP is off"), std::string::npos);
}

TEST(SrtpPolicyTest, OptionalAcceptsEither) {
  auto plain = answer_offer(offer_with("RTP/AVP", ""), local_media(SrtpPolicy::kOptional));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain->media.srtp);
  EXPECT_EQ(plain->sdp.media[0].proto, "RTP/AVP");
  EXPECT_TRUE(plain->sdp.media[0].crypto.empty());

  auto offer = offer_with("RTP/SAVP", crypto_line(1, "AES_CM_128_HMAC_SHA1_80", kKey30));
  auto secure = answer_offer(offer, local_media(SrtpPolicy::kOptional));
  ASSERT_TRUE(secure) << secure.error().message;
  ASSERT_TRUE(secure->media.srtp);
  EXPECT_EQ(secure->sdp.media[0].proto, "RTP/SAVP");
}

TEST(SrtpPolicyTest, MandatoryAcceptsSavp) {
  auto offer = offer_with("RTP/SAVP", crypto_line(1, "AES_CM_128_HMAC_SHA1_80", kKey30));
  auto answer = answer_offer(offer, local_media(SrtpPolicy::kMandatory));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->media.srtp);
}

TEST(SrtpAnswerTest, PicksTheFirstSupportedOfferedSuiteAndEchoesItsTag) {
  auto offer = offer_with(
      "RTP/SAVP", crypto_line(1, "F8_128_HMAC_SHA1_80", kKey30) +                  // suite unknown
                      crypto_line(2, "AES_CM_128_HMAC_SHA1_80", kKey30, "|1:4") +  // MKI
                      crypto_line(3, "AES_CM_128_HMAC_SHA1_80", kKey30.substr(0, 36)) +  // short
                      crypto_line(4, "AES_CM_128_HMAC_SHA1_32", kKey30, " UNENCRYPTED_SRTP") +
                      crypto_line(5, "AEAD_AES_256_GCM", kKey44, "|2^31 WSH=128") +
                      crypto_line(6, "AES_CM_128_HMAC_SHA1_80", kKey30));
  auto answer = answer_offer(offer, local_media(SrtpPolicy::kOptional));
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_TRUE(answer->media.srtp);
  const SrtpKeys& keys = *answer->media.srtp;
  EXPECT_EQ(keys.suite, SrtpSuite::kAeadAes256Gcm);
  EXPECT_EQ(keys.tag, 5u);
  EXPECT_TRUE(keys.remote_key == decoded(kKey44));
  EXPECT_EQ(keys.local_key.size(), 44u);
  EXPECT_FALSE(keys.local_key == keys.remote_key);

  const MediaDescription& md = answer->sdp.media[0];
  ASSERT_EQ(md.crypto.size(), 1u);  // RFC 4568 7.1.1: exactly one line
  EXPECT_EQ(md.crypto[0].tag, 5u);
  EXPECT_EQ(md.crypto[0].suite, "AEAD_AES_256_GCM");
  EXPECT_TRUE(md.crypto[0].keys[0].key_salt == keys.local_key);
  EXPECT_TRUE(md.crypto[0].session_params.empty());
  std::string text = serialize(answer->sdp);
  EXPECT_NE(text.find("m=audio 30000 RTP/SAVP 0 101\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("a=crypto:5 AEAD_AES_256_GCM inline:"), std::string::npos) << text;
}

TEST(SrtpAnswerTest, OurSuiteListRestrictsTheChoice) {
  auto offer = offer_with("RTP/SAVP", crypto_line(1, "AES_CM_128_HMAC_SHA1_32", kKey30) +
                                          crypto_line(2, "AES_CM_128_HMAC_SHA1_80", kKey30));
  LocalMedia local = local_media(SrtpPolicy::kMandatory);
  local.srtp_suites = {SrtpSuite::kAesCm128HmacSha1_80};
  auto answer = answer_offer(offer, local);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->media.srtp->suite, SrtpSuite::kAesCm128HmacSha1_80);
  EXPECT_EQ(answer->media.srtp->tag, 2u);

  local.srtp_suites = {SrtpSuite::kAeadAes128Gcm};
  auto none = answer_offer(offer, local);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message.rfind("488", 0), 0u);
  EXPECT_NE(none.error().message.find("a=crypto"), std::string::npos);
}

TEST(SrtpAnswerTest, SavpWithoutCryptoIs488) {
  auto answer = answer_offer(offer_with("RTP/SAVP", ""), local_media(SrtpPolicy::kMandatory));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().message.rfind("488", 0), 0u);
}

TEST(SrtpAnswerTest, KeysAreFreshFromTheCsprngOrTheInjectedSource) {
  auto offer = offer_with("RTP/SAVP", crypto_line(1, "AES_CM_128_HMAC_SHA1_80", kKey30));
  auto a = answer_offer(offer, local_media(SrtpPolicy::kOptional));
  auto b = answer_offer(offer, local_media(SrtpPolicy::kOptional));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->media.srtp->local_key.size(), 30u);
  EXPECT_FALSE(a->media.srtp->local_key == b->media.srtp->local_key);

  LocalMedia local = local_media(SrtpPolicy::kOptional);
  local.random = [](std::span<std::uint8_t> out) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i);
    return Status(Ok{});
  };
  auto fixed = answer_offer(offer, local);
  ASSERT_TRUE(fixed);
  EXPECT_NE(serialize(fixed->sdp)
                .find("a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                      "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\r\n"),
            std::string::npos)
      << serialize(fixed->sdp);

  local.random = [](std::span<std::uint8_t>) -> Status { return make_error("random", "empty"); };
  auto failed = answer_offer(offer, local);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, "random");  // the server answers 500, not 488
}

TEST(SrtpOfferTest, SecureOfferRoundTripsThroughAnAnswerer) {
  LocalMedia caller = local_media(SrtpPolicy::kMandatory);
  caller.rtp_port = 40000;
  auto offer = make_secure_offer(caller);
  ASSERT_TRUE(offer) << offer.error().message;
  const MediaDescription& om = offer->media[0];
  EXPECT_EQ(om.proto, "RTP/SAVP");
  ASSERT_EQ(om.crypto.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(om.crypto[i].tag, i + 1);
    EXPECT_EQ(om.crypto[i].known_suite(), all_suites()[i]);
    EXPECT_EQ(om.crypto[i].keys[0].key_salt.size(), suite_key_salt_length(all_suites()[i]));
  }
  EXPECT_FALSE(om.crypto[0].keys[0].key_salt == om.crypto[1].keys[0].key_salt);

  // Through text, as on the wire.
  auto offer_on_wire = parse(serialize(*offer));
  ASSERT_TRUE(offer_on_wire);
  LocalMedia callee = local_media(SrtpPolicy::kMandatory);
  callee.srtp_suites = {SrtpSuite::kAeadAes128Gcm};
  auto answer = answer_offer(*offer_on_wire, callee);
  ASSERT_TRUE(answer) << answer.error().message;
  auto answer_on_wire = parse(serialize(answer->sdp));
  ASSERT_TRUE(answer_on_wire);
  auto agreed = accept_answer(*offer, *answer_on_wire);
  ASSERT_TRUE(agreed) << agreed.error().message;
  ASSERT_TRUE(agreed->srtp);
  EXPECT_EQ(agreed->srtp->suite, SrtpSuite::kAeadAes128Gcm);
  EXPECT_EQ(agreed->srtp->tag, 3u);
  // What one side sends with is what the other receives with.
  EXPECT_TRUE(agreed->srtp->local_key == answer->media.srtp->remote_key);
  EXPECT_TRUE(agreed->srtp->remote_key == answer->media.srtp->local_key);
  EXPECT_TRUE(agreed->srtp->local_key == om.crypto[2].keys[0].key_salt);
}

TEST(SrtpOfferTest, PlainOfferIgnoresThePolicy) {
  SessionDescription offer = make_offer(local_media(SrtpPolicy::kMandatory));
  EXPECT_EQ(offer.media[0].proto, "RTP/AVP");
  EXPECT_TRUE(offer.media[0].crypto.empty());
}

TEST(SrtpOfferTest, AcceptAnswerRejectsAnswersThatDoNotMatchOurCrypto) {
  auto offer = make_secure_offer(local_media(SrtpPolicy::kMandatory));
  ASSERT_TRUE(offer);
  auto answer_text = [](std::string_view proto, std::string_view crypto) {
    return "v=0\r\no=- 2 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
           "m=audio 5000 " +
           std::string(proto) + " 0\r\n" + std::string(crypto);
  };
  auto check = [&](const std::string& text, std::string_view expect) {
    auto answer = parse(text);
    ASSERT_TRUE(answer);
    auto agreed = accept_answer(*offer, *answer);
    ASSERT_FALSE(agreed) << text;
    EXPECT_NE(agreed.error().message.find(expect), std::string::npos) << agreed.error().message;
  };
  check(answer_text("RTP/AVP", ""), "answer is RTP/AVP");
  check(answer_text("RTP/SAVP", ""), "exactly one");
  check(answer_text("RTP/SAVP", crypto_line(9, "AES_CM_128_HMAC_SHA1_80", kKey30)), "tags");
  check(answer_text("RTP/SAVP", crypto_line(1, "AES_CM_128_HMAC_SHA1_32", kKey30)), "tags");
  check(answer_text("RTP/SAVP", crypto_line(1, "AES_CM_128_HMAC_SHA1_80", kKey30) +
                                    crypto_line(2, "AES_CM_128_HMAC_SHA1_32", kKey30)),
        "exactly one");
  check(answer_text("RTP/SAVP", crypto_line(3, "AEAD_AES_128_GCM", kKey30)), "unusable");
}

}  // namespace
}  // namespace keyline::sdp
