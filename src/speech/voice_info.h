// What the catalog knows about one installed voice, shared by the engine
// adapters (which list their voices) and the catalog (which chooses one).
#pragma once

#include <string>
#include <vector>

namespace keyline::speech {

struct VoiceInfo {
  std::string engine;  // "flite" or "espeak"
  std::string name;    // what an app writes in settings.voice: "kal", "es"
  // BCP 47 tags, main one first ("en-US"); the rest are other languages the
  // voice is a reasonable choice for ("en").
  std::vector<std::string> languages;
  int native_rate = 0;  // Hz before resampling to the 8 kHz line
};

}  // namespace keyline::speech
