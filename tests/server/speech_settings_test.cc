// The `tts:` config section and the choice of voice per app and language.
#include <gtest/gtest.h>

#include "flow/app_document.h"
#include "server/app_voices.h"
#include "server/config.h"

namespace keyline::server {
namespace {

TEST(TtsConfig, DefaultsAreMemoryOnly) {
  Config c = default_config();
  EXPECT_TRUE(c.tts_cache.disk_dir.empty());
  EXPECT_EQ(c.tts_cache.memory_entries, 512u);
}

TEST(TtsConfig, ReadsEveryKeyAndResolvesTheDirectory) {
  auto c = parse_config(
      "tts:\n  cache:\n    memory_entries: 100\n    memory_mb: 8\n    disk_dir: cache/tts\n"
      "    disk_max_mb: 32\n    disk_ttl_hours: 48\n",
      "k.yaml", "/etc/keyline");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->tts_cache.memory_entries, 100u);
  EXPECT_EQ(c->tts_cache.memory_bytes, 8u << 20);
  EXPECT_EQ(c->tts_cache.disk_dir, "/etc/keyline/cache/tts");
  EXPECT_EQ(c->tts_cache.disk_max_bytes, 32u << 20);
  EXPECT_EQ(c->tts_cache.disk_ttl, std::chrono::hours(48));
}

TEST(TtsConfig, BadValuesAreReportedWithTheirPosition) {
  auto c = parse_config(
      "tts:\n  cache:\n    memory_mb: 0\n    disk_ttl_hours: -5\n    disk_max_mb: lots\n"
      "    color: red\n  engine: x\n",
      "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("k.yaml:3:16: tts.cache.memory_mb: must be a whole number from 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("tts.cache.disk_ttl_hours: must be a whole number"), std::string::npos) << m;
  EXPECT_NE(m.find("tts.cache.disk_max_mb: must be a whole number"), std::string::npos) << m;
  EXPECT_NE(m.find("tts.cache.color: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("tts.engine: unknown key"), std::string::npos) << m;
}

speech::VoiceCatalog catalog() {
  return speech::VoiceCatalog({{"flite", "kal", {"en-US", "en"}, 8000},
                               {"flite", "slt", {"en-US", "en"}, 16000},
                               {"espeak", "en-us", {"en-us", "en"}, 22050},
                               {"espeak", "es", {"es"}, 22050},
                               {"espeak", "fr-fr", {"fr-fr", "fr"}, 22050}});
}

TEST(AppVoice, AppSettingsThenTheLanguagesDefault) {
  flow::AppSettings s;
  s.language = "en-US";
  const auto voices = catalog();
  EXPECT_EQ(app_voice(s, voices, "en-US")->name, "kal");  // English: flite
  EXPECT_EQ(app_voice(s, voices, "es-MX")->name, "es");   // others: espeak-ng
  s.voice = "slt";
  EXPECT_EQ(app_voice(s, voices, "en-US")->name, "slt");
  EXPECT_EQ(app_voice(s, voices, "en-GB")->name, "slt");  // the app's own language
  EXPECT_EQ(app_voice(s, voices, "fr-FR")->name, "fr-fr");
  s.voices["en-GB"] = "espeak:en-us";
  s.voices["fr"] = "fr-fr";
  EXPECT_EQ(app_voice(s, voices, "en-GB")->engine, "espeak");
  EXPECT_EQ(app_voice(s, voices, "en-US")->name, "slt");
  EXPECT_EQ(app_voice(s, voices, "fr-CA")->name, "fr-fr");
  s.voices["es"] = "kal";  // English voice for Spanish: an error, not a silent mismatch
  EXPECT_FALSE(app_voice(s, voices, "es"));
}

TEST(AppVoice, CheckNamesEveryLanguageTheAppCanReach) {
  auto app = flow::parse_app(R"({"name": "v", "settings": {"voice": "awb", "voices": {"es": "es"}},
    "pages": [{"name": "p", "modules": [{"type": "language", "name": "l", "prompt": "1 or 2",
      "options": {"1": "es", "2": "de"}}]}]})",
                             "v.json");
  ASSERT_TRUE(app) << app.error().message;
  const auto problems = check_app_voices(*app, catalog());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("v.json: voice for 'de': no installed voice speaks 'de'"),
            std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find("v.json: voice for 'en-US': unknown voice 'awb'"), std::string::npos)
      << problems[1];
}

}  // namespace
}  // namespace keyline::server
