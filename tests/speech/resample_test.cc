#include "speech/resample.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "media/level.h"

namespace keyline::speech {
namespace {

std::vector<std::int16_t> tone(double hz, int rate, int count, double amplitude = 10000.0) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    out[static_cast<std::size_t>(i)] =
        static_cast<std::int16_t>(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate));
  return out;
}

// Level of the middle of a signal, away from the filter's edge effects.
double middle_dbfs(const std::vector<std::int16_t>& s) {
  const std::size_t q = s.size() / 4;
  return media::rms_dbfs(std::span(s).subspan(q, s.size() - 2 * q));
}

TEST(Resample, OutputLength) {
  const std::vector<std::int16_t> in(16000);
  EXPECT_EQ(resample(in, 16000, 8000).size(), 8000u);
  EXPECT_EQ(resample(in, 16000, 44100).size(), 44100u);
  EXPECT_EQ(resample(std::vector<std::int16_t>(11025), 11025, 8000).size(), 8000u);
  EXPECT_EQ(resample(std::vector<std::int16_t>(3), 16000, 8000).size(), 2u);  // rounds
  EXPECT_TRUE(resample({}, 16000, 8000).empty());
}

TEST(Resample, EqualRatesCopyAndBadRatesAreEmpty) {
  const std::vector<std::int16_t> in = {1, -2, 3};
  EXPECT_EQ(resample(in, 8000, 8000), in);
  EXPECT_TRUE(resample(in, 0, 8000).empty());
  EXPECT_TRUE(resample(in, 8000, -1).empty());
}

TEST(Resample, PassbandToneKeepsItsLevel) {
  const auto in = tone(1000, 16000, 16000);
  const auto out = resample(in, 16000, 8000);
  EXPECT_NEAR(middle_dbfs(out), middle_dbfs(in), 0.2);
  // And it is still the same tone: compare against a fresh 8 kHz rendering.
  const auto expect = tone(1000, 8000, 8000);
  for (std::size_t i = 2000; i < 6000; ++i) EXPECT_NEAR(out[i], expect[i], 60) << i;

  const auto up = resample(tone(1000, 8000, 8000), 8000, 16000);
  EXPECT_NEAR(middle_dbfs(up), middle_dbfs(in), 0.2);
}

TEST(Resample, RejectsAboveNewNyquist) {
  // 6 kHz cannot exist at 8 kHz; without filtering it would alias to 2 kHz.
  const auto in = tone(6000, 16000, 16000);
  const auto out = resample(in, 16000, 8000);
  EXPECT_LT(middle_dbfs(out), middle_dbfs(in) - 50.0);
}

TEST(Resample, FullScaleDoesNotWrap) {
  std::vector<std::int16_t> in(4000);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = (i / 40) % 2 ? 32767 : -32768;
  const auto out = resample(in, 16000, 8000);  // the filter's overshoot must clamp
  ASSERT_EQ(out.size(), 2000u);
  for (std::size_t i = 100; i < 1900; i += 20) EXPECT_GT(std::abs(out[i] + 0.0), 10000.0);
}

}  // namespace
}  // namespace keyline::speech
