// CallRecorder: the file's timeline (one frame per tick, pause written as
// silence of the same length at the same place), the channel layouts, and
// the header as the project's own WAV reader sees it.
#include "media/call_recorder.h"

#include <gtest/gtest.h>

#include <vector>

#include "media/wav.h"
#include "recording_fixture.h"

namespace keyline::media {
namespace {

using testing::RecordingDir;
using CallRecorderTest = RecordingDir;

// A distinct, never-zero sample for every position of every frame, so a
// frame written at the wrong place or a sample lost shows.
std::int16_t caller_sample(std::size_t frame, std::size_t i) {
  return static_cast<std::int16_t>(1 + (frame * 37 + i * 11) % 9000);
}
std::int16_t sent_sample(std::size_t frame, std::size_t i) {
  return static_cast<std::int16_t>(-1 - static_cast<int>((frame * 13 + i * 7) % 7000));
}

std::vector<std::int16_t> caller_frame(std::size_t frame) {
  std::vector<std::int16_t> f(kFrameSamples);
  for (std::size_t i = 0; i < kFrameSamples; ++i) f[i] = caller_sample(frame, i);
  return f;
}
std::vector<std::int16_t> sent_frame(std::size_t frame) {
  std::vector<std::int16_t> f(kFrameSamples);
  for (std::size_t i = 0; i < kFrameSamples; ++i) f[i] = sent_sample(frame, i);
  return f;
}

RecorderOptions plain(RecordLayout layout) {
  RecorderOptions o;
  o.layout = layout;
  o.mask_dtmf = false;  // these tests are about the timeline; tones have their own
  return o;
}

bool paused_at(std::size_t frame) { return (frame >= 10 && frame < 20) || frame == 33; }

// Runs 50 ticks with the pauses of paused_at() and returns the file read back.
WavData record_pattern(const std::string& path, RecordLayout layout, RecordingInfo* info) {
  auto rec = CallRecorder::create(path, plain(layout));
  EXPECT_TRUE(rec);
  for (std::size_t f = 0; f < 50; ++f) {
    if (paused_at(f)) {
      (*rec)->pause();
    } else {
      (*rec)->resume();
    }
    (*rec)->on_caller_audio(caller_frame(f));
    (*rec)->on_tick(sent_frame(f));
  }
  auto stopped = (*rec)->stop();
  EXPECT_TRUE(stopped);
  if (stopped) *info = *stopped;
  auto wav = read_wav(path);
  EXPECT_TRUE(wav);
  return wav ? *wav : WavData{};
}

TEST_F(CallRecorderTest, PauseWritesSilenceOfTheSameLengthAtTheSamePlace) {
  RecordingInfo info;
  WavData wav = record_pattern(file("mono.wav"), RecordLayout::kCallerMono, &info);
  EXPECT_EQ(wav.sample_rate, 8000);
  EXPECT_EQ(wav.channels, 1);
  ASSERT_EQ(wav.samples.size(), 50 * kFrameSamples);
  EXPECT_EQ(info.frames, 50u);
  EXPECT_DOUBLE_EQ(info.seconds, 1.0);
  EXPECT_EQ(info.paused_frames, 11u);
  for (std::size_t f = 0; f < 50; ++f) {
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
      const std::int16_t want = paused_at(f) ? 0 : caller_sample(f, i);
      ASSERT_EQ(wav.samples[f * kFrameSamples + i], want) << "frame " << f << " sample " << i;
    }
  }
}

TEST_F(CallRecorderTest, StereoPutsTheCallerLeftAndKeylineRight) {
  RecordingInfo info;
  WavData wav = record_pattern(file("stereo.wav"), RecordLayout::kStereo, &info);
  EXPECT_EQ(wav.channels, 2);
  ASSERT_EQ(wav.samples.size(), 2 * 50 * kFrameSamples);
  for (std::size_t f = 0; f < 50; ++f) {
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
      const std::size_t at = 2 * (f * kFrameSamples + i);
      ASSERT_EQ(wav.samples[at], paused_at(f) ? 0 : caller_sample(f, i)) << f;
      ASSERT_EQ(wav.samples[at + 1], paused_at(f) ? 0 : sent_sample(f, i)) << f;
    }
  }
}

