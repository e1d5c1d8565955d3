#include "speech/audio_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "media/g711.h"
#include "media/wav.h"

namespace keyline::speech {
namespace {

namespace fs = std::filesystem;

std::vector<std::int16_t> tone(int rate, int count, double hz = 440) {
  std::vector<std::int16_t> s(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    s[static_cast<std::size_t>(i)] =
        static_cast<std::int16_t>(10000 * std::sin(2 * M_PI * hz * i / rate));
  return s;
}

class AudioFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("keyline_audio_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const std::string p = (dir_ / name).string();
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  std::string write_pcm_wav(const std::string& name, const std::vector<std::int16_t>& s, int rate) {
    const std::string p = (dir_ / name).string();
    EXPECT_TRUE(media::write_wav(p, s, rate).ok());
    return p;
  }
  // A WAVE file with any fmt fields (for formats write_wav does not produce).
  static std::vector<std::uint8_t> wave(std::uint16_t format, std::uint16_t channels,
                                        std::uint32_t rate, std::uint16_t bits,
                                        const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> b;
    auto tag = [&](const char* t) {
      for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(t[i]));
    };
    auto u16 = [&](std::uint32_t v) {
      b.push_back(static_cast<std::uint8_t>(v));
      b.push_back(static_cast<std::uint8_t>(v >> 8));
    };
    auto u32 = [&](std::uint32_t v) {
      u16(v & 0xFFFF);
      u16(v >> 16);
    };
    tag("RIFF");
    u32(static_cast<std::uint32_t>(36 + data.size()));
    tag("WAVE");
    tag("fmt ");
    u32(16);
    u16(format);
    u16(channels);
    u32(rate);
    u32(rate * channels * bits / 8);
    u16(channels * bits / 8);
    u16(bits);
    tag("data");
    u32(static_cast<std::uint32_t>(data.size()));
    b.insert(b.end(), data.begin(), data.end());
    return b;
  }
  static std::vector<std::uint8_t> le16(const std::vector<std::int16_t>& s) {
    std::vector<std::uint8_t> b;
    for (auto v : s) {
      b.push_back(static_cast<std::uint8_t>(static_cast<std::uint16_t>(v) & 0xFF));
      b.push_back(static_cast<std::uint8_t>(static_cast<std::uint16_t>(v) >> 8));
    }
    return b;
  }
  std::string error_of(const std::string& path) {
    auto r = load_audio_8k(path);
    EXPECT_FALSE(r.ok()) << path;
    return r ? std::string() : r.error().message;
  }

  fs::path dir_;
};

TEST_F(AudioFileTest, Pcm8kWavIsReadAsIs) {
  const auto s = tone(8000, 4000);
  auto pcm = load_audio_8k(write_pcm_wav("a.wav", s, 8000));
  ASSERT_TRUE(pcm.ok()) << pcm.error().message;
  EXPECT_EQ(*pcm, s);
}

TEST_F(AudioFileTest, WidebandWavIsResampledTo8k) {
  const auto s = tone(16000, 16000);  // one second
  auto pcm = load_audio_8k(write_pcm_wav("wide.wav", s, 16000));
  ASSERT_TRUE(pcm.ok()) << pcm.error().message;
  EXPECT_EQ(pcm->size(), 8000u);
  // The tone survives: its level in the middle is close to the original's.
  double energy = 0;
  for (std::size_t i = 2000; i < 6000; ++i) energy += double((*pcm)[i]) * (*pcm)[i];
  const double rms = std::sqrt(energy / 4000);
  EXPECT_NEAR(rms, 10000 / std::sqrt(2.0), 700);
}

TEST_F(AudioFileTest, G711WavAndRawFilesDecode) {
  const std::vector<std::uint8_t> codes = {0xFF, 0x80, 0x00, 0x9F, 0x1F, 0x55};
  for (auto [fmt, ext, law] :
       {std::tuple{7, ".ul", media::G711::kUlaw}, std::tuple{6, ".al", media::G711::kAlaw}}) {
    std::vector<std::int16_t> expected(codes.size());
    media::decode_g711(law, codes, expected);
    auto w = load_audio_8k(write("law" + std::to_string(fmt) + ".wav",
                                 wave(static_cast<std::uint16_t>(fmt), 1, 8000, 8, codes)));
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(*w, expected);
    auto raw = load_audio_8k(write(std::string("raw") + ext, codes));
    ASSERT_TRUE(raw.ok()) << raw.error().message;
    EXPECT_EQ(*raw, expected);
  }
}

TEST_F(AudioFileTest, RawLinearFiles) {
  const std::vector<std::int16_t> s = {0, 1, -1, 32767, -32768, 1234};
  auto l16 = load_audio_8k(write("p.L16", le16(s)));  // extension case does not matter
  ASSERT_TRUE(l16.ok()) << l16.error().message;
  EXPECT_EQ(*l16, s);
  auto wide = load_audio_8k(write("p.sln16", le16(tone(16000, 3200))));
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->size(), 1600u);
}

TEST_F(AudioFileTest, ErrorsNameThePathAndTheReason) {
  const auto stereo = write("stereo.wav", wave(1, 2, 8000, 16, std::vector<std::uint8_t>(16, 1)));
  auto e = error_of(stereo);
  EXPECT_NE(e.find(stereo + ": "), std::string::npos) << e;
  EXPECT_NE(e.find("mono"), std::string::npos) << e;

  e = error_of(write("deep.wav", wave(1, 1, 8000, 24, std::vector<std::uint8_t>(12, 1))));
  EXPECT_NE(e.find("24-bit"), std::string::npos) << e;

  auto truncated = wave(1, 1, 8000, 16, std::vector<std::uint8_t>(400, 1));
  truncated.resize(300);
  e = error_of(write("cut.wav", truncated));
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;

  e = error_of(write("odd.l16", {1, 2, 3}));
  EXPECT_NE(e.find("odd number of bytes"), std::string::npos) << e;
  e = error_of(write("x.mp3", {1, 2, 3}));
  EXPECT_NE(e.find("unsupported file type '.mp3'"), std::string::npos) << e;
  e = error_of(write("empty.ul", {}));
  EXPECT_NE(e.find("no audio"), std::string::npos) << e;
  e = error_of(write("slow.wav", wave(1, 1, 4000, 16, {1, 0})));
  EXPECT_NE(e.find("4000 Hz"), std::string::npos) << e;
  e = error_of((dir_ / "missing.wav").string());
  EXPECT_NE(e.find("no such file"), std::string::npos) << e;
  e = error_of(dir_.string());
  EXPECT_NE(e.find("not a regular file"), std::string::npos) << e;
  e = error_of(write("text.wav", {'h', 'e', 'l', 'l', 'o'}));
  EXPECT_NE(e.find("not a RIFF WAVE file"), std::string::npos) << e;
}

TEST_F(AudioFileTest, LoadedOnceForEveryCodec) {
  auto loaded = load_prompt_audio(write_pcm_wav("p.wav", tone(8000, 1000), 8000));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->samples, 1000u);
  for (auto codec : {media::Codec::kPcmu, media::Codec::kPcma, media::Codec::kG722}) {
    auto frames = loaded->for_codec(codec);
    ASSERT_TRUE(frames);
    EXPECT_EQ(frames->codec, codec);
    EXPECT_EQ(frames->frames.size(), 7u);  // 1000 samples: 6 full frames and a padded one
  }
  EXPECT_NE(loaded->pcmu->frames.front()[10], loaded->pcma->frames.front()[10]);
}

}  // namespace
}  // namespace keyline::speech
