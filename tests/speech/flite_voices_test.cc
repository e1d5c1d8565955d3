#include <gtest/gtest.h>

#include <string>

#include "media/level.h"
#include "speech/flite_engine.h"

namespace keyline::speech {
namespace {

TEST(FliteVoices, ListsKalSltAndRms) {
  const auto voices = flite_voices();
  ASSERT_EQ(voices.size(), 3u);
  EXPECT_EQ(voices[0].name, "kal");
  EXPECT_EQ(voices[0].native_rate, 8000);
  EXPECT_EQ(voices[1].name, "slt");
  EXPECT_EQ(voices[1].native_rate, 16000);
  EXPECT_EQ(voices[2].name, "rms");
  EXPECT_EQ(voices[2].native_rate, 16000);
  for (const auto& v : voices) {
    EXPECT_EQ(v.engine, "flite");
    EXPECT_EQ(v.languages.front(), "en-US");
  }
}

TEST(FliteVoices, WidebandVoicesSpeakAtEightKilohertz) {
  for (auto [voice, name] :
       {std::pair{"slt", "flite:cmu_us_slt"}, std::pair{"cmu_us_rms", "flite:cmu_us_rms"}}) {
    auto engine = make_flite_engine(voice);
    ASSERT_NE(engine, nullptr) << voice;
    EXPECT_EQ(engine->name(), name);
    auto audio = engine->synthesize("Welcome to Keyline");
    ASSERT_TRUE(audio.ok()) << voice;
    EXPECT_EQ(audio->sample_rate, 8000);
    EXPECT_GT(audio->samples.size(), 4000u) << voice;   // > 0.5 s
    EXPECT_LT(audio->samples.size(), 40000u) << voice;  // < 5 s
    EXPECT_GT(media::rms_dbfs(audio->samples), -40.0) << voice;
  }
}

TEST(FliteVoices, VoicesSoundDifferent) {
  auto kal = make_flite_engine("kal");
  auto slt = make_flite_engine("slt");
  ASSERT_TRUE(kal && slt);
  auto a = kal->synthesize("Thank you");
  auto b = slt->synthesize("Thank you");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->samples, b->samples);
}

TEST(FliteVoices, RateChangesDurationAndDoesNotLeak) {
  auto engine = make_flite_engine("slt");
  ASSERT_NE(engine, nullptr);
  const std::string text = "Please enter your account number";
  auto normal = engine->synthesize(text);
  auto slow = engine->synthesize_at_rate(text, 0.5);
  auto again = engine->synthesize(text);  // the shared voice is back at normal speed
  ASSERT_TRUE(normal.ok() && slow.ok() && again.ok());
  EXPECT_GT(slow->samples.size(), normal->samples.size() * 3 / 2);
  EXPECT_EQ(again->samples.size(), normal->samples.size());
  EXPECT_FALSE(engine->synthesize_at_rate(text, 10.0).ok());
}

TEST(FliteVoices, UnknownVoiceGivesNoEngine) {
  EXPECT_EQ(make_flite_engine("awb"), nullptr);
  EXPECT_EQ(make_flite_engine(""), nullptr);
}

}  // namespace
}  // namespace keyline::speech
