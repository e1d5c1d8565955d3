// In-band DTMF kept out of recordings: key tones mixed into speech-like
// audio are blanked on the caller's side, so the project's own detector
// finds no key in the file, while the speech around them is kept.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dtmf_signals.h"
#include "media/call_recorder.h"
#include "media/inband_dtmf.h"
#include "media/wav.h"
#include "recording_fixture.h"

namespace keyline::media {
namespace {

using RecordingDtmfTest = testing::RecordingDir;

std::string detect(std::span<const std::int16_t> pcm, std::size_t step = 1) {
  auto detector = InbandDtmfDetector::create();
  EXPECT_TRUE(detector);
  std::string keys;
  for (std::size_t pos = 0; pos < pcm.size(); pos += step * kFrameSamples) {
    std::vector<std::int16_t> frame;
    for (std::size_t i = pos; i < std::min(pcm.size(), pos + kFrameSamples * step); i += step)
      frame.push_back(pcm[i]);
    char found[4];
    keys.append(found, (*detector)->feed(frame, found));
  }
  return keys;
}

// Speech with the keys' tones added on top at `starts` (in samples).
std::vector<std::int16_t> speech_with_keys(const std::string& keys, const DtmfToneSpec& spec,
                                           const std::vector<std::size_t>& starts,
                                           double speech_gain) {
  std::vector<std::int16_t> pcm = testing::speech_like(4.0, 7);
  for (auto& s : pcm) s = static_cast<std::int16_t>(s * speech_gain);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    std::vector<std::int16_t> tone;
    append_dtmf_tone(keys[k], spec, tone);
    for (std::size_t i = 0; i < tone.size() && starts[k] + i < pcm.size(); ++i)
      pcm[starts[k] + i] =
          static_cast<std::int16_t>(std::clamp(pcm[starts[k] + i] + tone[i], -32768, 32767));
  }
  return pcm;
}

struct Case {
  RecordLayout layout;
  DtmfToneSpec spec;
  double speech_gain;
};

class ToneMasking : public RecordingDtmfTest, public ::testing::WithParamInterface<Case> {};

TEST_P(ToneMasking, RecordedFileHasNoDetectableKey) {
  const Case& c = GetParam();
  const std::string keys = "4111#7*9";
  std::vector<std::size_t> starts;
  // Spread over the 4 s at odd offsets, not on frame boundaries.
  for (std::size_t k = 0; k < keys.size(); ++k) starts.push_back(1000 + k * 3700 + k * 37);
  const std::vector<std::int16_t> input = speech_with_keys(keys, c.spec, starts, c.speech_gain);
  // The test can fail: the keys are there to be found in what went in.
  ASSERT_EQ(detect(input), keys);

  const std::string path = file("tones.wav");
  RecorderOptions options;
  options.layout = c.layout;
  auto rec = CallRecorder::create(path, options);
  ASSERT_TRUE(rec);
  std::vector<std::int16_t> prompt(kFrameSamples, 0);
  for (std::size_t pos = 0; pos + kFrameSamples <= input.size(); pos += kFrameSamples) {
    (*rec)->on_caller_audio(std::span<const std::int16_t>(input.data() + pos, kFrameSamples));
    (*rec)->on_tick(prompt);
  }
  auto info = (*rec)->stop();
  ASSERT_TRUE(info);
  auto wav = read_wav(path);
  ASSERT_TRUE(wav);
  const std::size_t step = static_cast<std::size_t>(wav->channels);
  const std::size_t frames = wav->samples.size() / step;
  EXPECT_EQ(frames, input.size() / kFrameSamples * kFrameSamples);
  EXPECT_EQ(detect(wav->samples, step), "");

  // Every frame is either kept exactly or blanked whole; the blanked ones
  // are few (each key's tone plus the look-back), so the speech survives.
  std::size_t blank = 0;
  for (std::size_t f = 0; f < frames / kFrameSamples; ++f) {
    bool same = true, zero = true;
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
      const std::int16_t got = wav->samples[(f * kFrameSamples + i) * step];
      same = same && got == input[f * kFrameSamples + i];
      zero = zero && got == 0;
    }
    ASSERT_TRUE(same || zero) << "frame " << f;
    if (zero && !same) ++blank;
  }
  const std::size_t tone_frames = keys.size() * (c.spec.on_ms / 20 + 1);
  EXPECT_GE(blank, keys.size() * (c.spec.on_ms / 20 - 1));
  EXPECT_LE(blank, tone_frames + keys.size() * 6 + 10) << "speech lost to masking";
  // Blanked frames that were silent already do not show as changed.
  EXPECT_GE(info->masked_frames, blank);
}

INSTANTIATE_TEST_SUITE_P(
    Tones, ToneMasking,
    ::testing::Values(Case{RecordLayout::kCallerMono, {100, 100, -10, 0, 8000}, 0.3},
                      Case{RecordLayout::kStereo, {60, 60, -20, 2, 8000}, 0.2},
                      Case{RecordLayout::kMixed, {100, 100, -5, -3, 8000}, 0.5},
                      Case{RecordLayout::kCallerMono, {45, 45, -25, 0, 8000}, 0.1}));

TEST_F(RecordingDtmfTest, SpeechAloneIsKeptWhole) {
  const std::vector<std::int16_t> input = testing::speech_like(5.0, 11);
  const std::string path = file("speech.wav");
  auto rec = CallRecorder::create(path, RecorderOptions{});
  ASSERT_TRUE(rec);
  for (std::size_t pos = 0; pos + kFrameSamples <= input.size(); pos += kFrameSamples) {
    (*rec)->on_caller_audio(std::span<const std::int16_t>(input.data() + pos, kFrameSamples));
    (*rec)->on_tick({});
  }
  auto info = (*rec)->stop();
  ASSERT_TRUE(info);
  // This speech is made to sit near the DTMF frequencies; talk-off may cost
  // a press's worth of frames (one blanked stretch) of the 250, no more.
  EXPECT_LE(info->masked_frames, 10u);
}

}  // namespace
}  // namespace keyline::media
