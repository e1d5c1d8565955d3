#include "speech/voice_catalog.h"

#include <gtest/gtest.h>

#include "media/level.h"

namespace keyline::speech {
namespace {

// A catalog independent of what is installed, for the selection rules.
VoiceCatalog sample_catalog() {
  return VoiceCatalog({
      {"flite", "kal", {"en-US", "en"}, 8000},
      {"flite", "slt", {"en-US", "en"}, 16000},
      {"espeak", "en-gb", {"en-gb", "en"}, 22050},
      {"espeak", "en-us", {"en-us", "en"}, 22050},
      {"espeak", "es", {"es"}, 22050},
      {"espeak", "es-419", {"es-419", "es-mx", "es"}, 22050},
      {"espeak", "fr-fr", {"fr-fr", "fr"}, 22050},
  });
}

std::string chosen(const VoiceCatalog& c, std::string_view language, std::string_view voice) {
  auto v = c.choose(language, voice);
  return v ? v->engine + ":" + v->name : "ERROR " + v.error().message;
}

TEST(VoiceCatalog, DefaultVoiceFollowsTheLanguage) {
  const auto c = sample_catalog();
  EXPECT_EQ(chosen(c, "en-US", ""), "flite:kal");  // flite first on a tie
  EXPECT_EQ(chosen(c, "en", "default"), "flite:kal");
  EXPECT_EQ(chosen(c, "en-GB", ""), "espeak:en-gb");  // an exact match beats kal
  EXPECT_EQ(chosen(c, "es", ""), "espeak:es");
  EXPECT_EQ(chosen(c, "es-MX", ""), "espeak:es-419");
  EXPECT_EQ(chosen(c, "es-AR", ""), "espeak:es");  // same language, no better fit
  EXPECT_EQ(chosen(c, "fr", ""), "espeak:fr-fr");
  EXPECT_EQ(chosen(c, "FR-fr", ""), "espeak:fr-fr");
  EXPECT_EQ(chosen(c, "ja", ""),
            "ERROR no installed voice speaks 'ja' (keyline voices lists them)");
}

TEST(VoiceCatalog, NamedVoices) {
  const auto c = sample_catalog();
  EXPECT_EQ(chosen(c, "en-US", "slt"), "flite:slt");
  EXPECT_EQ(chosen(c, "en-US", "cmu_us_slt"), "flite:slt");
  EXPECT_EQ(chosen(c, "en-US", "flite:SLT"), "flite:slt");
  EXPECT_EQ(chosen(c, "en-GB", "kal"), "flite:kal");  // same language, other accent
  EXPECT_EQ(chosen(c, "es-ES", "espeak:es"), "espeak:es");
  EXPECT_EQ(chosen(c, "en-US", "espeak:en-us"), "espeak:en-us");
}

TEST(VoiceCatalog, UnknownOrMismatchedVoiceIsAClearError) {
  const auto c = sample_catalog();
  EXPECT_EQ(chosen(c, "en-US", "awb"),
            "ERROR unknown voice 'awb' (keyline voices lists the installed ones)");
  EXPECT_EQ(chosen(c, "en-US", "espeak:kal"),
            "ERROR unknown voice 'espeak:kal' (keyline voices lists the installed ones)");
  EXPECT_EQ(chosen(c, "es", "kal"),
            "ERROR voice 'kal' speaks 'en-US', not 'es'; choose a voice for that language or "
            "leave voice empty");
  auto v = c.choose("es", "kal");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, "voice");
}

TEST(VoiceCatalog, InstalledVoicesCoverFliteAndEspeak) {
  const auto c = VoiceCatalog::installed();
  ASSERT_GT(c.voices().size(), 50u);
  EXPECT_EQ(c.voices()[0].name, "kal");
  EXPECT_EQ(chosen(c, "en-US", ""), "flite:kal");
  EXPECT_EQ(chosen(c, "en-US", "rms"), "flite:rms");
  EXPECT_EQ(chosen(c, "de-DE", ""), "espeak:de");
  EXPECT_EQ(chosen(c, "es-ES", ""), "espeak:es");
}

TEST(VoiceCatalog, MakesAWorkingEngineForTheChoice) {
  const auto c = VoiceCatalog::installed();
  for (auto [language, voice] : {std::pair{"en-US", "rms"}, std::pair{"es", ""}}) {
    auto info = c.choose(language, voice);
    ASSERT_TRUE(info.ok()) << language;
    auto engine = VoiceCatalog::make_engine(*info);
    ASSERT_TRUE(engine.ok()) << language;
    auto audio = (*engine)->synthesize("uno dos tres");
    ASSERT_TRUE(audio.ok());
    EXPECT_GT(media::rms_dbfs(audio->samples), -40.0);
  }
  auto missing = VoiceCatalog::make_engine({"flite", "awb", {"en-US"}, 16000});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "cannot start voice 'flite:awb'");
}

}  // namespace
}  // namespace keyline::speech
