#include "sdp/negotiation.h"

#include <gtest/gtest.h>

namespace keyline::sdp {
namespace {

LocalMedia local_media() {
  LocalMedia local;
  local.address = "203.0.113.10";
  local.rtp_port = 30000;
  local.session_id = 42;
  return local;
}

SessionDescription parse_ok(std::string_view text) {
  auto sd = parse(text);
  EXPECT_TRUE(sd.ok()) << (sd.ok() ? "" : sd.error().message);
  return sd.ok() ? *sd : SessionDescription{};
}

constexpr std::string_view kOffer =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 198.51.100.7\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.7\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 9 8 0 101\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:30\r\n";

TEST(AnswerOfferTest, PicksFirstSupportedOfferedCodec) {
  auto answer = answer_offer(parse_ok(kOffer), local_media());
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  const NegotiatedMedia& m = answer->media;
  EXPECT_EQ(m.remote_address, "198.51.100.7");
  EXPECT_EQ(m.remote_port, 49170);
  EXPECT_EQ(m.codec, Codec::kPcma);  // offerer's order wins over ours
  EXPECT_EQ(m.payload_type, 8);
  EXPECT_EQ(m.telephone_event_pt, 101);
  EXPECT_EQ(m.ptime, 30);  // send at the peer's requested packetization
  EXPECT_EQ(m.direction, Direction::kSendRecv);

  std::string text = serialize(answer->sdp);
  EXPECT_EQ(text,
            "v=0\r\n"
            "o=- 42 1 IN IP4 203.0.113.10\r\n"
            "s=-\r\n"
            "c=IN IP4 203.0.113.10\r\n"
            "t=0 0\r\n"
            "m=audio 30000 RTP/AVP 8 101\r\n"
            "a=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-16\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n");
}

TEST(AnswerOfferTest, EchoesDynamicTelephoneEventAndRespectsLocalCodecs) {
  auto offer = parse_ok(
      "v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\n"
      "m=audio 4000 RTP/AVP 0 8 96\na=rtpmap:96 telephone-event/8000\na=fmtp:96 0-16\n");
  LocalMedia local = local_media();
  local.codecs = {Codec::kPcma};
  auto answer = answer_offer(offer, local);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->media.codec, Codec::kPcma);
  EXPECT_EQ(answer->media.telephone_event_pt, 96);
  EXPECT_EQ(answer->media.ptime, 20);
  EXPECT_EQ(answer->sdp.media[0].formats, (std::vector<int>{8, 96}));
  EXPECT_EQ(answer->sdp.media[0].fmtp(96), "0-16");
}

TEST(AnswerOfferTest, StaticPayloadTypesWithoutRtpmap) {
  auto offer = parse_ok(
      "v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\nm=audio 4000 RTP/AVP 18 0\n");
  auto answer = answer_offer(offer, local_media());
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->media.codec, Codec::kPcmu);
  EXPECT_EQ(answer->media.payload_type, 0);
  EXPECT_FALSE(answer->media.telephone_event_pt.has_value());
  EXPECT_EQ(answer->sdp.media[0].formats, std::vector<int>{0});
  EXPECT_TRUE(answer->sdp.media[0].fmtps.empty());
}

TEST(AnswerOfferTest, MirrorsDirection) {
  const std::pair<std::string_view, Direction> cases[] = {
      {"sendonly", Direction::kRecvOnly},
      {"recvonly", Direction::kSendOnly},
      {"inactive", Direction::kInactive},
      {"sendrecv", Direction::kSendRecv},
  };
  for (const auto& [attr, expected] : cases) {
    std::string text = std::string(kOffer) + "a=" + std::string(attr) + "\r\n";
    auto answer = answer_offer(parse_ok(text), local_media());
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(answer->media.direction, expected) << attr;
    EXPECT_EQ(answer->sdp.media[0].direction, expected) << attr;
  }
}

TEST(AnswerOfferTest, MediaLevelConnectionAndDeclinedStreams) {
  auto offer = parse_ok(
      "v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\n"
      "m=video 5000 RTP/AVP 96\na=rtpmap:96 H264/90000\n"
      "m=audio 4000 RTP/SAVP 0\n"
      "m=audio 4002 RTP/AVP 0\nc=IN IP4 10.9.9.9\n"
      "m=audio 4004 RTP/AVP 0\n"
      "m=image 6000 udptl t38\n");
  auto answer = answer_offer(offer, local_media());
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->media.remote_address, "10.9.9.9");
  EXPECT_EQ(answer->media.remote_port, 4002);
  ASSERT_EQ(answer->sdp.media.size(), 5u);
  const auto& m = answer->sdp.media;
  EXPECT_EQ(m[0].port, 0);
  EXPECT_EQ(m[0].media, "video");
  EXPECT_EQ(m[0].formats, std::vector<int>{96});
  EXPECT_EQ(m[1].port, 0);  // SRTP not offered by this negotiator
  EXPECT_EQ(m[2].port, 30000);
  EXPECT_EQ(m[3].port, 0);  // only one audio stream is accepted
  EXPECT_EQ(m[4].port, 0);
  std::string text = serialize(answer->sdp);
  EXPECT_NE(text.find("m=video 0 RTP/AVP 96\r\n"), std::string::npos);
  EXPECT_NE(text.find("m=image 0 udptl t38\r\n"), std::string::npos);
  EXPECT_TRUE(parse(text).ok());
}

