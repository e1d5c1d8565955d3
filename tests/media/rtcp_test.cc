// RTCP packets against hand-built bytes (RFC 3550 §6.4-6.6 layouts), the
// A.2 validity rules, the round-trip arithmetic, and random bytes.
#include "media/rtcp.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace keyline::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

// SR from 0x11223344 with one block about 0xAABBCCDD, then SDES CNAME "ab".
const Bytes kSrSdes = {
    0x81, 200,  0x00, 0x0c,                          // V=2 RC=1 SR, 12 words follow
    0x11, 0x22, 0x33, 0x44,                          // sender SSRC
    0xE0, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,  // NTP 0xE0000001.80000000
    0x00, 0x00, 0x03, 0xE8,                          // RTP timestamp 1000
    0x00, 0x00, 0x00, 0x32,                          // 50 packets
    0x00, 0x00, 0x1F, 0x40,                          // 8000 octets
    0xAA, 0xBB, 0xCC, 0xDD,                          // block: source
    0x40, 0xFF, 0xFF, 0xFE,                          // 64/256 lost, cumulative -2
    0x00, 0x01, 0x00, 0x05,                          // highest seq: 1 cycle, 5
    0x00, 0x00, 0x00, 0x10,                          // jitter 16
    0x00, 0x01, 0x80, 0x00,                          // LSR
    0x00, 0x00, 0x80, 0x00,                          // DLSR 0.5 s
    0x81, 202,  0x00, 0x03,                          // SDES, 1 chunk, 3 words follow
    0x11, 0x22, 0x33, 0x44, 0x01, 0x02, 'a',  'b',   // CNAME "ab"
    0x00, 0x00, 0x00, 0x00,                          // END + nulls to the word
};

TEST(Rtcp, ParsesSenderReportAndCname) {
  auto parsed = parse_rtcp(kSrSdes);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->reports.size(), 1u);
  const RtcpReport& r = parsed->reports[0];
  EXPECT_EQ(r.ssrc, 0x11223344u);
  ASSERT_TRUE(r.sender);
  EXPECT_EQ(r.sender->ntp_time, 0xE000000180000000ull);
  EXPECT_EQ(r.sender->rtp_timestamp, 1000u);
  EXPECT_EQ(r.sender->packet_count, 50u);
  EXPECT_EQ(r.sender->octet_count, 8000u);
  ASSERT_EQ(r.blocks.size(), 1u);
  const ReportBlock& b = r.blocks[0];
  EXPECT_EQ(b.ssrc, 0xAABBCCDDu);
  EXPECT_EQ(b.fraction_lost, 0x40);
  EXPECT_EQ(b.cumulative_lost, -2);
  EXPECT_EQ(b.highest_sequence, 0x10005u);
  EXPECT_EQ(b.jitter, 16u);
  EXPECT_EQ(b.last_sr, 0x18000u);
  EXPECT_EQ(b.delay_since_last_sr, 0x8000u);
  ASSERT_EQ(parsed->cnames.size(), 1u);
  EXPECT_EQ(parsed->cnames[0], (RtcpCname{0x11223344u, "ab"}));
}

TEST(Rtcp, BuiltCompoundParsesBack) {
  RtcpReport rr;
  rr.ssrc = 7;
  for (std::uint32_t i = 0; i < 3; ++i)
    rr.blocks.push_back({100 + i, static_cast<std::uint8_t>(i), -static_cast<std::int32_t>(i) * 5,
                         70000 + i, 12 + i, 0x12345678, 65536});
  RtcpReport sr = rr;
  sr.sender = SenderInfo{0x0102030405060708ull, 99, 3, 480};
  Bytes out;
  append_report(out, sr);
  append_report(out, rr);
  append_sdes_cname(out, 7, "keyline@example");
  std::uint32_t byes[] = {7, 8};
  append_bye(out, byes, "done");
  EXPECT_EQ(out.size() % 4, 0u);
  auto parsed = parse_rtcp(out);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->reports.size(), 2u);
  EXPECT_EQ(parsed->reports[0], sr);
  EXPECT_EQ(parsed->reports[1], rr);
  EXPECT_EQ(parsed->cnames.at(0).cname, "keyline@example");
  ASSERT_EQ(parsed->byes.size(), 1u);
  EXPECT_EQ(parsed->byes[0], (RtcpBye{{7, 8}, "done"}));
}

TEST(Rtcp, CnameOfEveryLengthModFourRoundTrips) {
  for (std::size_t n = 0; n < 9; ++n) {
    Bytes out;
    append_report(out, RtcpReport{1, std::nullopt, {}});
    append_sdes_cname(out, 1, std::string(n, 'x'));
    auto parsed = parse_rtcp(out);
    ASSERT_TRUE(parsed) << n;
    ASSERT_EQ(parsed->cnames.size(), 1u);
    EXPECT_EQ(parsed->cnames[0].cname.size(), n);
  }
}

