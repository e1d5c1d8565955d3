#include "media/frames.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "media/audio_codec.h"
#include "media/level.h"

namespace keyline::media {
namespace {

TEST(EncodePrompt, FrameCountAndPadding) {
  std::vector<std::int16_t> pcm(400, 1000);  // 2.5 frames
  const auto prompt = encode_prompt(G711::kUlaw, pcm);
  EXPECT_EQ(prompt.codec, Codec::kPcmu);
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

TEST(EncodePrompt, G722FramesAre160BytesAndDecodeToThePrompt) {
  std::vector<std::int16_t> pcm(8000);  // one second of 1 kHz
  for (std::size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 1000 * i / 8000.0));
  pcm.resize(pcm.size() - 40);  // a short last frame
  const auto prompt = encode_prompt(Codec::kG722, pcm);
  EXPECT_EQ(prompt.codec, Codec::kG722);
  EXPECT_EQ(prompt.frames.frame_bytes(), kFrameSamples);
  ASSERT_EQ(prompt.frames.size(), 50u);
  auto decoder = AudioDecoder::create(Codec::kG722);
  ASSERT_TRUE(decoder);
  std::vector<std::int16_t> heard(prompt.frames.size() * kFrameSamples);
  for (std::size_t f = 0; f < prompt.frames.size(); ++f)
    decoder->decode(prompt.frames[f], std::span(heard.data() + f * kFrameSamples, kFrameSamples));
  std::span<const std::int16_t> middle(heard.data() + 800, 6400);
  EXPECT_NEAR(rms_dbfs(middle), rms_dbfs(std::span(pcm.data() + 800, 6400)), 1.0);
  // The padding after the prompt's end decodes to near silence.
  EXPECT_LT(rms_dbfs(std::span(heard.data() + heard.size() - 20, 20)), -40.0);
}

TEST(FrameList, FlatFramesOfTheChosenSize) {
  FrameList frames(4);
  EXPECT_TRUE(frames.empty());
  auto f = frames.append(0xAB);
  f[1] = 1;
  const std::uint8_t longer[] = {9, 8, 7, 6, 5};
  frames.push_back(longer);  // cut to 4 bytes
  const std::uint8_t shorter[] = {3};
  frames.push_back(shorter);  // zero-padded
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames.frame_bytes(), 4u);
  EXPECT_EQ(std::vector<std::uint8_t>(frames[0].begin(), frames[0].end()),
            (std::vector<std::uint8_t>{0xAB, 1, 0xAB, 0xAB}));
  EXPECT_EQ(std::vector<std::uint8_t>(frames[1].begin(), frames[1].end()),
            (std::vector<std::uint8_t>{9, 8, 7, 6}));
  EXPECT_EQ(std::vector<std::uint8_t>(frames[2].begin(), frames[2].end()),
            (std::vector<std::uint8_t>{3, 0, 0, 0}));
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
