// One stream of digits: DTMF modes, and a press sent two ways counted once.
#include "media/digit_input.h"

#include <gtest/gtest.h>

#include <string>

#include "dtmf_signals.h"
#include "media/frames.h"

namespace keyline::media {
namespace {

SteadyTime at(int ms) { return SteadyTime{} + Millis(ms); }

// Telephone-event packets of one press: start (marker) and three ends.
std::vector<std::pair<RtpHeader, std::array<std::uint8_t, 4>>> press(char digit, std::uint32_t ts) {
  std::vector<std::pair<RtpHeader, std::array<std::uint8_t, 4>>> out;
  std::uint16_t seq = static_cast<std::uint16_t>(ts / 10);
  for (const auto& p : build_dtmf_packets(digit))
    out.emplace_back(RtpHeader{101, p.marker, seq++, ts, 0x1234}, p.payload);
  return out;
}

// Feeds tones 20 ms per call starting at `start_ms`; returns what came out.
std::string feed_tones(DigitInput& in, std::string_view keys, int start_ms) {
  auto pcm = testing::tones(keys, DtmfToneSpec{});
  std::string out;
  for (std::size_t pos = 0; pos + kFrameSamples <= pcm.size(); pos += kFrameSamples) {
    char found[4];
    int now = start_ms + static_cast<int>(pos / 8);
    std::size_t n = in.on_audio(std::span(pcm.data() + pos, kFrameSamples), at(now), found);
    out.append(found, n);
  }
  return out;
}

TEST(DtmfMode, NamesRoundTrip) {
  for (DtmfMode m : {DtmfMode::kAuto, DtmfMode::kRfc4733, DtmfMode::kInband, DtmfMode::kInfo})
    EXPECT_EQ(parse_dtmf_mode(dtmf_mode_name(m)), m);
  EXPECT_EQ(dtmf_mode_name(DtmfMode::kInfo), "info");
  EXPECT_FALSE(parse_dtmf_mode("sip-info"));
  EXPECT_FALSE(parse_dtmf_mode("AUTO"));
  EXPECT_EQ(digit_source_name(DigitSource::kSipInfo), "info");
}

TEST(DigitDeduplicator, SameKeyAnotherWayWithinTheWindowIsOnePress) {
  DigitDeduplicator d;
  EXPECT_TRUE(d.accept('5', DigitSource::kRfc4733, at(0)));
  EXPECT_FALSE(d.accept('5', DigitSource::kInband, at(40)));
  EXPECT_FALSE(d.accept('5', DigitSource::kSipInfo, at(100)));
  // Later, or a different key, or the same method again: new presses.
  EXPECT_TRUE(d.accept('5', DigitSource::kInband, at(250)));
  EXPECT_TRUE(d.accept('6', DigitSource::kRfc4733, at(260)));
  EXPECT_TRUE(d.accept('6', DigitSource::kRfc4733, at(300)));
}

TEST(DigitDeduplicator, LateReportAfterTheNextPressIsStillADuplicate) {
  DigitDeduplicator d;
  EXPECT_TRUE(d.accept('1', DigitSource::kRfc4733, at(0)));
  EXPECT_TRUE(d.accept('2', DigitSource::kRfc4733, at(50)));
  EXPECT_FALSE(d.accept('1', DigitSource::kInband, at(60)));
  EXPECT_FALSE(d.accept('2', DigitSource::kInband, at(110)));
}

TEST(DigitInput, AutoWithTelephoneEventCountsAPressSentBothWaysOnce) {
  auto in = DigitInput::create(DtmfMode::kAuto, true);
  ASSERT_TRUE(in);
  EXPECT_TRUE(in->listens_rfc4733());
  EXPECT_TRUE(in->listens_inband());
  // A gateway that passes the tone and, 40 ms later, converts it as well.
  EXPECT_EQ(feed_tones(*in, "7", 0), "7");
  std::string digits;
  for (auto& [h, payload] : press('7', 1000))
    if (auto d = in->on_telephone_event(h, payload, at(140))) digits += *d;
  EXPECT_EQ(digits, "");
  EXPECT_EQ(in->duplicates(), 1u);
  // RFC 4733 has been seen: tones are no longer listened to.
  EXPECT_FALSE(in->listens_inband());
  EXPECT_EQ(feed_tones(*in, "8", 2000), "");
  for (auto& [h, payload] : press('8', 9000))
    if (auto d = in->on_telephone_event(h, payload, at(2100))) digits += *d;
  EXPECT_EQ(digits, "8");
}

TEST(DigitInput, AutoWithoutTelephoneEventIsInband) {
  auto in = DigitInput::create(DtmfMode::kAuto, false);
  ASSERT_TRUE(in);
  EXPECT_FALSE(in->listens_rfc4733());
  EXPECT_EQ(feed_tones(*in, "12345#", 0), "12345#");
  auto [h, payload] = press('9', 100).front();
  EXPECT_FALSE(in->on_telephone_event(h, payload, at(5000)));
}

TEST(DigitInput, FixedModesHearOnlyTheirMethod) {
  auto rfc = DigitInput::create(DtmfMode::kRfc4733, true);
  ASSERT_TRUE(rfc);
  EXPECT_FALSE(rfc->listens_inband());
  EXPECT_EQ(feed_tones(*rfc, "3", 0), "");
  auto [h, payload] = press('3', 100).front();
  EXPECT_EQ(rfc->on_telephone_event(h, payload, at(500)), '3');

  auto inband = DigitInput::create(DtmfMode::kInband, true);
  ASSERT_TRUE(inband);
  EXPECT_FALSE(inband->listens_rfc4733());
  EXPECT_FALSE(inband->on_telephone_event(h, payload, at(0)));
  EXPECT_EQ(feed_tones(*inband, "3", 100), "3");
  EXPECT_TRUE(inband->listens_inband());  // inband mode never stops listening
}

TEST(DigitInput, InjectedDigitsJoinTheStreamAndAreDeduplicated) {
  auto in = DigitInput::create(DtmfMode::kAuto, true);
  ASSERT_TRUE(in);
  auto [h, payload] = press('4', 100).front();
  EXPECT_EQ(in->on_telephone_event(h, payload, at(0)), '4');
  EXPECT_FALSE(in->inject('4', DigitSource::kSipInfo, at(30)));  // INFO for the same press
  EXPECT_EQ(in->inject('d', DigitSource::kSipInfo, at(40)), 'D');
  EXPECT_FALSE(in->inject('x', DigitSource::kSipInfo, at(50)));     // not a key
  EXPECT_EQ(in->inject('4', DigitSource::kSipInfo, at(400)), '4');  // a later press
}

TEST(DigitDeduplicator, AnInfoPressCoversItsWholeDuration) {
  DigitDeduplicator d;
  // SIP INFO said the key was held 400 ms: RFC 4733 for it 250 ms later is the same press.
  EXPECT_TRUE(d.accept('7', DigitSource::kSipInfo, at(0), Millis(400)));
  EXPECT_FALSE(d.accept('7', DigitSource::kRfc4733, at(250)));
  EXPECT_TRUE(d.accept('7', DigitSource::kRfc4733, at(700)));  // after it: a new press
  // And the other way round: the INFO's own duration reaches back to the RTP report.
  EXPECT_TRUE(d.accept('8', DigitSource::kRfc4733, at(1000)));
  EXPECT_FALSE(d.accept('8', DigitSource::kSipInfo, at(1300), Millis(500)));
  EXPECT_TRUE(d.accept('8', DigitSource::kSipInfo, at(1700), Millis(100)));
}

TEST(DigitInput, InfoModeHearsOnlyInfoAndFixedMediaModesIgnoreIt) {
  auto info = DigitInput::create(DtmfMode::kInfo, true);
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->listens_rfc4733());
  EXPECT_FALSE(info->listens_inband());
  auto [h, payload] = press('4', 100).front();
  EXPECT_FALSE(info->on_telephone_event(h, payload, at(0)));
  EXPECT_EQ(info->inject('4', DigitSource::kSipInfo, at(10)), '4');
  auto rfc = DigitInput::create(DtmfMode::kRfc4733, true);
  ASSERT_TRUE(rfc);
  EXPECT_FALSE(rfc->inject('4', DigitSource::kSipInfo, at(10)));
  auto inband = DigitInput::create(DtmfMode::kInband, false);
  ASSERT_TRUE(inband);
  EXPECT_FALSE(inband->inject('4', DigitSource::kSipInfo, at(10)));
}

}  // namespace
}  // namespace keyline::media
