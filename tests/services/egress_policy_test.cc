#include "services/egress_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace keyline::services {
namespace {

sockaddr_storage address(const char* text) {
  sockaddr_storage s{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&s);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&s);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  }
  return s;
}

const sockaddr* sa(const sockaddr_storage& s) { return reinterpret_cast<const sockaddr*>(&s); }

TEST(EgressPolicy, EmptyAllowsNothing) {
  EgressPolicy p;
  EXPECT_FALSE(p.allows_host("example.com"));
  EXPECT_FALSE(p.may_allow("example.com"));
  const auto a = address("127.0.0.1");
  EXPECT_FALSE(p.allows_connection("localhost", sa(a)));
}

TEST(EgressPolicy, ExactAndSuffixNames) {
  auto p = EgressPolicy::parse({"api.example.com", "*.pay.example", "Mixed.Case.org"}, false);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->allows_host("api.example.com"));
  EXPECT_TRUE(p->allows_host("API.Example.COM"));
  EXPECT_FALSE(p->allows_host("www.api.example.com"));
  EXPECT_FALSE(p->allows_host("example.com"));
  EXPECT_TRUE(p->allows_host("eu.pay.example"));
  EXPECT_TRUE(p->allows_host("a.b.pay.example"));
  EXPECT_FALSE(p->allows_host("pay.example"));  // *.suffix means names under it
  EXPECT_FALSE(p->allows_host("evilpay.example"));
  EXPECT_TRUE(p->allows_host("mixed.case.org"));
  EXPECT_FALSE(p->may_allow("other.org"));  // no ranges: cannot be allowed by its address
}

TEST(EgressPolicy, RangesV4AndV6) {
  auto p = EgressPolicy::parse({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}, false);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->allows_host("10.1.2.3"));
  EXPECT_FALSE(p->allows_host("11.1.2.3"));
  EXPECT_TRUE(p->allows_host("192.0.2.7"));
  EXPECT_FALSE(p->allows_host("192.0.2.8"));
  EXPECT_TRUE(p->allows_host("[2001:db8::1]"));
  EXPECT_FALSE(p->allows_host("[2001:db9::1]"));
  // A name is decided at connect time by its address.
  EXPECT_TRUE(p->may_allow("internal.example"));
  EXPECT_TRUE(p->allows_connection("internal.example", sa(address("10.9.9.9"))));
  EXPECT_FALSE(p->allows_connection("internal.example", sa(address("127.0.0.1"))));
  // An IPv4-mapped IPv6 address is its IPv4 address.
  EXPECT_TRUE(p->allows_connection("x", sa(address("::ffff:10.0.0.1"))));
  EXPECT_FALSE(p->allows_connection("x", sa(address("::ffff:127.0.0.1"))));
}

TEST(EgressPolicy, StarAllowsEveryHost) {
  auto p = EgressPolicy::parse({"*"}, true);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->allows_host("anything.example"));
  EXPECT_TRUE(p->https_only());
}

TEST(EgressPolicy, BadEntriesAreErrors) {
  EXPECT_FALSE(EgressPolicy::parse({"10.0.0.0/33"}, false));
  EXPECT_FALSE(EgressPolicy::parse({"::1/129"}, false));
  EXPECT_FALSE(EgressPolicy::parse({"exa mple.com"}, false));
  EXPECT_FALSE(EgressPolicy::parse({"http://example.com"}, false));
  auto bad = EgressPolicy::parse({"ok.example", "*.*.bad"}, false);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("*.*.bad"), std::string::npos);
}

}  // namespace
}  // namespace keyline::services
