// The flite adapter: the only file that includes flite headers.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "speech/tts_engine.h"
#include "speech/voice_info.h"

namespace keyline::speech {

// The flite voices linked into this build: cmu_us_kal (8 kHz diphone, the
// default), cmu_us_slt and cmu_us_rms (16 kHz unit selection, clearer).
std::vector<VoiceInfo> flite_voices();

// flite linked as a library with the named voice ("kal", "slt", "rms" or
// the full "cmu_us_slt"), resampled to 8 kHz when the voice's rate differs.
// synthesize() may run on a worker thread; calls are serialised (flite is
// not re-entrant). Returns nullptr for an unknown voice or one that cannot
// be loaded.
std::unique_ptr<TtsEngine> make_flite_engine(std::string_view voice = "kal");

}  // namespace keyline::speech
