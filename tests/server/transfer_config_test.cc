// The `transfer:` config section and where a Transfer module's target leads.
#include <gtest/gtest.h>

#include "server/config.h"
#include "server/transfer_target.h"

namespace keyline::server {
namespace {

TEST(TransferConfig, ProxyAndDomainAreReadAndChecked) {
  auto c =
      parse_config("transfer:\n  proxy: 10.0.0.1:5070\n  domain: pbx.example.com\n", "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->transfer.proxy_host, "10.0.0.1");
  EXPECT_EQ(c->transfer.proxy_port, 5070);
  EXPECT_EQ(c->transfer.domain, "pbx.example.com");
  auto v6 = parse_config("transfer:\n  proxy: \"[::1]:5062\"\n", "k.yaml", "");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->transfer.proxy_host, "::1");
  EXPECT_EQ(v6->transfer.proxy_port, 5062);

  auto bad = parse_config("transfer:\n  proxy: pbx.example.com\n  domain: \"a b\"\n  x: 1\n",
                          "k.yaml", "");
  ASSERT_FALSE(bad);
  const std::string& m = bad.error().message;
  EXPECT_NE(m.find("transfer.proxy: must be an IP address"), std::string::npos) << m;
  EXPECT_NE(m.find("transfer.domain: must be a host name"), std::string::npos) << m;
  EXPECT_NE(m.find("transfer.x: unknown key"), std::string::npos) << m;
}

TEST(TransferTarget, UrisGoToTheirHostOrTheProxy) {
  const io::Endpoint trunk = *io::Endpoint::parse("192.0.2.1", 5060);
  TransferConfig none;
  auto direct = resolve_transfer_target("sip:agent@192.0.2.7:5070", none, "pbx", trunk, true);
  ASSERT_TRUE(direct) << direct.error().message;
  EXPECT_EQ(direct->uri, "sip:agent@192.0.2.7:5070");
  EXPECT_EQ(direct->next_hop.to_string(), "192.0.2.7:5070");
  // A name leaves the next hop empty: the user agent looks it up (RFC 3263) off the worker.
  auto named = resolve_transfer_target("sip:agent@pbx.example.com", none, "", trunk, true);
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_FALSE(named->next_hop.valid());
  // Blind transfers only need the URI.
  EXPECT_TRUE(resolve_transfer_target("sip:agent@pbx.example.com", none, "", trunk, false));
  EXPECT_FALSE(resolve_transfer_target("sips:agent@192.0.2.7", none, "", trunk, true));

  TransferConfig proxied;
  proxied.proxy_host = "10.0.0.1";
  proxied.proxy_port = 5080;
  auto via = resolve_transfer_target("sip:agent@pbx.example.com", proxied, "", trunk, true);
  ASSERT_TRUE(via) << via.error().message;
  EXPECT_EQ(via->next_hop.to_string(), "10.0.0.1:5080");
}

TEST(TransferTarget, NumbersUseTheDomainElseTheProxyElseTheCalledHost) {
  const io::Endpoint trunk = *io::Endpoint::parse("192.0.2.1", 5060);
  TransferConfig c;
  auto back = resolve_transfer_target("+15551234", c, "192.0.2.9", trunk, true);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->uri, "sip:+15551234@192.0.2.9");
  EXPECT_EQ(back->next_hop.to_string(), "192.0.2.1:5060");  // back to the trunk
  c.proxy_host = "10.0.0.1";
  EXPECT_EQ(resolve_transfer_target("5551234", c, "192.0.2.9", trunk, true)->uri,
            "sip:5551234@10.0.0.1");
  c.domain = "pbx.example.com";
  auto d = resolve_transfer_target("5551234", c, "192.0.2.9", trunk, true);
  EXPECT_EQ(d->uri, "sip:5551234@pbx.example.com");
  EXPECT_EQ(d->next_hop.to_string(), "10.0.0.1:5060");
  EXPECT_FALSE(resolve_transfer_target("5551234", TransferConfig{}, "", trunk, false));
}

}  // namespace
}  // namespace keyline::server
