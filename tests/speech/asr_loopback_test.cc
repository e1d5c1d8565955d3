// The real recognition path: flite speech through G.711 µ-law at 8 kHz into
// pocketsphinx with Debian's en-us model. Phrases were chosen from those the
// bench (bench/asr_bench) recognizes every time with the rms voice.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "asr_audio.h"
#include "speech/asr_engine.h"
#include "speech/pocketsphinx_asr.h"
#include "speech/resample.h"

namespace keyline::speech {
namespace {

class AsrLoopback : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = make_pocketsphinx_engine();
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    asr_ = std::move(*engine);
    tts_ = make_flite_engine("rms");
    ASSERT_NE(tts_, nullptr);
  }

  AsrResult recognize(const Grammar& grammar, const std::vector<std::int16_t>& pcm,
                      int rate = 8000) {
    auto session = asr_->start(grammar, rate, AsrOptions{});
    EXPECT_TRUE(session.ok()) << session.error().message;
    if (!session.ok()) return {};
    // 20 ms packets, as a call delivers them.
    const std::size_t packet = static_cast<std::size_t>(rate) / 50;
    for (std::size_t i = 0; i < pcm.size(); i += packet) {
      auto fed = (*session)->feed(std::span(pcm).subspan(i, std::min(packet, pcm.size() - i)));
      EXPECT_TRUE(fed.ok());
    }
    auto result = (*session)->finish();
    EXPECT_TRUE(result.ok()) << result.error().message;
    return result.ok() ? *result : AsrResult{};
  }

  AsrResult say(const Grammar& grammar, const std::string& text) {
    auto pcm = testing::spoken_over_phone(*tts_, text);
    EXPECT_FALSE(pcm.empty());
    return recognize(grammar, pcm);
  }

  std::unique_ptr<AsrEngine> asr_;
  std::unique_ptr<TtsEngine> tts_;
};

TEST_F(AsrLoopback, YesAndNo) {
  for (auto [text, value] :
       {std::pair{"yes", "true"}, {"no", "false"}, {"yeah", "true"}, {"nope", "false"}}) {
    const auto r = say(Grammar::yes_no(), text);
    EXPECT_EQ(r.status, AsrStatus::kMatch) << text << " heard as " << r.best.words;
    EXPECT_EQ(r.best.value, value) << text << " heard as " << r.best.words;
    EXPECT_GE(r.best.confidence, 0.5) << text;
    EXPECT_LE(r.best.confidence, 1.0) << text;
    ASSERT_FALSE(r.nbest.empty());
    EXPECT_EQ(r.nbest[0].words, r.best.words);
  }
}

TEST_F(AsrLoopback, DigitStrings) {
  const auto grammar = Grammar::digits(1, 10);
  for (auto [text, value] : {std::pair{"one two three four", "1234"},
                             {"nine eight seven", "987"},
                             {"four one one", "411"},
                             {"five five five one two one two", "5551212"}}) {
    const auto r = say(grammar, text);
    EXPECT_EQ(r.status, AsrStatus::kMatch) << text << " heard as " << r.best.words;
    EXPECT_EQ(r.best.value, value) << text << " heard as " << r.best.words;
  }
}

TEST_F(AsrLoopback, NbestIsDistinctOrderedAndInterpreted) {
  const auto grammar = Grammar::digits(1, 10);
  const auto r = say(grammar, "eight six three");
  ASSERT_FALSE(r.nbest.empty());
  EXPECT_EQ(r.nbest[0].value, "863") << r.nbest[0].words;
  EXPECT_LE(r.nbest.size(), AsrOptions{}.max_nbest);
  for (std::size_t i = 0; i < r.nbest.size(); ++i) {
    const auto& h = r.nbest[i];
    auto value = interpret(grammar, h.words);
    ASSERT_TRUE(value.ok()) << h.words;
    EXPECT_EQ(h.value, *value);
    EXPECT_LE(h.confidence, r.best.confidence);
    EXPECT_GE(h.confidence, 0.0);
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(h.words, r.nbest[j].words);
  }
  AsrResult copy = r;
  copy.wipe();
  EXPECT_TRUE(copy.best.words.empty());
  EXPECT_TRUE(copy.best.value.empty());
  EXPECT_TRUE(copy.nbest.empty());
}

TEST_F(AsrLoopback, MenuPhrases) {
  const auto grammar = Grammar::menu({{"sales", {"sales", "buy something"}},
                                      {"support", {"support", "technical support"}},
                                      {"balance", {"account balance"}},
                                      {"agent", {"operator", "agent"}}});
  for (auto [text, value] : {std::pair{"sales", "sales"},
                             {"technical support", "support"},
                             {"account balance", "balance"},
                             {"operator", "agent"}}) {
    const auto r = say(grammar, text);
    EXPECT_EQ(r.status, AsrStatus::kMatch) << text << " heard as " << r.best.words;
    EXPECT_EQ(r.best.value, value) << text << " heard as " << r.best.words;
  }
}

TEST_F(AsrLoopback, NumberInWords) {
  const auto r = say(Grammar::number(), "two hundred and fifty");
  EXPECT_EQ(r.status, AsrStatus::kMatch) << r.best.words;
  EXPECT_EQ(r.best.value, "250") << r.best.words;
}

TEST_F(AsrLoopback, SilenceIsNoInput) {
  const std::vector<std::int16_t> silence = testing::through_ulaw(std::vector<std::int16_t>(16000));
  const auto r = recognize(Grammar::yes_no(), silence);
  EXPECT_EQ(r.status, AsrStatus::kNoInput);
  EXPECT_TRUE(r.best.words.empty());
  EXPECT_TRUE(r.nbest.empty());
  EXPECT_DOUBLE_EQ(r.audio_seconds, 2.0);
}

TEST_F(AsrLoopback, OutOfGrammarSpeechIsNoMatch) {
  for (const char* text : {"what is the weather like today", "pizza with extra cheese"}) {
    const auto r = say(Grammar::yes_no(), text);
    EXPECT_EQ(r.status, AsrStatus::kNoMatch)
        << text << " heard as " << r.best.words << " " << r.best.confidence;
    EXPECT_LT(r.best.confidence, 0.5) << text;
  }
}

TEST_F(AsrLoopback, WidebandInput) {
  auto pcm = testing::spoken_over_phone(*tts_, "three one four");
  ASSERT_FALSE(pcm.empty());
  const auto r = recognize(Grammar::digits(3, 3), resample(pcm, 8000, 16000), 16000);
  EXPECT_EQ(r.status, AsrStatus::kMatch) << r.best.words;
  EXPECT_EQ(r.best.value, "314") << r.best.words;
}

TEST_F(AsrLoopback, ThresholdIsTheCallersChoice) {
  auto pcm = testing::spoken_over_phone(*tts_, "yes");
  auto session = asr_->start(Grammar::yes_no(), 8000, AsrOptions{.confidence_threshold = 1.01});
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->feed(pcm).ok());
  auto r = (*session)->finish();
  ASSERT_TRUE(r.ok());
  // The words are still reported; only the verdict changes.
  EXPECT_EQ(r->status, AsrStatus::kNoMatch);
  EXPECT_EQ(r->best.value, "true");
  EXPECT_FALSE((*session)->finish().ok());
  EXPECT_FALSE((*session)->feed(pcm).ok());
}

}  // namespace
}  // namespace keyline::speech
