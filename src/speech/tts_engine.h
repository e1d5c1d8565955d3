// Text-to-speech behind an interface, so flows and the prompt cache never
// see a TTS library and tests can substitute a fake engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::speech {

// Maximum text length an engine accepts: synthesis time grows with the
// text, and a prompt is a sentence or two, not a document.
constexpr std::size_t kMaxTtsTextBytes = 8192;

struct Audio {
  int sample_rate = 8000;
  std::vector<std::int16_t> samples;  // mono
};

class TtsEngine {
 public:
  virtual ~TtsEngine() = default;
  // Returns 8 kHz mono 16-bit audio. Text may hold private values (it is
  // rendered from flow variables), so implementations must never log it.
  virtual Result<Audio> synthesize(std::string_view text) = 0;
  // As synthesize(), at `rate` times the voice's normal speed (SSML
  // <prosody rate>; 0.5 is half as fast). Engines that cannot change speed
  // keep the default, which ignores it: slower speech is a nicety, not a
  // reason to fail a prompt.
  virtual Result<Audio> synthesize_at_rate(std::string_view text, double rate) {
    (void)rate;
    return synthesize(text);
  }
  virtual std::string_view name() const = 0;
  // The BCP 47 tag of the language the voice speaks: SSML say-as wording
  // (numbers, dates, amounts) follows it.
  virtual std::string_view language() const { return "en-US"; }
};

}  // namespace keyline::speech
