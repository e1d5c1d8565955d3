// Test signals for the DTMF tests: key sequences as tones, and speech-like
// audio (voiced vowels with moving pitch and formants, fricative noise,
// syllable rhythm) that a detector must not mistake for keys.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string_view>
#include <vector>

#include "media/dtmf_tone.h"

namespace keyline::media::testing {

inline std::vector<std::int16_t> tones(std::string_view keys, const DtmfToneSpec& spec) {
  std::vector<std::int16_t> out(800, 0);  // 100 ms of lead-in silence
  for (char k : keys) append_dtmf_tone(k, spec, out);
  out.insert(out.end(), 800, 0);
  return out;
}

// Two-pole resonator at `freq` Hz with bandwidth `bw` Hz (8 kHz).
struct Resonator {
  double a1 = 0, a2 = 0, y1 = 0, y2 = 0;
  void set(double freq, double bw) {
    double r = std::exp(-std::numbers::pi * bw / 8000);
    a1 = 2 * r * std::cos(2 * std::numbers::pi * freq / 8000);
    a2 = -r * r;
  }
  double step(double x) {
    double y = x + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    return y;
  }
};

// `seconds` of speech-like audio, peaks at about -4 dBFS. Vowel pairs
// are chosen with formants near DTMF rows and columns (e.g. /a/ ~700/1200 Hz),
// the hard case for talk-off.
inline std::vector<std::int16_t> speech_like(double seconds, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(-1, 1);
  const double vowels[][2] = {{700, 1220}, {300, 2300}, {500, 1500}, {640, 1190},
                              {270, 870},  {850, 1610}, {390, 1990}, {770, 1330}};
  std::vector<double> out;
  const std::size_t total = static_cast<std::size_t>(seconds * 8000);
  Resonator f1, f2, f3;
  double phase = 0;
  std::size_t i = 0;
  int syllable = 0;
  while (i < total) {
    const auto& v = vowels[(syllable * 5 + seed) % 8];
    f1.set(v[0], 80);
    f2.set(v[1], 100);
    f3.set(2600, 150);
    const std::size_t voiced = 1200 + rng() % 1200;  // 150-300 ms
    const double f0_start = 100 + (rng() % 120), f0_end = 90 + (rng() % 140);
    for (std::size_t n = 0; n < voiced && i < total; ++n, ++i) {
      double t = static_cast<double>(n) / static_cast<double>(voiced);
      double f0 = f0_start + (f0_end - f0_start) * t;
      phase += f0 / 8000;
      double pulse = 0;
      if (phase >= 1) {
        phase -= 1;
        pulse = 1;
      }
      double envelope = std::sin(std::numbers::pi * t);
      out.push_back(f3.step(f2.step(f1.step(pulse))) * envelope);
    }
    // A fricative or a pause between syllables.
    const std::size_t gap = 400 + rng() % 800;
    const bool fricative = rng() % 2;
    for (std::size_t n = 0; n < gap && i < total; ++n, ++i)
      out.push_back(fricative ? std::nan("") : 0.0);  // noise, scaled below
    ++syllable;
  }
  double peak = 1e-9;
  for (double x : out)
    if (!std::isnan(x)) peak = std::max(peak, std::abs(x));
  // Fricatives: white noise at a tenth of the loudest vowel peak.
  std::vector<std::int16_t> pcm;
  pcm.reserve(out.size());
  for (double x : out)
    pcm.push_back(static_cast<std::int16_t>(std::isnan(x) ? uni(rng) * 2000 : x / peak * 20000));
  return pcm;
}

}  // namespace keyline::media::testing