TEST(AnswerOfferTest, NoCommonCodecIs488) {
  auto offer = parse_ok(
      "v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\n"
      "m=audio 4000 RTP/AVP 9 18 101\na=rtpmap:9 G722/8000\na=rtpmap:101 telephone-event/8000\n"
      "m=audio 0 RTP/AVP 0\n");
  auto answer = answer_offer(offer, local_media());
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().kind, "sdp");
  EXPECT_NE(answer.error().message.find("488"), std::string::npos);

  // A PCMU rtpmap at the wrong clock rate is not PCMU.
  auto wrong_rate = parse_ok(
      "v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\n"
      "m=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/16000\n");
  EXPECT_FALSE(answer_offer(wrong_rate, local_media()).ok());

  // No connection address anywhere.
  auto no_c = parse_ok("v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n");
  EXPECT_FALSE(answer_offer(no_c, local_media()).ok());
}

TEST(OfferAnswerTest, MakeOfferContent) {
  SessionDescription offer = make_offer(local_media());
  EXPECT_EQ(serialize(offer),
            "v=0\r\n"
            "o=- 42 1 IN IP4 203.0.113.10\r\n"
            "s=-\r\n"
            "c=IN IP4 203.0.113.10\r\n"
            "t=0 0\r\n"
            "m=audio 30000 RTP/AVP 0 8 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-16\r\n"
            "a=ptime:20\r\n"
            "a=rtcp:30001\r\n"
            "a=rtcp-mux\r\n"
            "a=sendrecv\r\n");
}

TEST(OfferAnswerTest, OfferAnswerAcceptRoundTrip) {
  LocalMedia caller = local_media();
  caller.codecs = {Codec::kPcma, Codec::kPcmu};
  LocalMedia callee = local_media();
  callee.address = "192.0.2.20";
  callee.rtp_port = 40000;
  callee.session_id = 7;

  SessionDescription offer = make_offer(caller);
  auto offer_on_wire = parse(serialize(offer));
  ASSERT_TRUE(offer_on_wire.ok());
  auto answer = answer_offer(*offer_on_wire, callee);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->media.codec, Codec::kPcma);
  EXPECT_EQ(answer->media.remote_address, "203.0.113.10");
  EXPECT_EQ(answer->media.remote_port, 30000);

  auto answer_on_wire = parse(serialize(answer->sdp));
  ASSERT_TRUE(answer_on_wire.ok());
  auto agreed = accept_answer(offer, *answer_on_wire);
  ASSERT_TRUE(agreed.ok()) << agreed.error().message;
  EXPECT_EQ(agreed->remote_address, "192.0.2.20");
  EXPECT_EQ(agreed->remote_port, 40000);
  EXPECT_EQ(agreed->codec, Codec::kPcma);
  EXPECT_EQ(agreed->payload_type, 8);
  EXPECT_EQ(agreed->telephone_event_pt, 101);
  EXPECT_EQ(agreed->ptime, 20);
  EXPECT_EQ(agreed->direction, Direction::kSendRecv);
}

TEST(OfferAnswerTest, AcceptAnswerChecks) {
  SessionDescription offer = make_offer(local_media());
  // Answer without rtpmaps, recvonly, and media-level address.
  auto answer = parse_ok(
      "v=0\no=- 9 9 IN IP4 192.0.2.9\ns=-\nt=0 0\n"
      "m=audio 7000 RTP/AVP 0 101\nc=IN IP4 192.0.2.99\na=recvonly\na=ptime:40\n");
  auto agreed = accept_answer(offer, answer);
  ASSERT_TRUE(agreed.ok()) << agreed.error().message;
  EXPECT_EQ(agreed->remote_address, "192.0.2.99");
  EXPECT_EQ(agreed->codec, Codec::kPcmu);
  EXPECT_EQ(agreed->telephone_event_pt, 101);  // from our offer's rtpmap
  EXPECT_EQ(agreed->ptime, 40);
  EXPECT_EQ(agreed->direction, Direction::kSendOnly);  // they only receive

  auto rejected = parse_ok(
      "v=0\no=- 9 9 IN IP4 192.0.2.9\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\n"
      "m=audio 0 RTP/AVP 0\n");
  EXPECT_FALSE(accept_answer(offer, rejected).ok());

  auto not_offered = parse_ok(
      "v=0\no=- 9 9 IN IP4 192.0.2.9\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\n"
      "m=audio 7000 RTP/AVP 9\n");
  EXPECT_FALSE(accept_answer(offer, not_offered).ok());

  auto extra_line = parse_ok(
      "v=0\no=- 9 9 IN IP4 192.0.2.9\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\n"
      "m=audio 7000 RTP/AVP 0\nm=video 0 RTP/AVP 96\n");
  EXPECT_FALSE(accept_answer(offer, extra_line).ok());
}

TEST(CodecTest, Names) {
  EXPECT_EQ(codec_name(Codec::kPcmu), "PCMU");
  EXPECT_EQ(codec_name(Codec::kPcma), "PCMA");
}

}  // namespace
}  // namespace keyline::sdp
