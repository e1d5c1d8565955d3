#include "media/rfc4733.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyline::media {
namespace {

constexpr std::uint8_t kEventPt = 101;

std::array<std::uint8_t, 4> event_payload(int event, bool end, std::uint16_t duration) {
  return write_telephone_event(TelephoneEvent{event, end, 10, duration});
}

RtpHeader rtp(std::uint32_t timestamp, std::uint32_t ssrc = 0x1111, bool marker = false) {
  return RtpHeader{kEventPt, marker, 0, timestamp, ssrc};
}

// One press as a typical sender emits it: `updates` packets with growing
// duration, then three end packets.
std::string feed_press(DtmfReceiver& rx, int event, std::uint32_t ts, int updates,
                       std::uint32_t ssrc = 0x1111) {
  std::string digits;
  for (int i = 1; i <= updates; ++i) {
    auto d = rx.on_packet(rtp(ts, ssrc, i == 1),
                          event_payload(event, false, static_cast<std::uint16_t>(160 * i)));
    if (d) digits += *d;
  }
  for (int i = 0; i < 3; ++i) {
    auto d = rx.on_packet(rtp(ts, ssrc),
                          event_payload(event, true, static_cast<std::uint16_t>(160 * updates)));
    if (d) digits += *d;
  }
  return digits;
}

TEST(Rfc4733, DigitMapping) {
  const std::string keys = "0123456789*#ABCD";
  for (int e = 0; e < 16; ++e) {
    EXPECT_EQ(event_to_digit(e), keys[static_cast<std::size_t>(e)]);
    EXPECT_EQ(digit_to_event(keys[static_cast<std::size_t>(e)]), e);
  }
  EXPECT_EQ(event_to_digit(16), 0);
  EXPECT_EQ(event_to_digit(-1), 0);
  EXPECT_EQ(event_to_digit(255), 0);
  EXPECT_EQ(digit_to_event('a'), 12);
  EXPECT_EQ(digit_to_event('E'), -1);
  EXPECT_EQ(digit_to_event(' '), -1);
  EXPECT_EQ(digit_to_event('\0'), -1);
}

TEST(Rfc4733, ParseTelephoneEvent) {
  const std::vector<std::uint8_t> p = {11, 0x80 | 0x40 | 0x0A, 0x03, 0x20};
  auto e = parse_telephone_event(p);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->event, 11);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 10);  // reserved bit ignored
  EXPECT_EQ(e->duration, 800);

  const std::vector<std::uint8_t> short_payload = {1, 2, 3};
  EXPECT_FALSE(parse_telephone_event(short_payload).ok());

  auto round = parse_telephone_event(write_telephone_event({5, false, 63, 0xFFFF}));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->event, 5);
  EXPECT_FALSE(round->end);
  EXPECT_EQ(round->volume, 63);
  EXPECT_EQ(round->duration, 0xFFFF);
}

TEST(DtmfReceiver, OnePressReportsOnceOnFirstPacket) {
  DtmfReceiver rx;
  auto first = rx.on_packet(rtp(1000, 1, true), event_payload(5, false, 160));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, '5');

  DtmfReceiver rx2;
  EXPECT_EQ(feed_press(rx2, 5, 1000, 5), "5");
}

TEST(DtmfReceiver, TwoPressesOfSameKey) {
  DtmfReceiver rx;
  EXPECT_EQ(feed_press(rx, 1, 1000, 5), "1");
  EXPECT_EQ(feed_press(rx, 1, 3000, 5), "1");
}

TEST(DtmfReceiver, DifferentKeysInSequence) {
  DtmfReceiver rx;
  std::string got;
  std::uint32_t ts = 50;
  for (char c : std::string("12#*0")) {
    got += feed_press(rx, digit_to_event(c), ts, 4);
    ts += 2000;
  }
  EXPECT_EQ(got, "12#*0");
}

TEST(DtmfReceiver, EndOnlyPacketsReportOnce) {
  DtmfReceiver rx;
  EXPECT_EQ(feed_press(rx, 9, 4000, 0), "9");
}

TEST(DtmfReceiver, SsrcChangeMidEventDoesNotDoubleCount) {
  DtmfReceiver rx;
  std::string got;
  for (int i = 1; i <= 3; ++i)
    if (auto d = rx.on_packet(rtp(8000, 0xAAAA), event_payload(3, false, 160 * i))) got += *d;
  for (int i = 4; i <= 5; ++i)
    if (auto d = rx.on_packet(rtp(8000, 0xBBBB), event_payload(3, false, 160 * i))) got += *d;
  for (int i = 0; i < 3; ++i)
    if (auto d = rx.on_packet(rtp(8000, 0xBBBB), event_payload(3, true, 800))) got += *d;
  EXPECT_EQ(got, "3");
  // The new stream carries on with fresh presses.
  EXPECT_EQ(feed_press(rx, 3, 9600, 5, 0xBBBB), "3");
}

