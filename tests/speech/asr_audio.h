// Test audio for the recognizer: a flite voice speaking a phrase, carried
// over a G.711 µ-law phone line at 8 kHz, with silence around it as a caller
// would leave.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/g711.h"
#include "speech/flite_engine.h"

namespace keyline::speech::testing {

inline std::vector<std::int16_t> through_ulaw(const std::vector<std::int16_t>& pcm) {
  std::vector<std::uint8_t> line(pcm.size());
  media::encode_g711(media::G711::kUlaw, pcm, line);
  std::vector<std::int16_t> out(line.size());
  media::decode_g711(media::G711::kUlaw, line, out);
  return out;
}

// Empty on a synthesis failure (the caller asserts on it).
inline std::vector<std::int16_t> spoken_over_phone(TtsEngine& tts, const std::string& text,
                                                   int lead_ms = 400, int tail_ms = 600) {
  auto audio = tts.synthesize(text);
  if (!audio.ok() || audio->samples.empty()) return {};
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(lead_ms) * 8, 0);
  pcm.insert(pcm.end(), audio->samples.begin(), audio->samples.end());
  pcm.insert(pcm.end(), static_cast<std::size_t>(tail_ms) * 8, 0);
  return through_ulaw(pcm);
}

}  // namespace keyline::speech::testing
