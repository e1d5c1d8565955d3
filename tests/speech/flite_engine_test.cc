#include "speech/flite_engine.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "media/level.h"

namespace keyline::speech {
namespace {

TEST(FliteEngine, SynthesizesAudibleEightKilohertzSpeech) {
  auto engine = make_flite_engine();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->name(), "flite:cmu_us_kal");
  auto audio = engine->synthesize("Welcome to Keyline");
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(audio->sample_rate, 8000);
  EXPECT_GT(audio->samples.size(), 4000u);   // > 0.5 s
  EXPECT_LT(audio->samples.size(), 40000u);  // < 5 s: a short phrase
  EXPECT_GT(media::rms_dbfs(audio->samples), -40.0);
}

TEST(FliteEngine, EmptyAndBlankTextGiveNoAudio) {
  auto engine = make_flite_engine();
  ASSERT_NE(engine, nullptr);
  for (std::string_view text : {"", "   ", "\n\t"}) {
    auto audio = engine->synthesize(text);
    ASSERT_TRUE(audio.ok());
    EXPECT_EQ(audio->sample_rate, 8000);
    EXPECT_TRUE(audio->samples.empty());
  }
}

TEST(FliteEngine, RejectsOversizedAndNulText) {
  auto engine = make_flite_engine();
  ASSERT_NE(engine, nullptr);
  auto too_long = engine->synthesize(std::string(kMaxTtsTextBytes + 1, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().kind, "tts");
  EXPECT_FALSE(engine->synthesize(std::string_view("one\0two", 7)).ok());
}

TEST(FliteEngine, LongerTextGivesLongerAudio) {
  auto engine = make_flite_engine();
  ASSERT_NE(engine, nullptr);
  auto one = engine->synthesize("One.");
  auto many = engine->synthesize("One. Two. Three. Four. Five. Six.");
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(many.ok());
  EXPECT_GT(many->samples.size(), 2 * one->samples.size());
}

TEST(FliteEngine, EngineOutlivesAnotherEngine) {
  // flite hands every caller the same voice; destroying one engine must not
  // free it under another.
  auto first = make_flite_engine();
  auto second = make_flite_engine();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  first.reset();
  auto audio = second->synthesize("Still here.");
  ASSERT_TRUE(audio.ok());
  EXPECT_GT(audio->samples.size(), 1000u);
}

TEST(FliteEngine, EnginesOnSeparateThreads) {
  // flite is not re-entrant; the adapter serialises it, so two engines on
  // two threads both succeed.
  std::vector<std::size_t> sizes(2);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 2; ++i) {
    threads.emplace_back([&sizes, i] {
      auto engine = make_flite_engine();
      if (!engine) return;
      for (int n = 0; n < 3; ++n) {
        auto audio = engine->synthesize("Press one for sales.");
        if (audio.ok()) sizes[i] += audio->samples.size();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(sizes[0], 0u);
  EXPECT_EQ(sizes[0], sizes[1]);
}

}  // namespace
}  // namespace keyline::speech
