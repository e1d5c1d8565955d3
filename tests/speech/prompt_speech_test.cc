#include "speech/prompt_speech.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace keyline::speech {
namespace {

// A fake engine: 80 samples of a tone per character, so lengths are exact,
// and a record of what it was asked to say.
class RecordingEngine final : public TtsEngine {
 public:
  explicit RecordingEngine(std::string language = "en-US") : language_(std::move(language)) {}
  Result<Audio> synthesize(std::string_view text) override { return synthesize_at_rate(text, 1); }
  Result<Audio> synthesize_at_rate(std::string_view text, double rate) override {
    if (text == "fail") return make_error("tts", "fake failure");
    said.emplace_back(text);
    rates.push_back(rate);
    Audio audio;
    audio.samples.assign(text.size() * 80, 1000);
    return audio;
  }
  std::string_view name() const override { return "recording"; }
  std::string_view language() const override { return language_; }

  std::vector<std::string> said;
  std::vector<double> rates;

 private:
  std::string language_;
};

TEST(PromptSpeech, PlainTextIsReadAsWritten) {
  RecordingEngine engine;
  auto audio = speak_prompt(engine, "Press <1> for sales & more");
  ASSERT_TRUE(audio.ok());
  EXPECT_EQ(engine.said, std::vector<std::string>{"Press <1> for sales & more"});
  EXPECT_EQ(audio->samples.size(), 26u * 80);
}

TEST(PromptSpeech, AudioClipsReplaceTheirFallback) {
  RecordingEngine engine;
  auto clip = std::make_shared<const std::vector<std::int16_t>>(500, 7);
  AudioLookup lookup = [&](std::string_view src) { return src == "chime" ? clip : nullptr; };
  const std::string doc =
      "<speak>ab<audio src=\"chime\">fallback</audio><audio src=\"gone\">xyz</audio></speak>";
  auto audio = speak_prompt(engine, doc, lookup);
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  // The found clip is played and its fallback skipped; the missing one's fallback is said.
  EXPECT_EQ(engine.said, (std::vector<std::string>{"ab", "xyz"}));
  ASSERT_EQ(audio->samples.size(), 160u + 500 + 240);
  EXPECT_EQ(audio->samples[160], 7);
  EXPECT_EQ(audio->samples[659], 7);
  EXPECT_EQ(audio->samples[660], 1000);

  RecordingEngine without;
  ASSERT_TRUE(speak_prompt(without, doc).ok());  // no table: every fallback is said
  EXPECT_EQ(without.said, (std::vector<std::string>{"ab", "fallback", "xyz"}));
}

TEST(PromptSpeech, BreaksBecomeSilenceOfTheirLength) {
  RecordingEngine engine;
  auto audio =
      speak_prompt(engine, "<speak>ab<break time=\"500ms\"/>cde<break time=\"1s\"/></speak>");
  ASSERT_TRUE(audio.ok()) << audio.error().message;
  EXPECT_EQ(engine.said, (std::vector<std::string>{"ab", "cde"}));
  ASSERT_EQ(audio->sample_rate, 8000);
  // 2 chars, 500 ms (4000 samples) of silence, 3 chars, 1 s of silence.
  ASSERT_EQ(audio->samples.size(), 160u + 4000 + 240 + 8000);
  const auto& s = audio->samples;
  EXPECT_TRUE(std::all_of(s.begin(), s.begin() + 160, [](auto x) { return x == 1000; }));
  EXPECT_TRUE(std::all_of(s.begin() + 160, s.begin() + 4160, [](auto x) { return x == 0; }));
  EXPECT_TRUE(std::all_of(s.begin() + 4160, s.begin() + 4400, [](auto x) { return x == 1000; }));
  EXPECT_TRUE(std::all_of(s.begin() + 4400, s.end(), [](auto x) { return x == 0; }));
}

TEST(PromptSpeech, RatesAndSayAsReachTheEngine) {
  RecordingEngine engine;
  auto audio =
      speak_prompt(engine,
                   "<speak>You owe <prosody rate=\"slow\"><say-as interpret-as=\"currency\">"
                   "12.18</say-as></prosody></speak>");
  ASSERT_TRUE(audio.ok());
  EXPECT_EQ(engine.said,
            (std::vector<std::string>{"You owe", "twelve dollars and eighteen cents"}));
  EXPECT_EQ(engine.rates, (std::vector<double>{1.0, 0.75}));
}

TEST(PromptSpeech, OtherLanguagesGetNumerals) {
  RecordingEngine engine("es");
  auto audio =
      speak_prompt(engine, "<speak>Total <say-as interpret-as=\"number\">1234</say-as></speak>");
  ASSERT_TRUE(audio.ok());
  EXPECT_EQ(engine.said, std::vector<std::string>{"Total 1234"});
}

TEST(PromptSpeech, MalformedSsmlAndEngineFailuresAreErrors) {
  RecordingEngine engine;
  auto bad = speak_prompt(engine, "<speak>Hi <break time=\"x\"/></speak>");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, "ssml");
  EXPECT_EQ(bad.error().message, "line 1, column 11: break time must be 0ms to 10s");
  EXPECT_TRUE(engine.said.empty());
  auto failed = speak_prompt(engine, "<speak>one<break/>fail<break/>three</speak>");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "fake failure");
  EXPECT_EQ(engine.said, std::vector<std::string>{"one"});  // stopped at the failure
}

}  // namespace
}  // namespace keyline::speech
