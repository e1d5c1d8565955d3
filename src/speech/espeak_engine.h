// The espeak-ng adapter: the only file that includes espeak-ng headers.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "speech/tts_engine.h"
#include "speech/voice_info.h"

namespace keyline::speech {

// Every language voice espeak-ng ships (its variants are left out), named by
// its main language tag: "en-us", "es", "fr-fr", "de". Empty if espeak-ng's
// data cannot be found.
std::vector<VoiceInfo> espeak_voices();

// espeak-ng linked as a library, speaking the voice for `language` (a name
// from espeak_voices()), resampled from its native 22.05 kHz to 8 kHz.
// synthesize() may run on a worker thread; calls are serialised (espeak-ng
// is not re-entrant). Returns nullptr for an unknown voice or if espeak-ng
// cannot start.
std::unique_ptr<TtsEngine> make_espeak_engine(std::string_view language);

}  // namespace keyline::speech
