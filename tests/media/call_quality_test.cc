#include "media/call_quality.h"

#include <gtest/gtest.h>

namespace keyline::media {
namespace {

TEST(CallQuality, MosFromRFollowsG107AnnexB) {
  EXPECT_DOUBLE_EQ(mos_from_r(-5), 1.0);
  EXPECT_DOUBLE_EQ(mos_from_r(120), 4.5);
  // The default R of 93.2 is the familiar 4.41 ceiling of narrowband calls.
  EXPECT_NEAR(mos_from_r(93.2), 4.41, 0.005);
  EXPECT_NEAR(mos_from_r(50), 2.575, 1e-9);
  for (double r = 1; r < 100; r += 1) {
    EXPECT_GE(mos_from_r(r), 1.0) << r;
    EXPECT_LE(mos_from_r(r - 1), mos_from_r(r)) << "never falls as R rises: " << r;
  }
  EXPECT_LT(mos_from_r(20), mos_from_r(21));
}

TEST(CallQuality, LossAndDelayLowerR) {
  const double clean = e_model_r(0.0, 20);
  EXPECT_NEAR(clean, 93.2 - 0.48, 1e-9);
  // 1 % random loss on G.711 without concealment: Ie-eff = 95 * 1 / (1 + 4.3) = 17.9.
  EXPECT_NEAR(e_model_r(0.01, 20), clean - 95.0 / 5.3, 1e-9);
  // Beyond 177.3 ms the delay impairment grows faster.
  const double slope_before = e_model_r(0, 150) - e_model_r(0, 160);
  const double slope_after = e_model_r(0, 250) - e_model_r(0, 260);
  EXPECT_GT(slope_after, slope_before * 3);
  EXPECT_LT(e_model_r(0.5, 20), 10.0);
}

TEST(CallQuality, BothDirectionsFromSessionStatistics) {
  MediaStats stats;
  stats.packets_received = 990;
  stats.packets_sent = 1000;
  stats.rtcp.packets_lost = 10;
  stats.rtcp.jitter_ms = 4;
  CallQuality q = call_quality(stats);
  EXPECT_EQ(q.inbound.packets, 990);
  EXPECT_EQ(q.inbound.lost, 10);
  EXPECT_DOUBLE_EQ(q.inbound.jitter_ms, 4);
  EXPECT_NEAR(q.inbound.mos, mos_from_r(e_model_r(0.01, 28)), 1e-9);
  EXPECT_FALSE(q.outbound) << "no receiver report from the peer: nothing to say about what we sent";
  EXPECT_FALSE(q.rtt_ms);

  stats.rtcp.remote_report = true;
  stats.rtcp.remote_packets_lost = 0;
  stats.rtcp.remote_jitter_ms = 1;
  stats.rtcp.rtt_ms = 40;
  q = call_quality(stats);
  ASSERT_TRUE(q.outbound);
  EXPECT_EQ(q.outbound->packets, 1000);
  EXPECT_EQ(q.outbound->lost, 0);
  EXPECT_GT(q.outbound->mos, q.inbound.mos) << "the clean direction scores higher";
  EXPECT_NEAR(q.outbound->mos, mos_from_r(e_model_r(0, 20 + 20 + 2)), 1e-9);
  ASSERT_TRUE(q.rtt_ms);
  EXPECT_DOUBLE_EQ(*q.rtt_ms, 40);
}

TEST(CallQuality, DuplicatesDoNotCountAsNegativeLoss) {
  MediaStats stats;
  stats.packets_received = 1010;
  stats.rtcp.packets_lost = -10;  // A.3: expected minus received, with 10 duplicates
  CallQuality q = call_quality(stats);
  EXPECT_EQ(q.inbound.lost, 0);
  EXPECT_NEAR(q.inbound.mos, mos_from_r(e_model_r(0, 20)), 1e-9);
}

}  // namespace
}  // namespace keyline::media
