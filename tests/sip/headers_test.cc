#include "sip/headers.h"

#include <gtest/gtest.h>

namespace keyline::sip {
namespace {

TEST(ViaTest, ParsesSingleVia) {
  auto vias = parse_vias("SIP/2.0/udp pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport");
  ASSERT_TRUE(vias.ok()) << vias.error().message;
  ASSERT_EQ(vias->size(), 1u);
  const Via& via = vias->front();
  EXPECT_EQ(via.transport, "UDP");
  EXPECT_EQ(via.host, "pc33.atlanta.com");
  EXPECT_EQ(via.port, 5066);
  EXPECT_EQ(via.branch(), "z9hG4bK776asdhds");
  EXPECT_EQ(via.param("rport"), "");
  EXPECT_EQ(via.to_string(), "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport");
}

TEST(ViaTest, MultipleViasWithLws) {
  // RFC 4475 3.1.1.1 (wsinv), already unfolded.
  auto vias = parse_vias(
      "SIP  / 2.0  / TCP     spindle.example.com   ;   branch  =   z9hG4bK9ikj8  ,  SIP  /    2.0 "
      "  / UDP  192.168.255.111   ; branch= z9hG4bK30239");
  ASSERT_TRUE(vias.ok()) << vias.error().message;
  ASSERT_EQ(vias->size(), 2u);
  EXPECT_EQ((*vias)[0].transport, "TCP");
  EXPECT_EQ((*vias)[0].host, "spindle.example.com");
  EXPECT_EQ((*vias)[0].branch(), "z9hG4bK9ikj8");
  EXPECT_EQ((*vias)[1].host, "192.168.255.111");
  EXPECT_EQ((*vias)[1].branch(), "z9hG4bK30239");
}

TEST(ViaTest, Ipv6SentBy) {
  auto vias =
      parse_vias("SIP/2.0/TLS [2001:db8::9:1]:5061;branch=z9hG4bKas;received=[2001:db8::9:255]");
  ASSERT_TRUE(vias.ok()) << vias.error().message;
  const Via& via = vias->front();
  EXPECT_EQ(via.host, "2001:db8::9:1");
  EXPECT_EQ(via.port, 5061);
  EXPECT_EQ(via.param("received"), "[2001:db8::9:255]");
  EXPECT_EQ(via.to_string(),
            "SIP/2.0/TLS [2001:db8::9:1]:5061;branch=z9hG4bKas;received=[2001:db8::9:255]");
}

TEST(ViaTest, RejectsMalformed) {
  for (const char* bad :
       {"", "SIP/2.0/UDP 192.0.2.15;;,;,,", "SIP/7.0/UDP c.example.com", "SIP/2.0 host",
        "SIP/2.0/UDP", "SIP/2.0/UDP host:70000",
        "SIP/2.0/UDP host;branch=", "SIP/2.0/UDP a,,SIP/2.0/UDP b", "SIP/2.0/UDP [::1"}) {
    EXPECT_FALSE(parse_vias(bad).ok()) << bad;
  }
}

TEST(CSeqTest, ParsesNumberAndMethod) {
  auto cseq = parse_cseq(" 0009 INVITE ");
  ASSERT_TRUE(cseq.ok());
  EXPECT_EQ(cseq->number, 9u);
  EXPECT_EQ(cseq->method, "INVITE");
  auto big = parse_cseq("4294967295 ACK");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->number, 4294967295u);
}

TEST(CSeqTest, RejectsMalformed) {
  for (const char* bad : {"", "INVITE", "1", "1INVITE", "-1 INVITE",
                          "36893488147419103232 REGISTER", "1 IN VITE", "1 <INVITE>"}) {
    EXPECT_FALSE(parse_cseq(bad).ok()) << bad;
  }
}

TEST(HeaderNameTest, CompactForms) {
  EXPECT_TRUE(header_name_equals("v", "Via"));
  EXPECT_TRUE(header_name_equals("VIA", "V"));
  EXPECT_TRUE(header_name_equals("i", "call-id"));
  EXPECT_TRUE(header_name_equals("l", "Content-Length"));
  EXPECT_TRUE(header_name_equals("x", "Session-Expires"));
  EXPECT_FALSE(header_name_equals("v", "To"));
  EXPECT_FALSE(header_name_equals("q", "Q-Header"));
  EXPECT_EQ(expand_compact_name("q"), "q");
  EXPECT_TRUE(is_list_header("m"));
  EXPECT_TRUE(is_list_header("record-route"));
  EXPECT_FALSE(is_list_header("To"));
  EXPECT_FALSE(is_list_header("WWW-Authenticate"));
}

}  // namespace
}  // namespace keyline::sip
