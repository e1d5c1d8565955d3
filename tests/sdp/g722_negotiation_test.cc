// G.722 in offer/answer: PT 9 as G722/8000 (RFC 3551's 8000 Hz clock), opt-in
// through LocalMedia::codecs, and the offerer's order deciding.
#include <gtest/gtest.h>

#include "sdp/negotiation.h"

namespace keyline::sdp {
namespace {

LocalMedia all_codecs() {
  LocalMedia local;
  local.address = "203.0.113.10";
  local.rtp_port = 30000;
  local.session_id = 42;
  local.codecs = {Codec::kPcmu, Codec::kPcma, Codec::kG722};
  return local;
}

SessionDescription offer_of(std::string_view m_and_attrs) {
  auto sd = parse(std::string("v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\n") +
                  std::string(m_and_attrs));
  EXPECT_TRUE(sd.ok());
  return sd.ok() ? *sd : SessionDescription{};
}

TEST(G722Negotiation, AG722FirstOfferGetsWideband) {
  auto answer = answer_offer(offer_of("m=audio 4000 RTP/AVP 9 0 8 101\na=rtpmap:9 G722/8000\n"
                                      "a=rtpmap:101 telephone-event/8000\n"),
                             all_codecs());
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->media.codec, Codec::kG722);
  EXPECT_EQ(answer->media.payload_type, 9);
  EXPECT_EQ(answer->media.telephone_event_pt, 101);
  std::string text = serialize(answer->sdp);
  EXPECT_NE(text.find("m=audio 30000 RTP/AVP 9 101\r\na=rtpmap:9 G722/8000\r\n"), std::string::npos)
      << text;
}

TEST(G722Negotiation, StaticPayloadTypeWithoutRtpmapAndOffererOrder) {
  auto bare = answer_offer(offer_of("m=audio 4000 RTP/AVP 9\n"), all_codecs());
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->media.codec, Codec::kG722);
  auto pcmu_first = answer_offer(offer_of("m=audio 4000 RTP/AVP 0 9\n"), all_codecs());
  ASSERT_TRUE(pcmu_first.ok());
  EXPECT_EQ(pcmu_first->media.codec, Codec::kPcmu);
}

TEST(G722Negotiation, NotAcceptedUnlessLocalCodecsSayAndNotAt16000) {
  LocalMedia g711_only = all_codecs();
  g711_only.codecs = {Codec::kPcmu, Codec::kPcma};
  EXPECT_FALSE(answer_offer(offer_of("m=audio 4000 RTP/AVP 9\n"), g711_only).ok());
  // "G722/16000" is the sampling rate, not the RTP clock RFC 3551 fixes.
  EXPECT_FALSE(
      answer_offer(offer_of("m=audio 4000 RTP/AVP 9\na=rtpmap:9 G722/16000\n"), all_codecs()).ok());
  // A dynamic PT mapped to G722/8000 is G.722 too.
  auto dynamic =
      answer_offer(offer_of("m=audio 4000 RTP/AVP 98\na=rtpmap:98 G722/8000\n"), all_codecs());
  ASSERT_TRUE(dynamic.ok());
  EXPECT_EQ(dynamic->media.codec, Codec::kG722);
  EXPECT_EQ(dynamic->media.payload_type, 98);
}

TEST(G722Negotiation, OfferAndAcceptAnswer) {
  LocalMedia phone = all_codecs();
  phone.codecs = {Codec::kG722};
  SessionDescription offer = make_offer(phone);
  std::string text = serialize(offer);
  EXPECT_NE(text.find("m=audio 30000 RTP/AVP 9 101\r\na=rtpmap:9 G722/8000\r\n"), std::string::npos)
      << text;
  auto answer = answer_offer(offer, all_codecs());
  ASSERT_TRUE(answer.ok());
  auto agreed = accept_answer(offer, answer->sdp);
  ASSERT_TRUE(agreed.ok()) << agreed.error().message;
  EXPECT_EQ(agreed->codec, Codec::kG722);
  EXPECT_EQ(codec_name(agreed->codec), "G722");
}

TEST(TelephoneEventDeclined, ZeroPtMeansNoRfc4733InTheAnswer) {
  LocalMedia inband = all_codecs();
  inband.telephone_event_pt = 0;
  auto answer = answer_offer(
      offer_of("m=audio 4000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\n"), inband);
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE(answer->media.telephone_event_pt);
  EXPECT_EQ(serialize(answer->sdp).find("telephone-event"), std::string::npos);
  EXPECT_EQ(serialize(make_offer(inband)).find("telephone-event"), std::string::npos);
}

}  // namespace
}  // namespace keyline::sdp
