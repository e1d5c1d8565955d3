// A prompt's text to audio: plain text is read as written, SSML (text that
// starts with "<speak") is parsed first, so its breaks become exact silence
// and its say-as values are worded before any engine sees them.
#pragma once

#include <string>

#include "base/result.h"
#include "speech/tts_engine.h"

namespace keyline::speech {

// 8 kHz audio for one prompt. Each SSML segment is synthesized on its own at
// its <prosody rate>; each <break> adds silence of exactly its length. The
// text may hold private values: the copies made while parsing are
// overwritten, and so is any partial audio when synthesis fails.
Result<Audio> speak_prompt(TtsEngine& engine, const std::string& text);

}  // namespace keyline::speech
