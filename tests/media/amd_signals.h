// Generated answers for the answering-machine detector's tests: speech-like words (a voice of
// gliding pitch with harmonics and a syllable rhythm, not a steady tone), tones and noise, at
// 8 kHz. Built from sample arithmetic alone, so the tests need no TTS engine.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace keyline::media::test {

class AnswerBuilder {
 public:
  static constexpr double kPi = 3.14159265358979323846;

  AnswerBuilder& silence(int ms) {
    pcm_.insert(pcm_.end(), samples(ms), 0);
    return *this;
  }
  // One word: voiced sound at about -20 dBFS whose pitch glides between 110 and 190 Hz with
  // ten harmonics (a rough vowel) and whose loudness follows 4 syllables a second.
  AnswerBuilder& word(int ms) {
    const std::size_t n = samples(ms);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) / 8000.0;
      const double f0 = 150.0 + 40.0 * std::sin(2 * kPi * 1.3 * (t + word_count_));
      phase_ += 2 * kPi * f0 / 8000.0;
      double v = 0;
      for (int k = 1; k <= 10; ++k) {
        // Energy near 500 and 1500 Hz, as in a vowel's first two formants.
        const double f = k * f0;
        const double formant = 1.0 + 2.0 * std::exp(-std::pow((f - 500) / 200, 2)) +
                               1.5 * std::exp(-std::pow((f - 1500) / 300, 2));
        v += formant / k * std::sin(k * phase_);
      }
      const double syllable = 0.55 + 0.45 * std::sin(2 * kPi * 4.0 * t);
      const double edge = std::min({1.0, t / 0.01, (static_cast<double>(n - i) / 8000.0) / 0.01});
      pcm_.push_back(static_cast<std::int16_t>(1100.0 * v * syllable * edge));
    }
    ++word_count_;
    return *this;
  }
  // A sine at `dbfs` (RMS).
  AnswerBuilder& tone(double hz, int ms, double dbfs = -15.0) {
    const double amp = 32767.0 * std::sqrt(2.0) * std::pow(10.0, dbfs / 20.0);
    const std::size_t n = samples(ms);
    for (std::size_t i = 0; i < n; ++i)
      pcm_.push_back(static_cast<std::int16_t>(amp * std::sin(2 * kPi * hz * i / 8000.0)));
    return *this;
  }
  // White noise at `dbfs` (RMS) added over everything so far.
  AnswerBuilder& noise(double dbfs, unsigned seed = 7) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(0.0, 32767.0 * std::pow(10.0, dbfs / 20.0));
    for (auto& s : pcm_) s = static_cast<std::int16_t>(std::clamp(s + d(rng), -32768.0, 32767.0));
    return *this;
  }
  const std::vector<std::int16_t>& pcm() const { return pcm_; }
  std::int64_t ms() const { return static_cast<std::int64_t>(pcm_.size() / 8); }

 private:
  static std::size_t samples(int ms) { return static_cast<std::size_t>(ms) * 8; }
  std::vector<std::int16_t> pcm_;
  double phase_ = 0;
  int word_count_ = 0;
};

}  // namespace keyline::media::test
