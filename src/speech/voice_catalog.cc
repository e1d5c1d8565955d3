#include "speech/voice_catalog.h"

#include <string>

#include "speech/espeak_engine.h"
#include "speech/flite_engine.h"

namespace keyline::speech {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// How well a voice fits a language: 3 its main tag, 2 another tag it lists,
// 1 the same primary language, 0 not at all.
int fit(const VoiceInfo& v, std::string_view language) {
  if (!v.languages.empty() && same_language(v.languages.front(), language)) return 3;
  for (const auto& tag : v.languages)
    if (same_language(tag, language)) return 2;
  for (const auto& tag : v.languages)
    if (same_language(primary_subtag(tag), primary_subtag(language))) return 1;
  return 0;
}

// Names are user input from an app document, but they are not private: a
// voice name is configuration, so it may appear in an error.
std::string quoted_name(std::string_view s) { return "'" + std::string(s.substr(0, 64)) + "'"; }

}  // namespace

bool same_language(std::string_view a, std::string_view b) { return iequal(a, b); }

std::string_view primary_subtag(std::string_view tag) { return tag.substr(0, tag.find('-')); }

VoiceCatalog VoiceCatalog::installed() {
  auto voices = flite_voices();
  for (auto& v : espeak_voices()) voices.push_back(std::move(v));
  return VoiceCatalog(std::move(voices));
}

const VoiceInfo* VoiceCatalog::find(std::string_view voice) const {
  std::string_view engine;
  if (auto colon = voice.find(':'); colon != std::string_view::npos) {
    engine = voice.substr(0, colon);
    voice = voice.substr(colon + 1);
  }
  // flite's own names ("cmu_us_slt") are accepted beside the short ones.
  if (voice.substr(0, 7) == "cmu_us_" && (engine.empty() || engine == "flite")) {
    voice = voice.substr(7);
    engine = "flite";
  }
  for (const auto& v : voices_)
    if ((engine.empty() || iequal(engine, v.engine)) && iequal(voice, v.name)) return &v;
  return nullptr;
}

Result<VoiceInfo> VoiceCatalog::choose(std::string_view language, std::string_view voice) const {
  if (voice.empty() || voice == "default") {
    const VoiceInfo* best = nullptr;
    int best_fit = 0;
    for (const auto& v : voices_) {  // catalog order breaks ties: flite first
      const int f = fit(v, language);
      if (f > best_fit) best = &v, best_fit = f;
    }
    if (best == nullptr)
      return make_error("voice", "no installed voice speaks " + quoted_name(language) +
                                     " (keyline voices lists them)");
    return *best;
  }
  const VoiceInfo* found = find(voice);
  if (found == nullptr)
    return make_error("voice", "unknown voice " + quoted_name(voice) +
                                   " (keyline voices lists the installed ones)");
  if (fit(*found, language) == 0)
    return make_error("voice", "voice " + quoted_name(voice) + " speaks " +
                                   quoted_name(found->languages.front()) + ", not " +
                                   quoted_name(language) +
                                   "; choose a voice for that language or leave voice empty");
  return *found;
}

Result<std::unique_ptr<TtsEngine>> VoiceCatalog::make_engine(const VoiceInfo& voice) {
  std::unique_ptr<TtsEngine> engine;
  if (voice.engine == "flite") engine = make_flite_engine(voice.name);
  if (voice.engine == "espeak") engine = make_espeak_engine(voice.name);
  if (!engine)
    return make_error("voice",
                      "cannot start voice " + quoted_name(voice.engine + ":" + voice.name));
  return engine;
}

}  // namespace keyline::speech
