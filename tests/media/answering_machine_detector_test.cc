#include "media/answering_machine_detector.h"

#include <gtest/gtest.h>

#include <random>

#include "amd_signals.h"

namespace keyline::media {
namespace {

using test::AnswerBuilder;

struct AmdRun {
  CalleeType result = CalleeType::kProcessing;
  std::string reason;
  std::int64_t decision_ms = -1;
  std::int64_t ready_ms = -1;
  int decisions = 0;  // how many times feed() returned a decision
};

// Feeds `pcm` in frames of `frame` samples (the last may be shorter), to the end.
AmdRun run(const std::vector<std::int16_t>& pcm, std::size_t frame = 160,
           AmdSettings settings = {}) {
  AnsweringMachineDetector amd(settings);
  AmdRun r;
  for (std::size_t i = 0; i < pcm.size(); i += frame) {
    const auto n = std::min(frame, pcm.size() - i);
    if (auto d = amd.feed(std::span(pcm).subspan(i, n))) {
      ++r.decisions;
      EXPECT_NE(*d, CalleeType::kProcessing);
      EXPECT_EQ(*d, amd.result());
    }
  }
  r.result = amd.result();
  r.reason = std::string(amd.reason());
  r.decision_ms = amd.decision_ms();
  r.ready_ms = amd.ready_for_message() ? amd.ready_ms() : -1;
  return r;
}

TEST(CalleeTypeName, SpellsEveryType) {
  EXPECT_EQ(callee_type_name(CalleeType::kProcessing), "processing");
  EXPECT_EQ(callee_type_name(CalleeType::kVoice), "voice");
  EXPECT_EQ(callee_type_name(CalleeType::kAnsweringMachine), "answeringmachine");
  EXPECT_EQ(callee_type_name(CalleeType::kFax), "fax");
  EXPECT_EQ(callee_type_name(CalleeType::kUnknown), "unknown");
}

TEST(Amd, ProcessingUntilDecided) {
  AnsweringMachineDetector amd;
  EXPECT_EQ(amd.result(), CalleeType::kProcessing);
  EXPECT_FALSE(amd.ready_for_message());
  EXPECT_EQ(amd.reason(), "");
  const auto pcm = AnswerBuilder().silence(500).pcm();
  EXPECT_FALSE(amd.feed(pcm).has_value());
  EXPECT_EQ(amd.result(), CalleeType::kProcessing);
}

TEST(Amd, ShortGreetingThenWaitingIsAPerson) {
  // "Hello?" and the person waits for the caller.
  const auto pcm = AnswerBuilder().silence(400).word(500).silence(3000).pcm();
  const AmdRun r = run(pcm);
  EXPECT_EQ(r.result, CalleeType::kVoice);
  EXPECT_EQ(r.reason, "short_greeting");
  EXPECT_EQ(r.decisions, 1);
  // Decided by the pause after the word (800 ms), not by the end of the window.
  EXPECT_GE(r.decision_ms, 400 + 500 + 800 - 60);
  EXPECT_LE(r.decision_ms, 400 + 500 + 800 + 200);
  EXPECT_EQ(r.ready_ms, -1);  // ready_for_message is a machine's matter
}

TEST(Amd, ThreeWordGreetingIsAPerson) {
  // "Hi, this is Sam."
  const auto pcm = AnswerBuilder()
                       .silence(300)
                       .word(250)
                       .silence(180)
                       .word(300)
                       .silence(150)
                       .word(350)
                       .silence(3000)
                       .pcm();
  EXPECT_EQ(run(pcm).result, CalleeType::kVoice);
}

TEST(Amd, LongGreetingIsAMachine) {
  AnswerBuilder b;
  b.silence(600);
  for (int i = 0; i < 6; ++i) b.word(500).silence(150);
  b.silence(3000);
  const AmdRun r = run(b.pcm());
  EXPECT_EQ(r.result, CalleeType::kAnsweringMachine);
  EXPECT_EQ(r.reason, "long_greeting");
  // 1.5 s of speech (plus the pauses between) after the 0.6 s lead-in.
  EXPECT_GE(r.decision_ms, 600 + 1500);
  EXPECT_LT(r.decision_ms, 4000);
}

TEST(Amd, ManyShortWordsAreAMachine) {
  AnswerBuilder b;
  b.silence(300);
  for (int i = 0; i < 8; ++i) b.word(140).silence(250);
  b.silence(3000);
  const AmdRun r = run(b.pcm());
  EXPECT_EQ(r.result, CalleeType::kAnsweringMachine);
  EXPECT_EQ(r.reason, "too_many_words");
}

TEST(Amd, SilenceIsUnknown) {
  const AmdRun quiet = run(AnswerBuilder().silence(6000).pcm());
  EXPECT_EQ(quiet.result, CalleeType::kUnknown);
  EXPECT_EQ(quiet.reason, "initial_silence");
  EXPECT_EQ(quiet.decision_ms, 2500);
  // Line noise is silence too.
  EXPECT_EQ(run(AnswerBuilder().silence(6000).noise(-50).pcm()).result, CalleeType::kUnknown);
}

TEST(Amd, NoPatternWithinTheWindowIsUnknown) {
  // A late start and measured words with medium pauses: neither rule is met by 4 s.
  const auto pcm = AnswerBuilder()
                       .silence(2000)
                       .word(400)
                       .silence(500)
                       .word(400)
                       .silence(500)
                       .word(400)
                       .silence(2000)
                       .pcm();
  const AmdRun r = run(pcm);
  EXPECT_EQ(r.result, CalleeType::kUnknown);
  EXPECT_EQ(r.reason, "timeout");
  EXPECT_EQ(r.decision_ms, 4000);
  // A shorter window ends sooner.
  AmdSettings s;
  s.decision_ms = 1000;
  const AmdRun short_window = run(AnswerBuilder().silence(3000).pcm(), 160, s);
  EXPECT_EQ(short_window.result, CalleeType::kUnknown);
  EXPECT_EQ(short_window.decision_ms, 1000);
}

TEST(Amd, FaxCallingToneIsAFax) {
  for (double hz : {1062.0, 1100.0, 1138.0}) {
    const auto pcm =
        AnswerBuilder().silence(200).tone(hz, 500, -20).silence(3000).tone(hz, 500).pcm();
    const AmdRun r = run(pcm);
    EXPECT_EQ(r.result, CalleeType::kFax) << hz;
    EXPECT_EQ(r.reason, "cng") << hz;
    // Decided when the first burst ends.
    EXPECT_LE(r.decision_ms, 200 + 500 + 60) << hz;
  }
  // Noisy line (about 20 dB below the tone).
  const auto noisy = AnswerBuilder().tone(1100, 520, -20).silence(3000).noise(-40).pcm();
  EXPECT_EQ(run(noisy).result, CalleeType::kFax);
}

TEST(Amd, FaxAnswerToneIsAFax) {
  const AmdRun r = run(AnswerBuilder().silence(300).tone(2100, 3300, -15).silence(500).pcm());
  EXPECT_EQ(r.result, CalleeType::kFax);
  EXPECT_EQ(r.reason, "ced");
}

TEST(Amd, ToneOutsideTheFaxBandIsAMachineBeep) {
  // A machine that only beeps.
  const AmdRun r = run(AnswerBuilder().silence(500).tone(800, 400).silence(3000).pcm());
  EXPECT_EQ(r.result, CalleeType::kAnsweringMachine);
  EXPECT_EQ(r.reason, "beep");
  // And a long tone at the fax frequency is no CNG burst: a beep.
  const AmdRun long_1100 = run(AnswerBuilder().tone(1100, 1500).silence(3000).pcm());
  EXPECT_EQ(long_1100.result, CalleeType::kAnsweringMachine);
}

TEST(Amd, ShortGreetingEndingInABeepIsAMachine) {
  // "Leave a message." and the beep, 1100 Hz included: after speech it is no fax tone.
  for (double hz : {1100.0, 1400.0}) {
    const auto pcm =
        AnswerBuilder().silence(300).word(700).silence(300).tone(hz, 500).silence(3000).pcm();
    const AmdRun r = run(pcm);
    EXPECT_EQ(r.result, CalleeType::kAnsweringMachine) << hz;
    EXPECT_EQ(r.reason, "beep") << hz;
    EXPECT_GE(r.ready_ms, 300 + 700 + 300 + 500) << hz;
    EXPECT_LE(r.ready_ms, 300 + 700 + 300 + 500 + 60) << hz;
  }
}

TEST(Amd, ReadyForMessageWhenTheBeepEnds) {
  AnswerBuilder b;
  b.silence(500);
  for (int i = 0; i < 7; ++i) b.word(450).silence(200);
  b.silence(400);
  const std::int64_t beep_start = b.ms();
  b.tone(1000, 600, -18);
  const std::int64_t beep_end = b.ms();
  b.silence(3000).noise(-55);

  AnsweringMachineDetector amd;
  const auto& pcm = b.pcm();
  std::int64_t first_ready = -1;
  for (std::size_t i = 0; i < pcm.size(); i += 160) {
    (void)amd.feed(std::span(pcm).subspan(i, std::min<std::size_t>(160, pcm.size() - i)));
    if (amd.ready_for_message() && first_ready < 0) first_ready = amd.audio_ms();
  }
  EXPECT_EQ(amd.result(), CalleeType::kAnsweringMachine);
  EXPECT_EQ(amd.reason(), "long_greeting");
  EXPECT_LT(amd.decision_ms(), beep_start);
  ASSERT_TRUE(amd.ready_for_message());
  EXPECT_TRUE(amd.beep_heard());
  EXPECT_NEAR(amd.beep_hz(), 1000.0, 15.0);
  // Not before the beep has ended, and within two blocks after.
  EXPECT_GE(first_ready, beep_end);
  EXPECT_LE(first_ready, beep_end + 40);
  EXPECT_EQ(amd.ready_ms(), first_ready);
}

TEST(Amd, ReadyForMessageAfterSilenceWhenThereIsNoBeep) {
  AnswerBuilder b;
  b.silence(500);
  for (int i = 0; i < 8; ++i) b.word(450).silence(250);
  const std::int64_t greeting_end = b.ms() - 250;
  b.silence(5000);
  const AmdRun r = run(b.pcm());
  EXPECT_EQ(r.result, CalleeType::kAnsweringMachine);
  const AmdSettings defaults;
  // (The word's last 10 ms fade out, below the VAD's threshold.)
  EXPECT_GE(r.ready_ms, greeting_end + defaults.no_beep_silence_ms - 40);
  EXPECT_LE(r.ready_ms, greeting_end + defaults.no_beep_silence_ms + 200);
}

TEST(Amd, GreetingThatNeverEndsIsReadyAfterTheTimeout) {
  AmdSettings s;
  s.beep_timeout_ms = 5000;
  AnswerBuilder b;
  for (int i = 0; i < 40; ++i) b.word(400).silence(120);
  const AmdRun r = run(b.pcm(), 160, s);
  EXPECT_EQ(r.result, CalleeType::kAnsweringMachine);
  EXPECT_EQ(r.ready_ms, r.decision_ms + 5000);
}

TEST(Amd, FrameSizeDoesNotChangeTheOutcome) {
  AnswerBuilder b;
  b.silence(500);
  for (int i = 0; i < 6; ++i) b.word(450).silence(200);
  b.silence(300).tone(1400, 400).silence(3000).noise(-50);
  const AmdRun reference = run(b.pcm());
  ASSERT_EQ(reference.result, CalleeType::kAnsweringMachine);
  ASSERT_GE(reference.ready_ms, 0);
  for (std::size_t frame : {1u, 7u, 80u, 159u, 161u, 240u, 1000u, 48000u}) {
    const AmdRun r = run(b.pcm(), frame);
    EXPECT_EQ(r.result, reference.result) << frame;
    EXPECT_EQ(r.decision_ms, reference.decision_ms) << frame;
    EXPECT_EQ(r.ready_ms, reference.ready_ms) << frame;
    EXPECT_EQ(r.decisions, 1) << frame;
  }
}

TEST(Amd, GarbageNeverStallsOrThrows) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> sample(-32768, 32767);
  std::uniform_int_distribution<int> size(0, 400);
  for (int round = 0; round < 12; ++round) {
    AnsweringMachineDetector amd;
    std::vector<std::int16_t> pcm(8000 * 5);
    for (auto& s : pcm) s = static_cast<std::int16_t>(sample(rng));
    if (round % 4 == 1) std::fill(pcm.begin(), pcm.end(), std::int16_t{-32768});
    if (round % 4 == 2)
      for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = (i / 4) % 2 ? 32767 : -32768;
    int decisions = 0;
    for (std::size_t i = 0; i < pcm.size();) {
      const auto n = std::min<std::size_t>(static_cast<std::size_t>(size(rng)), pcm.size() - i);
      if (amd.feed(std::span(pcm).subspan(i, n))) ++decisions;
      i += n;
    }
    (void)amd.feed({});
    // Whatever it was, the window has passed: a decision, made once.
    EXPECT_NE(amd.result(), CalleeType::kProcessing) << round;
    EXPECT_EQ(decisions, 1) << round;
    EXPECT_LE(amd.decision_ms(), 4000) << round;
  }
}

}  // namespace
}  // namespace keyline::media