TEST(Rtcp, CumulativeLossClampsTo24Bits) {
  RtcpReport rr{1, std::nullopt, {ReportBlock{2, 0, 1 << 30, 0, 0, 0, 0}}};
  Bytes out;
  append_report(out, rr);
  EXPECT_EQ(parse_rtcp(out)->reports[0].blocks[0].cumulative_lost, 0x7fffff);
}

TEST(Rtcp, RejectsWhatA2Rejects) {
  Bytes good;
  append_report(good, RtcpReport{1, std::nullopt, {}});
  append_sdes_cname(good, 1, "c");
  ASSERT_TRUE(parse_rtcp(good));

  Bytes sdes_first;
  append_sdes_cname(sdes_first, 1, "c");
  EXPECT_FALSE(parse_rtcp(sdes_first));  // must start with SR or RR

  Bytes version = good;
  version[8] = 0x41;  // the SDES after the 8-byte RR claims version 1
  EXPECT_FALSE(parse_rtcp(version));

  Bytes padded_first = good;
  padded_first[0] |= 0x20;  // padding on a packet that is not the last
  EXPECT_FALSE(parse_rtcp(padded_first));

  Bytes too_long = good;
  too_long[3] = 9;  // the first packet claims more words than there are
  EXPECT_FALSE(parse_rtcp(too_long));

  Bytes too_many_blocks = good;
  too_many_blocks[0] = 0x81;  // RC=1 but the RR has no block
  EXPECT_FALSE(parse_rtcp(too_many_blocks));

  EXPECT_FALSE(parse_rtcp(Bytes{0x80, 201, 0}));
  Bytes trailing = good;
  trailing.push_back(0);  // a stray byte after the last packet
  EXPECT_FALSE(parse_rtcp(trailing));
}

TEST(Rtcp, SkipsUnknownPacketTypes) {
  Bytes out;
  append_report(out, RtcpReport{1, std::nullopt, {}});
  Bytes app = {0x80, 204, 0x00, 0x02, 0, 0, 0, 1, 'n', 'a', 'm', 'e'};
  out.insert(out.end(), app.begin(), app.end());
  auto parsed = parse_rtcp(out);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->skipped, 1u);
}

TEST(Rtcp, RoundTripFromLsrAndDlsr) {
  // SR sent at 10.0 s, peer held it 0.25 s, its report arrived at 10.75 s.
  ReportBlock b;
  b.last_sr = 10u << 16;
  b.delay_since_last_sr = 1u << 14;
  auto rtt = rtcp_round_trip_seconds((10u << 16) + (3u << 14), b);
  ASSERT_TRUE(rtt);
  EXPECT_DOUBLE_EQ(*rtt, 0.5);
  // Across the wrap of the 32-bit middle field.
  b.last_sr = 0xFFFF0000u;
  b.delay_since_last_sr = 0x8000;
  EXPECT_DOUBLE_EQ(*rtcp_round_trip_seconds(0x00010000u, b), 1.5);
  // Coarse clocks can make it "negative": zero, not four billion.
  EXPECT_DOUBLE_EQ(*rtcp_round_trip_seconds(0xFFFF0000u, b), 0.0);
  b.last_sr = 0;  // no SR from us reached the peer yet
  EXPECT_FALSE(rtcp_round_trip_seconds(12345, b));
}

TEST(Rtcp, RandomBytesNeverCrashTheParser) {
  std::mt19937 rng(4);
  Bytes seed;
  RtcpReport sr{9, SenderInfo{1, 2, 3, 4}, {ReportBlock{5, 6, 7, 8, 9, 10, 11}}};
  append_report(seed, sr);
  append_sdes_cname(seed, 9, "cname");
  std::uint32_t self = 9;
  append_bye(seed, std::span<const std::uint32_t>(&self, 1), "bye");
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes b;
    if (i % 2) {
      b.resize(rng() % 80);
      for (auto& byte : b) byte = static_cast<std::uint8_t>(rng());
      if (b.size() > 1 && i % 4 == 1) {  // make the first header plausible
        b[0] = static_cast<std::uint8_t>(0x80 | (b[0] & 0x3f));
        b[1] = 200 + (b[1] & 1);
      }
    } else {
      // A valid packet with a few bytes flipped or the end cut off.
      b = seed;
      for (int f = 0; f < 3; ++f)
        b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      b.resize(b.size() - rng() % 8);
    }
    auto parsed = parse_rtcp(b);
    if (parsed) {
      ++accepted;
      for (const auto& r : parsed->reports) EXPECT_LE(r.blocks.size(), kMaxReportBlocks);
    }
  }
  // Some mutants stay valid (a flipped bit inside a field), most do not.
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(accepted, 20000u);
}

}  // namespace
}  // namespace keyline::media
