#include "media/vad.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace keyline::media {
namespace {

constexpr int kRate = 8000;

std::size_t ms(int n, int rate = kRate) { return static_cast<std::size_t>(n) * rate / 1000; }

void append_silence(std::vector<std::int16_t>& pcm, int duration_ms, int rate = kRate) {
  pcm.insert(pcm.end(), ms(duration_ms, rate), 0);
}

// A voiced "syllable": a 200 Hz tone with harmonics under a raised-cosine
// envelope, roughly -20 dBFS like a TTS voice.
void append_syllable(std::vector<std::int16_t>& pcm, int duration_ms, int rate = kRate) {
  const std::size_t n = ms(duration_ms, rate);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double env = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / n);
    double v = 0;
    for (int h = 1; h <= 5; ++h) v += std::sin(2 * std::numbers::pi * 200 * h * t) / h;
    pcm.push_back(static_cast<std::int16_t>(5000 * env * v));
  }
}

void append_noise(std::vector<std::int16_t>& pcm, int duration_ms, int amplitude,
                  std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-amplitude, amplitude);
  for (std::size_t i = 0; i < ms(duration_ms); ++i)
    pcm.push_back(static_cast<std::int16_t>(d(rng)));
}

TEST(EnergyVad, SilenceNeverStartsSpeech) {
  EnergyVad vad;
  std::vector<std::int16_t> pcm;
  append_silence(pcm, 3000);
  EXPECT_EQ(vad.process(pcm), VadState::kWaiting);
}

TEST(EnergyVad, FindsStartAndEndOfWords) {
  std::vector<std::int16_t> pcm;
  append_silence(pcm, 500);
  // Three "words" with short gaps, as in a digit string.
  for (int w = 0; w < 3; ++w) {
    append_syllable(pcm, 300);
    append_silence(pcm, 200);
  }
  append_silence(pcm, 1500);

  EnergyVad vad;
  EXPECT_EQ(vad.process(pcm), VadState::kEnded);
  // Start within the first word's rise, end within the last gap + tail.
  EXPECT_GE(vad.speech_start_sample(), ms(500));
  EXPECT_LE(vad.speech_start_sample(), ms(650));
  EXPECT_GE(vad.speech_end_sample(), ms(500 + 2 * 500 + 200));
  EXPECT_LE(vad.speech_end_sample(), ms(500 + 3 * 500));
}

TEST(EnergyVad, GapsShorterThanTrailingSilenceDoNotEndSpeech) {
  std::vector<std::int16_t> pcm;
  append_silence(pcm, 200);
  append_syllable(pcm, 300);
  append_silence(pcm, 600);  // < 800 ms default
  append_syllable(pcm, 300);
  append_silence(pcm, 300);
  EnergyVad vad;
  EXPECT_EQ(vad.process(pcm), VadState::kSpeech);
}

TEST(EnergyVad, TrailingSilenceIsConfigurable) {
  std::vector<std::int16_t> pcm;
  append_silence(pcm, 200);
  append_syllable(pcm, 300);
  append_silence(pcm, 600);
  VadConfig quick;
  quick.trailing_silence_ms = 400;
  EnergyVad vad(quick);
  EXPECT_EQ(vad.process(pcm), VadState::kEnded);
  VadConfig patient;
  patient.trailing_silence_ms = 1000;
  EnergyVad slow(patient);
  EXPECT_EQ(slow.process(pcm), VadState::kSpeech);
}

TEST(EnergyVad, ChunkSizeDoesNotMatter) {
  std::vector<std::int16_t> pcm;
  append_silence(pcm, 300);
  append_syllable(pcm, 400);
  append_silence(pcm, 1200);
  EnergyVad whole;
  ASSERT_EQ(whole.process(pcm), VadState::kEnded);
  for (std::size_t chunk : {1u, 7u, 160u, 333u}) {
    EnergyVad vad;
    for (std::size_t i = 0; i < pcm.size(); i += chunk)
      vad.process(std::span(pcm).subspan(i, std::min(chunk, pcm.size() - i)));
    EXPECT_EQ(vad.state(), VadState::kEnded) << chunk;
    EXPECT_EQ(vad.speech_start_sample(), whole.speech_start_sample()) << chunk;
    EXPECT_EQ(vad.speech_end_sample(), whole.speech_end_sample()) << chunk;
  }
}

TEST(EnergyVad, ClickIsNotSpeech) {
  std::vector<std::int16_t> pcm;
  append_silence(pcm, 300);
  pcm.insert(pcm.end(), ms(20), 20000);  // 20 ms burst < 60 ms minimum
  append_silence(pcm, 1000);
  EnergyVad vad;
  EXPECT_EQ(vad.process(pcm), VadState::kWaiting);
}

TEST(EnergyVad, SteadyLineNoiseIsNotSpeechButSpeechOverItIs) {
  std::mt19937 rng(7);
  std::vector<std::int16_t> pcm;
  append_noise(pcm, 1500, 300, rng);  // about -47 dBFS
  EnergyVad vad;
  EXPECT_EQ(vad.process(pcm), VadState::kWaiting);
  std::vector<std::int16_t> speech;
  append_syllable(speech, 400);
  EXPECT_EQ(vad.process(speech), VadState::kSpeech);
}

TEST(EnergyVad, LoudSteadyNoiseFromTheStartIsNotSpeech) {
  // -35 dBFS hiss is above the fixed floor; only the tracked background
  // keeps it from counting as speech.
  std::mt19937 rng(11);
  std::vector<std::int16_t> pcm;
  append_noise(pcm, 2000, 1000, rng);
  EnergyVad vad;
  EXPECT_EQ(vad.process(pcm), VadState::kWaiting);
  EXPECT_GT(vad.noise_floor_dbfs(), -45.0);
}

TEST(EnergyVad, WidebandAndReset) {
  std::vector<std::int16_t> pcm;
  append_silence(pcm, 300, 16000);
  append_syllable(pcm, 400, 16000);
  append_silence(pcm, 1000, 16000);
  VadConfig wide;
  wide.sample_rate = 16000;
  EnergyVad vad(wide);
  EXPECT_EQ(vad.process(pcm), VadState::kEnded);
  EXPECT_GE(vad.speech_start_sample(), ms(300, 16000));
  EXPECT_LE(vad.speech_start_sample(), ms(450, 16000));
  vad.reset();
  EXPECT_EQ(vad.state(), VadState::kWaiting);
  std::vector<std::int16_t> quiet(ms(500, 16000), 0);
  EXPECT_EQ(vad.process(quiet), VadState::kWaiting);
}

}  // namespace
}  // namespace keyline::media
