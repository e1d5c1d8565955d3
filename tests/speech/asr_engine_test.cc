// The pocketsphinx adapter's contract beyond recognition itself: errors as
// values, the decoder pool, and sessions on several threads.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "asr_audio.h"
#include "speech/pocketsphinx_asr.h"

namespace keyline::speech {
namespace {

TEST(PocketsphinxEngine, MissingModelIsAnError) {
  auto engine = make_pocketsphinx_engine({.model_dir = "/nonexistent/keyline-model"});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().kind, "asr");
  EXPECT_NE(engine.error().message.find("pocketsphinx-en-us"), std::string::npos);
  EXPECT_FALSE(make_pocketsphinx_engine({.max_decoders = 0}).ok());
}

TEST(PocketsphinxEngine, BadRequestsAreErrors) {
  auto engine = make_pocketsphinx_engine();
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto& asr = **engine;
  EXPECT_EQ(asr.name(), "pocketsphinx:en-us");
  auto rate = asr.start(Grammar::yes_no(), 11025, {});
  ASSERT_FALSE(rate.ok());
  EXPECT_EQ(rate.error().kind, "asr");

  auto unknown = asr.start(Grammar::menu({{"1", {"zqxjkw"}}}), 8000, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, "grammar");
  EXPECT_NE(unknown.error().message.find("zqxjkw"), std::string::npos);

  auto broken =
      asr.start(Grammar::custom("#JSGF V1.0; grammar g; public <a> = (yes | ;"), 8000, {});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, "grammar");

  // The decoder survives the failures and still recognizes.
  auto ok =
      asr.start(Grammar::custom("#JSGF V1.0; grammar g; public <a> = red | green;"), 8000, {});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
}

TEST(PocketsphinxEngine, WritesNothingToStderr) {
  // sphinxbase logs hypotheses (what the caller said) to stderr unless
  // silenced; the adapter silences it before loading anything.
  ::testing::internal::CaptureStderr();
  {
    auto engine = make_pocketsphinx_engine();
    ASSERT_TRUE(engine.ok());
    auto tts = make_flite_engine("rms");
    ASSERT_NE(tts, nullptr);
    auto session = (*engine)->start(Grammar::digits(1, 8), 8000, {});
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->feed(testing::spoken_over_phone(*tts, "four four two")).ok());
    auto r = (*session)->finish();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->best.value, "442");
    // A grammar the recognizer rejects is where it would complain loudest.
    EXPECT_FALSE((*engine)->start(Grammar::custom("#JSGF V1.0; public <a> = (;"), 8000, {}).ok());
  }
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(logged, "");
}

TEST(PocketsphinxEngine, OverlongUtteranceIsRefused) {
  auto engine = make_pocketsphinx_engine();
  ASSERT_TRUE(engine.ok());
  auto session = (*engine)->start(Grammar::yes_no(), 8000, {});
  ASSERT_TRUE(session.ok());
  const std::vector<std::int16_t> second(8000);
  for (int i = 0; i < static_cast<int>(kMaxUtteranceSeconds); ++i)
    ASSERT_TRUE((*session)->feed(second).ok()) << i;
  EXPECT_FALSE((*session)->feed(second).ok());
  auto r = (*session)->finish();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, AsrStatus::kNoInput);
}

TEST(PocketsphinxEngine, PoolLendsEachDecoderToOneSessionAtATime) {
  auto engine = make_pocketsphinx_engine({.max_decoders = 1});
  ASSERT_TRUE(engine.ok());
  auto first = (*engine)->start(Grammar::yes_no(), 8000, {});
  ASSERT_TRUE(first.ok());
  auto second = (*engine)->start(Grammar::yes_no(), 8000, {});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("busy"), std::string::npos);
  first->reset();  // returns the decoder
  auto third = (*engine)->start(Grammar::digits(1, 4), 8000, {});
  EXPECT_TRUE(third.ok());
}

TEST(PocketsphinxEngine, SessionOutlivesEngine) {
  auto engine = make_pocketsphinx_engine();
  ASSERT_TRUE(engine.ok());
  auto session = (*engine)->start(Grammar::yes_no(), 8000, {});
  ASSERT_TRUE(session.ok());
  engine->reset();
  ASSERT_TRUE((*session)->feed(std::vector<std::int16_t>(800)).ok());
  EXPECT_TRUE((*session)->finish().ok());
}

TEST(PocketsphinxEngine, SessionsOnSeparateThreads) {
  auto engine = make_pocketsphinx_engine({.max_decoders = 2});
  ASSERT_TRUE(engine.ok());
  auto tts = make_flite_engine("rms");
  ASSERT_NE(tts, nullptr);
  const auto yes = testing::spoken_over_phone(*tts, "yes");
  const auto digits = testing::spoken_over_phone(*tts, "two four six");
  ASSERT_FALSE(yes.empty());
  ASSERT_FALSE(digits.empty());

  std::atomic<int> correct{0};
  auto run = [&](const Grammar& g, const std::vector<std::int16_t>& pcm, const std::string& want) {
    for (int i = 0; i < 2; ++i) {
      auto session = (*engine)->start(g, 8000, {});
      if (!session.ok() || !(*session)->feed(pcm).ok()) continue;
      auto r = (*session)->finish();
      if (r.ok() && r->best.value == want) ++correct;
    }
  };
  std::thread a(run, Grammar::yes_no(), std::cref(yes), "true");
  std::thread b(run, Grammar::digits(3, 3), std::cref(digits), "246");
  a.join();
  b.join();
  EXPECT_EQ(correct.load(), 4);
}

}  // namespace
}  // namespace keyline::speech
