#include <gtest/gtest.h>

#include "server/config.h"

namespace keyline::server {
namespace {

TEST(HttpConfig, DefaultsAllowNothingOverHttpsOnly) {
  Config c = default_config();
  EXPECT_FALSE(c.http.client.egress.may_allow("api.example.com"));
  EXPECT_TRUE(c.http.client.egress.https_only());
  EXPECT_EQ(c.http.default_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.http.max_redirects, 0);
  EXPECT_EQ(c.http.client.max_connections, 64u);
}

TEST(HttpConfig, ReadsEverySetting) {
  auto c = parse_config(R"(http:
  egress:
    allow: [api.example.com, "*.pay.example", 10.0.0.0/8]
    https_only: false
  proxy: http://proxy.internal:3128
  timeout_ms: 2500
  max_response_bytes: 4096
  max_redirects: 2
  max_connections: 1000
)",
                        "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  const auto& h = c->http;
  EXPECT_TRUE(h.client.egress.allows_host("api.example.com"));
  EXPECT_TRUE(h.client.egress.allows_host("eu.pay.example"));
  EXPECT_TRUE(h.client.egress.allows_host("10.2.3.4"));
  EXPECT_FALSE(h.client.egress.allows_host("other.example"));
  EXPECT_FALSE(h.client.egress.https_only());
  EXPECT_EQ(h.client.proxy, "http://proxy.internal:3128");
  EXPECT_EQ(h.default_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(h.max_response_bytes, 4096u);
  EXPECT_EQ(h.max_redirects, 2);
  EXPECT_EQ(h.client.max_connections, 1000u);
}

TEST(HttpConfig, ErrorsNameTheLineAndColumn) {
  auto c = parse_config(R"(http:
  egress:
    allow:
      - api.example.com
      - 10.0.0.0/33
      - "exa mple"
  timeout_ms: 5
  ca_file: /no/such/ca.pem
  verify: false
)",
                        "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  for (const char* expected :
       {"k.yaml:5:9: http.egress.allow: '10.0.0.0/33': the prefix length must be 0-32",
        "k.yaml:6:9: http.egress.allow: 'exa mple' is not", "k.yaml:7:15: http.timeout_ms",
        "file not found: /no/such/ca.pem", "k.yaml:9:3: http.verify: unknown key"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\n" << m;
  }
}

}  // namespace
}  // namespace keyline::server
