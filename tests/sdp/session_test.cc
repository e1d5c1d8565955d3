#include "sdp/session.h"

#include <gtest/gtest.h>

#include <random>

namespace keyline::sdp {
namespace {

// A typical softphone offer (Linphone/Zoiper style): many codecs, dynamic
// PTs, RTCP and extra attributes, LF-only line ends.
constexpr std::string_view kSoftphoneOffer =
    "v=0\n"
    "o=Zoiper 1699999999 2 IN IP4 192.168.1.50\n"
    "s=Z\n"
    "c=IN IP4 192.168.1.50\n"
    "t=0 0\n"
    "a=group:BUNDLE 0\n"
    "m=audio 52000 RTP/AVP 106 9 98 101 0 8 3\n"
    "a=rtpmap:106 opus/48000/2\n"
    "a=fmtp:106 minptime=10;useinbandfec=1\n"
    "a=rtpmap:9 G722/8000\n"
    "a=rtpmap:98 iLBC/8000\n"
    "a=fmtp:98 mode=30\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-16\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:3 GSM/8000\n"
    "a=ptime:30\n"
    "a=rtcp:52001\n"
    "a=sendrecv\n"
    "m=video 52002 RTP/AVP 96\n"
    "c=IN IP4 192.168.1.51\n"
    "a=rtpmap:96 H264/90000\n";

TEST(SdpParseTest, SoftphoneOffer) {
  auto sd = parse(kSoftphoneOffer);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->origin_username, "Zoiper");
  EXPECT_EQ(sd->session_id, 1699999999u);
  EXPECT_EQ(sd->session_version, 2u);
  EXPECT_EQ(sd->origin_address, "192.168.1.50");
  EXPECT_EQ(sd->session_name, "Z");
  EXPECT_EQ(sd->connection_address, "192.168.1.50");
  EXPECT_EQ(sd->other_attributes, std::vector<std::string>{"group:BUNDLE 0"});
  ASSERT_EQ(sd->media.size(), 2u);

  const MediaDescription& audio = sd->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 52000);
  EXPECT_EQ(audio.proto, "RTP/AVP");
  EXPECT_EQ(audio.formats, (std::vector<int>{106, 9, 98, 101, 0, 8, 3}));
  ASSERT_EQ(audio.rtpmaps.size(), 7u);
  EXPECT_EQ(audio.rtpmap(106)->channels, 2);
  EXPECT_EQ(audio.rtpmap(106)->clock_rate, 48000);
  EXPECT_EQ(audio.rtpmap(101)->encoding, "telephone-event");
  EXPECT_EQ(audio.fmtp(101), "0-16");
  EXPECT_EQ(audio.fmtp(106), "minptime=10;useinbandfec=1");
  EXPECT_EQ(audio.ptime, 30);
  EXPECT_EQ(audio.direction, Direction::kSendRecv);
  EXPECT_TRUE(audio.other_attributes.empty());
  ASSERT_TRUE(audio.rtcp);  // typed now (RFC 3605), no longer an opaque line
  EXPECT_EQ(audio.rtcp->port, 52001);
  EXPECT_FALSE(audio.rtcp->address);
  EXPECT_FALSE(audio.connection_address.has_value());
  EXPECT_EQ(audio.address(sd->connection_address), "192.168.1.50");

  // Media-level c= overrides the session level.
  const MediaDescription& video = sd->media[1];
  EXPECT_EQ(video.connection_address, "192.168.1.51");
  EXPECT_EQ(video.address(sd->connection_address), "192.168.1.51");
}

TEST(SdpParseTest, SessionLevelDirectionAppliesToStreamsWithoutOne) {
  auto sd = parse(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\na=sendonly\r\n"
      "m=audio 4000 RTP/AVP 0\r\n"
      "m=audio 4002 RTP/AVP 0\r\na=inactive\r\n");
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(sd->media[0].direction, Direction::kSendOnly);
  EXPECT_EQ(sd->media[1].direction, Direction::kInactive);
}

