// G.722 through spandsp: a tone keeps its frequency and level through an
// encode/decode round trip, wideband (16 kHz) and on the 8 kHz side.
#include "media/g722.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "media/audio_codec.h"
#include "media/level.h"

namespace keyline::media {
namespace {

std::vector<std::int16_t> sine(double hz, int rate, double amplitude, std::size_t n) {
  std::vector<std::int16_t> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::int16_t>(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate));
  return out;
}

// Frequency from rising zero crossings (a clean tone has one per period).
double frequency(std::span<const std::int16_t> pcm, int rate) {
  int first = -1, last = -1, count = 0;
  for (std::size_t i = 1; i < pcm.size(); ++i) {
    if (pcm[i - 1] < 0 && pcm[i] >= 0) {
      if (first < 0) first = static_cast<int>(i);
      last = static_cast<int>(i);
      ++count;
    }
  }
  if (count < 2) return 0;
  return (count - 1) * static_cast<double>(rate) / (last - first);
}

std::vector<std::int16_t> round_trip(G722Rate rate, const std::vector<std::int16_t>& pcm) {
  auto enc = G722Encoder::create(rate);
  auto dec = G722Decoder::create(rate);
  EXPECT_TRUE(enc && dec);
  std::vector<std::uint8_t> bytes(pcm.size());
  std::size_t n = (*enc)->encode(pcm, bytes);
  EXPECT_EQ(n, rate == G722Rate::k16000 ? pcm.size() / 2 : pcm.size());
  std::vector<std::int16_t> out(pcm.size());
  EXPECT_EQ((*dec)->decode(std::span(bytes.data(), n), out), pcm.size());
  return out;
}

TEST(G722, WidebandRoundTripKeepsFrequencyAndLevel) {
  // 5 kHz is above what G.711 can carry at all: it survives only wideband.
  for (double hz : {440.0, 1000.0, 3000.0, 5000.0}) {
    auto pcm = sine(hz, 16000, 8000, 16000);
    auto out = round_trip(G722Rate::k16000, pcm);
    std::span<const std::int16_t> settled(out.data() + 1600, out.size() - 1600);  // skip 100 ms
    EXPECT_NEAR(frequency(settled, 16000), hz, hz * 0.01) << hz;
    EXPECT_NEAR(rms_dbfs(settled), rms_dbfs(pcm), 1.0) << hz;
  }
}

TEST(G722, EightKilohertzSideRoundTrip) {
  for (double hz : {697.0, 1477.0, 3000.0}) {
    auto pcm = sine(hz, 8000, 8000, 8000);
    auto out = round_trip(G722Rate::k8000, pcm);
    std::span<const std::int16_t> settled(out.data() + 800, out.size() - 800);
    EXPECT_NEAR(frequency(settled, 8000), hz, hz * 0.01) << hz;
    EXPECT_NEAR(rms_dbfs(settled), rms_dbfs(pcm), 1.0) << hz;
  }
}

TEST(G722, OutputLimitsAreRespected) {
  auto enc = G722Encoder::create(G722Rate::k16000);
  ASSERT_TRUE(enc);
  std::vector<std::int16_t> pcm(320, 100);
  std::uint8_t small[10];
  EXPECT_EQ((*enc)->encode(pcm, small), 10u);  // 20 samples in, 10 bytes out
  EXPECT_EQ((*enc)->encode({}, small), 0u);
  auto dec = G722Decoder::create(G722Rate::k16000);
  ASSERT_TRUE(dec);
  std::int16_t out[7];
  EXPECT_EQ((*dec)->decode(small, out), 6u);  // three whole bytes fit
}

TEST(AudioCodec, EveryCodecIsOneBytePerSampleAt8kHz) {
  auto pcm = sine(1000, 8000, 8000, 1600);
  for (Codec codec : {Codec::kPcmu, Codec::kPcma, Codec::kG722}) {
    auto enc = AudioEncoder::create(codec);
    auto dec = AudioDecoder::create(codec);
    ASSERT_TRUE(enc && dec);
    std::vector<std::uint8_t> bytes(pcm.size());
    ASSERT_EQ(enc->encode(pcm, bytes), pcm.size()) << codec_name(codec);
    std::vector<std::int16_t> out(pcm.size());
    ASSERT_EQ(dec->decode(bytes, out), pcm.size()) << codec_name(codec);
    std::span<const std::int16_t> settled(out.data() + 800, out.size() - 800);
    EXPECT_NEAR(frequency(settled, 8000), 1000, 10) << codec_name(codec);
    EXPECT_NEAR(rms_dbfs(settled), rms_dbfs(pcm), 1.0) << codec_name(codec);
  }
}

}  // namespace
}  // namespace keyline::media
