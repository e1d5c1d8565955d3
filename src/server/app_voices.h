// Which installed voice speaks an app's prompts in a given language: the
// app's choice for that language, else the catalog's default for it (flite
// for English, espeak-ng for the rest). A call asks again whenever a
// Language module switches the session language.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "flow/app_document.h"
#include "speech/voice_catalog.h"

namespace keyline::server {

// settings.voices[language] or settings.voice for the app's own language -
// the same tag first, then the same primary language, `voices` winning a
// tie - else the catalog's best voice for `language`.
Result<speech::VoiceInfo> app_voice(const flow::AppSettings& settings,
                                    const speech::VoiceCatalog& catalog, std::string_view language);

// Every voice the app can need (its language, each `voices` entry, each
// Language module option) resolved now, so a typo fails `keyline validate`
// and the server's start rather than a call. "file: message" lines.
std::vector<std::string> check_app_voices(const flow::AppDocument& app,
                                          const speech::VoiceCatalog& catalog);

}  // namespace keyline::server
