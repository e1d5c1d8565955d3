#include "media/wav.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "media/g711.h"

namespace keyline::media {
namespace {

class WavTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string p = ::testing::TempDir() + "keyline_wav_" + info->name() + "_" + name;
    created_.push_back(p);
    return p;
  }
  void TearDown() override {
    for (const auto& p : created_) std::remove(p.c_str());
  }

  static void write_bytes(const std::string& p, const std::vector<std::uint8_t>& bytes) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  }
  static std::vector<std::uint8_t> read_bytes(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  }

  // A minimal WAVE file with the given fmt fields and data bytes.
  static std::vector<std::uint8_t> wave(std::uint16_t format, std::uint16_t channels,
                                        std::uint32_t rate, std::uint16_t bits,
                                        const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> b;
    b.reserve(64 + data.size());
    // Byte by byte: g++ 12 at -O1 misreads a 4-byte range insert as an overflow.
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

 private:
  std::vector<std::string> created_;
};

TEST_F(WavTest, WriteReadRoundTrip) {
  std::vector<std::int16_t> samples;
  for (int i = 0; i < 8000; ++i)
    samples.push_back(static_cast<std::int16_t>(12000 * std::sin(i * 0.1)));
  samples.push_back(-32768);
  samples.push_back(32767);
  const auto p = path("rt.wav");
  ASSERT_TRUE(write_wav(p, samples, 8000).ok());
  EXPECT_EQ(read_bytes(p).size(), 44 + samples.size() * 2);

  auto w = read_wav(p);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->sample_rate, 8000);
  EXPECT_EQ(w->channels, 1);
  EXPECT_EQ(w->samples, samples);
}

TEST_F(WavTest, EmptyRoundTrip) {
  const auto p = path("empty.wav");
  ASSERT_TRUE(write_wav(p, {}, 16000).ok());
  auto w = read_wav(p);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->sample_rate, 16000);
  EXPECT_TRUE(w->samples.empty());
}

TEST_F(WavTest, ReadsUlawAndAlaw) {
  const std::vector<std::uint8_t> codes = {0xFF, 0x80, 0x00, 0x9F, 0x1F};
  const auto pu = path("u.wav");
  write_bytes(pu, wave(7, 1, 8000, 8, codes));
  auto u = read_wav(pu);
  ASSERT_TRUE(u.ok()) << u.error().message;
  ASSERT_EQ(u->samples.size(), codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(u->samples[i], ulaw_to_linear(codes[i]));

  const auto pa = path("a.wav");
  write_bytes(pa, wave(6, 1, 8000, 8, codes));
  auto a = read_wav(pa);
  ASSERT_TRUE(a.ok());
  for (std::size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(a->samples[i], alaw_to_linear(codes[i]));
}

TEST_F(WavTest, StereoIsInterleavedAndPartialFrameDropped) {
  const auto p = path("st.wav");
  write_bytes(p, wave(1, 2, 44100, 16, {1, 0, 2, 0, 3, 0, 4, 0, 5, 0}));
  auto w = read_wav(p);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->channels, 2);
  EXPECT_EQ(w->sample_rate, 44100);
  EXPECT_EQ(w->samples, (std::vector<std::int16_t>{1, 2, 3, 4}));
}

TEST_F(WavTest, SkipsUnknownChunks) {
  auto b = wave(1, 1, 8000, 16, {0x10, 0x00});
  // Insert an odd-sized LIST chunk (padded to even) between fmt and data.
  const std::vector<std::uint8_t> list = {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0};
  b.insert(b.begin() + 36, list.begin(), list.end());
  const auto p = path("list.wav");
  write_bytes(p, b);
  auto w = read_wav(p);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->samples, (std::vector<std::int16_t>{16}));
}

TEST_F(WavTest, TruncatedFileIsAnError) {
  std::vector<std::int16_t> samples(1000, 1234);
  const auto p = path("trunc.wav");
  ASSERT_TRUE(write_wav(p, samples, 8000).ok());
  auto bytes = read_bytes(p);
  bytes.resize(bytes.size() - 100);
  write_bytes(p, bytes);
  auto w = read_wav(p);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, "parse");

  bytes.resize(20);  // inside the fmt chunk
  write_bytes(p, bytes);
  EXPECT_FALSE(read_wav(p).ok());
}

TEST_F(WavTest, RejectsOtherFormats) {
  const auto p = path("bad.wav");
  write_bytes(p, wave(3, 1, 8000, 32, std::vector<std::uint8_t>(8)));  // float
  EXPECT_FALSE(read_wav(p).ok());
  write_bytes(p, wave(1, 1, 8000, 8, std::vector<std::uint8_t>(8)));  // 8-bit PCM
  EXPECT_FALSE(read_wav(p).ok());
  write_bytes(p, wave(1, 0, 8000, 16, std::vector<std::uint8_t>(8)));  // no channels
  EXPECT_FALSE(read_wav(p).ok());
  write_bytes(p, {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'A', 'V', 'I', ' '});
  EXPECT_FALSE(read_wav(p).ok());
  write_bytes(p, {});
  EXPECT_FALSE(read_wav(p).ok());
}

TEST_F(WavTest, MissingFileIsIoError) {
  auto w = read_wav(::testing::TempDir() + "keyline_wav_does_not_exist.wav");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, "io");
  EXPECT_FALSE(write_wav("/nonexistent-dir/x.wav", {}, 8000).ok());
  EXPECT_FALSE(write_wav(path("rate.wav"), {}, 0).ok());
}

}  // namespace
}  // namespace keyline::media
