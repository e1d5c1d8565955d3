// Text-to-speech behind an interface, so flows and the prompt cache never
// see a TTS library and tests can substitute a fake engine.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::speech {

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
  virtual std::string_view name() const = 0;
};

}  // namespace keyline::speech
