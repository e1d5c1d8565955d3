// Access policy with an injected clock: allow-lists (IPv4, IPv6, mapped),
// token buckets, bans after auth failures, the call cap. No sleeps.
#include "sip/access_policy.h"

#include <gtest/gtest.h>

namespace keyline::sip {
namespace {

io::Endpoint ep(const char* host, std::uint16_t port = 5060) {
  return *io::Endpoint::parse(host, port);
}

TEST(Cidr, ParsesAndMatchesV4AndV6) {
  auto v4 = Cidr::parse("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->contains(ep("10.1.200.3")));
  EXPECT_FALSE(v4->contains(ep("10.2.0.1")));
  EXPECT_FALSE(v4->contains(ep("::1")));
  auto odd = Cidr::parse("192.0.2.128/25");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(ep("192.0.2.200")));
  EXPECT_FALSE(odd->contains(ep("192.0.2.127")));
  auto v6 = Cidr::parse("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(ep("2001:db8:1::5")));
  EXPECT_FALSE(v6->contains(ep("2001:db9::5")));
  EXPECT_FALSE(v6->contains(ep("10.1.2.3")));
  auto host = Cidr::parse("127.0.0.1");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->to_string(), "127.0.0.1/32");
  EXPECT_TRUE(host->contains(ep("::ffff:127.0.0.1")));  // IPv4-mapped counts as IPv4
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0")->contains(ep("203.0.113.9")));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::parse("example.com/8"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/x"));
}

TEST(AccessPolicy, AllowListDeniesOthers) {
  ManualClock clock;
  AccessPolicyConfig c;
  c.allow = {*Cidr::parse("192.0.2.0/24"), *Cidr::parse("2001:db8::/32")};
  AccessPolicy p(c, clock);
  EXPECT_EQ(p.check(ep("192.0.2.7")), AccessDecision::kAllow);
  EXPECT_EQ(p.check(ep("2001:db8::7")), AccessDecision::kAllow);
  EXPECT_EQ(p.check(ep("198.51.100.1")), AccessDecision::kDeny);
  EXPECT_EQ(p.tracked_sources(), 0u);  // nothing to track without limits
}

TEST(AccessPolicy, TokenBucketPerSourceRefillsWithTime) {
  ManualClock clock;
  AccessPolicyConfig c;
  c.rate_per_second = 10;
  c.burst = 3;
  AccessPolicy p(c, clock);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kAllow);
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kRateLimited);
  EXPECT_EQ(p.check(ep("192.0.2.2")), AccessDecision::kAllow);  // another source is unaffected
  clock.advance(Millis(100));                                   // one token back
  EXPECT_EQ(p.check(ep("192.0.2.1", 7000)), AccessDecision::kAllow);  // same IP, other port
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kRateLimited);
  clock.advance(Millis(10000));  // refills to the burst, not beyond
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kAllow);
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kRateLimited);
}

TEST(AccessPolicy, BanAfterFailuresWithinTheWindowThenExpires) {
  ManualClock clock;
  AccessPolicyConfig c;
  c.ban_after_failures = 3;
  c.failure_window = Millis(60000);
  c.ban_for = Millis(600000);
  AccessPolicy p(c, clock);
  p.auth_failed(ep("192.0.2.1"));
  p.auth_failed(ep("192.0.2.1"));
  clock.advance(Millis(61000));  // the window passed: counting starts again
  p.auth_failed(ep("192.0.2.1"));
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kAllow);
  p.auth_failed(ep("192.0.2.1"));
  p.auth_failed(ep("192.0.2.1"));
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kBanned);
  EXPECT_EQ(p.check(ep("192.0.2.2")), AccessDecision::kAllow);
  clock.advance(Millis(599000));
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kBanned);
  clock.advance(Millis(2000));
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kAllow);
}

TEST(AccessPolicy, SuccessResetsTheFailureCount) {
  ManualClock clock;
  AccessPolicyConfig c;
  c.ban_after_failures = 2;
  AccessPolicy p(c, clock);
  p.auth_failed(ep("192.0.2.1"));
  p.auth_succeeded(ep("192.0.2.1"));
  p.auth_failed(ep("192.0.2.1"));
  EXPECT_EQ(p.check(ep("192.0.2.1")), AccessDecision::kAllow);
}

TEST(AccessPolicy, TrackedSourcesStayBounded) {
  ManualClock clock;
  AccessPolicyConfig c;
  c.rate_per_second = 1;
  c.max_tracked_sources = 100;
  AccessPolicy p(c, clock);
  for (int i = 0; i < 1000; ++i) {
    std::string host = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    (void)p.check(*io::Endpoint::parse(host, 5060));
  }
  EXPECT_LE(p.tracked_sources(), 100u);
}

TEST(AccessPolicy, CallCap) {
  ManualClock clock;
  AccessPolicyConfig c;
  AccessPolicy unlimited(c, clock);
  EXPECT_FALSE(unlimited.calls_full(100000));
  c.max_calls = 2;
  AccessPolicy p(c, clock);
  EXPECT_FALSE(p.calls_full(1));
  EXPECT_TRUE(p.calls_full(2));
}

}  // namespace
}  // namespace keyline::sip
