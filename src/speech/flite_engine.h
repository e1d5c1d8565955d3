// The flite adapter: the only file that includes flite headers.
#pragma once

#include <cstddef>
#include <memory>

#include "speech/tts_engine.h"

namespace keyline::speech {

// Maximum text length accepted by the flite engine: synthesis time grows
// with the text, and a prompt is a sentence or two, not a document.
constexpr std::size_t kMaxTtsTextBytes = 8192;

// flite linked as a library with the cmu_us_kal voice, resampled to 8 kHz
// when the voice's rate differs. synthesize() may run on a worker thread;
// calls are serialised (flite is not re-entrant). Returns nullptr if the
// voice cannot be loaded.
std::unique_ptr<TtsEngine> make_flite_engine();

}  // namespace keyline::speech
