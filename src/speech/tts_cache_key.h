// The content address of a rendered prompt: everything that changes the
// audio (engine, voice, speaking rate, the exact text, the codec, and for
// SSML with <audio> the app whose clips it mixes in) hashed with SHA-256.
// The hash names the file in the disk tier, so the text itself is never
// written to disk; collisions are as unlikely as SHA-256's.
#pragma once

#include <string>
#include <string_view>

#include "media/codec.h"

namespace keyline::speech {

struct TtsCacheKey {
  std::string_view engine;  // "flite", "espeak", or the default engine's name
  std::string_view voice;
  double rate = 1.0;
  std::string_view text;
  media::Codec codec = media::Codec::kPcmu;
  std::string_view audio_scope;  // whose <audio> clips: empty when none
};

// 64 lowercase hex digits. Fields are length-prefixed, so ("ab", "c") and
// ("a", "bc") cannot hash alike.
std::string tts_cache_hash(const TtsCacheKey& key);

}  // namespace keyline::speech
