// The installed voices, and the choice of one for an app's settings.language
// and settings.voice. Apps name a voice; the catalog turns the name into an
// engine, or into an error a builder can act on.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "speech/tts_engine.h"
#include "speech/voice_info.h"

namespace keyline::speech {

class VoiceCatalog {
 public:
  // The voices this build can speak with: flite's first (kal, the default,
  // then slt and rms), then every espeak-ng language.
  static VoiceCatalog installed();
  explicit VoiceCatalog(std::vector<VoiceInfo> voices) : voices_(std::move(voices)) {}

  const std::vector<VoiceInfo>& voices() const { return voices_; }

  // The voice for an app. `voice` may be a catalog name ("slt", "es"), a
  // flite full name ("cmu_us_slt") or engine-qualified ("flite:slt",
  // "espeak:es"); empty or "default" picks the best voice for `language`.
  // A named voice must speak the app's language (same primary subtag:
  // "en-GB" accepts an "en-US" voice, "es" does not), so an app cannot read
  // Spanish prompts with an English voice by accident.
  Result<VoiceInfo> choose(std::string_view language, std::string_view voice) const;

  // An engine for a chosen voice (nullptr-free: an engine that cannot start
  // is an error).
  static Result<std::unique_ptr<TtsEngine>> make_engine(const VoiceInfo& voice);

 private:
  const VoiceInfo* find(std::string_view voice) const;
  std::vector<VoiceInfo> voices_;
};

// Case-insensitive comparison of language tags ("en-US" and "en-us" are the same).
bool same_language(std::string_view a, std::string_view b);
// "en" from "en-US".
std::string_view primary_subtag(std::string_view tag);

}  // namespace keyline::speech
