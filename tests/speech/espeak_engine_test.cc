#include "speech/espeak_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "media/level.h"

namespace keyline::speech {
namespace {

bool has_voice(std::string_view name) {
  auto voices = espeak_voices();
  return std::any_of(voices.begin(), voices.end(),
                     [&](const VoiceInfo& v) { return v.name == name; });
}

TEST(EspeakEngine, ListsTheLanguagesItShips) {
  const auto voices = espeak_voices();
  EXPECT_GT(voices.size(), 50u);
  for (auto name : {"en-us", "en-gb", "es", "fr-fr", "de"}) EXPECT_TRUE(has_voice(name)) << name;
  for (const auto& v : voices) {
    EXPECT_EQ(v.engine, "espeak");
    EXPECT_EQ(v.native_rate, 22050);
    ASSERT_FALSE(v.languages.empty());
    EXPECT_EQ(v.languages.front(), v.name);
  }
}

TEST(EspeakEngine, SynthesizesAudibleEightKilohertzEnglish) {
  auto engine = make_espeak_engine("en-us");
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->name(), "espeak:en-us");
  EXPECT_EQ(engine->language(), "en-us");
  auto audio = engine->synthesize("Welcome to Keyline");
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(audio->sample_rate, 8000);
  EXPECT_GT(audio->samples.size(), 4000u);   // > 0.5 s
  EXPECT_LT(audio->samples.size(), 40000u);  // < 5 s
  EXPECT_GT(media::rms_dbfs(audio->samples), -40.0);
}

TEST(EspeakEngine, SpeaksOtherLanguages) {
  for (auto [voice, text] :
       {std::pair{"es", "Bienvenido a Keyline"}, std::pair{"de", "Willkommen bei Keyline"},
        std::pair{"fr-fr", "Bienvenue chez Keyline"}}) {
    auto engine = make_espeak_engine(voice);
    ASSERT_NE(engine, nullptr) << voice;
    auto audio = engine->synthesize(text);
    ASSERT_TRUE(audio.ok()) << voice;
    EXPECT_EQ(audio->sample_rate, 8000);
    EXPECT_GT(audio->samples.size(), 4000u) << voice;
    EXPECT_GT(media::rms_dbfs(audio->samples), -40.0) << voice;
  }
}

TEST(EspeakEngine, SwitchingVoicesGivesEachItsOwnSpeech) {
  auto en = make_espeak_engine("en-us");
  auto es = make_espeak_engine("es");
  ASSERT_TRUE(en && es);
  auto a = en->synthesize("one two three");
  auto b = es->synthesize("one two three");
  auto c = en->synthesize("one two three");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  // Back to the same voice, the same speech. espeak-ng's output varies by a
  // few percent from call to call (its state carries over), so compare
  // lengths: Spanish reads the English words at a clearly different length.
  const auto len = [](const Audio& x) { return static_cast<double>(x.samples.size()); };
  EXPECT_NEAR(len(*a), len(*c), 0.1 * len(*a));
  EXPECT_GT(std::abs(len(*a) - len(*b)), 0.2 * len(*a));
  EXPECT_NE(a->samples, b->samples);
}

TEST(EspeakEngine, RateChangesDuration) {
  auto engine = make_espeak_engine("en-us");
  ASSERT_NE(engine, nullptr);
  const std::string text = "Please enter your account number followed by the pound key";
  auto normal = engine->synthesize_at_rate(text, 1.0);
  auto slow = engine->synthesize_at_rate(text, 0.5);
  ASSERT_TRUE(normal.ok() && slow.ok());
  EXPECT_GT(slow->samples.size(), normal->samples.size() * 3 / 2);
  EXPECT_FALSE(engine->synthesize_at_rate(text, 0.0).ok());
}

TEST(EspeakEngine, RejectsUnknownVoicesAndBadText) {
  EXPECT_EQ(make_espeak_engine("xx-nowhere"), nullptr);
  EXPECT_EQ(make_espeak_engine(""), nullptr);
  auto engine = make_espeak_engine("en-us");
  ASSERT_NE(engine, nullptr);
  auto blank = engine->synthesize("  \n");
  ASSERT_TRUE(blank.ok());
  EXPECT_TRUE(blank->samples.empty());
  EXPECT_FALSE(engine->synthesize(std::string(kMaxTtsTextBytes + 1, 'a')).ok());
  EXPECT_FALSE(engine->synthesize(std::string_view("a\0b", 3)).ok());
  // Markup is read as text, never obeyed: SSML is parsed before an engine sees it.
  auto markup = engine->synthesize("<break time=\"10s\"/>hi");
  ASSERT_TRUE(markup.ok());
  EXPECT_LT(markup->samples.size(), 8000u * 5);
}

TEST(EspeakEngine, EnginesOnSeparateThreads) {
  // espeak-ng is not re-entrant; the adapter serialises it.
  std::vector<std::size_t> sizes(2);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 2; ++i) {
    threads.emplace_back([&sizes, i] {
      auto engine = make_espeak_engine(i == 0 ? "en-us" : "es");
      if (!engine) return;
      for (int n = 0; n < 3; ++n) {
        auto audio = engine->synthesize("Press one for sales.");
        if (audio.ok()) sizes[i] += audio->samples.size();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(sizes[0], 0u);
  EXPECT_GT(sizes[1], 0u);
}

}  // namespace
}  // namespace keyline::speech
