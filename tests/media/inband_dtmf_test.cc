// The in-band detector (spandsp behind media::InbandDtmfDetector) on tones
// from our own generator: levels, twist, durations, codecs, and talk-off.
#include "media/inband_dtmf.h"

#include <gtest/gtest.h>

#include <string>

#include "dtmf_signals.h"
#include "media/audio_codec.h"
#include "media/frames.h"

namespace keyline::media {
namespace {

using testing::speech_like;
using testing::tones;

// Feeds the audio 20 ms at a time, as received RTP frames are.
std::string detect(const std::vector<std::int16_t>& pcm) {
  auto detector = InbandDtmfDetector::create();
  EXPECT_TRUE(detector);
  std::string keys;
  for (std::size_t pos = 0; pos < pcm.size(); pos += kFrameSamples) {
    std::span<const std::int16_t> frame(pcm.data() + pos,
                                        std::min(kFrameSamples, pcm.size() - pos));
    char found[4];
    std::size_t n = (*detector)->feed(frame, found);
    keys.append(found, n);
  }
  return keys;
}

// Through a codec and back, 20 ms frames, as a call would carry it.
std::vector<std::int16_t> through(Codec codec, const std::vector<std::int16_t>& pcm) {
  auto enc = AudioEncoder::create(codec);
  auto dec = AudioDecoder::create(codec);
  EXPECT_TRUE(enc && dec);
  std::vector<std::int16_t> out(pcm.size());
  std::uint8_t bytes[kFrameSamples];
  for (std::size_t pos = 0; pos < pcm.size(); pos += kFrameSamples) {
    std::size_t n = std::min(kFrameSamples, pcm.size() - pos);
    std::size_t b = enc->encode(std::span(pcm.data() + pos, n), bytes);
    dec->decode(std::span<const std::uint8_t>(bytes, b), std::span(out.data() + pos, n));
  }
  return out;
}

const std::string kAllKeys = "0123456789*#ABCD";

class InbandLevels : public ::testing::TestWithParam<double> {};

TEST_P(InbandLevels, EveryKeyOnceAtThisLevel) {
  DtmfToneSpec spec;
  spec.low_dbm0 = GetParam();
  spec.twist_db = 0;
  EXPECT_EQ(detect(tones(kAllKeys, spec)), kAllKeys) << "at " << GetParam() << " dBm0";
}

INSTANTIATE_TEST_SUITE_P(Dbm0, InbandLevels, ::testing::Values(-5.0, -10.0, -20.0, -30.0));

TEST(InbandDtmf, TwistWithinQ24IsAcceptedAndGrossTwistIsNot) {
  DtmfToneSpec spec;
  spec.low_dbm0 = -12;
  // spandsp's defaults: the low group may be up to 8 dB louder than the high
  // group, the high group up to 4 dB louder (we test inside both limits).
  for (double twist : {-6.0, -3.0, 0.0, 2.0}) {
    spec.twist_db = twist;
    EXPECT_EQ(detect(tones("159#", spec)), "159#") << "twist " << twist << " dB";
  }
  for (double twist : {-14.0, 10.0}) {
    spec.twist_db = twist;
    EXPECT_EQ(detect(tones("159#", spec)), "") << "twist " << twist << " dB";
  }
}

TEST(InbandDtmf, LongPressIsOneKeyAndBlipsAreNone) {
  DtmfToneSpec longer;
  longer.on_ms = 1500;
  EXPECT_EQ(detect(tones("5", longer)), "5");
  DtmfToneSpec blip;
  blip.on_ms = 15;  // far below Q.24's 40 ms
  EXPECT_EQ(detect(tones("5", blip)), "");
}

TEST(InbandDtmf, RepeatedKeyWithShortPausesIsEachPress) {
  DtmfToneSpec fast;
  fast.on_ms = 60;
  fast.off_ms = 60;
  EXPECT_EQ(detect(tones("1111", fast)), "1111");
}

TEST(InbandDtmf, SurvivesG711AndG722) {
  DtmfToneSpec spec;
  spec.low_dbm0 = -20;
  auto pcm = tones("12345#", spec);
  for (Codec codec : {Codec::kPcmu, Codec::kPcma, Codec::kG722})
    EXPECT_EQ(detect(through(codec, pcm)), "12345#") << codec_name(codec);
}

TEST(InbandDtmf, NoFalseKeysInSpeechLikeAudio) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    auto speech = speech_like(10.0, seed);  // a minute in all
    EXPECT_EQ(detect(speech), "") << "seed " << seed;
    EXPECT_EQ(detect(through(Codec::kPcmu, speech)), "") << "seed " << seed << " via PCMU";
  }
}

TEST(InbandDtmf, KeysAreFoundInsideSpeech) {
  // A caller keys while still talking over the prompt's end.
  auto speech = speech_like(1.0, 3);
  DtmfToneSpec spec;
  spec.low_dbm0 = -10;
  auto keys = tones("42", spec);
  std::vector<std::int16_t> mixed = speech;
  mixed.insert(mixed.end(), keys.begin(), keys.end());
  mixed.insert(mixed.end(), speech.begin(), speech.end());
  EXPECT_EQ(detect(mixed), "42");
}

TEST(InbandDtmf, LostPacketsAreFilledIn) {
  auto detector = InbandDtmfDetector::create();
  ASSERT_TRUE(detector);
  DtmfToneSpec spec;
  spec.on_ms = 200;
  auto pcm = tones("8", spec);
  std::string keys;
  for (std::size_t pos = 0, frame = 0; pos + kFrameSamples <= pcm.size();
       pos += kFrameSamples, ++frame) {
    char found[4];
    if (frame == 10) {  // one 20 ms packet lost in the middle of the tone
      (*detector)->fill_in(kFrameSamples);
      continue;
    }
    std::size_t n = (*detector)->feed(std::span(pcm.data() + pos, kFrameSamples), found);
    keys.append(found, n);
  }
  EXPECT_EQ(keys, "8");
}

}  // namespace
}  // namespace keyline::media
