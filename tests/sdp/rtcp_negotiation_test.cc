// a=rtcp (RFC 3605) and a=rtcp-mux (RFC 5761): parsing and emitting the
// attributes, and the negotiation matrix (the offer's mux and a=rtcp x our
// willingness x RTP/AVP or RTP/SAVP), answering and accepting answers.
#include <gtest/gtest.h>

#include "sdp/negotiation.h"
#include "sdp/offer_answer.h"

namespace keyline::sdp {
namespace {

LocalMedia local_media() {
  LocalMedia local;
  local.address = "203.0.113.10";
  local.rtp_port = 30000;
  local.session_id = 42;
  local.srtp = SrtpPolicy::kOptional;
  return local;
}

SessionDescription parse_ok(std::string_view text) {
  auto sd = parse(text);
  EXPECT_TRUE(sd.ok()) << (sd.ok() ? "" : sd.error().message);
  return sd.ok() ? *sd : SessionDescription{};
}

// The peer's offer: RTP/AVP or RTP/SAVP, with the given extra media-level lines.
std::string offer_text(bool savp, std::string_view lines) {
  std::string text =
      "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n"
      "m=audio 49170 " +
      std::string(savp ? "RTP/SAVP" : "RTP/AVP") + " 0 101\r\n" +
      "a=rtpmap:101 telephone-event/8000\r\n";
  // 30 bytes of key material in base64 (AES_CM_128_HMAC_SHA1_80's key and salt).
  if (savp) text += "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(40, 'A') + "\r\n";
  return text + std::string(lines);
}

bool has_line(const std::string& text, std::string_view line) {
  return text.find("\r\n" + std::string(line) + "\r\n") != std::string::npos;
}

TEST(RtcpAttributeTest, ParsesPortAndOptionalAddress) {
  auto sd = parse_ok(offer_text(false, "a=rtcp:53020\r\na=rtcp-mux\r\n"));
  const MediaDescription& md = sd.media.front();
  ASSERT_TRUE(md.rtcp);
  EXPECT_EQ(md.rtcp->port, 53020);
  EXPECT_FALSE(md.rtcp->address);
  EXPECT_TRUE(md.rtcp_mux);
  EXPECT_TRUE(md.other_attributes.empty());

  sd = parse_ok(offer_text(false, "a=rtcp:53021 IN IP4 126.16.64.4\r\n"));
  ASSERT_TRUE(sd.media.front().rtcp);
  EXPECT_EQ(sd.media.front().rtcp->port, 53021);
  EXPECT_EQ(sd.media.front().rtcp->address, "126.16.64.4");
  EXPECT_FALSE(sd.media.front().rtcp_mux);

  sd = parse_ok(offer_text(false, "a=rtcp:9 IN IP6 2001:db8::1\r\n"));
  ASSERT_TRUE(sd.media.front().rtcp);
  EXPECT_EQ(sd.media.front().rtcp->address, "2001:db8::1");
}

TEST(RtcpAttributeTest, MalformedLinesAreKeptAsTextNotFailed) {
  for (std::string_view bad : {"rtcp:0", "rtcp:70000", "rtcp:abc", "rtcp:5000 IN IP4",
                               "rtcp:5000 XX IP4 1.2.3.4", "rtcp:5000 IN IPX 1.2.3.4", "rtcp:"}) {
    auto sd = parse(offer_text(false, "a=" + std::string(bad) + "\r\n"));
    ASSERT_TRUE(sd.ok()) << bad;
    EXPECT_FALSE(sd->media.front().rtcp) << bad;
    ASSERT_EQ(sd->media.front().other_attributes.size(), 1u) << bad;
    EXPECT_EQ(sd->media.front().other_attributes.front(), bad);
  }
  // Not the rtcp-mux attribute, just one that starts the same.
  auto sd = parse_ok(offer_text(false, "a=rtcp-mux-only\r\na=rtcp-fb:* nack\r\n"));
  EXPECT_FALSE(sd.media.front().rtcp_mux);
  EXPECT_EQ(sd.media.front().other_attributes.size(), 2u);
}

TEST(RtcpAttributeTest, SerializeRoundTrip) {
  auto sd = parse_ok(offer_text(false, "a=rtcp:53021 IN IP4 126.16.64.4\r\na=rtcp-mux\r\n"));
  std::string text = serialize(sd);
  EXPECT_TRUE(has_line(text, "a=rtcp:53021 IN IP4 126.16.64.4")) << text;
  EXPECT_TRUE(has_line(text, "a=rtcp-mux")) << text;
  auto again = parse_ok(text);
  EXPECT_EQ(again.media.front().rtcp, sd.media.front().rtcp);
  EXPECT_TRUE(again.media.front().rtcp_mux);
  EXPECT_EQ(serialize(again), text);
}

// Every combination of what the offer says about RTCP, whether we take rtcp-mux, and the
// profile: the answer carries a=rtcp-mux exactly when both sides want it, and the negotiated
// RTCP destination is the RTP port (mux), the offer's a=rtcp, or nothing (port + 1).
TEST(RtcpNegotiationTest, AnswerMatrix) {
  struct RtcpLine {
    std::string_view text;
    std::optional<std::uint16_t> port;
    std::string_view address;
  };
  const RtcpLine rtcp_lines[] = {{"", std::nullopt, ""},
                                 {"a=rtcp:49300\r\n", 49300, "198.51.100.7"},
                                 {"a=rtcp:49301 IN IP4 192.0.2.77\r\n", 49301, "192.0.2.77"}};
  for (bool savp : {false, true})
    for (bool offered_mux : {false, true})
      for (bool we_mux : {false, true})
        for (const RtcpLine& line : rtcp_lines) {
          SCOPED_TRACE(testing::Message() << "savp " << savp << " offered_mux " << offered_mux
                                          << " we_mux " << we_mux << " rtcp '" << line.text << "'");
          std::string lines(line.text);
          if (offered_mux) lines += "a=rtcp-mux\r\n";
          LocalMedia local = local_media();
          local.rtcp_mux = we_mux;
          auto answer = answer_offer(parse_ok(offer_text(savp, lines)), local);
          ASSERT_TRUE(answer.ok()) << answer.error().message;
          const bool mux = offered_mux && we_mux;
          EXPECT_EQ(answer->media.rtcp_mux, mux);
          EXPECT_EQ(answer->media.srtp.has_value(), savp);
          const std::string text = serialize(answer->sdp);
          EXPECT_EQ(has_line(text, "a=rtcp-mux"), mux) << text;
          // Our answer never names an RTCP port: ours is the RTP port + 1 or, muxed, the RTP one.
          EXPECT_EQ(text.find("a=rtcp:"), std::string::npos) << text;
          if (mux || !line.port) {
            EXPECT_FALSE(answer->media.remote_rtcp);
          } else {
            ASSERT_TRUE(answer->media.remote_rtcp);
            EXPECT_EQ(answer->media.remote_rtcp->port, *line.port);
            EXPECT_EQ(answer->media.remote_rtcp->address, std::string(line.address));
          }
          EXPECT_EQ(answer->media.remote_port, 49170) << "RTP stays where the m-line says";
        }
}

TEST(RtcpNegotiationTest, OurOffersOfferMuxWithTheFallbackPort) {
  LocalMedia local = local_media();
  std::string text = serialize(make_offer(local));
  EXPECT_TRUE(has_line(text, "a=rtcp:30001")) << text;
  EXPECT_TRUE(has_line(text, "a=rtcp-mux")) << text;
  auto secure = make_secure_offer(local);
  ASSERT_TRUE(secure.ok());
  EXPECT_TRUE(secure->media.front().rtcp_mux);
  EXPECT_EQ(secure->media.front().rtcp, (RtcpAttribute{30001, std::nullopt}));

  local.rtcp_mux = false;
  text = serialize(make_offer(local));
  EXPECT_EQ(text.find("a=rtcp"), std::string::npos) << text;
  // No port pair to name at the top of the range.
  local.rtcp_mux = true;
  local.rtp_port = 65535;
  EXPECT_FALSE(make_offer(local).media.front().rtcp);
}

TEST(RtcpNegotiationTest, AcceptAnswerMatrix) {
  const SessionDescription offer = make_offer(local_media());
  const std::string head =
      "v=0\r\no=- 7 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
  auto agreed = accept_answer(offer, parse_ok(head + "a=rtcp-mux\r\n"));
  ASSERT_TRUE(agreed.ok()) << agreed.error().message;
  EXPECT_TRUE(agreed->rtcp_mux);
  EXPECT_FALSE(agreed->remote_rtcp);

  agreed = accept_answer(offer, parse_ok(head));
  ASSERT_TRUE(agreed.ok());
  EXPECT_FALSE(agreed->rtcp_mux);
  EXPECT_FALSE(agreed->remote_rtcp);

  agreed = accept_answer(offer, parse_ok(head + "a=rtcp:40011\r\n"));
  ASSERT_TRUE(agreed.ok());
  EXPECT_FALSE(agreed->rtcp_mux);
  EXPECT_EQ(agreed->remote_rtcp, (RtcpAttribute{40011, std::string("192.0.2.20")}));

  // An answer may not multiplex what we did not offer to (RFC 8035).
  LocalMedia no_mux = local_media();
  no_mux.rtcp_mux = false;
  agreed = accept_answer(make_offer(no_mux), parse_ok(head + "a=rtcp-mux\r\n"));
  ASSERT_TRUE(agreed.ok());
  EXPECT_FALSE(agreed->rtcp_mux);
}

TEST(RtcpNegotiationTest, TwoKeylinesAgreeToMultiplexThroughText) {
  LocalMedia callee = local_media();
  callee.address = "192.0.2.20";
  callee.rtp_port = 40000;
  OfferAnswer caller(local_media());
  auto offer = caller.offer();
  ASSERT_TRUE(offer.ok());
  auto answer = answer_offer(parse_ok(serialize(*offer)), callee);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_TRUE(answer->media.rtcp_mux);
  auto agreed = caller.take_answer(parse_ok(serialize(answer->sdp)));
  ASSERT_TRUE(agreed.ok()) << agreed.error().message;
  EXPECT_TRUE(agreed->rtcp_mux);
  EXPECT_EQ(agreed->remote_port, 40000);
}

}  // namespace
}  // namespace keyline::sdp