TEST_F(CallRecorderTest, MixedSumsBothSidesAndSaturates) {
  RecordingInfo info;
  WavData wav = record_pattern(file("mixed.wav"), RecordLayout::kMixed, &info);
  EXPECT_EQ(wav.channels, 1);
  ASSERT_EQ(wav.samples.size(), 50 * kFrameSamples);
  for (std::size_t f = 0; f < 50; ++f) {
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
      const int sum = caller_sample(f, i) + sent_sample(f, i);
      ASSERT_EQ(wav.samples[f * kFrameSamples + i], paused_at(f) ? 0 : sum) << f;
    }
  }
  // Loud on both sides: clipped, not wrapped round.
  const std::string loud = file("loud.wav");
  auto rec = CallRecorder::create(loud, plain(RecordLayout::kMixed));
  ASSERT_TRUE(rec);
  std::vector<std::int16_t> high(kFrameSamples, 30000), low(kFrameSamples, -30000);
  (*rec)->on_caller_audio(high);
  (*rec)->on_tick(high);
  (*rec)->on_caller_audio(low);
  (*rec)->on_tick(low);
  ASSERT_TRUE((*rec)->stop());
  auto back = read_wav(loud);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->samples.front(), 32767);
  EXPECT_EQ(back->samples.back(), -32768);
}

TEST_F(CallRecorderTest, LateAndMissingCallerAudioKeepsTheTimeline) {
  const std::string path = file("late.wav");
  auto rec = CallRecorder::create(path, plain(RecordLayout::kCallerMono));
  ASSERT_TRUE(rec);
  // Tick 0: a frame; tick 1: nothing came (lost); tick 2: two frames at once
  // (one late); tick 3: nothing. Every tick is 20 ms of file.
  (*rec)->on_caller_audio(caller_frame(0));
  (*rec)->on_tick({});
  (*rec)->on_tick({});
  (*rec)->on_caller_audio(caller_frame(1));
  (*rec)->on_caller_audio(caller_frame(2));
  (*rec)->on_tick({});
  (*rec)->on_tick({});
  auto info = (*rec)->stop();
  ASSERT_TRUE(info);
  auto wav = read_wav(path);
  ASSERT_TRUE(wav);
  ASSERT_EQ(wav->samples.size(), 4 * kFrameSamples);
  EXPECT_EQ(wav->samples[0], caller_sample(0, 0));
  EXPECT_EQ(wav->samples[kFrameSamples], 0);  // the lost frame is silence
  EXPECT_EQ(wav->samples[2 * kFrameSamples], caller_sample(1, 0));
  EXPECT_EQ(wav->samples[3 * kFrameSamples], caller_sample(2, 0));  // the late one follows
}

TEST_F(CallRecorderTest, FileIsPrivateAndItsHeaderMatchesItsLength) {
  const std::string path = file("header.wav");
  RecordingInfo info;
  record_pattern(path, RecordLayout::kStereo, &info);
  EXPECT_EQ(mode_of(path), 0600u);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::vector<std::uint8_t> bytes(64 * 1024);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
  std::fclose(f);
  auto le32 = [&bytes](std::size_t at) {
    return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) |
           (static_cast<std::uint32_t>(bytes[at + 3]) << 24);
  };
  ASSERT_GE(bytes.size(), 44u);
  EXPECT_EQ(le32(4), bytes.size() - 8);
  EXPECT_EQ(le32(40), bytes.size() - 44);
  EXPECT_EQ(le32(40), 50u * kFrameSamples * 2 * 2);
  EXPECT_EQ(le32(24), 8000u);
  EXPECT_EQ(le32(28), 8000u * 2 * 2);
}

TEST_F(CallRecorderTest, NeverOverwritesAFileAndStopIsIdempotent) {
  const std::string path = file("taken.wav");
  auto first = CallRecorder::create(path, plain(RecordLayout::kCallerMono));
  ASSERT_TRUE(first);
  EXPECT_FALSE(CallRecorder::create(path, plain(RecordLayout::kCallerMono)));
  (*first)->on_tick({});
  auto a = (*first)->stop();
  auto b = (*first)->stop();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->frames, b->frames);
  EXPECT_FALSE(CallRecorder::create(file("no/such/dir.wav"), plain(RecordLayout::kCallerMono)));
}

TEST_F(CallRecorderTest, DiscardRemovesTheFile) {
  const std::string path = file("gone.wav");
  auto rec = CallRecorder::create(path, plain(RecordLayout::kCallerMono));
  ASSERT_TRUE(rec);
  for (int i = 0; i < 10; ++i) (*rec)->on_tick({});
  (*rec)->discard();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE((*rec)->stop());
}

TEST_F(CallRecorderTest, PrivateDirectoryIsMadeOrTightenedTo0700) {
  const std::string made = file("a/b/recordings");
  ASSERT_TRUE(ensure_private_directory(made));
  EXPECT_EQ(mode_of(made), 0700u);
  const std::string loose = file("loose");
  ASSERT_EQ(::mkdir(loose.c_str(), 0755), 0);
  ASSERT_TRUE(ensure_private_directory(loose));
  EXPECT_EQ(mode_of(loose), 0700u);
  const std::string not_dir = file("plain");
  std::FILE* f = std::fopen(not_dir.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  EXPECT_FALSE(ensure_private_directory(not_dir));
}

}  // namespace
}  // namespace keyline::media
