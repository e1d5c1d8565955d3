// RFC 3550 A.1/A.3/A.8 receive statistics from hand-made sequence and
// timestamp streams, and the RtcpSession built on them.
#include "media/rtcp_stats.h"

#include <gtest/gtest.h>

#include "media/rtcp_session.h"

namespace keyline::media {
namespace {

// Feeds packets with the given sequence numbers (first one included).
SourceStats feed(std::initializer_list<std::uint16_t> sequences) {
  SourceStats s(1, *sequences.begin());
  for (auto seq : sequences) s.on_packet(seq);
  return s;
}

TEST(SourceStats, NewSourceIsOnProbationUntilTwoInOrder) {
  SourceStats s(1, 100);
  EXPECT_FALSE(s.on_packet(100));
  EXPECT_FALSE(s.valid());
  EXPECT_TRUE(s.on_packet(101));
  EXPECT_TRUE(s.valid());
  EXPECT_EQ(s.extended_max(), 101u);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(SourceStats, CountsLossAndFractionPerInterval) {
  SourceStats s = feed({10, 11, 12, 14, 15, 18});  // 13, 16, 17 missing
  EXPECT_EQ(s.expected(), 8);                      // 11..18
  EXPECT_EQ(s.received(), 5u);
  EXPECT_EQ(s.cumulative_lost(), 3);
  ReportBlock first = s.make_block();
  EXPECT_EQ(first.cumulative_lost, 3);
  EXPECT_EQ(first.fraction_lost, (3 * 256) / 8);
  EXPECT_EQ(first.highest_sequence, 18u);
  for (std::uint16_t seq = 19; seq < 29; ++seq) s.on_packet(seq);  // nothing lost since
  ReportBlock second = s.make_block();
  EXPECT_EQ(second.fraction_lost, 0);
  EXPECT_EQ(second.cumulative_lost, 3);
}

TEST(SourceStats, ExtendsSequenceAcrossTheWrap) {
  SourceStats s(1, 65534);
  for (std::uint32_t i = 0; i < 6; ++i) s.on_packet(static_cast<std::uint16_t>(65534 + i));
  EXPECT_EQ(s.extended_max(), 65536u + 3);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(SourceStats, DuplicatesAndReorderingDoNotCountAsLoss) {
  SourceStats s = feed({1, 2, 4, 3, 3, 5});
  EXPECT_EQ(s.extended_max(), 5u);
  EXPECT_EQ(s.cumulative_lost(), -1);  // the duplicate makes it negative, as A.3 says
  EXPECT_EQ(s.make_block().fraction_lost, 0);
}

TEST(SourceStats, RestartAfterTwoPacketsFromAFarSequence) {
  SourceStats s = feed({1, 2, 3});
  EXPECT_FALSE(s.on_packet(30000));  // one stray: ignored
  EXPECT_EQ(s.extended_max(), 3u);
  EXPECT_TRUE(s.on_packet(30001));  // and the next one in order: a restart
  EXPECT_EQ(s.extended_max(), 30001u);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(SourceStats, JitterIsZeroForPerfectPacingAndGrowsWithVariation) {
  SourceStats steady = feed({1, 2});
  for (std::uint32_t i = 0; i < 50; ++i) steady.on_timing(i * 160, 7 + i * 160);
  EXPECT_EQ(steady.jitter(), 0u);

  // Every other packet 80 units (10 ms) late: |D| is 80 each time, so J
  // converges on 80 from below.
  SourceStats late = feed({1, 2});
  for (std::uint32_t i = 0; i < 200; ++i) late.on_timing(i * 160, i * 160 + (i % 2) * 80);
  EXPECT_GT(late.jitter(), 75u);
  EXPECT_LE(late.jitter(), 80u);
}

TEST(RtcpSession, ReportsWhatItReceivedAndReadsWhatThePeerSaysAboutUs) {
  RtcpSession a(0xA, "a"), b(0xB, "b");
  // A sends 10 packets; B receives all but the 5th.
  for (std::uint16_t i = 0; i < 10; ++i) {
    a.on_sent(160);
    if (i != 4)
      b.on_received(RtpHeader{0, false, static_cast<std::uint16_t>(500 + i), i * 160u, 0xA}, true,
                    i * 160u);
  }
  const std::uint64_t t0 = std::uint64_t{1000} << 32;
  auto sr = parse_rtcp(a.build(t0, 1600));
  ASSERT_TRUE(sr);
  ASSERT_TRUE(sr->reports[0].sender);
  EXPECT_EQ(sr->reports[0].sender->packet_count, 10u);
  EXPECT_EQ(sr->reports[0].sender->octet_count, 1600u);
  b.on_rtcp(*sr, t0 + (std::uint64_t{1} << 31));  // arrives 0.5 s later (a slow link)

  auto rr = parse_rtcp(b.build(t0 + (std::uint64_t{3} << 30), 0));  // B answers at +0.75 s
  ASSERT_TRUE(rr);
  EXPECT_FALSE(rr->reports[0].sender);  // B sent nothing: an RR
  ASSERT_EQ(rr->reports[0].blocks.size(), 1u);
  a.on_rtcp(*rr, t0 + (std::uint64_t{5} << 30));  // reaches A at +1.25 s
  const RtcpStats& s = a.stats();
  EXPECT_TRUE(s.remote_report);
  EXPECT_EQ(s.remote_packets_lost, 1);
  EXPECT_EQ(s.remote_highest_sequence, 509u);
  ASSERT_TRUE(s.rtt_ms);
  EXPECT_NEAR(*s.rtt_ms, 1000.0, 0.1);  // 1.25 s total minus the 0.25 s B held it
  EXPECT_EQ(b.stats().packets_lost, 1);
}

TEST(RtcpSession, ByeIsNoticed) {
  RtcpSession a(1, "a"), b(2, "b");
  auto bye = parse_rtcp(a.build(1, 0, true));
  ASSERT_TRUE(bye);
  ASSERT_EQ(bye->byes.size(), 1u);
  b.on_rtcp(*bye, 2);
  EXPECT_TRUE(b.stats().bye_received);
}

TEST(RtcpSession, NtpFromUnixTime) {
  EXPECT_EQ(ntp_from_unix_us(0), std::uint64_t{2208988800} << 32);
  EXPECT_EQ(ntp_from_unix_us(1500000), ((std::uint64_t{2208988801}) << 32) | 0x80000000u);
}

}  // namespace
}  // namespace keyline::media
