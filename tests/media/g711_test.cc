#include "media/g711.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace keyline::media {
namespace {

// Quantisation step of a logarithmic segment grows with amplitude: allow
// about 1/16 of the magnitude (4 mantissa bits) plus the smallest step.
int tolerance(int sample) { return std::abs(sample) / 16 + 16; }

TEST(G711, KnownValues) {
  EXPECT_EQ(linear_to_ulaw(0), 0xFF);
  EXPECT_EQ(linear_to_alaw(0), 0xD5);
  EXPECT_EQ(ulaw_to_linear(0xFF), 0);
  EXPECT_EQ(ulaw_to_linear(0x7F), 0);
  EXPECT_EQ(alaw_to_linear(0xD5), 8);
  EXPECT_EQ(alaw_to_linear(0x55), -8);
  // Full scale: µ-law 0x80 / 0x00, A-law 0xAA / 0x2A.
  EXPECT_EQ(linear_to_ulaw(32767), 0x80);
  EXPECT_EQ(linear_to_ulaw(-32768), 0x00);
  EXPECT_EQ(ulaw_to_linear(0x80), 32124);
  EXPECT_EQ(ulaw_to_linear(0x00), -32124);
  EXPECT_EQ(linear_to_alaw(32767), 0xAA);
  EXPECT_EQ(linear_to_alaw(-32768), 0x2A);
  EXPECT_EQ(alaw_to_linear(0xAA), 32256);
  EXPECT_EQ(alaw_to_linear(0x2A), -32256);
}

TEST(G711, RoundTripSweepWithinQuantisationError) {
  for (int s = -32768; s <= 32767; s += 7) {
    const auto x = static_cast<std::int16_t>(s);
    EXPECT_NEAR(ulaw_to_linear(linear_to_ulaw(x)), s, tolerance(s)) << s;
    EXPECT_NEAR(alaw_to_linear(linear_to_alaw(x)), s, tolerance(s)) << s;
  }
}

TEST(G711, DecodeEncodeIsIdentityOnCodes) {
  // Every code decodes to a value that re-encodes to the same code, except
  // µ-law's negative zero (0x7F), which encodes as positive zero.
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    if (c != 0x7F) {
      EXPECT_EQ(linear_to_ulaw(ulaw_to_linear(code)), code) << c;
    }
    EXPECT_EQ(linear_to_alaw(alaw_to_linear(code)), code) << c;
  }
}

TEST(G711, MonotonicEncoding) {
  int prev = ulaw_to_linear(linear_to_ulaw(-32768));
  for (int s = -32768; s <= 32767; s += 3) {
    const int now = ulaw_to_linear(linear_to_ulaw(static_cast<std::int16_t>(s)));
    EXPECT_GE(now, prev);
    prev = now;
  }
}

TEST(G711, SpanHelpersConvertTheShorterLength) {
  const std::vector<std::int16_t> pcm = {0, 1000, -1000, 20000};
  std::vector<std::uint8_t> coded(3, 0x11);
  encode_g711(G711::kAlaw, pcm, coded);
  EXPECT_EQ(coded[0], 0xD5);
  EXPECT_EQ(coded[1], linear_to_alaw(1000));
  EXPECT_EQ(coded[2], linear_to_alaw(-1000));

  std::vector<std::int16_t> back(5, 42);
  decode_g711(G711::kAlaw, coded, back);
  EXPECT_EQ(back[1], alaw_to_linear(coded[1]));
  EXPECT_EQ(back[3], 42);  // untouched beyond the input

  std::vector<std::uint8_t> u(4);
  encode_g711(G711::kUlaw, pcm, u);
  EXPECT_EQ(u[0], 0xFF);
  EXPECT_EQ(g711_silence(G711::kUlaw), 0xFF);
  EXPECT_EQ(g711_silence(G711::kAlaw), 0xD5);
}

}  // namespace
}  // namespace keyline::media
