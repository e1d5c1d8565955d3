#include "media/frames.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "media/level.h"

namespace keyline::media {
namespace {

TEST(EncodePrompt, FrameCountAndPadding) {
  std::vector<std::int16_t> pcm(400, 1000);  // 2.5 frames
  const auto prompt = encode_prompt(G711::kUlaw, pcm);
  EXPECT_EQ(prompt.law, G711::kUlaw);
  ASSERT_EQ(prompt.frames.size(), 3u);
  const std::uint8_t code = linear_to_ulaw(1000);
  for (std::size_t i = 0; i < 160; ++i) EXPECT_EQ(prompt.frames[1][i], code);
  for (std::size_t i = 0; i < 80; ++i) EXPECT_EQ(prompt.frames[2][i], code);
  for (std::size_t i = 80; i < 160; ++i) EXPECT_EQ(prompt.frames[2][i], 0xFF);

  const auto alaw = encode_prompt(G711::kAlaw, pcm);
  ASSERT_EQ(alaw.frames.size(), 3u);
  EXPECT_EQ(alaw.frames[2][0], linear_to_alaw(1000));
  EXPECT_EQ(alaw.frames[2][159], 0xD5);
}

TEST(EncodePrompt, ExactMultipleAndEmpty) {
  EXPECT_EQ(encode_prompt(G711::kUlaw, std::vector<std::int16_t>(320)).frames.size(), 2u);
  EXPECT_TRUE(encode_prompt(G711::kAlaw, {}).frames.empty());
  EXPECT_EQ(encode_prompt(G711::kAlaw, std::vector<std::int16_t>(1)).frames.size(), 1u);
}

TEST(Level, RmsDbfs) {
  EXPECT_TRUE(std::isinf(rms_dbfs({})));
  EXPECT_LT(rms_dbfs(std::vector<std::int16_t>(100, 0)), -200.0);
  const std::vector<std::int16_t> square = {-32768, -32768};
  EXPECT_NEAR(rms_dbfs(square), 0.0, 1e-9);
  std::vector<std::int16_t> sine(8000);
  for (std::size_t i = 0; i < sine.size(); ++i)
    sine[i] = static_cast<std::int16_t>(16384 * std::sin(2 * M_PI * 1000 * i / 8000.0));
  EXPECT_NEAR(rms_dbfs(sine), -9.03, 0.05);  // half scale (-6.02) sine (-3.01)
  EXPECT_LT(rms_dbfs(std::vector<std::int16_t>(100, 3)), -60.0);
}

}  // namespace
}  // namespace keyline::media
