// The `outbound:` config section: defaults, every key read and checked, routing falling back
// to `transfer:`, and how an unanswered attempt's SIP status is classified.
#include <gtest/gtest.h>

#include "server/config.h"
#include "server/outbound_leg.h"

namespace keyline::server {
namespace {

TEST(OutboundConfig, DefaultsThenEveryKey) {
  auto d = parse_config("", "k.yaml", "");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->outbound.enabled);
  EXPECT_EQ(d->outbound.max_concurrent, 10);
  EXPECT_TRUE(d->outbound.amd);
  EXPECT_FALSE(d->outbound.allow_sip_uris);

  auto c = parse_config(
      "outbound:\n  enabled: false\n  proxy: 10.0.0.1:5070\n  domain: trunk.example.com\n"
      "  caller_id: \"+16175550000\"\n  max_concurrent: 3\n  poll_ms: 200\n"
      "  ring_timeout_s: 20\n  allow_sip_uris: true\n  amd:\n    enabled: false\n"
      "    decision_ms: 3000\n",
      "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  const auto& o = c->outbound;
  EXPECT_FALSE(o.enabled);
  EXPECT_EQ(o.routing.proxy_host, "10.0.0.1");
  EXPECT_EQ(o.routing.proxy_port, 5070);
  EXPECT_EQ(o.routing.domain, "trunk.example.com");
  EXPECT_EQ(o.caller_id, "+16175550000");
  EXPECT_EQ(o.max_concurrent, 3);
  EXPECT_EQ(o.poll_ms, 200);
  EXPECT_EQ(o.ring_timeout_s, 20);
  EXPECT_TRUE(o.allow_sip_uris);
  EXPECT_FALSE(o.amd);
  EXPECT_EQ(o.amd_settings.decision_ms, 3000);
}

TEST(OutboundConfig, BadValuesAreAllReported) {
  auto bad = parse_config(
      "outbound:\n  proxy: pbx.example.com\n  caller_id: abc\n  max_concurrent: 0\n"
      "  poll_ms: 5\n  amd: maybe\n  colour: red\n",
      "k.yaml", "");
  ASSERT_FALSE(bad);
  const std::string& m = bad.error().message;
  for (const char* what : {"outbound.proxy", "outbound.caller_id", "outbound.max_concurrent",
                           "outbound.poll_ms", "outbound.amd", "outbound.colour"})
    EXPECT_NE(m.find(what), std::string::npos) << what << " in " << m;
}

TEST(OutboundConfig, RoutingFallsBackToTheTransferSection) {
  auto c = parse_config("transfer:\n  proxy: 10.0.0.9\n", "k.yaml", "");
  ASSERT_TRUE(c);
  EXPECT_EQ(outbound_routing(c->outbound, c->transfer).proxy_host, "10.0.0.9");
  auto own =
      parse_config("transfer:\n  proxy: 10.0.0.9\noutbound:\n  proxy: 10.0.0.5\n", "k.yaml", "");
  ASSERT_TRUE(own);
  EXPECT_EQ(outbound_routing(own->outbound, own->transfer).proxy_host, "10.0.0.5");
}

TEST(OutboundLeg, UnansweredStatusesBecomeAttemptOutcomes) {
  using outbound::AttemptOutcome;
  EXPECT_EQ(unanswered_outcome(sip::EndReason::kFailed, 486, false), AttemptOutcome::kBusy);
  EXPECT_EQ(unanswered_outcome(sip::EndReason::kFailed, 600, false), AttemptOutcome::kBusy);
  EXPECT_EQ(unanswered_outcome(sip::EndReason::kFailed, 480, false), AttemptOutcome::kNoAnswer);
  EXPECT_EQ(unanswered_outcome(sip::EndReason::kCancelled, 487, true), AttemptOutcome::kNoAnswer);
  EXPECT_EQ(unanswered_outcome(sip::EndReason::kTimeout, 0, false), AttemptOutcome::kNoAnswer);
  EXPECT_EQ(unanswered_outcome(sip::EndReason::kFailed, 404, false), AttemptOutcome::kError);
  EXPECT_EQ(unanswered_outcome(sip::EndReason::kFailed, 503, false), AttemptOutcome::kError);
}

}  // namespace
}  // namespace keyline::server
