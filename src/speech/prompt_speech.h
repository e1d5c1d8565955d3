// A prompt's text to audio: plain text is read as written, SSML (text that
// starts with "<speak") is parsed first, so its breaks become exact silence
// and its say-as values are worded before any engine sees them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "speech/tts_engine.h"

namespace keyline::speech {

// SSML <audio src>: the 8 kHz clip for a src, or null to say the element's
// fallback content instead. Hosts resolve src against the app's prompt table
// (ids only, never a path: SSML may carry a caller's values).
using AudioLookup =
    std::function<std::shared_ptr<const std::vector<std::int16_t>>(std::string_view src)>;

// 8 kHz audio for one prompt. Each SSML segment is synthesized on its own at
// its <prosody rate>; each <break> adds silence of exactly its length. The
// text may hold private values: the copies made while parsing are
// overwritten, and so is any partial audio when synthesis fails.
Result<Audio> speak_prompt(TtsEngine& engine, const std::string& text,
                           const AudioLookup& audio = nullptr);

}  // namespace keyline::speech