TEST(SdpParseTest, NonRtpFormatsAndOddValues) {
  auto sd = parse(
      "v=0\no=- 1 1 IN IP6 2001:db8::1\ns=\nc=IN IP4 224.2.1.1/127\nt=0 0\n"
      "m=image 0 udptl t38\n"
      "m=audio 4000/2 RTP/AVP 0\na=ptime:20.0\na=rtpmap:bogus\n");
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->origin_address, "2001:db8::1");
  EXPECT_EQ(sd->connection_address, "224.2.1.1");
  EXPECT_EQ(sd->media[0].port, 0);
  EXPECT_TRUE(sd->media[0].formats.empty());
  EXPECT_EQ(sd->media[0].other_formats, std::vector<std::string>{"t38"});
  EXPECT_EQ(sd->media[1].port, 4000);
  EXPECT_EQ(sd->media[1].ptime, 20);
  EXPECT_EQ(sd->media[1].other_attributes, std::vector<std::string>{"rtpmap:bogus"});
}

TEST(SdpParseTest, RejectsMissingMandatoryLines) {
  EXPECT_FALSE(parse("").ok());
  EXPECT_FALSE(parse("o=- 1 1 IN IP4 1.2.3.4\nm=audio 1 RTP/AVP 0\n").ok());  // no v=
  EXPECT_FALSE(parse("v=1\no=- 1 1 IN IP4 1.2.3.4\nm=audio 1 RTP/AVP 0\n").ok());
  EXPECT_FALSE(parse("v=0\ns=-\nm=audio 1 RTP/AVP 0\n").ok());     // no o=
  EXPECT_FALSE(parse("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\n").ok());  // no m=
  EXPECT_FALSE(parse("v=0\no=- x 1 IN IP4 1.2.3.4\nm=audio 1 RTP/AVP 0\n").ok());
  EXPECT_FALSE(parse("v=0\no=- 1 1 IN IP4 1.2.3.4\nc=IN IP4\nm=audio 1 RTP/AVP 0\n").ok());
  EXPECT_FALSE(parse("v=0\no=- 1 1 IN IP4 1.2.3.4\nm=audio 99999 RTP/AVP 0\n").ok());
  EXPECT_FALSE(parse("v=0\no=- 1 1 IN IP4 1.2.3.4\nm =video 1 RTP/AVP 0\n").ok());
  auto error = parse("v=0\n");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().kind, "sdp");
}

TEST(SdpSerializeTest, RoundTrip) {
  auto sd = parse(kSoftphoneOffer);
  ASSERT_TRUE(sd.ok());
  std::string text = serialize(*sd);
  for (std::size_t i = 0; i < text.size(); ++i)  // CRLF line ends only
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << i;
    }
  EXPECT_EQ(text.rfind("v=0\r\no=Zoiper 1699999999 2 IN IP4 192.168.1.50\r\ns=Z\r\n", 0), 0u);
  EXPECT_NE(text.find("m=audio 52000 RTP/AVP 106 9 98 101 0 8 3\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=rtpmap:106 opus/48000/2\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=ptime:30\r\n"), std::string::npos);

  auto again = parse(text);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(serialize(*again), text);
  EXPECT_EQ(again->media[0].formats, sd->media[0].formats);
  EXPECT_EQ(again->media[1].connection_address, "192.168.1.51");
}

TEST(SdpSerializeTest, Ipv6Addresses) {
  SessionDescription sd;
  sd.origin_address = "2001:db8::5";
  sd.connection_address = "2001:db8::5";
  MediaDescription md;
  md.media = "audio";
  md.port = 5004;
  md.proto = "RTP/AVP";
  md.formats = {0};
  sd.media.push_back(md);
  std::string text = serialize(sd);
  EXPECT_NE(text.find("o=- 0 0 IN IP6 2001:db8::5\r\n"), std::string::npos);
  EXPECT_NE(text.find("c=IN IP6 2001:db8::5\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=sendrecv\r\n"), std::string::npos);
}

TEST(SdpParseTest, GarbageNeverCrashes) {
  std::mt19937 rng(99);
  const std::string seed(kSoftphoneOffer);
  for (int i = 0; i < 3000; ++i) {
    std::string text = seed;
    for (int e = 0; e < 1 + static_cast<int>(rng() % 8); ++e) {
      std::size_t pos = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0:
          text.insert(pos, 1, "\n=: /0123456789abc"[rng() % 19]);
          break;
        case 1:
          text.erase(pos, rng() % 12);
          break;
        default:
          if (pos < text.size()) text[pos] = static_cast<char>(rng() & 0xff);
          break;
      }
    }
    auto sd = parse(text);
    if (sd.ok()) {
      auto again = parse(serialize(*sd));
      EXPECT_TRUE(again.ok()) << serialize(*sd);
    }
  }
}

}  // namespace
}  // namespace keyline::sdp
