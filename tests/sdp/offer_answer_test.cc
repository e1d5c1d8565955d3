// The offer/answer state of one call across re-offers (RFC 3264 8): o= versions, hold and
// resume, codec and address changes, our own offer answered in an ACK, and no SRTP downgrade.
#include "sdp/offer_answer.h"

#include <gtest/gtest.h>

#include <string>

namespace keyline::sdp {
namespace {

LocalMedia local_media() {
  LocalMedia local;
  local.address = "203.0.113.10";
  local.rtp_port = 30000;
  local.session_id = 42;
  local.session_version = 7;
  return local;
}

SessionDescription offer_text(const std::string& direction, const std::string& formats = "0 8 101",
                              const std::string& address = "198.51.100.7", int port = 49170,
                              int version = 1) {
  std::string text = "v=0\r\no=alice 1 " + std::to_string(version) + " IN IP4 " + address +
                     "\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\nm=audio " +
                     std::to_string(port) + " RTP/AVP " + formats +
                     "\r\na=rtpmap:101 telephone-event/8000\r\n";
  if (!direction.empty()) text += "a=" + direction + "\r\n";
  auto sd = parse(text);
  EXPECT_TRUE(sd.ok());
  return sd.ok() ? *sd : SessionDescription{};
}

TEST(OfferAnswerTest, SameReOfferKeepsTheVersionAndAChangeRaisesItByOne) {
  OfferAnswer oa(local_media());
  auto first = oa.answer(offer_text(""));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->sdp.session_version, 7u);
  // A session refresh: the same offer again gets the same answer, same version.
  auto again = oa.answer(offer_text(""));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sdp.session_version, 7u);
  EXPECT_EQ(serialize(again->sdp), serialize(first->sdp));
  // Hold: our answer changes (recvonly): version + 1.
  auto hold = oa.answer(offer_text("sendonly", "0 8 101", "198.51.100.7", 49170, 2));
  ASSERT_TRUE(hold.ok());
  EXPECT_EQ(hold->sdp.session_version, 8u);
  EXPECT_EQ(hold->sdp.media.at(0).direction, Direction::kRecvOnly);
  EXPECT_EQ(hold->media.direction, Direction::kRecvOnly);
  // Resume: back to sendrecv, version + 1 again (it changed again).
  auto resume = oa.answer(offer_text("sendrecv", "0 8 101", "198.51.100.7", 49170, 3));
  ASSERT_TRUE(resume.ok());
  EXPECT_EQ(resume->sdp.session_version, 9u);
  EXPECT_EQ(resume->media.direction, Direction::kSendRecv);
  EXPECT_EQ(oa.current()->session_version, 9u);
}

TEST(OfferAnswerTest, InactiveHoldIsAnsweredInactive) {
  OfferAnswer oa(local_media());
  ASSERT_TRUE(oa.answer(offer_text("")).ok());
  auto held = oa.answer(offer_text("inactive"));
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->media.direction, Direction::kInactive);
  EXPECT_NE(serialize(held->sdp).find("a=inactive"), std::string::npos);
}

TEST(OfferAnswerTest, CodecAndAddressChange) {
  OfferAnswer oa(local_media());
  auto first = oa.answer(offer_text(""));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->media.codec, Codec::kPcmu);
  auto changed = oa.answer(offer_text("", "8 101", "198.51.100.99", 50000));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->media.codec, Codec::kPcma);
  EXPECT_EQ(changed->media.payload_type, 8);
  EXPECT_EQ(changed->media.remote_address, "198.51.100.99");
  EXPECT_EQ(changed->media.remote_port, 50000);
  EXPECT_EQ(changed->sdp.session_version, 8u);
}

TEST(OfferAnswerTest, UnacceptableReOfferLeavesTheSessionAsItWas) {
  OfferAnswer oa(local_media());
  ASSERT_TRUE(oa.answer(offer_text("")).ok());
  std::string before = serialize(*oa.current());
  auto refused = oa.answer(offer_text("", "18"));  // G.729 only
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message.rfind("488", 0), 0u);
  EXPECT_EQ(serialize(*oa.current()), before);
  // And the next acceptable re-offer is compared with what we last sent.
  auto same = oa.answer(offer_text(""));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->sdp.session_version, 7u);
}

TEST(OfferAnswerTest, OurOfferIsAnsweredFromTheAck) {
  OfferAnswer oa(local_media());
  auto offer = oa.offer();  // late offer: nothing agreed yet
  ASSERT_TRUE(offer.ok());
  EXPECT_TRUE(oa.offer_pending());
  EXPECT_EQ(offer->session_version, 7u);
  EXPECT_EQ(offer->media.at(0).proto, "RTP/AVP");
  EXPECT_EQ(offer->media.at(0).direction, Direction::kSendRecv);
  // The peer picks PCMA from our PCMU, PCMA list.
  auto answer = parse(
      "v=0\r\no=bob 5 5 IN IP4 198.51.100.8\r\ns=-\r\nc=IN IP4 198.51.100.8\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n");
  ASSERT_TRUE(answer.ok());
  auto agreed = oa.take_answer(*answer);
  ASSERT_TRUE(agreed.ok()) << agreed.error().message;
  EXPECT_EQ(agreed->codec, Codec::kPcma);
  EXPECT_EQ(agreed->remote_port, 40000);
  EXPECT_EQ(agreed->telephone_event_pt, 101);
  EXPECT_FALSE(oa.offer_pending());
  // A second answer without an offer of ours is refused.
  EXPECT_FALSE(oa.take_answer(*answer).ok());
  // The same offer again (a re-INVITE without SDP): unchanged, so the same version.
  auto again = oa.offer();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->session_version, 7u);
}

TEST(OfferAnswerTest, AnAnswerWithoutACommonCodecFails) {
  OfferAnswer oa(local_media());
  ASSERT_TRUE(oa.offer().ok());
  auto answer = parse(
      "v=0\r\no=bob 5 5 IN IP4 198.51.100.8\r\ns=-\r\nc=IN IP4 198.51.100.8\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 18\r\n");
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE(oa.take_answer(*answer).ok());
  EXPECT_FALSE(oa.current().has_value());
}

TEST(OfferAnswerTest, ASrtpCallCannotBeReOfferedToPlainRtp) {
  LocalMedia local = local_media();
  local.srtp = SrtpPolicy::kOptional;
  std::uint8_t counter = 0;
  local.random = [&counter](std::span<std::uint8_t> out) {
    for (auto& b : out) b = ++counter;
    return Status(Ok{});
  };
  OfferAnswer oa(local);
  auto secure = parse(
      "v=0\r\no=alice 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n"
      "m=audio 49170 RTP/SAVP 0\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n");
  ASSERT_TRUE(secure.ok());
  auto first = oa.answer(*secure);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(oa.secure());
  // Optional policy would take plain RTP in a first offer, not in a re-offer of this call.
  auto downgrade = oa.answer(offer_text(""));
  EXPECT_FALSE(downgrade.ok());
  EXPECT_TRUE(oa.secure());
  // Our own offer in this call is SRTP too.
  auto ours = oa.offer();
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(ours->media.at(0).proto, "RTP/SAVP");
  EXPECT_GT(ours->session_version, first->sdp.session_version);
}

}  // namespace
}  // namespace keyline::sdp
