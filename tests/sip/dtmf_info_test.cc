#include "sip/dtmf_info.h"

#include <gtest/gtest.h>

namespace keyline::sip {
namespace {

TEST(DtmfInfoTest, DtmfRelayBodies) {
  auto d = parse_dtmf_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '5');
  EXPECT_EQ(d->duration_ms, 160);
  // Spaces, LF-only lines, another order, parameters on the type, lower-case letters.
  d = parse_dtmf_info("Application/DTMF-Relay; charset=x", "duration = 250\nsignal= #\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '#');
  EXPECT_EQ(d->duration_ms, 250);
  d = parse_dtmf_info("application/dtmf-relay", "Signal=b");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, 'B');
  EXPECT_EQ(d->duration_ms, 0);
  // Gateways that send events as numbers: 10 is *, 11 is #.
  EXPECT_EQ(parse_dtmf_info("application/dtmf-relay", "Signal=10\r\n")->digit, '*');
  EXPECT_EQ(parse_dtmf_info("application/dtmf-relay", "Signal=11\r\n")->digit, '#');
}

TEST(DtmfInfoTest, DtmfBodies) {
  auto d = parse_dtmf_info("application/dtmf", "7");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '7');
  EXPECT_EQ(parse_dtmf_info("application/dtmf", " *\r\n")->digit, '*');
}

TEST(DtmfInfoTest, WhatIsNotAKey) {
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Duration=160\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=X\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=12\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf", "55"));
  EXPECT_FALSE(parse_dtmf_info("application/sdp", "Signal=5\r\n"));
  EXPECT_FALSE(parse_dtmf_info("", ""));
  // An absurd Duration is ignored, the key kept.
  auto d = parse_dtmf_info("application/dtmf-relay", "Signal=1\r\nDuration=99999999999\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->duration_ms, 0);
  EXPECT_TRUE(is_dtmf_content_type("application/dtmf"));
  EXPECT_FALSE(is_dtmf_content_type("application/dtmf-relayx"));
}

TEST(DtmfInfoTest, RelayBodyRoundTrips) {
  std::string body = dtmf_relay_body('9', 160);
  EXPECT_EQ(body, "Signal=9\r\nDuration=160\r\n");
  auto d = parse_dtmf_info("application/dtmf-relay", body);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '9');
  EXPECT_EQ(d->duration_ms, 160);
}

TEST(DtmfInfoTest, TracesHideTheKey) {
  const std::string info =
      "INFO sip:100@192.0.2.9 SIP/2.0\r\nCall-ID: a\r\nContent-Type: application/dtmf\r\n"
      "Content-Length: 1\r\n\r\n4";
  std::string masked = mask_dtmf_body(info);
  EXPECT_EQ(masked.substr(masked.size() - 9), "[private]");
  EXPECT_EQ(masked.find("\r\n\r\n4"), std::string::npos);
  const std::string relay =
      "INFO sip:100@192.0.2.9 SIP/2.0\r\nc: application/dtmf-relay\r\n"
      "Content-Length: 10\r\n\r\nSignal=4\r\n";
  EXPECT_EQ(mask_dtmf_body(relay).find("Signal=4"), std::string::npos);
  // Other messages pass unchanged.
  const std::string sdp =
      "INVITE sip:100@192.0.2.9 SIP/2.0\r\nContent-Type: application/sdp\r\n"
      "Content-Length: 5\r\n\r\nv=0\r\n";
  EXPECT_EQ(mask_dtmf_body(sdp), sdp);
}

}  // namespace
}  // namespace keyline::sip
