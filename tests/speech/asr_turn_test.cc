// A speech turn ended by the VAD, over the real recognizer.
#include "speech/asr_turn.h"

#include <gtest/gtest.h>

#include <vector>

#include "asr_audio.h"
#include "speech/pocketsphinx_asr.h"

namespace keyline::speech {
namespace {

constexpr std::size_t kPacket = 160;  // 20 ms at 8 kHz

class AsrTurnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = make_pocketsphinx_engine();
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    asr_ = std::move(*engine);
    tts_ = make_flite_engine("rms");
    ASSERT_NE(tts_, nullptr);
  }

  // Feeds packets until the turn says it is over; returns packets fed.
  static std::size_t feed_until_over(AsrTurn& turn, const std::vector<std::int16_t>& pcm) {
    std::size_t packets = 0;
    for (std::size_t i = 0; i + kPacket <= pcm.size(); i += kPacket) {
      ++packets;
      auto over = turn.feed(std::span(pcm).subspan(i, kPacket));
      EXPECT_TRUE(over.ok());
      if (!over.ok() || *over) break;
    }
    return packets;
  }

  std::unique_ptr<AsrEngine> asr_;
  std::unique_ptr<TtsEngine> tts_;
};

TEST_F(AsrTurnTest, EndOfSpeechEndsTheTurn) {
  // The caller says the digits, then the line stays quiet for 5 s.
  const auto pcm = testing::spoken_over_phone(*tts_, "seven two one", 300, 5000);
  ASSERT_FALSE(pcm.empty());
  auto session = asr_->start(Grammar::digits(1, 8), 8000, {});
  ASSERT_TRUE(session.ok());
  AsrTurnConfig config;
  config.vad.trailing_silence_ms = 700;
  AsrTurn turn(std::move(*session), 8000, config);
  const std::size_t packets = feed_until_over(turn, pcm);
  EXPECT_TRUE(turn.over());
  EXPECT_TRUE(turn.speech_started());
  // Over well before the 5 s of silence ran out: about 700 ms into it.
  const std::size_t total = pcm.size() / kPacket;
  EXPECT_LT(packets, total - 150);  // at least 3 s of the silence unused
  auto r = turn.finish();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, AsrStatus::kMatch) << r->best.words;
  EXPECT_EQ(r->best.value, "721") << r->best.words;
}

TEST_F(AsrTurnTest, NoSpeechEndsAtTheNoInputTimeout) {
  const auto quiet = testing::through_ulaw(std::vector<std::int16_t>(8000 * 4));
  auto session = asr_->start(Grammar::yes_no(), 8000, {});
  ASSERT_TRUE(session.ok());
  AsrTurnConfig config;
  config.no_input_timeout_ms = 2000;
  AsrTurn turn(std::move(*session), 8000, config);
  EXPECT_EQ(feed_until_over(turn, quiet), 100u);  // 2 s of 20 ms packets
  EXPECT_FALSE(turn.speech_started());
  auto r = turn.finish();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, AsrStatus::kNoInput);
  EXPECT_DOUBLE_EQ(r->audio_seconds, 2.0);
}

TEST_F(AsrTurnTest, EndlessSpeechIsCutAtTheMaximum) {
  // Speech over and over with no pause long enough to end the turn.
  auto audio = tts_->synthesize("one two three four five six seven eight nine");
  ASSERT_TRUE(audio.ok());
  std::vector<std::int16_t> pcm;
  for (int i = 0; i < 6; ++i) pcm.insert(pcm.end(), audio->samples.begin(), audio->samples.end());
  auto session = asr_->start(Grammar::digits(1, 32), 8000, {});
  ASSERT_TRUE(session.ok());
  AsrTurnConfig config;
  config.max_speech_ms = 3000;
  AsrTurn turn(std::move(*session), 8000, config);
  const std::size_t packets = feed_until_over(turn, pcm);
  EXPECT_TRUE(turn.over());
  EXPECT_LE(packets, 3000u / 20 + 50);
  EXPECT_TRUE(turn.finish().ok());
  // Finished turns refuse more audio politely.
  EXPECT_TRUE(*turn.feed(pcm));
  EXPECT_FALSE(turn.finish().ok());
}

}  // namespace
}  // namespace keyline::speech