TEST(DtmfReceiver, LateRetransmissionOfEarlierPressIgnored) {
  DtmfReceiver rx;
  EXPECT_EQ(feed_press(rx, 4, 1000, 5), "4");
  EXPECT_EQ(feed_press(rx, 6, 3000, 5), "6");
  EXPECT_FALSE(rx.on_packet(rtp(1000), event_payload(4, true, 800)).has_value());
}

TEST(DtmfReceiver, IgnoresMalformedAndNonKeyEvents) {
  DtmfReceiver rx;
  const std::vector<std::uint8_t> short_payload = {1, 0};
  EXPECT_FALSE(rx.on_packet(rtp(1), short_payload).has_value());
  EXPECT_FALSE(rx.on_packet(rtp(2), event_payload(16, false, 160)).has_value());  // flash
  EXPECT_FALSE(rx.on_packet(rtp(3), event_payload(200, false, 160)).has_value());
}

TEST(DtmfReceiver, LongEventSegmentsCountOnce) {
  // RFC 4733 §2.5.1.3: past 0xFFFF units the sender starts a new segment
  // whose timestamp is the old one plus the old duration.
  DtmfReceiver rx;
  const std::uint32_t ts = 0xFFFFF000;  // the segment boundary wraps the timestamp
  EXPECT_TRUE(rx.on_packet(rtp(ts), event_payload(0, false, 160)).has_value());
  EXPECT_FALSE(rx.on_packet(rtp(ts), event_payload(0, false, 0xFFFF)).has_value());
  EXPECT_FALSE(rx.on_packet(rtp(ts + 0xFFFF), event_payload(0, false, 160)).has_value());
  EXPECT_FALSE(rx.on_packet(rtp(ts + 0xFFFF), event_payload(0, true, 800)).has_value());
  // After the end, the same key again is a new press.
  EXPECT_TRUE(rx.on_packet(rtp(ts + 0xFFFF + 0x4000), event_payload(0, false, 160)).has_value());
}

TEST(DtmfReceiver, ManyPressesBeyondMemoryStillCount) {
  DtmfReceiver rx;
  std::string got;
  for (int i = 0; i < 40; ++i)
    got += feed_press(rx, i % 10, static_cast<std::uint32_t>(i) * 1600, 3);
  EXPECT_EQ(got.size(), 40u);
}

TEST(BuildDtmfPackets, ShapeFollowsRfc4733) {
  const auto packets = build_dtmf_packets('7', 100, 10);
  ASSERT_EQ(packets.size(), 4u + 3u);  // durations 160..640, then 3 x end at 800
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].marker, i == 0);
    EXPECT_EQ(packets[i].timestamp_offset_unused, 0u);
    auto e = parse_telephone_event(packets[i].payload);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->event, 7);
    EXPECT_EQ(e->volume, 10);
    const bool is_end = i >= packets.size() - 3;
    EXPECT_EQ(e->end, is_end);
    EXPECT_EQ(e->duration, is_end ? 800 : 160 * (i + 1));
  }
}

TEST(BuildDtmfPackets, FedToReceiverYieldsDigitOnce) {
  for (char c : std::string("0123456789*#ABCD")) {
    DtmfReceiver rx;
    std::string got;
    for (const auto& p : build_dtmf_packets(c)) {
      if (auto d = rx.on_packet(rtp(12345, 7, p.marker), p.payload)) got += *d;
    }
    EXPECT_EQ(got, std::string(1, c));
  }
}

TEST(BuildDtmfPackets, ClampsAndRejects) {
  EXPECT_TRUE(build_dtmf_packets('x').empty());
  const auto shortest = build_dtmf_packets('1', 0, 99);
  ASSERT_EQ(shortest.size(), 1u + 3u);  // clamped to 40 ms
  EXPECT_EQ(parse_telephone_event(shortest.back().payload)->duration, 320);
  EXPECT_EQ(parse_telephone_event(shortest.front().payload)->volume, 63);
  const auto odd = build_dtmf_packets('1', 90);  // rounds up to 100 ms
  EXPECT_EQ(parse_telephone_event(odd.back().payload)->duration, 800);
  const auto longest = build_dtmf_packets('1', 100000);
  EXPECT_EQ(parse_telephone_event(longest.back().payload)->duration, 64000);
}

}  // namespace
}  // namespace keyline::media
