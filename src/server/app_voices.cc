#include "server/app_voices.h"

#include <set>

namespace keyline::server {

Result<speech::VoiceInfo> app_voice(const flow::AppSettings& settings,
                                    const speech::VoiceCatalog& catalog,
                                    std::string_view language) {
  // An exact tag beats a primary-language match; at equal match `voices` beats `voice`.
  const std::string* chosen = nullptr;
  int best = 0;
  for (const auto& [lang, voice] : settings.voices) {
    const int score = flow::language_match(lang, language) * 2;
    if (score > best) chosen = &voice, best = score;
  }
  if (!settings.voice.empty()) {
    const int score = flow::language_match(settings.language, language) * 2 - 1;
    if (score > best) chosen = &settings.voice, best = score;
  }
  return catalog.choose(language, chosen ? std::string_view(*chosen) : std::string_view());
}

std::vector<std::string> check_app_voices(const flow::AppDocument& app,
                                          const speech::VoiceCatalog& catalog) {
  std::set<std::string> languages = {app.settings.language};
  for (const auto& [lang, voice] : app.settings.voices) languages.insert(lang);
  for (const auto& page : app.pages)
    for (const auto& module : page.modules)
      if (const auto* l = std::get_if<flow::LanguageSettings>(&module.settings))
        for (const auto& option : l->options) languages.insert(option.language);
  std::vector<std::string> problems;
  for (const auto& lang : languages) {
    auto voice = app_voice(app.settings, catalog, lang);
    if (!voice)
      problems.push_back(app.file_name + ": voice for '" + lang + "': " + voice.error().message);
  }
  return problems;
}

}  // namespace keyline::server
