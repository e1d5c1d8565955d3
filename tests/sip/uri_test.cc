#include "sip/uri.h"

#include <gtest/gtest.h>

namespace keyline::sip {
namespace {

TEST(UriTest, ParsesFullSipUri) {
  auto uri =
      parse_uri("sip:alice:secret@example.com:5070;transport=tcp;lr?subject=hi&priority=urgent");
  ASSERT_TRUE(uri.ok()) << uri.error().message;
  EXPECT_EQ(uri->scheme, "sip");
  EXPECT_EQ(uri->user, "alice");
  EXPECT_EQ(uri->password, "secret");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_EQ(uri->port, 5070);
  ASSERT_EQ(uri->params.size(), 2u);
  EXPECT_EQ(uri->param("TRANSPORT"), "tcp");
  EXPECT_EQ(uri->param("lr"), "");
  EXPECT_FALSE(uri->param("maddr").has_value());
  ASSERT_EQ(uri->headers.size(), 2u);
  EXPECT_EQ(uri->headers[1].first, "priority");
  EXPECT_EQ(uri->to_string(),
            "sip:alice:secret@example.com:5070;transport=tcp;lr?subject=hi&priority=urgent");
}

TEST(UriTest, SchemeIsCaseInsensitive) {
  auto uri = parse_uri("SIPS:bob@Example.COM");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->scheme, "sips");
  EXPECT_EQ(uri->host, "Example.COM");
  EXPECT_EQ(uri->port, 0);
}

TEST(UriTest, Ipv6HostWithPort) {
  auto uri = parse_uri("sip:carol@[2001:db8::10]:5060;transport=udp");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->host, "2001:db8::10");
  EXPECT_EQ(uri->port, 5060);
  EXPECT_EQ(uri->to_string(), "sip:carol@[2001:db8::10]:5060;transport=udp");
}

TEST(UriTest, Ipv6HostWithoutUserOrPort) {
  auto uri = parse_uri("sip:[::1]");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->host, "::1");
  EXPECT_EQ(uri->to_string(), "sip:[::1]");
}

TEST(UriTest, UserPartMayHoldSemicolonsAndEscapes) {
  // RFC 4475 3.1.1.9: the first '@' ends the userinfo.
  auto uri = parse_uri("sip:user;par=u%40example.net@example.com");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->user, "user;par=u%40example.net");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_TRUE(uri->params.empty());
  EXPECT_EQ(unescape(uri->user), "user;par=u@example.net");
}

TEST(UriTest, TelUri) {
  auto uri = parse_uri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->scheme, "tel");
  EXPECT_EQ(uri->user, "+1-201-555-0123");
  EXPECT_EQ(uri->param("phone-context"), "example.com");
  EXPECT_EQ(uri->to_string(), "tel:+1-201-555-0123;phone-context=example.com");
}

TEST(UriTest, UnknownSchemeKeptOpaque) {
  auto uri = parse_uri("nobodyKnowsThisScheme:totallyopaquecontent");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->scheme, "nobodyknowsthisscheme");
  EXPECT_EQ(uri->opaque, "totallyopaquecontent");
}

TEST(UriTest, RejectsMalformed) {
  for (const char* bad : {"", "sip:", "example.com", "sip:user@", "sip:@host", "sip:host:99999",
                          "sip:host:abc", "sip:[::1", "sip:a b@host", "<sip:host>", "sip:host;=x",
                          "sip:ho\"st", "1sip:host", "sip:[zz]"}) {
    EXPECT_FALSE(parse_uri(bad).ok()) << bad;
  }
}

TEST(UriTest, UnescapeLeavesBadEscapes) {
  EXPECT_EQ(unescape("%75se%72"), "user");
  EXPECT_EQ(unescape("100%"), "100%");
  EXPECT_EQ(unescape("%ZZ%4"), "%ZZ%4");
}

TEST(NameAddrTest, QuotedDisplayNameWithEscapes) {
  auto na = parse_name_addr(R"("J Rosenberg \\\""  <sip:jdrosen@example.com>;tag=98asjd8)");
  ASSERT_TRUE(na.ok()) << na.error().message;
  EXPECT_EQ(na->display_name, R"(J Rosenberg \")");
  EXPECT_EQ(na->uri.user, "jdrosen");
  EXPECT_EQ(na->tag(), "98asjd8");
  // Re-serializing escapes again, and parses back to the same value.
  EXPECT_EQ(na->to_string(), R"("J Rosenberg \\\"" <sip:jdrosen@example.com>;tag=98asjd8)");
  auto again = parse_name_addr(na->to_string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->display_name, na->display_name);
}

TEST(NameAddrTest, TokenDisplayNameWithoutSpace) {
  auto na = parse_name_addr("caller<sip:caller@example.com>;tag=323");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->display_name, "caller");
  EXPECT_EQ(na->tag(), "323");
}

TEST(NameAddrTest, BareUriParamsBelongToHeader) {
  auto na = parse_name_addr("sip:+12125551212@server.phone2net.com;tag=887s");
  ASSERT_TRUE(na.ok());
  EXPECT_TRUE(na->uri.params.empty());
  EXPECT_EQ(na->tag(), "887s");
  EXPECT_EQ(na->to_string(), "<sip:+12125551212@server.phone2net.com>;tag=887s");
}

TEST(NameAddrTest, AngleUriKeepsItsOwnParams) {
  auto na = parse_name_addr("<sip:bob@biloxi.com;transport=tcp>;expires=60;q=0.5");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->uri.param("transport"), "tcp");
  EXPECT_FALSE(na->tag().has_value());
  ASSERT_EQ(na->params.size(), 2u);
  EXPECT_EQ(na->params[1].second, "0.5");
}

TEST(NameAddrTest, LwsAroundParams) {
  auto na = parse_name_addr(
      R"("Quoted string \"\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33)");
  ASSERT_TRUE(na.ok()) << na.error().message;
  EXPECT_EQ(na->display_name, R"(Quoted string "")");
  ASSERT_EQ(na->params.size(), 3u);
  EXPECT_EQ(na->params[0].first, "newparam");
  EXPECT_EQ(na->params[0].second, "newvalue");
  EXPECT_EQ(na->params[1].second, "");
  EXPECT_EQ(na->params[2].second, "0.33");
}

TEST(NameAddrTest, QuotedParamValue) {
  auto na = parse_name_addr(R"(<sip:a@b>;x="a;b c";tag=1)");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->params[0].second, R"("a;b c")");
  EXPECT_EQ(na->tag(), "1");
}

TEST(NameAddrTest, RejectsMalformed) {
  for (const char* bad : {"", "\"Mr. J. User <sip:j.user@example.com>", "\"x\" sip:a@b", "<sip:a@b",
                          "Bell, Alexander <sip:a.g.bell@example.com>",
                          "sip:user@example.com?Route=%3Csip:sip.example.com%3E", "<sip:a@b>;;;;",
                          "<sip:a@b>;tag=", "<>"}) {
    EXPECT_FALSE(parse_name_addr(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace keyline::sip
